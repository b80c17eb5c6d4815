#include "riff/accounts/throttle.hpp"

#include <algorithm>
#include <vector>

namespace riff::accounts {

SlidingWindowCounter::SlidingWindowCounter(int limit, std::int64_t window_ms, std::size_t max_keys)
    : limit_(std::max(limit, 1)),
      window_ms_(std::max<std::int64_t>(window_ms, 1)),
      max_keys_(std::max<std::size_t>(max_keys, 1)) {}

void SlidingWindowCounter::prune(Entry& e, std::int64_t now_ms) const {
  while (!e.times.empty() && e.times.front() <= now_ms - window_ms_) e.times.pop_front();
}

int SlidingWindowCounter::retry_after_s(std::string_view key, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(std::string(key));
  if (it == entries_.end()) return 0;
  Entry& e = it->second;
  prune(e, now_ms);
  if (static_cast<int>(e.times.size()) < limit_) return 0;
  // Free again when the oldest event in the window leaves it.
  std::int64_t wait_ms = e.times.front() + window_ms_ - now_ms;
  return static_cast<int>(std::max<std::int64_t>((wait_ms + 999) / 1000, 1));
}

void SlidingWindowCounter::record(std::string_view key, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(std::string(key));
  if (it == entries_.end()) {
    if (entries_.size() >= max_keys_) evict(now_ms);
    it = entries_.emplace(std::string(key), Entry{}).first;
  }
  Entry& e = it->second;
  prune(e, now_ms);
  e.times.push_back(now_ms);
  // Only the newest `limit_` events decide; older ones cannot matter any more.
  while (static_cast<int>(e.times.size()) > limit_) e.times.pop_front();
  e.last_used = now_ms;
}

void SlidingWindowCounter::clear(std::string_view key) {
  std::lock_guard lock(mu_);
  entries_.erase(std::string(key));
}

std::size_t SlidingWindowCounter::key_count() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

void SlidingWindowCounter::evict(std::int64_t now_ms) {
  // First drop every key whose events have all expired. This is O(keys) but
  // runs only when the table is full, and then frees everything stale at once.
  for (auto it = entries_.begin(); it != entries_.end();) {
    prune(it->second, now_ms);
    it = it->second.times.empty() ? entries_.erase(it) : std::next(it);
  }
  if (entries_.size() < max_keys_) return;
  // Still full of live keys (an attack spreading over many keys): drop the
  // least recently used tenth, so that eviction stays amortised.
  std::vector<std::pair<std::int64_t, std::string>> by_age;
  by_age.reserve(entries_.size());
  for (const auto& [k, e] : entries_) by_age.emplace_back(e.last_used, k);
  std::size_t n = std::max<std::size_t>(by_age.size() / 10, 1);
  std::nth_element(by_age.begin(), by_age.begin() + static_cast<std::ptrdiff_t>(n - 1),
                   by_age.end());
  for (std::size_t i = 0; i < n; ++i) entries_.erase(by_age[i].second);
}

AuthThrottle::AuthThrottle(const ThrottleOptions& o)
    : per_account_(o.login_failures_per_account, std::int64_t{o.login_window_s} * 1000, o.max_keys),
      per_ip_(o.login_failures_per_ip, std::int64_t{o.login_window_s} * 1000, o.max_keys),
      signups_(o.signups_per_ip_per_hour, 3'600'000, o.max_keys) {}

int AuthThrottle::login_retry_after_s(std::string_view account, std::string_view ip,
                                      std::int64_t now_ms) {
  int wait = 0;
  if (!ip.empty()) wait = per_ip_.retry_after_s(ip, now_ms);
  if (!account.empty()) wait = std::max(wait, per_account_.retry_after_s(account, now_ms));
  return wait;
}

void AuthThrottle::record_login_failure(std::string_view account, std::string_view ip,
                                        std::int64_t now_ms) {
  if (!ip.empty()) per_ip_.record(ip, now_ms);
  if (!account.empty()) per_account_.record(account, now_ms);
}

void AuthThrottle::record_login_success(std::string_view account) {
  per_account_.clear(account);
}

int AuthThrottle::signup_retry_after_s(std::string_view ip, std::int64_t now_ms) {
  return signups_.retry_after_s(ip, now_ms);
}

void AuthThrottle::record_signup(std::string_view ip, std::int64_t now_ms) {
  signups_.record(ip, now_ms);
}

}  // namespace riff::accounts
