#include "riff/recs/eval_recs.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "riff/recs/baselines.hpp"
#include "riff/recs/model.hpp"
#include "riff/recs/ranking_eval.hpp"

namespace riff::recs {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

void print_result(const char* model, int epoch, const RankingResult& r, int k, double train_s,
                  double eval_s) {
  std::printf("%-5s epoch %3d  Recall@%d %.4f  NDCG@%d %.4f  users %d  train %.1fs  eval %.1fs\n",
              model, epoch, k, r.recall, k, r.ndcg, r.users, train_s, eval_s);
  std::fflush(stdout);
}

/// Gowalla's dense ids from 0 as riff ids (never 0).
Id viewer_id(std::int32_t u) {
  return Id{u} + 1;
}
Id video_id(std::int32_t i) {
  return Id{i} + 1;
}

int run_riff(const EvalRecsOptions& o, const Interactions& train, const Interactions& test,
             std::int32_t items) {
  ModelOptions mo;
  mo.dim = o.dim;
  mo.learning_rate = o.learning_rate;
  mo.l2 = o.l2;
  mo.negatives = o.negatives;
  mo.batch_size = o.batch_size;
  mo.margin = o.margin;
  mo.negative_weight = o.negative_weight;
  mo.init_stddev = o.init_stddev;
  mo.taste_weight = o.taste_weight;
  mo.taste_window = o.taste_window;
  mo.seed = o.seed;
  Model model(mo);
  NoItemFeatures no_features;

  // Every training interaction is a like, replayed in a new order each epoch.
  std::vector<Event> events;
  events.reserve(train.count);
  for (std::int32_t u = 0; u < train.users(); ++u)
    for (std::int32_t i : train.items_of[u])
      events.push_back(Event{viewer_id(u), video_id(i), EventKind::kLike, 0, 0, 0});

  std::vector<Id> videos(items);
  for (std::int32_t i = 0; i < items; ++i) videos[i] = video_id(i);

  auto evaluate = [&](int epoch, double train_s) {
    const auto t0 = Clock::now();
    const ItemMatrix item_matrix = model.item_matrix(videos, no_features);
    const int d = o.dim;
    RankingResult r = evaluate_ranking(
        train, test, items,
        [&](std::span<const std::int32_t> users, std::vector<float>& scores) {
          std::vector<float> block(users.size() * d);
          for (std::size_t n = 0; n < users.size(); ++n) {
            const auto u = model.user_vector(viewer_id(users[n]));
            std::copy(u.begin(), u.end(), block.begin() + n * d);
          }
          model.score_matrix(block, item_matrix, scores);
        },
        o.k, o.threads, 64);
    print_result("riff", epoch, r, o.k, train_s, seconds_since(t0));
  };

  std::mt19937_64 rng(o.seed);
  double train_s = 0.0;
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    std::shuffle(events.begin(), events.end(), rng);
    for (Event& e : events) e.at_ms = epoch;
    const auto t0 = Clock::now();
    // Learners on several threads at once, as several ingest threads would.
    const int threads = std::max(1, o.threads);
    const std::size_t per = (events.size() + threads - 1) / threads;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      const std::size_t start = std::min(events.size(), t * per);
      const std::size_t n = std::min(per, events.size() - start);
      pool.emplace_back([&, start, n] {
        model.learn(std::span<const Event>(events).subspan(start, n), no_features);
      });
    }
    for (auto& t : pool) t.join();
    train_s += seconds_since(t0);
    if (o.eval_every > 0 && epoch % o.eval_every == 0 && epoch != o.epochs)
      evaluate(epoch, train_s);
  }
  evaluate(o.epochs, train_s);
  std::printf("riff  model memory %.1f MiB (%zu videos known)\n", model.bytes_used() / 1048576.0,
              model.known_videos().size());
  return 0;
}

int run_bpr(const EvalRecsOptions& o, const Interactions& train, const Interactions& test,
            std::int32_t items) {
  BprOptions bo;
  bo.dim = o.dim;
  bo.epochs = o.epochs;
  bo.learning_rate = o.bpr_learning_rate;
  bo.l2 = o.bpr_l2;
  bo.threads = o.threads;
  bo.seed = o.seed;
  BprMf bpr(train, items, bo);
  double train_s = 0.0;
  auto evaluate = [&](int epoch) {
    const auto t0 = Clock::now();
    RankingResult r = evaluate_ranking(
        train, test, items,
        [&](std::span<const std::int32_t> users, std::vector<float>& scores) {
          bpr.score(users, scores);
        },
        o.k, o.threads);
    print_result("bpr", epoch, r, o.k, train_s, seconds_since(t0));
  };
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    const auto t0 = Clock::now();
    bpr.train_epoch(epoch);
    train_s += seconds_since(t0);
    if (o.eval_every > 0 && epoch % o.eval_every == 0 && epoch != o.epochs) evaluate(epoch);
  }
  evaluate(o.epochs);
  return 0;
}

int run_ease(const EvalRecsOptions& o, const Interactions& train, const Interactions& test,
             std::int32_t items) {
  EaseOptions eo;
  eo.lambda = o.ease_lambda;
  eo.min_item_count = o.ease_min_count;
  eo.threads = o.threads;
  Ease ease(train, items, eo);
  const auto t0 = Clock::now();
  if (Status st = ease.fit(); !st) {
    std::fprintf(stderr, "riffd eval-recs: ease: %s\n", st.message().c_str());
    return 1;
  }
  const double train_s = seconds_since(t0);
  std::printf("ease  %d of %d items kept (>= %d training interactions), lambda %.0f\n",
              ease.kept_items(), items, o.ease_min_count, o.ease_lambda);
  const auto t1 = Clock::now();
  RankingResult r = evaluate_ranking(
      train, test, items,
      [&](std::span<const std::int32_t> users, std::vector<float>& scores) {
        ease.score(users, scores);
      },
      o.k, o.threads, 64);
  print_result("ease", 0, r, o.k, train_s, seconds_since(t1));
  return 0;
}

}  // namespace

void add_eval_recs_flags(CLI::App& cmd, EvalRecsOptions& o) {
  cmd.add_option("--train", o.train_path, "training interactions (user item item ...)")->required();
  cmd.add_option("--test", o.test_path, "held-out interactions, same format")->required();
  cmd.add_option("--model", o.model, "riff (the server's model), bpr or ease")
      ->check(CLI::IsMember({"riff", "bpr", "ease"}));
  cmd.add_option("--epochs", o.epochs, "passes over the training data");
  cmd.add_option("--dim", o.dim, "embedding size");
  cmd.add_option("--threads", o.threads, "training and evaluation threads");
  cmd.add_option("--k", o.k, "cut-off of Recall@k and NDCG@k");
  cmd.add_option("--eval-every", o.eval_every, "also evaluate every N epochs");
  cmd.add_option("--seed", o.seed, "random seed");
  cmd.add_option("--lr", o.learning_rate, "riff: Adagrad learning rate");
  cmd.add_option("--l2", o.l2, "riff: L2 penalty");
  cmd.add_option("--negatives", o.negatives, "riff: sampled negatives per batch");
  cmd.add_option("--batch", o.batch_size, "riff: events per learn batch");
  cmd.add_option("--margin", o.margin, "riff: cosine margin for negatives");
  cmd.add_option("--negative-weight", o.negative_weight, "riff: weight of the negative term");
  cmd.add_option("--init-stddev", o.init_stddev, "riff: initial embedding spread");
  cmd.add_option("--taste-weight", o.taste_weight,
                 "riff: weight of the viewer's taste in the viewer tower");
  cmd.add_option("--taste-window", o.taste_window, "riff: positives the taste averages over");
  cmd.add_option("--bpr-lr", o.bpr_learning_rate, "bpr: SGD learning rate");
  cmd.add_option("--bpr-l2", o.bpr_l2, "bpr: L2 penalty");
  cmd.add_option("--ease-lambda", o.ease_lambda, "ease: L2 penalty");
  cmd.add_option("--ease-min-count", o.ease_min_count,
                 "ease: keep items with at least this many interactions");
}

int eval_recs_main(const EvalRecsOptions& o) {
  auto train = read_interactions(o.train_path);
  if (!train) {
    std::fprintf(stderr, "riffd eval-recs: %s\n", train.status().message().c_str());
    return 2;
  }
  auto test = read_interactions(o.test_path);
  if (!test) {
    std::fprintf(stderr, "riffd eval-recs: %s\n", test.status().message().c_str());
    return 2;
  }
  const std::int32_t items = std::max(train->max_item, test->max_item) + 1;
  std::printf(
      "eval-recs: %d users, %d items, %zu training and %zu held-out interactions, %d threads\n",
      std::max(train->users(), test->users()), items, train->count, test->count, o.threads);
  if (o.model == "bpr") return run_bpr(o, *train, *test, items);
  if (o.model == "ease") return run_ease(o, *train, *test, items);
  return run_riff(o, *train, *test, items);
}

}  // namespace riff::recs
