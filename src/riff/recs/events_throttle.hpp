#pragma once
// EventThrottle: a token bucket per key (a viewer, or an address), in
// memory on one node, that decides how many of a batch's events are taken.
// Events beyond the bucket are dropped by the caller and only counted, so a
// flood from one account never reaches the log, trending or the model.
//
// Memory: one small entry per key seen in the last refill period; idle
// buckets (full again) are swept as new keys arrive.
//
// Thread-safe.

#include <cstdint>
#include <mutex>
#include <unordered_map>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"

namespace riff::recs {

class EventThrottle {
 public:
  /// Each key may send `burst` events at once, refilled at `per_minute`.
  EventThrottle(const Clock& clock, double per_minute, double burst);

  /// Takes up to `n` tokens from `key`'s bucket; returns how many it got.
  int take(Id key, int n);

  std::size_t keys() const;

 private:
  struct Bucket {
    double tokens;
    std::int64_t at_ms;
  };
  void sweep(std::int64_t now_ms);  // requires mu_

  const Clock& clock_;
  const double per_ms_, burst_;
  mutable std::mutex mu_;
  std::unordered_map<Id, Bucket> buckets_;
  std::int64_t last_sweep_ms_ = 0;
};

}  // namespace riff::recs
