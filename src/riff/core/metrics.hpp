#pragma once
// Prometheus metrics: counters and latency histograms, rendered in the text
// exposition format for /metrics.
//
// Registration happens at start-up; observe/inc are lock-free atomics and safe
// from any thread. Handles returned by register_* live as long as Metrics.

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace riff {

class Counter {
 public:
  void inc(std::uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> v_{0};
};

/// A histogram with fixed buckets in seconds (5 ms .. 10 s).
class Histogram {
 public:
  static constexpr std::array<double, 12> kBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,   0.25,   0.5,   1.0,  5.0};
  void observe(double seconds);
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  friend class Metrics;
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_us_{0};
};

class Metrics {
 public:
  /// `labels` is the rendered label set without braces: `route="/x",method="GET"`.
  Counter& counter(const std::string& name, const std::string& help, const std::string& labels = "");
  Histogram& histogram(const std::string& name, const std::string& help, const std::string& labels = "");
  /// A value computed at scrape time (open connections, queue depth).
  void gauge(const std::string& name, const std::string& help, std::function<double()> fn);

  std::string render() const;

 private:
  struct Family {
    std::string name, help, type;
    std::vector<std::pair<std::string, std::unique_ptr<Counter>>> counters;
    std::vector<std::pair<std::string, std::unique_ptr<Histogram>>> histograms;
    std::function<double()> gauge_fn;
  };
  Family& family(const std::string& name, const std::string& help, const std::string& type);
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Family>> families_;
};

}  // namespace riff
