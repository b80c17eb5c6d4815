#pragma once
// EngagementService: likes, shares, views and watch time of videos.
//
// Rules:
// - Every action needs the video to be visible to the actor (access.hpp);
//   otherwise kNotFound, so hidden videos are indistinguishable from none.
// - Likes are idempotent: like() when liked, unlike() when not, change
//   nothing. videos.like_count moves in the same transaction as the
//   video_likes row and only when the row was really inserted or deleted,
//   so it stays exact under any number of concurrent writers.
// - The author gets a "like" notification (subject: the video), at most one
//   per liker and video a day, never for liking one's own video.
// - A view counts once per viewer (a user, or an anonymous key) when a
//   report reaches the minimum watch (min(1 s, 25% of the video)) or says
//   completed; replays add watch time but never view_count. A report's
//   watch_ms is capped at kLoopFactor x duration, a viewer's total at
//   kViewerCapFactor x duration; a report above kAbsurdFactor x duration
//   (or above an hour for a video of unknown length) is kInvalid.
// - Shares count every share; the share url is /v/<id>.
// - Each like, unlike, signed-in share and view report is handed, after it
//   committed, to the `events` sink as a recs::Event (kLike, kUnlike,
//   kShare, kWatch with the capped watch_ms), so the For You engine learns
//   from them without clients reporting them twice.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <optional>
#include <string>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/recs/event.hpp"

namespace riff::accounts {
class NotificationService;
}

namespace riff::video {

struct LikeState {
  bool liked = false;
  std::int64_t like_count = 0;
};

struct ShareResult {
  std::int64_t share_count = 0;
  std::string share_url;
};

/// Who watched: a user, or an anonymous viewer's stable key.
struct Viewer {
  std::optional<Id> user_id;
  std::string anonymous_key;  // used when user_id is empty; e.g. "a:<cookie>" or "ip:<addr>"
};

struct ViewReport {
  Id video_id = 0;
  std::int64_t watch_ms = 0;
  bool completed = false;
};

struct ViewResult {
  bool counted = false;  // this report made the view count (first qualifying one)
  std::int64_t view_count = 0;
};

inline constexpr std::int64_t kMinWatchMs = 1000;
inline constexpr std::int64_t kLoopFactor = 3;
inline constexpr std::int64_t kViewerCapFactor = 10;
inline constexpr std::int64_t kAbsurdFactor = 100;

class EngagementService {
 public:
  /// `events` may be null (no one listens); it must outlive this.
  EngagementService(db::Database& db, IdGenerator& ids, const Clock& clock,
                    accounts::NotificationService& notifications,
                    recs::EventSink* events = nullptr);

  Result<LikeState> like(Id user, Id video_id);
  Result<LikeState> unlike(Id user, Id video_id);

  /// `user` is empty for anonymous shares; `channel` is free text ("copy", "whatsapp").
  Result<ShareResult> share(std::optional<Id> user, Id video_id, const std::string& channel);

  Result<ViewResult> record_view(const Viewer& viewer, const ViewReport& report);
  /// Several reports at once (the player batches them); each is judged alone.
  /// Reports about videos the viewer cannot see are skipped, not errors.
  Result<std::vector<ViewResult>> record_views(const Viewer& viewer,
                                               const std::vector<ViewReport>& reports);

 private:
  Result<LikeState> set_like(Id user, Id video_id, bool like);
  void emit(const recs::Event& e);

  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  accounts::NotificationService& notifications_;
  recs::EventSink* events_;
};

/// The recs viewer id of a view's viewer: the user, else an anonymous id
/// from the anonymous key ("a:<cookie>" uses the cookie, as POST /events does).
Id event_viewer_id(const Viewer& viewer);

}  // namespace riff::video
