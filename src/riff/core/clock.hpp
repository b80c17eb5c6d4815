#pragma once
// Time, injected so that tests can move it.

#include <atomic>
#include <cstdint>
#include <string>

namespace riff {

/// Milliseconds since the Unix epoch, UTC. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t now_ms() const override;
};

/// A clock that only moves when told to. For tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start_ms) : now_(start_ms) {}
  std::int64_t now_ms() const override { return now_.load(); }
  void advance_ms(std::int64_t d) { now_ += d; }
  void set_ms(std::int64_t t) { now_ = t; }

 private:
  std::atomic<std::int64_t> now_;
};

/// RFC 3339 in UTC with milliseconds: "2026-11-22T11:25:23.000Z".
std::string to_rfc3339(std::int64_t unix_ms);

}  // namespace riff
