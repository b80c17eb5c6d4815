#include "riff/net/rate_limiter.hpp"

#include <cmath>

namespace riff::net {

void InMemoryRateLimiter::add_bucket(std::string name, double capacity, double per_second) {
  std::lock_guard lock(mu_);
  rules_[std::move(name)] = {capacity, per_second};
}

int InMemoryRateLimiter::acquire(std::string_view bucket, std::string_view key) {
  double now = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  std::lock_guard lock(mu_);
  auto rule = rules_.find(std::string(bucket));
  if (rule == rules_.end()) return 0;
  const auto [capacity, rate] = rule->second;
  // Full buckets carry no information: sweep them now and then to bound memory.
  if (now - last_sweep_s_ > 60) {
    for (auto it = states_.begin(); it != states_.end();) {
      it = (now - it->second.at_s) * rate + it->second.tokens >= capacity ? states_.erase(it) : std::next(it);
    }
    last_sweep_s_ = now;
  }
  std::string k = std::string(bucket) + '\n' + std::string(key);
  auto [it, fresh] = states_.try_emplace(k, State{capacity, now});
  State& s = it->second;
  s.tokens = std::min(capacity, s.tokens + (now - s.at_s) * rate);
  s.at_s = now;
  if (s.tokens >= 1.0) {
    s.tokens -= 1.0;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1.0 - s.tokens) / rate)));
}

}  // namespace riff::net
