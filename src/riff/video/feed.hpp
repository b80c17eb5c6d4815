#pragma once
// Feeds: Following (newest visible videos of followed creators) and For You
// (a ranking behind the ForYouRanker interface, which the For You engine
// replaces). Neither ever returns what access.hpp forbids, nor the viewer's
// own videos in For You.
//
// For You never repeats a video within a session: the session's seen set is
// kept in memory by FeedSessions (LRU over sessions, each capped), keyed by
// the viewer and the client's session id. A session that was evicted (or
// that lives on another node) starts afresh; that is the price of keeping no
// per-session state in the database.
//
// Thread-safe: FeedSessions locks; the rankers hold no mutable state.

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "riff/accounts/model.hpp"
#include "riff/core/clock.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/video/render.hpp"

namespace riff::video {

/// Chooses For You videos. `exclude` are ids the session has seen.
class ForYouRanker {
 public:
  virtual ~ForYouRanker() = default;
  virtual Result<std::vector<Id>> rank(db::Conn& c, std::optional<Id> viewer,
                                       const std::unordered_set<Id>& exclude, int limit) = 0;
};

/// The first ranking: recency-decayed engagement
///   (1 + likes + 2 x completions + 3 x shares) / (age_hours + 2)^1.5
/// over the most recent and the most liked visible videos, with about one
/// slot in four given to a fresh upload (under a day old and few views), so
/// new videos get seen.
class EngagementRanker final : public ForYouRanker {
 public:
  explicit EngagementRanker(const Clock& clock) : clock_(clock) {}
  Result<std::vector<Id>> rank(db::Conn& c, std::optional<Id> viewer,
                               const std::unordered_set<Id>& exclude, int limit) override;

  static constexpr int kRecentPool = 400;
  static constexpr int kPopularPool = 200;

 private:
  const Clock& clock_;
};

/// Seen sets per session, bounded: at most `max_sessions` (least recently
/// used evicted) of at most `max_ids` ids each (oldest forgotten).
class FeedSessions {
 public:
  explicit FeedSessions(std::size_t max_sessions = 10'000, std::size_t max_ids = 2'000)
      : max_sessions_(max_sessions), max_ids_(max_ids) {}
  std::unordered_set<Id> seen(const std::string& key);
  void add(const std::string& key, const std::vector<Id>& ids);
  std::size_t size() const;

 private:
  struct Entry {
    std::string key;
    std::list<Id> order;
    std::unordered_set<Id> ids;
  };
  Entry& touch(const std::string& key);  // requires mu_

  mutable std::mutex mu_;
  std::size_t max_sessions_, max_ids_;
  std::list<Entry> lru_;  // most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

struct FeedPage {
  std::vector<VideoCard> items;
  std::optional<std::string> next_cursor;
  std::string session;  // For You: the session id to send back
};

/// A sponsored video a module above video (ads) places in a For You page:
/// at `position` among the page's organic items, with `sponsored` added to
/// its card (label, campaign, the token its impressions are reported with).
struct SponsoredInsert {
  std::size_t position = 0;
  Id video_id = 0;
  boost::json::value sponsored;
};
/// Picks the sponsored videos for a page of organic cards, on the page's
/// read connection. It must be quick and must not write.
using SponsoredPicker = std::function<Result<std::vector<SponsoredInsert>>(
    db::Conn&, std::optional<Id> viewer, const std::vector<VideoCard>& organic)>;

class FeedService {
 public:
  /// `ranker` null means EngagementRanker.
  FeedService(db::Database& db, const Clock& clock, std::unique_ptr<ForYouRanker> ranker = nullptr);

  Result<FeedPage> following(Id viewer, const accounts::PageRequest& page);
  /// `session` empty: a new session id is made (returned in FeedPage::session).
  Result<FeedPage> for_you(std::optional<Id> viewer, const std::string& session, int limit);

  FeedSessions& sessions() { return sessions_; }

  /// Sponsored videos for For You pages (none until set). Before serving.
  /// A picker's failure is logged and the page is served without ads.
  void set_sponsored_picker(SponsoredPicker picker) { sponsored_ = std::move(picker); }

 private:
  db::Database& db_;
  const Clock& clock_;
  std::unique_ptr<ForYouRanker> ranker_;
  FeedSessions sessions_;
  SponsoredPicker sponsored_;

  void insert_sponsored(db::Conn& c, std::optional<Id> viewer, std::vector<VideoCard>& items);
};

}  // namespace riff::video
