#include "riff/video/foryou_sim.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <random>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "riff/accounts/schema.hpp"
#include "riff/core/clock.hpp"
#include "riff/db/database.hpp"
#include "riff/jobs/schema.hpp"
#include "riff/recs/ann_index.hpp"
#include "riff/recs/events_schema.hpp"
#include "riff/recs/model.hpp"
#include "riff/video/engagement_schema.hpp"
#include "riff/video/foryou_engine.hpp"
#include "riff/video/model.hpp"
#include "riff/video/schema.hpp"

namespace riff::video {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kStartMs = 1'790'000'000'000;  // 2026-09-21
constexpr std::int64_t kTickMs = 120'000;             // about one page of short videos
constexpr std::int64_t kDayMs = 86'400'000;
constexpr Id kCreatorIds = 1'000'000, kViewerIds = 2'000'000, kVideoIds = 5'000'000,
             kTagIds = 9'000'000;

struct SimVideo {
  Id id = 0;
  int creator = 0, topic = 0;
  float quality = 0;
  std::int32_t duration_ms = 0;
  std::int64_t created_at = 0;
};

struct SimViewer {
  Id id = 0;
  std::vector<float> taste;  // per topic, in [0, 1]
  int arrival = 0;           // tick of the first session
};

struct World {
  std::vector<SimVideo> videos;  // ordered by id (and so by upload time)
  std::vector<SimViewer> viewers;
  std::vector<std::vector<int>> active;  // per tick: the viewers asking for a page
};

float completion_p(const SimViewer& viewer, const SimVideo& video) {
  return viewer.taste[static_cast<std::size_t>(video.topic)] * (0.25f + 0.75f * video.quality);
}

// Viewers' favourite topics follow a Zipf law (some topics are mainstream),
// creators mostly post in one topic, quality is triangular on [0, 1].
World make_world(const ForYouSimOptions& o) {
  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<float> u(0, 1);
  World w;
  std::vector<int> creator_topic(static_cast<std::size_t>(o.creators));
  for (int c = 0; c < o.creators; ++c) creator_topic[static_cast<std::size_t>(c)] = c % o.topics;
  for (int i = 0; i < o.videos; ++i) {
    SimVideo v;
    v.creator = static_cast<int>(rng() % static_cast<std::uint64_t>(o.creators));
    v.topic = u(rng) < 0.8f ? creator_topic[static_cast<std::size_t>(v.creator)]
                            : static_cast<int>(rng() % static_cast<std::uint64_t>(o.topics));
    v.quality = (u(rng) + u(rng)) / 2;
    v.duration_ms = 5'000 + static_cast<std::int32_t>(u(rng) * 55'000);
    v.created_at = kStartMs - static_cast<std::int64_t>(u(rng) * 7 * kDayMs);
    w.videos.push_back(v);
  }
  std::sort(w.videos.begin(), w.videos.end(),
            [](const SimVideo& a, const SimVideo& b) { return a.created_at < b.created_at; });
  for (std::size_t i = 0; i < w.videos.size(); ++i) w.videos[i].id = kVideoIds + 1 + Id(i);

  std::vector<double> zipf(static_cast<std::size_t>(o.topics));
  for (int t = 0; t < o.topics; ++t) zipf[static_cast<std::size_t>(t)] = 1.0 / std::pow(t + 1, 0.8);
  constexpr float kFavourite[] = {1.0f, 0.65f, 0.4f};
  const int gap = 2 * o.pages;  // ticks from one session's start to the next's
  const int life = (o.sessions - 1) * gap + o.pages;
  const int arrivals = 3 * life;  // viewers keep arriving over the first 3/4 of the run
  w.active.resize(static_cast<std::size_t>(arrivals + life));
  for (int i = 0; i < o.viewers; ++i) {
    SimViewer v;
    v.id = kViewerIds + 1 + i;
    v.taste.resize(static_cast<std::size_t>(o.topics));
    for (auto& t : v.taste) t = 0.03f + 0.07f * u(rng);
    std::vector<double> weights = zipf;
    for (int k = 0; k < std::min(3, o.topics); ++k) {
      std::discrete_distribution<int> pick(weights.begin(), weights.end());
      const int t = pick(rng);
      weights[static_cast<std::size_t>(t)] = 0;
      v.taste[static_cast<std::size_t>(t)] = kFavourite[k] * (0.85f + 0.15f * u(rng));
    }
    v.arrival = static_cast<int>(std::int64_t{i} * arrivals / std::max(1, o.viewers));
    for (int s = 0; s < o.sessions; ++s)
      for (int p = 0; p < o.pages; ++p)
        w.active[static_cast<std::size_t>(v.arrival + s * gap + p)].push_back(i);
    w.viewers.push_back(std::move(v));
  }
  return w;
}

/// What a viewer did with one video.
struct Outcome {
  int video = 0;  // index into World::videos
  bool completed = false, liked = false, skipped = false;
  std::int32_t watch_ms = 0;
};

class Policy {
 public:
  virtual ~Policy() = default;
  /// Up to `n` videos (indices) for `viewer`, none of them in `seen`.
  virtual Result<std::vector<int>> page(int viewer, const std::vector<char>& seen, int n) = 0;
  /// What `viewer` did with the page.
  virtual void observe(int viewer, const std::vector<Outcome>& outcomes) = 0;
  /// The tick is over: time moves on.
  virtual Status end_tick() { return Status::ok(); }
  /// Why `video` was on `viewer`'s last page (riff's candidate source), if known.
  virtual std::string source(int viewer, int video) { return {}; }
};

class RandomPolicy final : public Policy {
 public:
  explicit RandomPolicy(std::uint64_t seed) : rng_(seed) {}
  Result<std::vector<int>> page(int, const std::vector<char>& seen, int n) override {
    std::vector<int> unseen;
    for (std::size_t i = 0; i < seen.size(); ++i)
      if (!seen[i]) unseen.push_back(static_cast<int>(i));
    std::vector<int> out;
    std::sample(unseen.begin(), unseen.end(), std::back_inserter(out), n, rng_);
    std::shuffle(out.begin(), out.end(), rng_);
    return out;
  }
  void observe(int, const std::vector<Outcome>&) override {}

 private:
  std::mt19937_64 rng_;
};

// Most completions so far; with `by_rate`, the best smoothed completion
// rate so far instead, (completions + 1) / (impressions + 10): a video
// nobody has seen starts near the catalog's average and leaves the top once
// its audience says it is worse (a greedy bandit).
class PopularityPolicy final : public Policy {
 public:
  PopularityPolicy(const World& w, std::uint64_t seed, bool by_rate)
      : by_rate_(by_rate),
        completions_(w.videos.size(), 0),
        impressions_(w.videos.size(), 0),
        tiebreak_(w.videos.size()) {
    std::mt19937_64 rng(seed);
    for (auto& t : tiebreak_) t = rng();
    rerank();
  }
  Result<std::vector<int>> page(int, const std::vector<char>& seen, int n) override {
    std::vector<int> out;
    for (int i : order_) {
      if (static_cast<int>(out.size()) >= n) break;
      if (!seen[static_cast<std::size_t>(i)]) out.push_back(i);
    }
    return out;
  }
  void observe(int, const std::vector<Outcome>& outcomes) override {
    for (const auto& o : outcomes) {
      completions_[static_cast<std::size_t>(o.video)] += o.completed;
      ++impressions_[static_cast<std::size_t>(o.video)];
    }
  }
  Status end_tick() override {
    rerank();
    return Status::ok();
  }

 private:
  void rerank() {
    std::vector<double> score(completions_.size());
    for (std::size_t i = 0; i < score.size(); ++i) {
      const auto c = static_cast<double>(completions_[i]);
      score[i] = by_rate_ ? (c + 1) / (static_cast<double>(impressions_[i]) + 10) : c;
    }
    order_.resize(completions_.size());
    std::iota(order_.begin(), order_.end(), 0);
    std::sort(order_.begin(), order_.end(), [&](int a, int b) {
      const auto ia = static_cast<std::size_t>(a), ib = static_cast<std::size_t>(b);
      return score[ia] != score[ib] ? score[ia] > score[ib] : tiebreak_[ia] > tiebreak_[ib];
    });
  }
  bool by_rate_;
  std::vector<std::int64_t> completions_, impressions_;
  std::vector<std::uint64_t> tiebreak_;
  std::vector<int> order_;
};

class OraclePolicy final : public Policy {
 public:
  explicit OraclePolicy(const World& w) : world_(w) {}
  Result<std::vector<int>> page(int viewer, const std::vector<char>& seen, int n) override {
    std::vector<std::pair<float, int>> scored;
    const SimViewer& v = world_.viewers[static_cast<std::size_t>(viewer)];
    for (std::size_t i = 0; i < world_.videos.size(); ++i)
      if (!seen[i]) scored.emplace_back(completion_p(v, world_.videos[i]), static_cast<int>(i));
    const std::size_t k = std::min(scored.size(), static_cast<std::size_t>(n));
    std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(k), scored.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<int> out;
    for (std::size_t i = 0; i < k; ++i) out.push_back(scored[i].second);
    return out;
  }
  void observe(int, const std::vector<Outcome>&) override {}

 private:
  const World& world_;
};

/// The real engine over a real database in a temporary directory. The
/// videos are rows as the media pipeline leaves them (bench/feed_foryou.sh
/// does the same), so the engine's catalog load and visibility SQL run.
class RiffPolicy final : public Policy {
 public:
  RiffPolicy(const World& w, const ForYouSimOptions& o)
      : world_(w), clock_(kStartMs), seen_(w.viewers.size()) {
    std::random_device rd;
    dir_ = fs::temp_directory_path() /
           ("riff-sim-foryou-" + std::to_string(rd()) + std::to_string(rd()));
    recs::ModelOptions mo;
    mo.dim = o.dim;
    mo.seed = o.seed;
    mo.taste_weight = o.taste_weight;
    mo.learning_rate = o.learning_rate;
    model_ = std::make_unique<recs::Model>(mo);
    index_ = std::make_unique<recs::AnnIndex>(mo.dim);
    for (std::size_t i = 0; i < w.videos.size(); ++i)
      index_of_[w.videos[i].id] = static_cast<int>(i);
  }
  ~RiffPolicy() override {
    engine_.reset();
    db_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  Status open(const ForYouSimOptions& o) {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) return Status::unavailable("create " + dir_.string() + ": " + ec.message());
    auto db = db::open_sqlite({.path = (dir_ / "riff.db").string()});
    if (!db) return db.status().with_context("open database");
    db_ = std::move(db).value();
    // The modules riff's videos and For You need, as App::create applies them.
    std::vector<db::Migration> m = jobs::migrations();
    for (auto& x : accounts::migrations()) m.push_back(std::move(x));
    for (auto& x : video::migrations()) m.push_back(std::move(x));
    for (auto& x : video::engagement_migrations()) m.push_back(std::move(x));
    for (auto& x : recs::events_migrations()) m.push_back(std::move(x));
    RIFF_RETURN_IF_ERROR(db_->migrate(m).with_context("migrate"));
    RIFF_RETURN_IF_ERROR(insert_world(o).with_context("insert the catalog"));
    ForYouOptions fo;
    fo.exploration_every = o.exploration_every;
    if (o.affinity_weight >= 0) fo.affinity_weight = o.affinity_weight;
    engine_ = std::make_unique<ForYouEngine>(*db_, clock_, *model_, *index_, fo);
    return engine_->load().with_context("load the catalog");
  }

  Result<std::vector<int>> page(int viewer, const std::vector<char>&, int n) override {
    std::vector<Id> ids;
    auto st = db_->read([&](db::Conn& c) -> Result<db::Rows> {
      RIFF_ASSIGN_OR_RETURN(ids,
                            engine_->rank(c, world_.viewers[static_cast<std::size_t>(viewer)].id,
                                          seen_[static_cast<std::size_t>(viewer)], n));
      return db::Rows{};
    });
    if (!st) return st.status().with_context("rank");
    std::vector<int> out;
    for (Id id : ids) {
      auto it = index_of_.find(id);
      if (it == index_of_.end()) return Status::internal("rank gave an unknown video");
      out.push_back(it->second);
    }
    return out;
  }

  std::string source(int viewer, int video) override {
    auto why = engine_->why(world_.viewers[static_cast<std::size_t>(viewer)].id,
                            world_.videos[static_cast<std::size_t>(video)].id);
    return why ? why->source : std::string();
  }

  void observe(int viewer, const std::vector<Outcome>& outcomes) override {
    const Id who = world_.viewers[static_cast<std::size_t>(viewer)].id;
    std::vector<recs::Event> events;
    std::int64_t at = clock_.now_ms();
    for (const Outcome& o : outcomes) {
      const SimVideo& v = world_.videos[static_cast<std::size_t>(o.video)];
      seen_[static_cast<std::size_t>(viewer)].insert(v.id);
      auto event = [&](recs::EventKind kind) {
        return recs::Event{who,
                           v.id,
                           kind,
                           kind == recs::EventKind::kWatch ? o.watch_ms : 0,
                           kind == recs::EventKind::kWatch ? v.duration_ms : 0,
                           at};
      };
      events.push_back(event(recs::EventKind::kImpression));
      events.push_back(event(o.skipped ? recs::EventKind::kSkip : recs::EventKind::kWatch));
      if (o.liked) events.push_back(event(recs::EventKind::kLike));
      at += o.watch_ms;
      Counters& c = counters_[v.id];
      ++c.views;
      c.completions += o.completed;
      c.likes += o.liked;
    }
    engine_->on_events(events);
  }

  // The counters EngagementService leaves on the rows (what the engine
  // reads again on its periodic full reload), then one round of the
  // engine's background work.
  Status end_tick() override {
    RIFF_RETURN_IF_ERROR(db_->transact([&](db::Conn& c) -> Status {
      for (const auto& [id, n] : counters_) {
        RIFF_RETURN_IF_ERROR(c.exec("UPDATE videos SET view_count = view_count + $2,"
                                    " completion_count = completion_count + $3,"
                                    " like_count = like_count + $4 WHERE id = $1",
                                    {id, n.views, n.completions, n.likes})
                                 .status());
      }
      return Status::ok();
    }));
    counters_.clear();
    clock_.advance_ms(kTickMs);
    engine_->step();
    return Status::ok();
  }

 private:
  struct Counters {
    std::int64_t views = 0, completions = 0, likes = 0;
  };

  Status insert_world(const ForYouSimOptions& o) {
    return db_->transact([&](db::Conn& c) -> Status {
      auto user = [&](Id id, const std::string& handle) {
        return c
            .exec(
                "INSERT INTO users (id, handle, email, password_hash, created_at, updated_at)"
                " VALUES ($1, $2, $3, 'x', $4, $4)",
                {id, handle, handle + "@sim.invalid", kStartMs - 30 * kDayMs})
            .status();
      };
      for (int i = 0; i < o.creators; ++i)
        RIFF_RETURN_IF_ERROR(user(kCreatorIds + 1 + i, "creator" + std::to_string(i)));
      for (const SimViewer& v : world_.viewers)
        RIFF_RETURN_IF_ERROR(user(v.id, "viewer" + std::to_string(v.id - kViewerIds)));
      for (int t = 0; t < o.topics; ++t) {
        RIFF_RETURN_IF_ERROR(
            c.exec("INSERT INTO hashtags (id, tag, use_count, created_at)"
                   " VALUES ($1, $2, 0, $3)",
                   {kTagIds + 1 + t, "topic" + std::to_string(t), kStartMs - 30 * kDayMs})
                .status());
      }
      for (const SimVideo& v : world_.videos) {
        const std::string caption =
            "clip " + id_to_string(v.id) + " #topic" + std::to_string(v.topic);
        const std::string media = "/sim/" + id_to_string(v.id);
        RIFF_RETURN_IF_ERROR(
            c.exec("INSERT INTO videos (id, author_id, caption, status, visibility, duration_ms,"
                   " width, height, media_dir, created_at, updated_at)"
                   " VALUES ($1, $2, $3, $4, $5, $6, 720, 1280, $7, $8, $8)",
                   {v.id, kCreatorIds + 1 + v.creator, caption,
                    static_cast<int>(VideoStatus::kReady), static_cast<int>(Visibility::kPublic),
                    std::int64_t{v.duration_ms}, media, v.created_at})
                .status());
        RIFF_RETURN_IF_ERROR(
            c.exec("INSERT INTO video_hashtags (video_id, hashtag_id) VALUES ($1, $2)",
                   {v.id, kTagIds + 1 + v.topic})
                .status());
        RIFF_RETURN_IF_ERROR(c.exec("UPDATE hashtags SET use_count = use_count + 1 WHERE id = $1",
                                    {kTagIds + 1 + v.topic})
                                 .status());
      }
      return Status::ok();
    });
  }

  const World& world_;
  ManualClock clock_;
  fs::path dir_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<recs::Model> model_;
  std::unique_ptr<recs::AnnIndex> index_;
  std::unique_ptr<ForYouEngine> engine_;
  std::unordered_map<Id, int> index_of_;
  std::vector<std::unordered_set<Id>> seen_;  // the viewer's whole history: no repeats
  std::unordered_map<Id, Counters> counters_;
};

std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  std::uint64_t x = a * 0x9E3779B97F4A7C15ULL + b + 0x632BE59BD9B4E019ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

Result<ForYouSimPolicy> play(const std::string& name, Policy& policy, const World& w,
                             const ForYouSimOptions& o, std::ofstream* csv) {
  const auto t0 = std::chrono::steady_clock::now();
  ForYouSimPolicy r;
  r.name = name;
  r.bucket_impressions.assign(static_cast<std::size_t>(o.buckets), 0);
  r.bucket_completions.assign(static_cast<std::size_t>(o.buckets), 0);
  r.shown_p.resize(w.viewers.size());
  // Each viewer draws from a stream of their own, the same under every policy.
  std::vector<std::mt19937_64> rngs;
  for (std::size_t v = 0; v < w.viewers.size(); ++v) rngs.emplace_back(mix(o.seed, v));
  std::vector<std::vector<char>> seen(w.viewers.size(), std::vector<char>(w.videos.size(), 0));
  std::uniform_real_distribution<float> u(0, 1);
  const int ticks = static_cast<int>(w.active.size());
  for (int tick = 0; tick < ticks; ++tick) {
    const std::size_t bucket = static_cast<std::size_t>(std::int64_t{tick} * o.buckets / ticks);
    for (int viewer : w.active[static_cast<std::size_t>(tick)]) {
      const SimViewer& v = w.viewers[static_cast<std::size_t>(viewer)];
      RIFF_ASSIGN_OR_RETURN(std::vector<int> shown,
                            policy.page(viewer, seen[static_cast<std::size_t>(viewer)], o.page));
      std::vector<Outcome> outcomes;
      auto& rng = rngs[static_cast<std::size_t>(viewer)];
      for (int i : shown) {
        const SimVideo& video = w.videos[static_cast<std::size_t>(i)];
        const float p = completion_p(v, video);
        const float draw_complete = u(rng), draw_like = u(rng), draw_skip = u(rng),
                    draw_part = u(rng);
        Outcome out;
        out.video = i;
        const std::string source = policy.source(viewer, i);
        out.completed = draw_complete < p;
        if (out.completed) {
          out.watch_ms = video.duration_ms;
          out.liked = draw_like < 0.5f * video.quality;
        } else if (draw_skip < 0.5f) {
          out.skipped = true;
          out.watch_ms = 1'000 + static_cast<std::int32_t>(draw_part * 1'000);
        } else {
          out.watch_ms = static_cast<std::int32_t>((0.1f + 0.6f * draw_part) * video.duration_ms);
        }
        outcomes.push_back(out);
        seen[static_cast<std::size_t>(viewer)][static_cast<std::size_t>(i)] = 1;
        if (!source.empty()) {
          auto& [shown_n, completed_n] = r.by_source[source];
          ++shown_n;
          completed_n += out.completed;
        }
        ++r.impressions;
        r.completions += out.completed;
        ++r.bucket_impressions[bucket];
        r.bucket_completions[bucket] += out.completed;
        auto& history = r.shown_p[static_cast<std::size_t>(viewer)];
        history.push_back(p);
        if (csv) {
          *csv << name << ',' << tick << ',' << bucket << ',' << v.id << ',' << history.size()
               << ',' << video.id << ',' << video.topic << ',' << video.quality << ',' << p << ','
               << out.completed << ',' << out.liked << ',' << source << '\n';
        }
      }
      policy.observe(viewer, outcomes);
    }
    RIFF_RETURN_IF_ERROR(policy.end_tick());
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

std::vector<int> swipes_to_target(const ForYouSimPolicy& p, const ForYouSimPolicy& oracle,
                                  const ForYouSimOptions& o) {
  std::vector<int> out;
  const std::size_t win = static_cast<std::size_t>(o.window);
  for (std::size_t v = 0; v < p.shown_p.size(); ++v) {
    const auto& a = p.shown_p[v];
    const auto& b = oracle.shown_p[v];
    const std::size_t n = std::min(a.size(), b.size());
    double sa = 0, sb = 0;
    int found = -1;
    for (std::size_t i = 0; i < n && found < 0; ++i) {
      sa += a[i];
      sb += b[i];
      if (i >= win) {
        sa -= a[i - win];
        sb -= b[i - win];
      }
      if (i + 1 >= win && sa >= o.target * sb) found = static_cast<int>(i + 1);
    }
    out.push_back(found);
  }
  return out;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

Result<ForYouSimReport> run_foryou_sim(const ForYouSimOptions& o) {
  if (o.videos < o.page || o.creators < 1 || o.topics < 1 || o.viewers < 1 || o.sessions < 1 ||
      o.pages < 1 || o.page < 1 || o.window < 1 || o.buckets < 1)
    return Status::invalid("", "every count must be at least 1, and videos at least a page");
  const World w = make_world(o);
  std::unique_ptr<std::ofstream> csv;
  if (!o.out.empty()) {
    csv = std::make_unique<std::ofstream>(o.out);
    if (!*csv) return Status::unavailable("open " + o.out);
    *csv << "policy,tick,bucket,viewer,swipe,video,topic,quality,p_complete,completed,liked,"
            "source\n";
  }
  ForYouSimReport report;
  report.ticks = static_cast<int>(w.active.size());
  report.tick_ms = kTickMs;
  for (const auto& v : w.viewers) report.arrival_tick.push_back(v.arrival);
  for (const std::string& name : split(o.policies)) {
    std::unique_ptr<Policy> policy;
    if (name == "riff") {
      auto riff = std::make_unique<RiffPolicy>(w, o);
      RIFF_RETURN_IF_ERROR(riff->open(o).with_context("riff"));
      policy = std::move(riff);
    } else if (name == "random") {
      policy = std::make_unique<RandomPolicy>(mix(o.seed, 1'000'001));
    } else if (name == "popularity") {
      policy = std::make_unique<PopularityPolicy>(w, mix(o.seed, 1'000'002), false);
    } else if (name == "popular-rate") {
      policy = std::make_unique<PopularityPolicy>(w, mix(o.seed, 1'000'002), true);
    } else if (name == "oracle") {
      policy = std::make_unique<OraclePolicy>(w);
    } else {
      return Status::invalid("/policies", "unknown policy " + name);
    }
    RIFF_ASSIGN_OR_RETURN(ForYouSimPolicy r, play(name, *policy, w, o, csv.get()));
    report.policies.push_back(std::move(r));
  }
  auto oracle = std::find_if(report.policies.begin(), report.policies.end(),
                             [](const ForYouSimPolicy& p) { return p.name == "oracle"; });
  if (oracle != report.policies.end()) {
    for (auto& p : report.policies) p.swipes_to_target = swipes_to_target(p, *oracle, o);
  }
  return report;
}

}  // namespace riff::video
