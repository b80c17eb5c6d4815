#pragma once
// The For You engine: candidate sources, the learned ranking and re-ranking
// behind ForYouRanker (so GET /api/v1/feed/foryou is unchanged).
//
// Per request it merges candidates from
//   - followed creators' newest videos (SQL),
//   - the videos nearest the viewer's vector (AnnIndex over the model's
//     video vectors),
//   - the neighbours of what the viewer recently finished, liked or shared,
//   - the top videos of the sounds and hashtags the viewer engages with,
//   - an exploration pool of fresh uploads, widened in stages as their
//     first audiences finish and like them,
//   - global popularity (time-decayed engagement), for new viewers,
// scores them with the online model (recs::Model), and re-ranks: nothing
// the session has seen or the viewer marked "not interested", never the
// same creator or sound back to back, one slot in `exploration_every` for a
// fresh video. Each pick remembers why it was chosen (why()). The final
// list passes the SQL visibility rule (access.hpp), so a stale catalog can
// never show a private, blocked or deleted video.
//
// The catalog of recommendable videos (ready, public, public author) lives
// in memory, refreshed from the database by the engine's thread, which also
// keeps each viewer's recent taste from the events, feeds them to the model
// and moves changed video vectors into the index. With a learner attached
// (recs::OnlineLearner, as on a single node), the model learns on the
// learner's own low-priority thread and the engine's thread applies its
// published deltas to the model requests score from.
//
// Thread-safe: rank(), why() and on_events() may run on any threads.

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/db/database.hpp"
#include "riff/recs/ann_index.hpp"
#include "riff/recs/event.hpp"
#include "riff/recs/model.hpp"
#include "riff/recs/online_learner.hpp"
#include "riff/video/feed.hpp"
#include "riff/video/recs_catalog.hpp"

namespace riff::video {

struct ForYouOptions {
  /// Train the model on the queued events (a single node, or the learner).
  /// A serving node of several keeps its viewers' recent state from its own
  /// events but takes the model from the learner's deltas (apply_delta).
  bool learn = true;
  int per_source = 100;       // candidates each source contributes at most
  int exploration_every = 5;  // one slot in this many for a fresh video
  /// Added to the model's score: weight x the viewer's affinity for the
  /// video's hashtags and sound (from their finishes and skips, in -1..1),
  /// fading as 1 / (1 + positives / affinity_fade_positives). 0 turns it off.
  double affinity_weight = 3.0;
  double affinity_fade_positives = 5.0;
  std::int64_t fresh_ms = 48LL * 3'600'000;
  /// Exploration audiences: a fresh video is shown to at most stage[i]
  /// viewers until its completion rate reaches `widen_completion`.
  std::vector<std::int64_t> stages = {100, 1'000, 10'000};
  double widen_completion = 0.3;
  double popularity_half_life_h = 24;
  std::int64_t refresh_ms = 2'000;         // catalog changes, the fresh pool, new videos in lists
  /// Popular and per-topic lists: a pass over the whole catalog (a second of
  /// a core at 1,000,000 videos); the 2 s pass keeps new videos in them.
  std::int64_t lists_refresh_ms = 120'000;
  std::int64_t full_reload_ms = 600'000;   // also forgets deleted videos
  std::int64_t index_refresh_ms = 3'000;   // changed video vectors into the index
  std::size_t max_viewers = 200'000;       // viewers whose recent taste is kept
};

/// Why a video was chosen, in the viewer's words.
struct WhyReason {
  std::string source;  // "following", "similar", "taste", "sound", "hashtag", "fresh", "popular"
  std::string text;
};

class ForYouEngine final : public ForYouRanker,
                           public recs::EventSink,
                           public recs::ItemFeatures,
                           public PublicVideoMemo {
 public:
  ForYouEngine(db::Database& db, const Clock& clock, recs::Model& model, recs::AnnIndex& index,
               ForYouOptions options = {});
  ~ForYouEngine() override;

  /// Loads the catalog and queues every video for the index. Call once
  /// before start() (and before serving). The engine's thread then indexes
  /// the videos the model knows, most popular first, while requests are
  /// served (until it is done, "taste" and "similar" find fewer videos).
  Status load();
  /// Starts the thread that refreshes the catalog, learns and re-indexes.
  void start();
  void stop();
  /// One round of that thread's work, for tests: catalog changes, queued
  /// events, and every video queued for the index.
  void step();

  Result<std::vector<Id>> rank(db::Conn& c, std::optional<Id> viewer,
                               const std::unordered_set<Id>& exclude, int limit) override;
  /// Queues events for the model and the catalog's counters (cheap; the
  /// engine's thread does the learning).
  void on_events(std::span<const recs::Event> events) override;
  std::optional<recs::VideoFeatures> find(Id video) const override;
  /// The catalog as a PublicVideoMemo, for event ingestion.
  std::optional<Video> public_video(Id id) const override;
  RestrictionMark restrictions_applied() const override;

  /// Applies a learner's delta to the model and re-indexes the videos
  /// whose vectors it moved (their own, their creator's or hashtags' rows).
  Status apply_delta(const recs::ModelDelta& delta);

  /// Learning goes to `learner` (which trains its own model) instead of
  /// happening on the engine's thread in the serving model; the learner's
  /// publications must reach on_learned(). Call before start().
  void attach_learner(recs::OnlineLearner& learner) { learner_ = &learner; }
  /// A publication of the attached learner (any thread): the engine's thread
  /// applies it to the serving model and re-indexes what it moved.
  void on_learned(recs::LearnedDelta learned);

  /// Why `video` was (or would be) in `viewer`'s For You.
  WhyReason why(db::Conn& c, std::optional<Id> viewer, Id video);
  Result<WhyReason> why(std::optional<Id> viewer, Id video);

  /// A ForYouRanker that forwards to this engine (FeedService owns its
  /// ranker; the engine is shared with the event ingestion). Must not
  /// outlive the engine.
  std::unique_ptr<ForYouRanker> ranker();

  std::size_t catalog_size() const;
  /// Events dropped because the learner fell too far behind.
  std::int64_t events_dropped() const;

 private:
  struct Item;
  struct Viewer;
  struct Candidate;

  Status load_changes(bool full);
  /// The popular, per-topic and fresh lists: with `all` from the whole
  /// catalog, otherwise from the recent videos and the lists' members.
  void rebuild_lists(bool all);
  void learn_queued();
  /// The attached learner's publications: into the model, then the videos
  /// their batches touched into the index upkeep.
  void apply_learned();
  void collect_moved();
  /// Re-indexes queued videos until `until_ms` (nullopt: all of them).
  void reindex(std::optional<std::int64_t> until_ms);
  void add_affinity(Id viewer, std::vector<Candidate>& cands);
  void index_vector(Id video);  // upsert its vector unless unknown or about where it is
  void remember(Id viewer, const std::vector<std::pair<Id, WhyReason>>& picks);
  /// What brought a candidate: a source, and for hashtag sources the hashtag.
  enum class Source { kFollowing, kTaste, kSimilar, kSound, kHashtag, kInterest, kFresh, kPopular };
  /// Its words for the viewer. For kHashtag and kInterest the caller holds
  /// catalog_mu_ (they read the hashtag's name).
  WhyReason reason(Source source, Id topic = 0) const;
  std::vector<Candidate> candidates(db::Conn& c, std::optional<Id> viewer,
                                    const std::unordered_set<Id>& exclude);
  Result<std::vector<Id>> visible_in_order(db::Conn& c, std::optional<Id> viewer,
                                           const std::vector<Id>& ids);

  db::Database& db_;
  const Clock& clock_;
  recs::Model& model_;
  recs::AnnIndex& index_;
  ForYouOptions options_;

  mutable std::shared_mutex catalog_mu_;
  std::unordered_map<Id, std::unique_ptr<Item>> catalog_;
  std::vector<Id> popular_;                                    // best first
  std::vector<Id> fresh_;                                      // newest first, still exploring
  std::unordered_map<Id, std::vector<Id>> by_sound_, by_tag_;  // best first
  std::unordered_map<Id, std::string> tag_names_;
  std::unordered_set<Id> recent_;  // created within fresh_ms: rebuild_lists' short pass
  std::unordered_set<Id> added_;   // new in the catalog since the last rebuild_lists
  std::unordered_set<Id> restricted_authors_;  // gone private or away since the last full load
  std::int64_t loaded_until_ = 0, last_full_ = 0;
  RestrictionMark restrictions_applied_;       // moved once the catalog holds them
  RecsCatalog visibility_;                     // visible_in_order: this catalog first, then SQL

  // Viewers' recent taste, in shards by viewer id: the engine's thread
  // locks one viewer's shard per event, so a request waits only when its
  // own shard is being written, for one event.
  struct ViewerShard {
    std::mutex mu;
    std::unordered_map<Id, std::unique_ptr<Viewer>> viewers;
  };
  static constexpr std::size_t kViewerShards = 64;
  std::array<ViewerShard, kViewerShards> viewer_shards_;
  ViewerShard& shard_of(Id viewer) {
    return viewer_shards_[static_cast<std::uint64_t>(viewer) * 0x9E3779B97F4A7C15ULL >> 58];
  }

  std::mutex queue_mu_;
  std::vector<recs::Event> queue_;
  std::atomic<std::int64_t> dropped_{0};
  // What the last learning steps moved, under queue_mu_: videos, and the
  // creators and hashtags whose embeddings every one of their videos shares.
  std::unordered_set<Id> touched_, touched_creators_, touched_tags_;

  // With a learner attached: its publications waiting for the engine's
  // thread (under queue_mu_), and what each submitted batch touched, kept
  // (engine thread only) until a publication includes that batch: the index
  // must read the vectors after the serving model has them.
  recs::OnlineLearner* learner_ = nullptr;
  std::vector<recs::LearnedDelta> learned_;
  struct Touched {
    std::uint64_t batch = 0;
    std::unordered_set<Id> videos, creators, tags;
  };
  std::deque<Touched> unlearned_;
  /// Hands what a batch moved to the index upkeep (collect_moved); under queue_mu_.
  void release(Touched& moved);

  std::mutex reasons_mu_;
  std::unordered_map<std::string, WhyReason> reasons_;  // "viewer:video"
  std::deque<std::string> reasons_order_;

  std::mutex run_mu_;
  std::condition_variable run_cv_;
  bool stopping_ = false;
  std::thread thread_;
  std::int64_t last_index_ = 0;
  // Videos whose vector may have moved, worked through within a share of
  // the engine thread's time (step(): all at once): the ones events touched
  // first, then the ones their creator's or hashtags' rows moved (and after
  // load(), the whole catalog). Engine thread (or step()) only.
  std::deque<Id> moved_;
  std::unordered_set<Id> queued_;
  bool building_ = false;  // the first pass over the catalog after load()
};

}  // namespace riff::video
