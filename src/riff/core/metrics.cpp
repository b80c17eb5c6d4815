#include "riff/core/metrics.hpp"

#include <fmt/format.h>

namespace riff {

void Histogram::observe(double seconds) {
  std::size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

Metrics::Family& Metrics::family(const std::string& name, const std::string& help, const std::string& type) {
  for (auto& f : families_) {
    if (f->name == name) return *f;
  }
  auto f = std::make_unique<Family>();
  f->name = name;
  f->help = help;
  f->type = type;
  families_.push_back(std::move(f));
  return *families_.back();
}

Counter& Metrics::counter(const std::string& name, const std::string& help, const std::string& labels) {
  std::lock_guard lock(mu_);
  Family& f = family(name, help, "counter");
  for (auto& [l, c] : f.counters) {
    if (l == labels) return *c;
  }
  f.counters.emplace_back(labels, std::make_unique<Counter>());
  return *f.counters.back().second;
}

Histogram& Metrics::histogram(const std::string& name, const std::string& help, const std::string& labels) {
  std::lock_guard lock(mu_);
  Family& f = family(name, help, "histogram");
  for (auto& [l, h] : f.histograms) {
    if (l == labels) return *h;
  }
  f.histograms.emplace_back(labels, std::make_unique<Histogram>());
  return *f.histograms.back().second;
}

void Metrics::gauge(const std::string& name, const std::string& help, std::function<double()> fn) {
  std::lock_guard lock(mu_);
  family(name, help, "gauge").gauge_fn = std::move(fn);
}

std::string Metrics::render() const {
  std::lock_guard lock(mu_);
  std::string out;
  auto braces = [](const std::string& labels, const std::string& extra) {
    std::string all = labels;
    if (!extra.empty()) all += (all.empty() ? "" : ",") + extra;
    return all.empty() ? std::string() : "{" + all + "}";
  };
  for (const auto& f : families_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", f->name, f->help, f->name, f->type);
    if (f->gauge_fn) out += fmt::format("{} {}\n", f->name, f->gauge_fn());
    for (const auto& [labels, c] : f->counters) {
      out += fmt::format("{}{} {}\n", f->name, braces(labels, ""), c->value());
    }
    for (const auto& [labels, h] : f->histograms) {
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < Histogram::kBounds.size(); ++i) {
        cumulative += h->buckets_[i].load(std::memory_order_relaxed);
        out += fmt::format("{}_bucket{} {}\n", f->name,
                           braces(labels, fmt::format("le=\"{}\"", Histogram::kBounds[i])), cumulative);
      }
      cumulative += h->buckets_.back().load(std::memory_order_relaxed);
      out += fmt::format("{}_bucket{} {}\n", f->name, braces(labels, "le=\"+Inf\""), cumulative);
      out += fmt::format("{}_sum{} {}\n", f->name, braces(labels, ""),
                         static_cast<double>(h->sum_us_.load(std::memory_order_relaxed)) / 1e6);
      out += fmt::format("{}_count{} {}\n", f->name, braces(labels, ""), h->count());
    }
  }
  return out;
}

}  // namespace riff
