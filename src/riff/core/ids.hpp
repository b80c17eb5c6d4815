#pragma once
// 64-bit time-ordered ids: 41 bits of milliseconds since 2024-01-01 UTC,
// 10 bits of node id, 12 bits of sequence. Sorted by id is sorted by creation
// time, which is what cursor pagination relies on. Written as decimal strings
// in JSON (JavaScript numbers lose precision above 2^53).

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace riff {

using Id = std::int64_t;

class Clock;

/// Makes unique ids on one node. Thread-safe.
class IdGenerator {
 public:
  static constexpr std::int64_t kEpochMs = 1704067200000;  // 2024-01-01T00:00:00Z
  explicit IdGenerator(const Clock& clock, int node_id = 0);
  Id next();

  /// The creation time encoded in an id, in ms since the Unix epoch.
  static std::int64_t time_of(Id id) { return (id >> 22) + kEpochMs; }
  /// The smallest id that could have been made at `unix_ms`.
  static Id min_id_at(std::int64_t unix_ms) { return (unix_ms - kEpochMs) << 22; }

 private:
  const Clock& clock_;
  std::int64_t node_;
  std::mutex mu_;
  std::int64_t last_ms_ = 0;
  std::int64_t seq_ = 0;
};

std::string id_to_string(Id id);
/// Parses a decimal id; nullopt for anything that is not a positive 64-bit integer.
std::optional<Id> parse_id(std::string_view s);

}  // namespace riff
