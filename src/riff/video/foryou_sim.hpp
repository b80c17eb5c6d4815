#pragma once
// `riffd sim-foryou`: an online simulation of For You.
//
// Videos have a hidden topic (tagged as a hashtag, as a creator would) and
// a hidden quality; viewers have a hidden taste over topics. A viewer
// finishes a video with probability
//   p = taste[topic] x (0.25 + 0.75 x quality)
// Viewers arrive over the run (each one new), come back for a few sessions
// of a few pages each, and the same world is played against five policies:
//   riff          the real ForYouEngine over a real (temporary, SQLite)
//                 database: rank() for each page, on_events() with what the
//                 viewer did, step() between pages (every tick), as serving does;
//   random        uniform over the videos the viewer has not seen;
//   popularity    the videos most completed so far (by every viewer);
//   popular-rate  the best smoothed completion rate so far (a greedy bandit);
//   oracle        the videos with the best p for this viewer (knows the tastes).
// Riff's exploration draws from std::random_device, so its figures move a
// little from run to run; the other policies repeat exactly for a seed.
// The report is completion per impression over time, and how many swipes a
// new viewer needs before riff's completion comes within `target` of the
// oracle's for that viewer (see ForYouSimPolicy::swipes_to_target).
//
// Single-threaded; runs on the calling thread.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "riff/core/status.hpp"

namespace CLI {
class App;
}

namespace riff::video {

struct ForYouSimOptions {
  int videos = 2000;
  int creators = 200;
  int topics = 20;
  int viewers = 300;
  int sessions = 4;  // per viewer
  int pages = 5;     // per session
  int page = 10;     // videos per page
  /// Impressions in the sliding window of "swipes to target".
  int window = 10;
  double target = 0.7;  // of the oracle's completion
  int buckets = 10;     // time buckets of the report
  /// The engine's and the model's settings: serving's defaults unless changed.
  int dim = 64;
  float taste_weight = 0.0f;    // recs::ModelOptions::taste_weight
  float learning_rate = 0.05f;  // recs::ModelOptions::learning_rate
  int exploration_every = 5;    // ForYouOptions::exploration_every (0: none)
  double affinity_weight = -1;  // ForYouOptions::affinity_weight (-1: serving's default)
  std::uint64_t seed = 42;
  /// Comma-separated, among riff, random, popularity, popular-rate, oracle.
  std::string policies = "riff,random,popularity,popular-rate,oracle";
  std::string out;  // CSV of every impression; empty: none
};

struct ForYouSimPolicy {
  std::string name;
  std::int64_t impressions = 0, completions = 0;
  /// Per time bucket (ticks of the run cut into `buckets` equal parts).
  std::vector<std::int64_t> bucket_impressions, bucket_completions;
  /// Per viewer, in arrival order: the hidden completion probability of each
  /// video they were shown, in the order shown.
  std::vector<std::vector<float>> shown_p;
  /// Per viewer: the smallest n >= window such that the mean p over the
  /// viewer's impressions n-window+1..n under this policy is at least
  /// target x the mean p over the same impressions (same indices) under the
  /// oracle; -1 when it never is. Filled by run_foryou_sim() when the oracle ran.
  std::vector<int> swipes_to_target;
  /// Riff only: (impressions, completions) per candidate source, from why().
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> by_source;
  double seconds = 0;

  double rate() const {
    return impressions ? static_cast<double>(completions) / static_cast<double>(impressions) : 0;
  }
};

struct ForYouSimReport {
  int ticks = 0;
  std::int64_t tick_ms = 0;       // simulated time per tick (one page per active viewer)
  std::vector<int> arrival_tick;  // per viewer
  std::vector<ForYouSimPolicy> policies;
};

/// Runs the simulation: builds the world from `options.seed`, a temporary
/// database (removed afterwards) for riff, and every policy asked for.
Result<ForYouSimReport> run_foryou_sim(const ForYouSimOptions& options);

/// Adds the subcommand's flags to `cmd`, writing into `options` (foryou_sim_cli.cpp).
void add_sim_foryou_flags(CLI::App& cmd, ForYouSimOptions& options);

/// Runs the simulation and prints the report; returns the process exit code.
int sim_foryou_main(const ForYouSimOptions& options);

}  // namespace riff::video
