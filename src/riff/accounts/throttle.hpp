#pragma once
// Login-failure and signup throttling, in memory.
//
// Each key (an account, a client address) keeps the times of its recent
// events in a sliding window; once a key holds `limit` events inside the
// window it is refused until the oldest of them leaves the window, and the
// caller learns how many seconds that is (for Retry-After).
//
// Memory is bounded: keys whose events have all left the window are dropped,
// and past `max_keys` the least recently used keys go first.
//
// In-memory means per node: with several nodes behind a load balancer each
// node counts on its own (a Redis-backed throttle can replace this class).
//
// Thread-safe.

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace riff::accounts {

/// Counts events per key in a sliding window.
class SlidingWindowCounter {
 public:
  SlidingWindowCounter(int limit, std::int64_t window_ms, std::size_t max_keys);

  /// 0 when `key` is below its limit at `now_ms`, else seconds until it is (>= 1).
  int retry_after_s(std::string_view key, std::int64_t now_ms);
  /// Records one event for `key`.
  void record(std::string_view key, std::int64_t now_ms);
  /// Forgets `key`'s events (a successful login clears its account's failures).
  void clear(std::string_view key);
  std::size_t key_count() const;

 private:
  struct Entry {
    std::deque<std::int64_t> times;  // ascending, at most limit_
    std::int64_t last_used = 0;
  };
  void prune(Entry& e, std::int64_t now_ms) const;
  void evict(std::int64_t now_ms);

  const int limit_;
  const std::int64_t window_ms_;
  const std::size_t max_keys_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

struct ThrottleOptions {
  int login_failures_per_account = 5;
  int login_failures_per_ip = 50;
  int login_window_s = 900;
  int signups_per_ip_per_hour = 200;
  std::size_t max_keys = 100'000;  // per counter
};

/// The throttles of the accounts service. Thread-safe.
class AuthThrottle {
 public:
  explicit AuthThrottle(const ThrottleOptions& options);

  /// Seconds to wait before another login attempt from `ip` or for `account`
  /// (0 = go ahead). Either argument may be empty to skip that check.
  int login_retry_after_s(std::string_view account, std::string_view ip, std::int64_t now_ms);
  void record_login_failure(std::string_view account, std::string_view ip, std::int64_t now_ms);
  void record_login_success(std::string_view account);

  int signup_retry_after_s(std::string_view ip, std::int64_t now_ms);
  void record_signup(std::string_view ip, std::int64_t now_ms);

 private:
  SlidingWindowCounter per_account_;
  SlidingWindowCounter per_ip_;
  SlidingWindowCounter signups_;
};

}  // namespace riff::accounts
