// The command line of `riffd sim-foryou`: its flags and the printed report.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <numeric>

#include "riff/video/foryou_sim.hpp"

namespace riff::video {

void add_sim_foryou_flags(CLI::App& cmd, ForYouSimOptions& o) {
  cmd.add_option("--videos", o.videos, "videos in the catalog")->capture_default_str();
  cmd.add_option("--creators", o.creators, "creators (each mostly posts in one topic)")
      ->capture_default_str();
  cmd.add_option("--topics", o.topics, "hidden topics, tagged as #topicN")->capture_default_str();
  cmd.add_option("--viewers", o.viewers, "viewers, arriving one after another")
      ->capture_default_str();
  cmd.add_option("--sessions", o.sessions, "sessions per viewer")->capture_default_str();
  cmd.add_option("--pages", o.pages, "pages per session")->capture_default_str();
  cmd.add_option("--page", o.page, "videos per page")->capture_default_str();
  cmd.add_option("--window", o.window, "impressions in the sliding window of 'swipes to target'")
      ->capture_default_str();
  cmd.add_option("--target", o.target, "the fraction of the oracle's completion to reach")
      ->capture_default_str();
  cmd.add_option("--buckets", o.buckets, "time buckets in the report")->capture_default_str();
  cmd.add_option("--dim", o.dim, "embedding size of the For You model")->capture_default_str();
  cmd.add_option("--taste-weight", o.taste_weight, "the model's taste weight (serving: 0)")
      ->capture_default_str();
  cmd.add_option("--learning-rate", o.learning_rate,
                 "the model's Adagrad learning rate (serving: 0.05)")
      ->capture_default_str();
  cmd.add_option("--exploration-every", o.exploration_every,
                 "one slot in this many for a fresh video (serving: 5; 0: none)")
      ->capture_default_str();
  cmd.add_option(
         "--affinity-weight", o.affinity_weight,
         "weight of the viewer's hashtag and sound affinity in the score (-1: serving's default)")
      ->capture_default_str();
  cmd.add_option("--seed", o.seed, "seed of the world and of the viewers' draws")
      ->capture_default_str();
  cmd.add_option("--policies", o.policies,
                 "comma-separated: riff, random, popularity, popular-rate, oracle")
      ->capture_default_str();
  cmd.add_option("--out", o.out, "write every impression to this CSV");
}

int sim_foryou_main(const ForYouSimOptions& o) {
  auto report = run_foryou_sim(o);
  if (!report) {
    std::fprintf(stderr, "riffd sim-foryou: %s\n", report.status().message().c_str());
    return 2;
  }
  const auto& r = *report;
  std::printf(
      "%d videos from %d creators in %d topics; %d viewers x %d sessions x %d pages of %d;"
      " %d ticks of %lld s; seed %llu; riff: dim %d, taste weight %.2f, learning rate %.3f, "
      "exploration 1 in %d\n\n",
      o.videos, o.creators, o.topics, o.viewers, o.sessions, o.pages, o.page, r.ticks,
      static_cast<long long>(r.tick_ms / 1000), static_cast<unsigned long long>(o.seed), o.dim,
      o.taste_weight, o.learning_rate, o.exploration_every);
  std::printf("Completion per impression (completed / shown), by %s of the run:\n\n",
              o.buckets == 10 ? "tenth" : "bucket");
  std::printf("| policy |");
  for (int b = 1; b <= o.buckets; ++b) std::printf(" %d |", b);
  std::printf(" overall | impressions | seconds |\n|---|");
  for (int b = 0; b <= o.buckets; ++b) std::printf("---|");
  std::printf("---|---|\n");
  for (const auto& p : r.policies) {
    std::printf("| %s |", p.name.c_str());
    for (std::size_t b = 0; b < p.bucket_impressions.size(); ++b) {
      const auto n = p.bucket_impressions[b];
      std::printf(" %.3f |",
                  n ? static_cast<double>(p.bucket_completions[b]) / static_cast<double>(n) : 0.0);
    }
    std::printf(" %.3f | %lld | %.1f |\n", p.rate(), static_cast<long long>(p.impressions),
                p.seconds);
  }
  // The same by the viewer's own swipe count: how fast a new viewer is served.
  const int swipes = o.sessions * o.pages * o.page;
  const int group = (swipes + o.buckets - 1) / o.buckets;
  std::printf("\nMean hidden completion probability by the viewer's swipe number:\n\n| policy |");
  for (int g = 0; g * group < swipes; ++g)
    std::printf(" %d-%d |", g * group + 1, std::min(swipes, (g + 1) * group));
  std::printf("\n|---|");
  for (int g = 0; g * group < swipes; ++g) std::printf("---|");
  std::printf("\n");
  for (const auto& p : r.policies) {
    std::printf("| %s |", p.name.c_str());
    for (int g = 0; g * group < swipes; ++g) {
      double sum = 0;
      std::int64_t n = 0;
      for (const auto& shown : p.shown_p) {
        for (int i = g * group; i < std::min<int>((g + 1) * group, static_cast<int>(shown.size()));
             ++i, ++n)
          sum += shown[static_cast<std::size_t>(i)];
      }
      std::printf(" %.3f |", n ? sum / static_cast<double>(n) : 0.0);
    }
    std::printf("\n");
  }

  for (const auto& p : r.policies) {
    if (p.by_source.empty()) continue;
    std::printf(
        "\n%s's impressions by the source that chose them (ForYouEngine::why()):\n\n"
        "| source | share of impressions | completion per impression |\n|---|---|---|\n",
        p.name.c_str());
    for (const auto& [source, n] : p.by_source) {
      std::printf("| %s | %.1f%% | %.3f |\n", source.c_str(),
                  100.0 * static_cast<double>(n.first) / static_cast<double>(p.impressions),
                  static_cast<double>(n.second) / static_cast<double>(n.first));
    }
  }
  if (r.policies.empty() || r.policies[0].swipes_to_target.empty()) return 0;

  std::printf(
      "\nSwipes until a new viewer's completion reaches %.0f%% of the oracle's: per viewer,"
      " the first n >= %d where the mean hidden completion probability of their impressions"
      " n-%d+1..n is at least %.2f x the oracle's over the same impressions of the same"
      " viewer. Mean and median over the viewers who reach it; 'early' and 'late' are"
      " viewers arriving in the first and second half of the arrivals.\n\n",
      100 * o.target, o.window, o.window, o.target);
  std::printf(
      "| policy | reached | mean | median | median, early | median, late |\n"
      "|---|---|---|---|---|---|\n");
  const int half = r.arrival_tick.empty() ? 0 : r.arrival_tick.back() / 2;
  for (const auto& p : r.policies) {
    if (p.name == "oracle") continue;
    std::vector<int> all, early, late;
    for (std::size_t v = 0; v < p.swipes_to_target.size(); ++v) {
      const int n = p.swipes_to_target[v];
      if (n < 0) continue;
      all.push_back(n);
      (r.arrival_tick[v] <= half ? early : late).push_back(n);
    }
    auto median = [](std::vector<int> v) -> std::string {
      if (v.empty()) return "-";
      std::sort(v.begin(), v.end());
      return std::to_string(v[v.size() / 2]);
    };
    const double mean = all.empty()
                            ? 0
                            : static_cast<double>(std::accumulate(all.begin(), all.end(), 0LL)) /
                                  static_cast<double>(all.size());
    std::printf("| %s | %zu / %zu | %.1f | %s | %s | %s |\n", p.name.c_str(), all.size(),
                p.swipes_to_target.size(), mean, median(all).c_str(), median(early).c_str(),
                median(late).c_str());
  }
  return 0;
}

}  // namespace riff::video
