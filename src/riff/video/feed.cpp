#include "riff/video/feed.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "riff/accounts/cursor.hpp"
#include "riff/video/access.hpp"

namespace riff::video {
namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kFreshMs = 24 * kHourMs;
constexpr std::int64_t kFreshMaxViews = 50;
constexpr int kMaxForYou = 50;

struct Candidate {
  Id id = 0;
  std::int64_t likes = 0, completions = 0, shares = 0, views = 0, created_at = 0;
  double score = 0;
};

std::string new_session_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 2; ++i) {
    std::uint64_t x = rng();
    for (int j = 0; j < 16; ++j, x >>= 4) out += kHex[x & 15];
  }
  return out;
}

}  // namespace

// --- EngagementRanker ---

Result<std::vector<Id>> EngagementRanker::rank(db::Conn& c, std::optional<Id> viewer,
                                               const std::unordered_set<Id>& exclude, int limit) {
  const Id who = viewer.value_or(0);
  const std::string base =
      "SELECT v.id, v.like_count, v.completion_count, v.share_count, v.view_count, v.created_at"
      " FROM videos v WHERE v.status = 1 AND v.author_id <> $1 AND " +
      visible_sql("v", 1);
  std::unordered_map<Id, Candidate> pool;
  auto collect = [&](const db::Rows& rows) {
    for (const auto& r : rows) {
      const Id id = r.i64(0);
      if (exclude.count(id)) continue;
      pool.emplace(id, Candidate{id, r.i64(1), r.i64(2), r.i64(3), r.i64(4), r.i64(5), 0});
    }
  };
  // Recent videos, going further back while the session has seen them all.
  Id before = INT64_MAX;
  for (int round = 0; round < 4 && static_cast<int>(pool.size()) < limit * 2; ++round) {
    RIFF_ASSIGN_OR_RETURN(
        db::Rows recent,
        c.query(base + " AND v.id < $2 ORDER BY v.id DESC LIMIT $3", {who, before, kRecentPool}));
    collect(recent);
    if (static_cast<int>(recent.size()) < kRecentPool) break;
    before = recent.rows.back().i64(0);
  }
  RIFF_ASSIGN_OR_RETURN(
      db::Rows popular,
      c.query(base + " ORDER BY v.like_count DESC, v.id DESC LIMIT $2", {who, kPopularPool}));
  collect(popular);

  const std::int64_t now = clock_.now_ms();
  std::vector<Candidate> ranked, fresh;
  for (auto& [id, cand] : pool) {
    const double age_h = std::max<double>(0, static_cast<double>(now - cand.created_at)) / kHourMs;
    const double engagement = 1.0 + cand.likes + 2.0 * cand.completions + 3.0 * cand.shares;
    cand.score = engagement / std::pow(age_h + 2.0, 1.5);
    if (now - cand.created_at < kFreshMs && cand.views < kFreshMaxViews) fresh.push_back(cand);
    ranked.push_back(cand);
  }
  std::sort(ranked.begin(), ranked.end(), [](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score > b.score : a.id > b.id;
  });
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::shuffle(fresh.begin(), fresh.end(), rng);

  std::vector<Id> out;
  std::unordered_set<Id> chosen;
  std::size_t r = 0, f = 0;
  while (static_cast<int>(out.size()) < limit && (r < ranked.size() || f < fresh.size())) {
    const bool explore = out.size() % 4 == 3;
    std::optional<Id> next;
    while (explore && !next && f < fresh.size()) {
      if (!chosen.count(fresh[f].id)) next = fresh[f].id;
      ++f;
    }
    while (!next && r < ranked.size()) {
      if (!chosen.count(ranked[r].id)) next = ranked[r].id;
      ++r;
    }
    while (!next && f < fresh.size()) {
      if (!chosen.count(fresh[f].id)) next = fresh[f].id;
      ++f;
    }
    if (!next) break;
    chosen.insert(*next);
    out.push_back(*next);
  }
  return out;
}

// --- FeedSessions ---

FeedSessions::Entry& FeedSessions::touch(const std::string& key) {
  auto it = index_.find(key);
  if (it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return lru_.front();
  }
  lru_.push_front(Entry{key, {}, {}});
  index_[key] = lru_.begin();
  while (lru_.size() > max_sessions_) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
  return lru_.front();
}

std::unordered_set<Id> FeedSessions::seen(const std::string& key) {
  std::lock_guard lock(mu_);
  return touch(key).ids;
}

void FeedSessions::add(const std::string& key, const std::vector<Id>& ids) {
  std::lock_guard lock(mu_);
  Entry& e = touch(key);
  for (Id id : ids) {
    if (!e.ids.insert(id).second) continue;
    e.order.push_back(id);
    if (e.order.size() > max_ids_) {
      e.ids.erase(e.order.front());
      e.order.pop_front();
    }
  }
}

std::size_t FeedSessions::size() const {
  std::lock_guard lock(mu_);
  return lru_.size();
}

// --- FeedService ---

FeedService::FeedService(db::Database& db, const Clock& clock, std::unique_ptr<ForYouRanker> ranker)
    : db_(db),
      clock_(clock),
      ranker_(ranker ? std::move(ranker) : std::make_unique<EngagementRanker>(clock)) {}

Result<FeedPage> FeedService::following(Id viewer, const accounts::PageRequest& page) {
  Id before = INT64_MAX;
  if (page.cursor) {
    auto k = accounts::decode_cursor(*page.cursor);
    if (!k) return Status::invalid("/cursor", "cursor is not valid");
    before = k->id;
  }
  FeedPage out;
  auto st = db_.read([&](db::Conn& c) -> Result<db::Rows> {
    RIFF_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.query(
            "SELECT v.id, v.created_at FROM videos v JOIN follows f ON f.followee_id = v.author_id"
            " AND f.follower_id = $1 WHERE v.status = 1 AND v.id < $2 AND " +
                visible_sql("v", 1) + " ORDER BY v.id DESC LIMIT $3",
            {viewer, before, page.limit + 1}));
    std::vector<Id> ids;
    for (const auto& r : rows) ids.push_back(r.i64(0));
    const bool more = static_cast<int>(ids.size()) > page.limit;
    if (more) {
      ids.resize(static_cast<std::size_t>(page.limit));
      out.next_cursor = accounts::encode_cursor({IdGenerator::time_of(ids.back()), ids.back()});
    }
    RIFF_ASSIGN_OR_RETURN(out.items, load_video_cards(c, ids, viewer));
    return db::Rows{};
  });
  if (!st) return st.status();
  return out;
}

void FeedService::insert_sponsored(db::Conn& c, std::optional<Id> viewer,
                                   std::vector<VideoCard>& items) {
  auto picked = sponsored_(c, viewer, items);
  if (!picked) {
    spdlog::warn("feed: sponsored picker failed: {}", picked.status().message());
    return;
  }
  if (picked->empty()) return;
  std::vector<Id> ids;
  for (const auto& p : *picked) ids.push_back(p.video_id);
  auto cards = load_video_cards(c, ids, viewer);
  if (!cards) {
    spdlog::warn("feed: sponsored cards: {}", cards.status().message());
    return;
  }
  // load_video_cards() skips what is gone; match the rest by id, later positions first.
  std::vector<std::pair<std::size_t, VideoCard>> placed;
  for (const auto& p : *picked) {
    for (const auto& card : *cards) {
      if (card.video.id != p.video_id) continue;
      VideoCard ad = card;
      ad.extras.emplace_back("sponsored", p.sponsored);
      placed.emplace_back(std::min(p.position, items.size()), std::move(ad));
      break;
    }
  }
  std::stable_sort(placed.begin(), placed.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (auto& [position, card] : placed) {
    items.insert(items.begin() + static_cast<std::ptrdiff_t>(position), std::move(card));
  }
}

Result<FeedPage> FeedService::for_you(std::optional<Id> viewer, const std::string& session,
                                      int limit) {
  limit = std::clamp(limit, 1, kMaxForYou);
  FeedPage out;
  out.session = session.empty() ? new_session_id() : session.substr(0, 64);
  const std::string key = id_to_string(viewer.value_or(0)) + ":" + out.session;
  const std::unordered_set<Id> seen = sessions_.seen(key);
  auto st = db_.read([&](db::Conn& c) -> Result<db::Rows> {
    RIFF_ASSIGN_OR_RETURN(std::vector<Id> ids, ranker_->rank(c, viewer, seen, limit));
    RIFF_ASSIGN_OR_RETURN(out.items, load_video_cards(c, ids, viewer));
    if (sponsored_) insert_sponsored(c, viewer, out.items);
    return db::Rows{};
  });
  if (!st) return st.status();
  std::vector<Id> shown;
  for (const auto& card : out.items) shown.push_back(card.video.id);
  sessions_.add(key, shown);
  return out;
}

}  // namespace riff::video
