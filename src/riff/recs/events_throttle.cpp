#include "riff/recs/events_throttle.hpp"

#include <algorithm>
#include <cmath>

namespace riff::recs {

EventThrottle::EventThrottle(const Clock& clock, double per_minute, double burst)
    : clock_(clock), per_ms_(per_minute / 60'000.0), burst_(std::max(1.0, burst)) {}

int EventThrottle::take(Id key, int n) {
  if (n <= 0) return 0;
  const std::int64_t now = clock_.now_ms();
  std::lock_guard lock(mu_);
  sweep(now);
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh && now > b.at_ms) {
    b.tokens = std::min(burst_, b.tokens + static_cast<double>(now - b.at_ms) * per_ms_);
    b.at_ms = now;
  }
  const int granted = static_cast<int>(std::min<double>(n, std::floor(b.tokens)));
  b.tokens -= granted;
  return granted;
}

void EventThrottle::sweep(std::int64_t now_ms) {
  // A bucket idle for as long as it takes to refill is indistinguishable from a new one.
  const auto refill_ms = static_cast<std::int64_t>(burst_ / std::max(per_ms_, 1e-9));
  if (now_ms - last_sweep_ms_ < std::max<std::int64_t>(refill_ms, 1000) || buckets_.size() < 1024) {
    return;
  }
  last_sweep_ms_ = now_ms;
  std::erase_if(buckets_, [&](const auto& kv) { return now_ms - kv.second.at_ms >= refill_ms; });
}

std::size_t EventThrottle::keys() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

}  // namespace riff::recs
