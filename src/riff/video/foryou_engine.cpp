#include "riff/video/foryou_engine.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "riff/recs/feature_key.hpp"
#include "riff/video/interests.hpp"

namespace riff::video {
namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::size_t kPopularKept = 1'000;
constexpr std::size_t kPerTopicKept = 50;
constexpr int kPerTopicTaken = 10;  // candidates from one liked sound or hashtag
constexpr std::size_t kFreshKept = 5'000;
constexpr std::size_t kRecentPositives = 20;
constexpr std::size_t kMaxQueued = 1'000'000;
constexpr std::size_t kReasonsKept = 100'000;
constexpr double kCompleted = 0.8;  // of the duration: a finished watch
// A video whose new vector is this close (cosine) to the indexed one stays
// put: moving a point in the graph costs a neighbourhood search, and a
// creator's or hashtag's update nudges every one of their videos a little.
constexpr float kReindexCosine = 0.995f;
// Time the engine's thread gives to videos moved through their creator or
// hashtags (or not yet indexed) per round, and the pause after it: a tenth
// of a core once the first pass over the catalog is done. With events
// streaming in, nearly every creator moves within seconds, so this queue
// never empties: the budget, not the queue, bounds the work, and a third
// of a core (the earlier budget) was taken from For You's requests on two
// cores. Videos the events touch themselves go first.
constexpr std::int64_t kReindexSliceMs = 50;
constexpr std::int64_t kReindexPauseMs = 450;

bool is_positive(const recs::Event& e) {
  switch (e.kind) {
    case recs::EventKind::kLike:
    case recs::EventKind::kShare:
    case recs::EventKind::kComment:
    case recs::EventKind::kReplay:
    case recs::EventKind::kFollow:
      return true;
    case recs::EventKind::kWatch:
      return e.duration_ms > 0 && e.watch_ms >= kCompleted * e.duration_ms;
    default:
      return false;
  }
}

}  // namespace

struct ForYouEngine::Item {
  Id id = 0, author = 0, sound = 0;
  std::vector<Id> tags;
  std::int64_t created_at = 0, duration_ms = 0;
  // Counters: seeded from the database, then moved by events.
  std::atomic<std::int64_t> impressions{0}, completions{0}, likes{0}, shares{0};
};

struct ForYouEngine::Viewer {
  std::deque<Id> positives;                     // newest first
  std::unordered_map<Id, double> sounds, tags;  // affinity
  std::unordered_set<Id> not_interested, muted_creators;
};

struct ForYouEngine::Candidate {
  Id id = 0, author = 0, sound = 0;
  std::vector<Id> tags;
  bool in_catalog = false;  // else a followed creator's video the catalog does not hold
  bool fresh = false;
  double prior = 0, score = 0;
  Source source = Source::kPopular;  // why it is here: made into words only if picked
  Id topic = 0;                      // the hashtag of Source::kHashtag and kInterest
};

namespace {

/// The candidates' features, copied from the catalog when they were picked:
/// scoring a page reads them several times, and the shared catalog (a
/// million entries, under a lock) costs a cache miss or two each time.
template <class Candidate>
class CandidateFeatures final : public recs::ItemFeatures {
 public:
  explicit CandidateFeatures(const std::vector<Candidate>& cands) {
    at_.reserve(cands.size());
    for (const Candidate& c : cands)
      if (c.in_catalog) at_.emplace(c.id, &c);
  }
  std::optional<recs::VideoFeatures> find(Id video) const override {
    auto it = at_.find(video);
    if (it == at_.end()) return std::nullopt;
    return recs::VideoFeatures{it->second->author, it->second->sound, it->second->tags};
  }

 private:
  std::unordered_map<Id, const Candidate*> at_;
};

}  // namespace

ForYouEngine::ForYouEngine(db::Database& db, const Clock& clock, recs::Model& model,
                           recs::AnnIndex& index, ForYouOptions options)
    : db_(db), clock_(clock), model_(model), index_(index), options_(std::move(options)) {
  visibility_.use_memo(this);
}

ForYouEngine::~ForYouEngine() {
  stop();
}

// --- the catalog ---

Status ForYouEngine::load() {
  RIFF_RETURN_IF_ERROR(load_changes(true));
  rebuild_lists(true);
  // Building the graph of a large catalog takes minutes: serve meanwhile,
  // and index what is popular first.
  std::shared_lock lock(catalog_mu_);
  auto queue = [this](Id id) {
    if (queued_.insert(id).second) moved_.push_back(id);
  };
  for (Id id : popular_) queue(id);
  for (const auto& [id, item] : catalog_) queue(id);
  building_ = true;
  last_index_ = clock_.now_ms();
  return Status::ok();
}

Status ForYouEngine::load_changes(bool full) {
  const std::int64_t now = clock_.now_ms();
  // Overlap the last load by a minute: a row's updated_at is taken before
  // its commit (and on another node's clock), so it may arrive late. The
  // full reload catches anything later still.
  const std::int64_t since = full ? 0 : std::max<std::int64_t>(0, loaded_until_ - 60'000);
  struct Row {
    Id id, author, sound;
    std::int64_t created_at, updated_at, likes, shares, views, completions, duration_ms;
    bool recommendable;
    std::vector<Id> tags;
  };
  std::vector<Row> rows;
  std::unordered_map<Id, std::string> names;
  // The restrictions are read first: whatever the scan below then reads
  // reflects at least those up to `latest`, and the memo can answer for them.
  RestrictionMark latest;
  std::optional<RecsCatalog::Restricted> restricted;
  const RestrictionMark applied = restrictions_applied();
  auto st = db_.read([&](db::Conn& c) -> Result<db::Rows> {
    RIFF_ASSIGN_OR_RETURN(latest, RecsCatalog::latest_restriction(c));
    if (!full) {
      RIFF_ASSIGN_OR_RETURN(restricted, RecsCatalog::restricted_between(c, applied, latest));
      if (!restricted) return db::Rows{};  // the log no longer continues ours: reload it all
    }
    RIFF_ASSIGN_OR_RETURN(
        db::Rows r,
        c.query(
            "SELECT v.id, v.author_id, COALESCE(v.sound_id, 0), v.created_at, v.updated_at,"
            " v.like_count, v.share_count, v.view_count, v.completion_count,"
            " CASE WHEN v.status = 1 AND v.visibility = 0 AND u.is_private = 0 THEN 1 ELSE 0 END,"
            " COALESCE(v.duration_ms, 0)"
            " FROM videos v JOIN users u ON u.id = v.author_id WHERE v.updated_at >= $1",
            {since}));
    std::unordered_map<Id, std::size_t> at;
    for (const auto& row : r) {
      at[row.i64(0)] = rows.size();
      rows.push_back({row.i64(0),
                      row.i64(1),
                      row.i64(2),
                      row.i64(3),
                      row.i64(4),
                      row.i64(5),
                      row.i64(6),
                      row.i64(7),
                      row.i64(8),
                      row.i64(10),
                      row.i64(9) == 1,
                      {}});
    }
    RIFF_ASSIGN_OR_RETURN(
        db::Rows tags,
        c.query("SELECT vh.video_id, h.id, h.tag FROM video_hashtags vh"
                " JOIN hashtags h ON h.id = vh.hashtag_id JOIN videos v ON v.id = vh.video_id"
                " WHERE v.updated_at >= $1",
                {since}));
    for (const auto& t : tags) {
      auto it = at.find(t.i64(0));
      if (it == at.end()) continue;
      rows[it->second].tags.push_back(t.i64(1));
      names.emplace(t.i64(1), t.str(2));
    }
    return db::Rows{};
  });
  if (!st) return st.status();
  if (!full && !restricted) return load_changes(true);

  std::unique_lock lock(catalog_mu_);
  if (full) {
    catalog_.clear();
    restricted_authors_.clear();
  }
  for (auto& r : rows) {
    loaded_until_ = std::max(loaded_until_, r.updated_at);
    if (!r.recommendable) {
      catalog_.erase(r.id);
      continue;
    }
    auto& slot = catalog_[r.id];
    const bool is_new = !slot;
    if (is_new) slot = std::make_unique<Item>();
    Item& item = *slot;
    item.id = r.id;
    item.author = r.author;
    item.sound = r.sound;
    item.tags = std::move(r.tags);
    item.created_at = r.created_at;
    item.duration_ms = r.duration_ms;
    if (is_new && now - r.created_at <= options_.fresh_ms) recent_.insert(r.id);
    if (is_new && !full) added_.insert(r.id);
    if (is_new) {
      item.impressions = r.views;
      item.completions = r.completions;
      item.likes = r.likes;
      item.shares = r.shares;
    }
  }
  for (auto& [id, name] : names) tag_names_[id] = std::move(name);
  if (restricted) {
    for (Id id : restricted->videos) catalog_.erase(id);
    restricted_authors_.insert(restricted->users.begin(), restricted->users.end());
  }
  if (full) last_full_ = now;
  // Only now does the catalog hold every restriction up to `latest`.
  restrictions_applied_ = latest;
  return Status::ok();
}

void ForYouEngine::rebuild_lists(bool all_lists) {
  const std::int64_t now = clock_.now_ms();
  struct Scored {
    double score;
    Id id;
  };
  std::vector<Scored> all;
  std::vector<std::pair<std::int64_t, Id>> fresh;
  std::unordered_map<Id, std::vector<Scored>> sounds, tags;
  std::unordered_set<Id> recent;
  auto score_of = [&](const Item& item) {
    const double age_h = std::max<double>(0, static_cast<double>(now - item.created_at)) / kHourMs;
    const double engagement =
        1.0 + static_cast<double>(item.likes + 2 * item.completions + 3 * item.shares);
    return engagement * std::exp2(-age_h / options_.popularity_half_life_h);
  };
  auto rank_in = [&](Id id, const Item& item) {  // the popular and topic lists
    const double s = score_of(item);
    all.push_back({s, id});
    if (item.sound) sounds[item.sound].push_back({s, id});
    for (Id t : item.tags) tags[t].push_back({s, id});
  };
  auto consider_fresh = [&](Id id, const Item& item) {
    if (now - item.created_at > options_.fresh_ms) return;
    if (all_lists) recent.insert(id);
    // A fresh video keeps exploring while its audience is within its
    // stage; finishing rates earn it the next, wider stage.
    const auto shown = item.impressions.load();
    const double rate = shown > 0 ? static_cast<double>(item.completions) / shown : 0;
    std::size_t stage = 0;
    while (stage + 1 < options_.stages.size() && shown >= options_.stages[stage] &&
           rate >= options_.widen_completion)
      ++stage;
    if (!options_.stages.empty() && shown >= options_.stages[stage]) return;
    fresh.emplace_back(item.created_at, id);
  };
  {
    std::shared_lock lock(catalog_mu_);
    if (all_lists) {
      all.reserve(catalog_.size());
      for (const auto& [id, item] : catalog_) {
        rank_in(id, *item);
        consider_fresh(id, *item);
      }
    } else {
      // Between passes over the catalog: the fresh pool from the recent
      // videos, and the videos added since the last pass merged into the
      // lists of their topics next to those lists' members, scored again.
      // Only the lists new videos touch are redone: redoing every recent
      // video's topics every 2 s took a third of a core at 1,000,000 videos.
      for (Id id : recent_) {
        if (auto it = catalog_.find(id); it != catalog_.end()) consider_fresh(id, *it->second);
      }
      for (Id id : added_) {
        if (auto it = catalog_.find(id); it != catalog_.end()) rank_in(id, *it->second);
      }
      auto rescore = [&](const std::vector<Id>& ids, std::vector<Scored>& into) {
        for (Id id : ids) {
          if (added_.count(id)) continue;
          if (auto it = catalog_.find(id); it != catalog_.end())
            into.push_back({score_of(*it->second), id});
        }
      };
      rescore(popular_, all);
      for (auto& [s, v] : sounds) {
        if (auto it = by_sound_.find(s); it != by_sound_.end()) rescore(it->second, v);
      }
      for (auto& [t, v] : tags) {
        if (auto it = by_tag_.find(t); it != by_tag_.end()) rescore(it->second, v);
      }
    }
  }
  added_.clear();
  auto best = [](std::vector<Scored>& v, std::size_t keep) {
    const std::size_t n = std::min(keep, v.size());
    std::partial_sort(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n), v.end(),
                      [](const Scored& a, const Scored& b) {
                        return a.score != b.score ? a.score > b.score : a.id > b.id;
                      });
    std::vector<Id> ids;
    for (std::size_t i = 0; i < n; ++i) ids.push_back(v[i].id);
    return ids;
  };
  std::vector<Id> popular = best(all, kPopularKept);
  std::unordered_map<Id, std::vector<Id>> by_sound, by_tag;
  for (auto& [s, v] : sounds) by_sound[s] = best(v, kPerTopicKept);
  for (auto& [t, v] : tags) by_tag[t] = best(v, kPerTopicKept);
  std::sort(fresh.rbegin(), fresh.rend());
  if (fresh.size() > kFreshKept) fresh.resize(kFreshKept);
  std::vector<Id> fresh_ids;
  for (const auto& f : fresh) fresh_ids.push_back(f.second);

  std::unique_lock lock(catalog_mu_);
  popular_ = std::move(popular);
  fresh_ = std::move(fresh_ids);
  if (all_lists) {
    by_sound_ = std::move(by_sound);
    by_tag_ = std::move(by_tag);
    recent_ = std::move(recent);  // load_changes runs on this thread: none arrived meanwhile
  } else {
    for (auto& [s, ids] : by_sound) by_sound_[s] = std::move(ids);
    for (auto& [t, ids] : by_tag) by_tag_[t] = std::move(ids);
  }
}

std::size_t ForYouEngine::catalog_size() const {
  std::shared_lock lock(catalog_mu_);
  return catalog_.size();
}

RestrictionMark ForYouEngine::restrictions_applied() const {
  std::shared_lock lock(catalog_mu_);
  return restrictions_applied_;
}

std::optional<PublicVideoMemo::Video> ForYouEngine::public_video(Id id) const {
  std::shared_lock lock(catalog_mu_);
  auto it = catalog_.find(id);
  if (it == catalog_.end() || restricted_authors_.count(it->second->author)) return std::nullopt;
  return Video{it->second->author, it->second->duration_ms};
}

std::optional<recs::VideoFeatures> ForYouEngine::find(Id video) const {
  std::shared_lock lock(catalog_mu_);
  auto it = catalog_.find(video);
  if (it == catalog_.end()) return std::nullopt;
  return recs::VideoFeatures{it->second->author, it->second->sound, it->second->tags};
}

// --- events and learning ---

void ForYouEngine::on_events(std::span<const recs::Event> events) {
  std::lock_guard lock(queue_mu_);
  if (queue_.size() + events.size() > kMaxQueued) {
    // The learner fell far behind: drop rather than grow without bound
    // (the events are stored; a replay can relearn them).
    dropped_ += static_cast<std::int64_t>(events.size());
    return;
  }
  queue_.insert(queue_.end(), events.begin(), events.end());
  run_cv_.notify_one();
}

void ForYouEngine::learn_queued() {
  std::vector<recs::Event> batch;
  {
    std::lock_guard lock(queue_mu_);
    batch.swap(queue_);
  }
  if (batch.empty()) return;
  // What learning moves, for the index upkeep (collect_moved): the videos, and
  // the creators and hashtags every one of their videos shares.
  Touched moved;
  const std::size_t viewers_per_shard =
      std::max<std::size_t>(1, options_.max_viewers / kViewerShards);
  {
    // The engine's thread is the catalog's only writer: a shared lock over
    // the whole batch keeps no one waiting.
    std::shared_lock lock(catalog_mu_);
    for (const recs::Event& e : batch) {
      auto it = catalog_.find(e.video);
      Item* item = it == catalog_.end() ? nullptr : it->second.get();
      moved.videos.insert(e.video);
      if (item) {
        moved.creators.insert(item->author);
        moved.tags.insert(item->tags.begin(), item->tags.end());
        switch (e.kind) {
          case recs::EventKind::kImpression:
            ++item->impressions;
            break;
          case recs::EventKind::kLike:
            ++item->likes;
            break;
          case recs::EventKind::kUnlike:
            --item->likes;
            break;
          case recs::EventKind::kShare:
            ++item->shares;
            break;
          case recs::EventKind::kWatch:
            if (is_positive(e)) ++item->completions;
            break;
          default:
            break;
        }
      }
      if (!e.viewer) continue;
      ViewerShard& shard = shard_of(e.viewer);
      std::lock_guard viewers(shard.mu);
      auto& slot = shard.viewers[e.viewer];
      if (!slot) {
        if (shard.viewers.size() > viewers_per_shard) {
          // Bounded memory: forget some viewer's recent taste (the model
          // still knows them).
          auto victim = shard.viewers.begin();
          if (victim->first == e.viewer) ++victim;
          if (victim != shard.viewers.end()) shard.viewers.erase(victim);
        }
        slot = std::make_unique<Viewer>();
      }
      Viewer& v = *slot;
      if (e.kind == recs::EventKind::kNotInterested) {
        v.not_interested.insert(e.video);
        if (item) v.muted_creators.insert(item->author);
        continue;
      }
      const double w = is_positive(e) ? 1.0 : e.kind == recs::EventKind::kSkip ? -0.5 : 0.0;
      if (w == 0 || !item) continue;
      if (w > 0) {
        std::erase(v.positives, e.video);
        v.positives.push_front(e.video);
        if (v.positives.size() > kRecentPositives) v.positives.pop_back();
      }
      if (item->sound) v.sounds[item->sound] += w;
      for (Id t : item->tags) v.tags[t] += w;
    }
  }
  if (options_.learn && learner_) {
    moved.batch = learner_->submit(std::move(batch));
    unlearned_.push_back(std::move(moved));
    return;
  }
  if (options_.learn) model_.learn(batch, *this);
  std::lock_guard lock(queue_mu_);
  release(moved);
}

void ForYouEngine::release(Touched& moved) {
  touched_.merge(moved.videos);
  touched_creators_.merge(moved.creators);
  touched_tags_.merge(moved.tags);
}

void ForYouEngine::on_learned(recs::LearnedDelta learned) {
  std::lock_guard lock(queue_mu_);
  learned_.push_back(std::move(learned));
  run_cv_.notify_one();
}

void ForYouEngine::apply_learned() {
  std::vector<recs::LearnedDelta> learned;
  {
    std::lock_guard lock(queue_mu_);
    learned.swap(learned_);
  }
  for (const recs::LearnedDelta& l : learned) {
    // Rows of one model of the same shape: this cannot be refused.
    if (auto st = model_.apply_delta(l.delta); !st)
      spdlog::error("for you: the learner's delta was refused: {}", st.message());
    std::lock_guard lock(queue_mu_);
    while (!unlearned_.empty() && unlearned_.front().batch <= l.learned_through) {
      release(unlearned_.front());
      unlearned_.pop_front();
    }
  }
}

std::int64_t ForYouEngine::events_dropped() const {
  return dropped_ + (learner_ ? learner_->dropped() : 0);
}

Status ForYouEngine::apply_delta(const recs::ModelDelta& delta) {
  RIFF_RETURN_IF_ERROR(model_.apply_delta(delta));
  // A key keeps only the low 56 bits of an id (feature_key.hpp): match the
  // delta's rows to the catalog's videos, creators and hashtags by those.
  constexpr std::uint64_t kLow56 = (std::uint64_t{1} << 56) - 1;
  auto low = [](Id id) { return static_cast<std::uint64_t>(id) & kLow56; };
  std::unordered_map<std::uint64_t, Id> videos, creators, tags;
  {
    std::shared_lock lock(catalog_mu_);
    for (const auto& [id, item] : catalog_) {
      videos.emplace(low(id), id);
      creators.emplace(low(item->author), item->author);
      for (Id t : item->tags) tags.emplace(low(t), t);
    }
  }
  std::lock_guard lock(queue_mu_);
  for (std::uint64_t key : delta.embeddings.keys) {
    const auto id = static_cast<std::uint64_t>(recs::id_of(key));
    switch (recs::kind_of(key)) {
      case recs::FeatureKind::kVideo:
        if (auto it = videos.find(id); it != videos.end()) touched_.insert(it->second);
        break;
      case recs::FeatureKind::kCreator:
        if (auto it = creators.find(id); it != creators.end()) touched_creators_.insert(it->second);
        break;
      case recs::FeatureKind::kHashtag:
        if (auto it = tags.find(id); it != tags.end()) touched_tags_.insert(it->second);
        break;
      default:
        break;
    }
  }
  run_cv_.notify_one();
  return Status::ok();
}

void ForYouEngine::collect_moved() {
  std::unordered_set<Id> touched, creators, tags;
  {
    std::lock_guard lock(queue_mu_);
    touched.swap(touched_);
    creators.swap(touched_creators_);
    tags.swap(touched_tags_);
  }
  // A video's vector is built from its own embedding and its creator's and
  // hashtags': a learned creator moves every one of their videos, also the
  // ones nobody has seen yet (which is how those get found).
  {
    std::shared_lock lock(catalog_mu_);
    for (Id id : touched) {
      if (!catalog_.count(id)) {
        index_.remove(id);
      } else if (queued_.insert(id).second) {
        moved_.push_front(id);  // what viewers engage with goes first
      }
    }
    if (!creators.empty() || !tags.empty()) {
      for (const auto& [id, item] : catalog_) {
        bool hit = creators.count(item->author) > 0;
        for (std::size_t i = 0; !hit && i < item->tags.size(); ++i)
          hit = tags.count(item->tags[i]) > 0;
        if (hit && queued_.insert(id).second) moved_.push_back(id);
      }
    }
  }
  last_index_ = clock_.now_ms();
}

void ForYouEngine::reindex(std::optional<std::int64_t> until_ms) {
  // The clock is read every few videos: one costs microseconds (moving a
  // point in the graph, a millisecond or so).
  for (int n = 0; !moved_.empty(); ++n) {
    if (until_ms && n % 16 == 0 && clock_.now_ms() >= *until_ms) return;
    const Id id = moved_.front();
    moved_.pop_front();
    queued_.erase(id);
    if (find(id)) index_vector(id);
  }
  if (building_) {
    building_ = false;
    spdlog::info("for you: {} videos indexed", index_.size());
  }
}

void ForYouEngine::index_vector(Id video) {
  const std::vector<float> v = model_.item_vector(video, *this);
  if (std::all_of(v.begin(), v.end(), [](float x) { return x == 0; }))
    return;  // nothing learned yet
  const std::vector<float> indexed = index_.vector_of(video);
  if (indexed.size() == v.size()) {
    float cosine = 0;  // both are unit vectors
    for (std::size_t i = 0; i < v.size(); ++i) cosine += v[i] * indexed[i];
    if (cosine >= kReindexCosine) return;
  }
  index_.upsert(video, v);
}

void ForYouEngine::step() {
  const std::int64_t now = clock_.now_ms();
  const bool full = now - last_full_ >= options_.full_reload_ms;
  if (auto st = load_changes(full); !st) spdlog::warn("for you: catalog refresh: {}", st.message());
  learn_queued();  // before the lists: exploration stages count the new impressions
  if (learner_) learner_->run_once();
  apply_learned();
  rebuild_lists(true);
  collect_moved();
  reindex(std::nullopt);
}

void ForYouEngine::start() {
  std::lock_guard lock(run_mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    // Not at a lower priority: this thread takes the index's and the
    // catalog's write locks, which requests wait for (priority inversion).
    std::int64_t last_refresh = 0, last_lists = clock_.now_ms(), next_reindex = 0;
    std::unique_lock lock(run_mu_);
    while (!stopping_) {
      // While the first index is built, without pausing.
      run_cv_.wait_for(lock, std::chrono::milliseconds(building_ ? 0 : 200));
      if (stopping_) break;
      lock.unlock();
      const std::int64_t now = clock_.now_ms();
      learn_queued();
      apply_learned();
      if (now - last_refresh >= options_.refresh_ms) {
        const bool full = now - last_full_ >= options_.full_reload_ms;
        if (auto st = load_changes(full); !st)
          spdlog::warn("for you: catalog refresh: {}", st.message());
        const bool all = now - last_lists >= options_.lists_refresh_ms;
        rebuild_lists(all);
        if (all) last_lists = now;
        last_refresh = now;
      }
      if (now - last_index_ >= options_.index_refresh_ms) collect_moved();
      // Events wake this thread often: the index gets its share by the clock.
      if (building_ || now >= next_reindex) {
        reindex(clock_.now_ms() + kReindexSliceMs);
        next_reindex = clock_.now_ms() + kReindexPauseMs;
      }
      lock.lock();
    }
  });
}

void ForYouEngine::stop() {
  {
    std::lock_guard lock(run_mu_);
    stopping_ = true;
  }
  run_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

// --- ranking ---

std::vector<ForYouEngine::Candidate> ForYouEngine::candidates(
    db::Conn& c, std::optional<Id> viewer, const std::unordered_set<Id>& exclude) {
  const Id who = viewer.value_or(0);
  std::unordered_map<Id, Candidate> pool;
  pool.reserve(512);
  std::unordered_set<Id> muted_videos, muted_creators;
  std::vector<Id> positives, top_sounds, top_tags;
  if (viewer) {
    ViewerShard& shard = shard_of(*viewer);
    std::lock_guard lock(shard.mu);
    if (auto it = shard.viewers.find(*viewer); it != shard.viewers.end()) {
      const Viewer& v = *it->second;
      muted_videos = v.not_interested;
      muted_creators = v.muted_creators;
      positives.assign(v.positives.begin(),
                       v.positives.begin() + std::min<std::ptrdiff_t>(3, v.positives.size()));
      auto top = [](const std::unordered_map<Id, double>& m, std::size_t n) {
        std::vector<std::pair<double, Id>> v;
        for (const auto& [id, w] : m)
          if (w > 0) v.emplace_back(w, id);
        std::sort(v.rbegin(), v.rend());
        std::vector<Id> out;
        for (std::size_t i = 0; i < std::min(n, v.size()); ++i) out.push_back(v[i].second);
        return out;
      };
      top_sounds = top(v.sounds, 3);
      top_tags = top(v.tags, 3);
    }
  }

  std::vector<Id> picked;
  if (viewer) {
    if (auto ids = InterestService::ids(c, *viewer)) picked = std::move(ids).value();
  }

  std::shared_lock lock(catalog_mu_);
  auto add = [&](Id id, double prior, Source source, Id topic = 0) {
    if (exclude.count(id) || muted_videos.count(id) || pool.count(id)) return;
    auto it = catalog_.find(id);
    Candidate cand;
    cand.id = id;
    if (it != catalog_.end()) {
      if (it->second->author == who || muted_creators.count(it->second->author)) return;
      cand.author = it->second->author;
      cand.sound = it->second->sound;
      cand.tags = it->second->tags;
      cand.in_catalog = true;
    } else if (source != Source::kFollowing) {
      return;  // left the catalog since it was indexed
    }
    cand.prior = prior;
    cand.source = source;
    cand.topic = topic;
    pool.emplace(id, std::move(cand));
  };

  // Followed creators: SQL, because followers-only videos are not in the
  // catalog. Ids are time-ordered, so "the last week" is an id range of the
  // (author_id, status, id) index. A follower may see a followed account's
  // videos unless they are private; blocks are left to the final check
  // (visible_in_order), which every pick passes.
  if (viewer) {
    auto rows = c.query(
        "SELECT v.id FROM follows f JOIN videos v ON v.author_id = f.followee_id"
        " WHERE f.follower_id = $1 AND v.status = 1 AND v.id > $2 AND v.visibility <> 2"
        " ORDER BY v.id DESC LIMIT $3",
        {who, IdGenerator::min_id_at(clock_.now_ms() - 7 * 24 * kHourMs),
         options_.per_source / 2});
    if (rows) {
      for (const auto& r : *rows) add(r.i64(0), 0.03, Source::kFollowing);
    }
  }
  const int k = options_.per_source;
  if (viewer) {
    const std::vector<float> u = model_.user_vector(*viewer);
    if (std::any_of(u.begin(), u.end(), [](float x) { return x != 0; })) {
      for (const auto& [id, sim] : index_.search(u, static_cast<std::size_t>(k)))
        add(id, 0.01, Source::kTaste);
    }
  }
  for (Id p : positives) {
    const std::vector<float> v = model_.item_vector(p, *this);
    for (const auto& [id, sim] : index_.search(v, static_cast<std::size_t>(k / 4) + 1))
      add(id, 0.015, Source::kSimilar);
  }
  // The best of a topic the viewer has not been shown yet.
  auto add_topic = [&](const std::vector<Id>& ranked, Source source, Id topic) {
    int added = 0;
    for (std::size_t i = 0; i < ranked.size() && added < kPerTopicTaken; ++i) {
      const std::size_t before = pool.size();
      add(ranked[i], 0.01, source, topic);
      added += pool.size() > before;
    }
  };
  for (Id s : top_sounds) {
    if (auto it = by_sound_.find(s); it != by_sound_.end())
      add_topic(it->second, Source::kSound, 0);
  }
  for (Id t : top_tags) {
    if (auto it = by_tag_.find(t); it != by_tag_.end()) add_topic(it->second, Source::kHashtag, t);
  }
  // Cold start: the hashtags the viewer picked, until their swipes say more.
  for (Id t : picked) {
    if (auto it = by_tag_.find(t); it != by_tag_.end()) add_topic(it->second, Source::kInterest, t);
  }
  // Exploration: a random handful of the fresh pool, so every new video
  // gets its first audience.
  if (!fresh_.empty()) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::uniform_int_distribution<std::size_t> pick(0, fresh_.size() - 1);
    for (int i = 0; i < k / 4; ++i) {
      const Id id = fresh_[pick(rng)];
      const std::size_t before = pool.size();
      add(id, 0.0, Source::kFresh);
      if (pool.size() > before) pool.at(id).fresh = true;
    }
  }
  for (std::size_t i = 0; i < std::min<std::size_t>(static_cast<std::size_t>(k), popular_.size());
       ++i) {
    add(popular_[i], 0.005 * (1.0 - static_cast<double>(i) / k), Source::kPopular);
  }
  std::vector<Candidate> out;
  out.reserve(pool.size());
  for (auto& [id, cand] : pool) out.push_back(std::move(cand));
  return out;
}

Result<std::vector<Id>> ForYouEngine::visible_in_order(db::Conn& c, std::optional<Id> viewer,
                                                       const std::vector<Id>& ids) {
  if (ids.empty()) return std::vector<Id>{};
  // The catalog answers for the public videos it holds; the rest, and the
  // ones changed since its refresh, take the rule in SQL.
  RIFF_ASSIGN_OR_RETURN(std::vector<recs::VideoFacts> facts, visibility_.visible(c, viewer, ids));
  std::unordered_set<Id> ok;
  for (const auto& f : facts)
    if (!viewer || f.author_id != *viewer) ok.insert(f.id);
  std::vector<Id> out;
  for (Id id : ids)
    if (ok.count(id)) out.push_back(id);
  return out;
}

void ForYouEngine::add_affinity(Id viewer, std::vector<Candidate>& cands) {
  // Until the model has a viewer's measure, what they finished and skipped
  // by hashtag and sound is the quickest signal: it weighs in fully at the
  // first swipes and fades as their positives accumulate.
  std::unordered_map<Id, double> tags, sounds;
  double fade = 0;
  {
    ViewerShard& shard = shard_of(viewer);
    std::lock_guard lock(shard.mu);
    auto it = shard.viewers.find(viewer);
    if (it == shard.viewers.end()) return;
    tags = it->second->tags;
    sounds = it->second->sounds;
    fade = 1.0 / (1.0 + static_cast<double>(it->second->positives.size()) /
                            options_.affinity_fade_positives);
  }
  if (tags.empty() && sounds.empty()) return;
  double scale = 1;  // the strongest affinity maps to 1
  for (const auto& [id, w] : tags) scale = std::max(scale, std::abs(w));
  for (const auto& [id, w] : sounds) scale = std::max(scale, std::abs(w));
  for (Candidate& cand : cands) {
    if (!cand.in_catalog) continue;
    double a = 0;
    if (auto s = sounds.find(cand.sound); cand.sound && s != sounds.end()) a += s->second;
    for (Id t : cand.tags)
      if (auto w = tags.find(t); w != tags.end()) a += w->second;
    cand.score += options_.affinity_weight * fade * std::clamp(a / scale, -1.0, 1.0);
  }
}

Result<std::vector<Id>> ForYouEngine::rank(db::Conn& c, std::optional<Id> viewer,
                                           const std::unordered_set<Id>& exclude, int limit) {
  std::vector<Candidate> cands = candidates(c, viewer, exclude);
  if (cands.empty()) return std::vector<Id>{};
  std::vector<Id> ids;
  ids.reserve(cands.size());
  for (const auto& cand : cands) ids.push_back(cand.id);
  const std::vector<float> scores =
      model_.score(viewer.value_or(0), ids, CandidateFeatures<Candidate>(cands));
  for (std::size_t i = 0; i < cands.size(); ++i) cands[i].score = scores[i] + cands[i].prior;
  if (viewer && options_.affinity_weight > 0) add_affinity(*viewer, cands);
  std::sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score > b.score : a.id > b.id;
  });

  // Re-rank: diversity and the exploration share. Take twice what is asked,
  // since the visibility check may still drop some.
  const std::size_t want = static_cast<std::size_t>(limit) * 2;
  std::vector<bool> used(cands.size(), false);
  std::vector<const Candidate*> picks;
  Id last_author = 0, last_sound = 0;
  auto fits = [&](const Candidate& cand) {
    return (!cand.author || cand.author != last_author) &&
           (!cand.sound || cand.sound != last_sound);
  };
  while (picks.size() < want) {
    const bool explore = options_.exploration_every > 0 &&
                         picks.size() % options_.exploration_every ==
                             static_cast<std::size_t>(options_.exploration_every - 1);
    std::optional<std::size_t> chosen;
    for (int pass = 0; pass < 3 && !chosen; ++pass) {
      for (std::size_t i = 0; i < cands.size() && !chosen; ++i) {
        if (used[i]) continue;
        if (pass == 0 && explore && !cands[i].fresh) continue;
        if (pass < 2 && !fits(cands[i])) continue;
        chosen = i;
      }
    }
    if (!chosen) break;
    used[*chosen] = true;
    const Candidate& cand = cands[*chosen];
    last_author = cand.author;
    last_sound = cand.sound;
    picks.push_back(&cand);
  }
  std::vector<Id> ordered;
  for (const Candidate* p : picks) ordered.push_back(p->id);
  RIFF_ASSIGN_OR_RETURN(std::vector<Id> visible, visible_in_order(c, viewer, ordered));
  if (visible.size() > static_cast<std::size_t>(limit))
    visible.resize(static_cast<std::size_t>(limit));
  if (viewer) {
    std::unordered_set<Id> kept(visible.begin(), visible.end());
    std::vector<std::pair<Id, WhyReason>> reasons;
    {
      std::shared_lock lock(catalog_mu_);
      for (const Candidate* p : picks)
        if (kept.count(p->id)) reasons.emplace_back(p->id, reason(p->source, p->topic));
    }
    remember(*viewer, reasons);
  }
  return visible;
}

WhyReason ForYouEngine::reason(Source source, Id topic) const {
  auto tag = [&] {
    auto it = tag_names_.find(topic);
    return it == tag_names_.end() ? std::string() : it->second;
  };
  switch (source) {
    case Source::kFollowing:
      return {"following", "From a creator you follow"};
    case Source::kTaste:
      return {"taste", "Like the videos you watch"};
    case Source::kSimilar:
      return {"similar", "Similar to a video you enjoyed"};
    case Source::kSound:
      return {"sound", "Uses a sound you like"};
    case Source::kHashtag:
      return {"hashtag", "Popular in #" + tag()};
    case Source::kInterest:
      return {"interest", "Because you picked #" + tag()};
    case Source::kFresh:
      return {"fresh", "New, and finding its first viewers"};
    case Source::kPopular:
      break;
  }
  return {"popular", "Popular right now"};
}

void ForYouEngine::remember(Id viewer, const std::vector<std::pair<Id, WhyReason>>& picks) {
  std::lock_guard lock(reasons_mu_);
  for (const auto& [id, why] : picks) {
    std::string key = id_to_string(viewer) + ":" + id_to_string(id);
    if (reasons_.insert_or_assign(key, why).second) reasons_order_.push_back(std::move(key));
  }
  while (reasons_order_.size() > kReasonsKept) {
    reasons_.erase(reasons_order_.front());
    reasons_order_.pop_front();
  }
}

Result<WhyReason> ForYouEngine::why(std::optional<Id> viewer, Id video) {
  WhyReason out;
  RIFF_RETURN_IF_ERROR(db_.read([&](db::Conn& c) -> Result<db::Rows> {
                            out = why(c, viewer, video);
                            return db::Rows{};
                          })
                           .status());
  return out;
}

std::unique_ptr<ForYouRanker> ForYouEngine::ranker() {
  class Forward final : public ForYouRanker {
   public:
    explicit Forward(ForYouEngine& engine) : engine_(engine) {}
    Result<std::vector<Id>> rank(db::Conn& c, std::optional<Id> viewer,
                                 const std::unordered_set<Id>& exclude, int limit) override {
      return engine_.rank(c, viewer, exclude, limit);
    }

   private:
    ForYouEngine& engine_;
  };
  return std::make_unique<Forward>(*this);
}

WhyReason ForYouEngine::why(db::Conn& c, std::optional<Id> viewer, Id video) {
  if (viewer) {
    std::lock_guard lock(reasons_mu_);
    if (auto it = reasons_.find(id_to_string(*viewer) + ":" + id_to_string(video));
        it != reasons_.end())
      return it->second;
  }
  // Not served to this viewer by this node: say what would have brought it.
  const auto features = find(video);
  if (viewer && features) {
    auto follows = c.query("SELECT 1 FROM follows WHERE follower_id = $1 AND followee_id = $2",
                           {*viewer, features->creator});
    if (follows && !follows->empty()) return reason(Source::kFollowing);
    ViewerShard& shard = shard_of(*viewer);
    std::lock_guard lock(shard.mu);
    if (auto it = shard.viewers.find(*viewer); it != shard.viewers.end()) {
      const Viewer& v = *it->second;
      if (features->sound && v.sounds.count(features->sound) && v.sounds.at(features->sound) > 0)
        return reason(Source::kSound);
      for (Id t : features->hashtags) {
        if (v.tags.count(t) && v.tags.at(t) > 0) {
          std::shared_lock catalog(catalog_mu_);
          return reason(Source::kHashtag, t);
        }
      }
    }
  }
  {
    std::shared_lock lock(catalog_mu_);
    if (std::find(fresh_.begin(), fresh_.end(), video) != fresh_.end())
      return reason(Source::kFresh);
  }
  return reason(Source::kPopular);
}

}  // namespace riff::video
