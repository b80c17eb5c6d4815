#include "riff/video/engagement.hpp"

#include <algorithm>

#include "riff/accounts/notifications.hpp"
#include "riff/video/access.hpp"
#include "riff/video/render.hpp"

namespace riff::video {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kHourMs = 3'600'000;

/// The video when `viewer` may see it, else kNotFound.
Result<Video> visible_video(db::Conn& c, std::optional<Id> viewer, Id video_id) {
  RIFF_ASSIGN_OR_RETURN(std::optional<Video> v, find_video(c, video_id));
  if (!v || v->status == VideoStatus::kDeleted) return Status::not_found("no such video");
  RIFF_ASSIGN_OR_RETURN(bool ok, can_view(c, viewer, *v));
  if (!ok) return Status::not_found("no such video");
  return std::move(*v);
}

Result<std::int64_t> counter(db::Conn& c, const char* column, Id video_id) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query(std::string("SELECT ") + column + " FROM videos WHERE id = $1", {video_id}));
  return rows.empty() ? 0 : rows[0].i64(0);
}

}  // namespace

EngagementService::EngagementService(db::Database& db, IdGenerator& ids, const Clock& clock,
                                     accounts::NotificationService& notifications,
                                     recs::EventSink* events)
    : db_(db), ids_(ids), clock_(clock), notifications_(notifications), events_(events) {}

Id event_viewer_id(const Viewer& viewer) {
  if (viewer.user_id) return *viewer.user_id;
  std::string_view key = viewer.anonymous_key;
  if (key.starts_with("a:")) key.remove_prefix(2);
  return recs::anonymous_viewer_id(key);
}

void EngagementService::emit(const recs::Event& e) {
  if (events_) events_->on_events(std::span<const recs::Event>(&e, 1));
}

Result<LikeState> EngagementService::like(Id user, Id video_id) {
  return set_like(user, video_id, true);
}
Result<LikeState> EngagementService::unlike(Id user, Id video_id) {
  return set_like(user, video_id, false);
}

Result<LikeState> EngagementService::set_like(Id user, Id video_id, bool like) {
  std::vector<accounts::Notification> sent;
  std::int64_t changed_rows = 0, duration_ms = 0;
  auto state = db_.transact_result([&](db::Conn& c) -> Result<LikeState> {
    sent.clear();
    RIFF_ASSIGN_OR_RETURN(Video v, visible_video(c, user, video_id));
    duration_ms = v.duration_ms;
    std::int64_t changed = 0;
    if (like) {
      RIFF_ASSIGN_OR_RETURN(changed,
                            c.exec("INSERT INTO video_likes (video_id, user_id, created_at)"
                                   " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                                   {video_id, user, clock_.now_ms()}));
    } else {
      RIFF_ASSIGN_OR_RETURN(
          changed,
          c.exec("DELETE FROM video_likes WHERE video_id = $1 AND user_id = $2", {video_id, user}));
    }
    if (changed == 1) {
      RIFF_RETURN_IF_ERROR(c.exec("UPDATE videos SET like_count = like_count + $2 WHERE id = $1",
                                  {video_id, like ? 1 : -1})
                               .status());
    }
    if (changed == 1 && like && v.author_id != user) {
      RIFF_ASSIGN_OR_RETURN(auto n, notifications_.add(c, {.user_id = v.author_id,
                                                           .kind = "like",
                                                           .actor_id = user,
                                                           .subject_id = video_id,
                                                           .data = std::nullopt,
                                                           .collapse_within_ms = kDayMs}));
      if (n) sent.push_back(std::move(*n));
    }
    RIFF_ASSIGN_OR_RETURN(std::int64_t count, counter(c, "like_count", video_id));
    changed_rows = changed;
    return LikeState{like, count};
  });
  if (state) notifications_.publish(sent);
  if (state && changed_rows == 1) {
    emit({user, video_id, like ? recs::EventKind::kLike : recs::EventKind::kUnlike, 0,
          static_cast<std::int32_t>(duration_ms), clock_.now_ms()});
  }
  return state;
}

Result<ShareResult> EngagementService::share(std::optional<Id> user, Id video_id,
                                             const std::string& channel) {
  std::int64_t duration_ms = 0;
  auto out = db_.transact_result([&](db::Conn& c) -> Result<ShareResult> {
    RIFF_ASSIGN_OR_RETURN(Video v, visible_video(c, user, video_id));
    duration_ms = v.duration_ms;
    RIFF_RETURN_IF_ERROR(
        c.exec("INSERT INTO video_shares (id, video_id, user_id, channel, created_at)"
               " VALUES ($1, $2, $3, $4, $5)",
               {ids_.next(), video_id, user, channel, clock_.now_ms()})
            .status());
    RIFF_RETURN_IF_ERROR(
        c.exec("UPDATE videos SET share_count = share_count + 1 WHERE id = $1", {video_id})
            .status());
    RIFF_ASSIGN_OR_RETURN(std::int64_t count, counter(c, "share_count", video_id));
    return ShareResult{count, share_url(video_id)};
  });
  // An anonymous share has no viewer to learn about.
  if (out && user) {
    emit({*user, video_id, recs::EventKind::kShare, 0, static_cast<std::int32_t>(duration_ms),
          clock_.now_ms()});
  }
  return out;
}

Result<ViewResult> EngagementService::record_view(const Viewer& viewer, const ViewReport& report) {
  if (report.watch_ms < 0) return Status::invalid("/watch_ms", "watch_ms must not be negative");
  if (!viewer.user_id && viewer.anonymous_key.empty()) {
    return Status::invalid("/viewer", "an anonymous view needs a viewer key");
  }
  const std::string key =
      viewer.user_id ? "u:" + id_to_string(*viewer.user_id) : viewer.anonymous_key;
  recs::Event watched{event_viewer_id(viewer), report.video_id, recs::EventKind::kWatch, 0, 0, 0};
  auto result = db_.transact_result([&](db::Conn& c) -> Result<ViewResult> {
    RIFF_ASSIGN_OR_RETURN(Video v, visible_video(c, viewer.user_id, report.video_id));
    const std::int64_t d = v.duration_ms;
    const std::int64_t absurd = d > 0 ? d * kAbsurdFactor : kHourMs;
    if (report.watch_ms > absurd) {
      return Status::invalid("/watch_ms", "watch_ms is longer than anyone could have watched");
    }
    const std::int64_t per_report =
        d > 0 ? std::min(report.watch_ms, d * kLoopFactor) : report.watch_ms;
    const std::int64_t viewer_cap = d > 0 ? d * kViewerCapFactor : kHourMs;
    const std::int64_t min_watch =
        d > 0 ? std::min(kMinWatchMs, std::max<std::int64_t>(1, d / 4)) : kMinWatchMs;
    const bool qualifies = per_report >= min_watch || (report.completed && per_report > 0);
    const std::int64_t now = clock_.now_ms();
    watched.watch_ms = static_cast<std::int32_t>(std::min<std::int64_t>(per_report, INT32_MAX));
    watched.duration_ms = static_cast<std::int32_t>(std::min<std::int64_t>(d, INT32_MAX));
    watched.at_ms = now;

    RIFF_RETURN_IF_ERROR(
        c.exec("INSERT INTO video_views (video_id, viewer_key, user_id, first_at, last_at)"
               " VALUES ($1, $2, $3, $4, $4) ON CONFLICT DO NOTHING",
               {v.id, key, viewer.user_id, now})
            .status());
    // Locks the viewer's row (PostgreSQL), so the cap below sees the true total.
    RIFF_ASSIGN_OR_RETURN(
        db::Rows row,
        c.query("SELECT watch_ms FROM video_views WHERE video_id = $1 AND viewer_key = $2"
                " FOR UPDATE",
                {v.id, key}));
    const std::int64_t before = row.empty() ? 0 : row[0].i64(0);
    const std::int64_t added = std::clamp<std::int64_t>(viewer_cap - before, 0, per_report);
    RIFF_RETURN_IF_ERROR(
        c.exec("UPDATE video_views SET watch_ms = watch_ms + $3, plays = plays + 1,"
               " last_at = $4 WHERE video_id = $1 AND viewer_key = $2",
               {v.id, key, added, now})
            .status());
    ViewResult out;
    if (qualifies) {
      RIFF_ASSIGN_OR_RETURN(std::int64_t first,
                            c.exec("UPDATE video_views SET counted = 1 WHERE video_id = $1"
                                   " AND viewer_key = $2 AND counted = 0",
                                   {v.id, key}));
      out.counted = first == 1;
    }
    std::int64_t completed_first = 0;
    if (report.completed && qualifies) {
      RIFF_ASSIGN_OR_RETURN(completed_first,
                            c.exec("UPDATE video_views SET completed = 1 WHERE video_id = $1"
                                   " AND viewer_key = $2 AND completed = 0",
                                   {v.id, key}));
    }
    RIFF_RETURN_IF_ERROR(c.exec("UPDATE videos SET view_count = view_count + $2,"
                                " watch_ms_total = watch_ms_total + $3,"
                                " completion_count = completion_count + $4 WHERE id = $1",
                                {v.id, out.counted ? 1 : 0, added, completed_first})
                             .status());
    RIFF_ASSIGN_OR_RETURN(out.view_count, counter(c, "view_count", v.id));
    return out;
  });
  if (result) emit(watched);
  return result;
}

Result<std::vector<ViewResult>> EngagementService::record_views(
    const Viewer& viewer, const std::vector<ViewReport>& reports) {
  std::vector<ViewResult> out;
  out.reserve(reports.size());
  for (const ViewReport& r : reports) {
    auto one = record_view(viewer, r);
    if (!one && one.status().code() == Code::kNotFound) {
      out.push_back({});
      continue;
    }
    if (!one) return one.status();
    out.push_back(*one);
  }
  return out;
}

}  // namespace riff::video
