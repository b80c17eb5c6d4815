#include "riff/music/charts_cli.hpp"

#include <chrono>
#include <cstdio>

namespace riff::music {

int run_charts_command(Charts& charts, const std::string& week) {
  const auto started = std::chrono::steady_clock::now();
  auto elapsed_ms = [&] {
    return static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::steady_clock::now() - started)
                                      .count());
  };
  if (week.empty()) {
    auto n = charts.compute_due();
    if (!n) {
      std::fprintf(stderr, "riffd music charts: %s\n", n.status().message().c_str());
      return 2;
    }
    std::printf("%d week(s) stored in %lld ms\n", *n, elapsed_ms());
    return 0;
  }
  const auto day = parse_day(week);
  if (!day) {
    std::fprintf(stderr, "riffd music charts: --week is a date, YYYY-MM-DD\n");
    return 1;
  }
  auto n = charts.recompute(*day);
  if (!n) {
    std::fprintf(stderr, "riffd music charts: %s\n", n.status().message().c_str());
    return n.status().code() == Code::kInvalid ? 1 : 2;
  }
  std::printf("from %s: %d week(s) recomputed in %lld ms\n", week.c_str(), *n, elapsed_ms());
  return 0;
}

}  // namespace riff::music
