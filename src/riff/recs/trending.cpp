#include "riff/recs/trending.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace riff::recs {
namespace {

constexpr std::int64_t kTopicsTtlMs = 10 * 60'000;
// Sized for a catalog of a million videos: at that scale the videos viewed
// within kTopicsTtlMs outnumber 200,000, and a cache that is cleared when
// full made most event batches query the topics of hundreds of videos.
constexpr std::size_t kMaxCachedTopics = 1'000'000;
constexpr std::int64_t kMinViewMs = 1000;
constexpr double kForgotten = 1e-3;  // a count below this is dropped at refresh

double decay(std::int64_t dt_ms, std::int64_t half_life_ms) {
  return std::exp2(-static_cast<double>(dt_ms) / static_cast<double>(half_life_ms));
}

std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  return x ^ (x >> 33);
}

bool is_view(const Event& e) {
  if (e.kind != EventKind::kWatch) return false;
  const std::int64_t need = e.duration_ms > 0
                                ? std::min<std::int64_t>(kMinViewMs, std::max(1, e.duration_ms / 4))
                                : kMinViewMs;
  return e.watch_ms >= need;
}

double round2(double x) {
  return std::round(x * 100.0) / 100.0;
}

}  // namespace

// --- DecayedCount ---

void DecayedCount::add(double weight, std::int64_t at_ms, std::int64_t half_life_ms) {
  if (value_ == 0 || at_ms >= at_ms_) {
    value_ = value_ * (value_ == 0 ? 0 : decay(at_ms - at_ms_, half_life_ms)) + weight;
    at_ms_ = at_ms;
  } else {
    value_ += weight * decay(at_ms_ - at_ms, half_life_ms);
  }
}

double DecayedCount::value(std::int64_t now_ms, std::int64_t half_life_ms) const {
  if (value_ == 0) return 0;
  // An event dated after `now` (clock skew between nodes) counts as now.
  return value_ * decay(std::max<std::int64_t>(0, now_ms - at_ms_), half_life_ms);
}

// --- Trending ---

Trending::Trending(db::Database& db, VideoCatalog& catalog, const Clock& clock,
                   TrendingOptions options)
    : db_(db),
      catalog_(catalog),
      clock_(clock),
      options_(options),
      seen_views_(std::max<std::size_t>(options.view_dedupe_slots, 1), 0) {}

bool Trending::first_view(Id viewer, Id video, std::int64_t at_ms) {
  // A direct-mapped table of (pair hash, period): a repeat within the same or
  // the next half-life period is not counted again. A collision only forgets
  // an older pair, so memory stays fixed.
  const std::uint64_t h = mix(static_cast<std::uint64_t>(viewer) * 0x9e3779b97f4a7c15ull ^
                              static_cast<std::uint64_t>(video));
  const std::uint64_t period = static_cast<std::uint64_t>(at_ms / options_.half_life_ms) & 0xffff;
  std::uint64_t& slot = seen_views_[h % seen_views_.size()];
  const std::uint64_t tag = h & ~std::uint64_t{0xffff};
  if (slot != 0 && (slot & ~std::uint64_t{0xffff}) == tag) {
    const std::uint64_t was = slot & 0xffff;
    const std::uint64_t apart = std::max(was, period) - std::min(was, period);
    if (apart <= 1) return false;
  }
  slot = tag | period;
  return true;
}

void Trending::add_view(const VideoTopics& t, std::int64_t at_ms) {
  auto bump = [&](Heat& h) {
    h.views.add(1, at_ms, options_.half_life_ms);
    h.recent_views.add(1, at_ms, options_.rising_half_life_ms);
  };
  for (const auto& tag : t.hashtags) bump(tags_[tag]);
  if (t.sound_id) bump(sounds_[*t.sound_id]);
}

void Trending::on_events(std::span<const Event> events) {
  const std::int64_t now = clock_.now_ms();
  const std::int64_t oldest = now - options_.window_ms;
  std::vector<const Event*> views;
  std::vector<Id> missing;
  {
    std::lock_guard lock(mu_);
    for (const Event& e : events) {
      if (!is_view(e) || e.at_ms < oldest) continue;
      views.push_back(&e);
      auto it = topics_.find(e.video);
      if (it == topics_.end() || now - it->second.fetched_ms > kTopicsTtlMs)
        missing.push_back(e.video);
    }
  }
  if (views.empty()) return;
  std::sort(missing.begin(), missing.end());
  missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
  std::vector<VideoTopics> fetched;
  if (!missing.empty()) {
    auto rows = db_.read([&](db::Conn& c) -> Result<db::Rows> {
      RIFF_ASSIGN_OR_RETURN(fetched, catalog_.public_topics(c, missing));
      return db::Rows{};
    });
    // Without topics these views cannot be attributed; they are skipped.
    if (!rows) return;
  }
  std::lock_guard lock(mu_);
  if (topics_.size() + missing.size() > kMaxCachedTopics) {
    std::erase_if(topics_,
                  [&](const auto& kv) { return now - kv.second.fetched_ms > kTopicsTtlMs; });
    if (topics_.size() + missing.size() > kMaxCachedTopics) topics_.clear();
  }
  for (Id id : missing) topics_[id] = Cached{std::nullopt, now};
  for (auto& t : fetched) {
    const Id id = t.id;
    topics_[id] = Cached{std::move(t), now};
  }
  for (const Event* e : views) {
    auto it = topics_.find(e->video);
    if (it == topics_.end() || !it->second.topics) continue;
    if (!first_view(e->viewer, e->video, e->at_ms)) continue;
    add_view(*it->second.topics, e->at_ms);
  }
}

Status Trending::refresh() {
  const std::int64_t now = clock_.now_ms();
  std::vector<VideoTopics> videos;
  RIFF_RETURN_IF_ERROR(db_.read([&](db::Conn& c) -> Result<db::Rows> {
                            RIFF_ASSIGN_OR_RETURN(
                                videos, catalog_.public_videos_since(c, now - options_.window_ms,
                                                                     options_.max_videos));
                            return db::Rows{};
                          })
                           .status());
  std::lock_guard lock(mu_);
  for (auto& [tag, h] : tags_) h.uses = h.recent_uses = {};
  for (auto& [id, h] : sounds_) h.uses = h.recent_uses = {};
  auto use = [&](Heat& h, std::int64_t at) {
    h.uses.add(1, at, options_.half_life_ms);
    h.recent_uses.add(1, at, options_.rising_half_life_ms);
  };
  for (const auto& v : videos) {
    for (const auto& tag : v.hashtags) use(tags_[tag], v.created_at);
    if (v.sound_id) use(sounds_[*v.sound_id], v.created_at);
  }
  auto forgotten = [&](const auto& kv) {
    const Heat& h = kv.second;
    return h.uses.value(now, options_.half_life_ms) + h.views.value(now, options_.half_life_ms) <
           kForgotten;
  };
  std::erase_if(tags_, forgotten);
  std::erase_if(sounds_, forgotten);
  // Cached topics may be stale in the same way as the uses were.
  std::erase_if(topics_, [&](const auto& kv) { return now - kv.second.fetched_ms > kTopicsTtlMs; });
  return Status::ok();
}

Result<std::int64_t> Trending::replay(EventStore& store) {
  return store.scan(clock_.now_ms() - options_.window_ms, 10'000, [&](std::span<const Event> page) {
    on_events(page);
    return true;
  });
}

TrendingItem Trending::score(const Heat& h, std::int64_t now) const {
  TrendingItem out;
  out.uses = h.uses.value(now, options_.half_life_ms);
  out.views = h.views.value(now, options_.half_life_ms);
  out.score = out.uses + options_.view_weight * out.views;
  out.recent = h.recent_uses.value(now, options_.rising_half_life_ms) +
               options_.view_weight * h.recent_views.value(now, options_.rising_half_life_ms);
  // Rates: a count C with half-life h means about C x ln2 / h per ms.
  out.ratio = out.score > 0 ? (out.recent / static_cast<double>(options_.rising_half_life_ms)) /
                                  (out.score / static_cast<double>(options_.half_life_ms))
                            : 0;
  return out;
}

std::vector<Trending::Scored> Trending::ranked(bool hashtags, bool by_ratio, std::size_t n) {
  const std::int64_t now = clock_.now_ms();
  std::vector<Scored> all;
  {
    std::lock_guard lock(mu_);
    auto consider = [&](Scored s) {
      if (by_ratio &&
          (s.item.recent < options_.rising_min || s.item.ratio < options_.rising_factor)) {
        return;
      }
      if (s.item.score <= 0) return;
      all.push_back(std::move(s));
    };
    if (hashtags) {
      for (const auto& [tag, h] : tags_) consider(Scored{tag, 0, score(h, now)});
    } else {
      for (const auto& [id, h] : sounds_) consider(Scored{{}, id, score(h, now)});
    }
  }
  auto better = [by_ratio](const Scored& a, const Scored& b) {
    const double ka = by_ratio ? a.item.ratio : a.item.score,
                 kb = by_ratio ? b.item.ratio : b.item.score;
    if (ka != kb) return ka > kb;
    if (a.item.score != b.item.score) return a.item.score > b.item.score;
    return a.tag != b.tag ? a.tag < b.tag : a.sound < b.sound;
  };
  if (all.size() > n) {
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(), better);
    all.resize(n);
  } else {
    std::sort(all.begin(), all.end(), better);
  }
  return all;
}

Result<std::vector<TrendingItem>> Trending::visible(std::vector<Scored> ranked, int limit) {
  std::vector<std::string> tags;
  std::vector<Id> sounds;
  for (const auto& s : ranked) {
    if (s.sound != 0) {
      sounds.push_back(s.sound);
    } else {
      tags.push_back(s.tag);
    }
  }
  std::unordered_set<std::string> public_tags;
  std::unordered_map<Id, SoundFacts> public_sounds;
  RIFF_RETURN_IF_ERROR(db_.read([&](db::Conn& c) -> Result<db::Rows> {
                            if (!tags.empty()) {
                              RIFF_ASSIGN_OR_RETURN(auto t, catalog_.public_hashtags(c, tags));
                              public_tags.insert(t.begin(), t.end());
                            }
                            if (!sounds.empty()) {
                              RIFF_ASSIGN_OR_RETURN(auto s, catalog_.public_sounds(c, sounds));
                              for (auto& f : s) public_sounds.emplace(f.id, std::move(f));
                            }
                            return db::Rows{};
                          })
                           .status());
  std::vector<TrendingItem> out;
  for (auto& s : ranked) {
    if (static_cast<int>(out.size()) >= limit) break;
    TrendingItem item = s.item;
    if (s.sound != 0) {
      auto it = public_sounds.find(s.sound);
      if (it == public_sounds.end()) continue;
      item.sound = it->second;
    } else {
      if (!public_tags.count(s.tag)) continue;
      item.tag = s.tag;
    }
    for (double* x : {&item.score, &item.uses, &item.views, &item.recent, &item.ratio})
      *x = round2(*x);
    out.push_back(std::move(item));
  }
  return out;
}

Result<std::vector<TrendingItem>> Trending::hashtags(int limit) {
  limit = std::clamp(limit, 1, 100);
  return visible(ranked(true, false, static_cast<std::size_t>(limit) * 3), limit);
}

Result<std::vector<TrendingItem>> Trending::sounds(int limit) {
  limit = std::clamp(limit, 1, 100);
  return visible(ranked(false, false, static_cast<std::size_t>(limit) * 3), limit);
}

Result<std::vector<TrendingItem>> Trending::rising(int limit) {
  limit = std::clamp(limit, 1, 100);
  const auto n = static_cast<std::size_t>(limit) * 3;
  std::vector<Scored> both = ranked(true, true, n);
  for (auto& s : ranked(false, true, n)) both.push_back(std::move(s));
  std::stable_sort(both.begin(), both.end(),
                   [](const Scored& a, const Scored& b) { return a.item.ratio > b.item.ratio; });
  return visible(std::move(both), limit);
}

}  // namespace riff::recs
