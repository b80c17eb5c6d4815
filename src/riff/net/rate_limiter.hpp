#pragma once
// Token-bucket rate limits per (bucket, key), kept in memory on one node.
// (Several nodes share limits through Redis: a later RedisRateLimiter.)

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "riff/net/server.hpp"

namespace riff::net {

class InMemoryRateLimiter final : public RateLimiter {
 public:
  /// `capacity` requests at once, refilled at `per_second`.
  void add_bucket(std::string name, double capacity, double per_second);
  int acquire(std::string_view bucket, std::string_view key) override;

 private:
  struct Rule {
    double capacity, per_second;
  };
  struct State {
    double tokens;
    double at_s;
  };
  std::mutex mu_;
  std::unordered_map<std::string, Rule> rules_;
  std::unordered_map<std::string, State> states_;
  double last_sweep_s_ = 0;
};

}  // namespace riff::net
