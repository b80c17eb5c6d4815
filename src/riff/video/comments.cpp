#include "riff/video/comments.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "riff/accounts/cursor.hpp"
#include "riff/accounts/notifications.hpp"
#include "riff/video/access.hpp"

namespace riff::video {
namespace {

using accounts::Page;
using accounts::PageRequest;

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

Result<Video> visible_video(db::Conn& c, std::optional<Id> viewer, Id video_id) {
  RIFF_ASSIGN_OR_RETURN(std::optional<Video> v, find_video(c, video_id));
  if (!v || v->status == VideoStatus::kDeleted) return Status::not_found("no such video");
  RIFF_ASSIGN_OR_RETURN(bool ok, can_view(c, viewer, *v));
  if (!ok) return Status::not_found("no such video");
  return std::move(*v);
}

Result<bool> blocked_either_way(db::Conn& c, Id a, Id b) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        c.query("SELECT 1 FROM blocks WHERE (blocker_id = $1 AND blocked_id = $2)"
                                " OR (blocker_id = $2 AND blocked_id = $1)",
                                {a, b}));
  return !rows.empty();
}

struct CommentRow {
  Id id = 0, video_id = 0, author_id = 0;
  std::optional<Id> parent_id;
};

Result<std::optional<CommentRow>> find_comment(db::Conn& c, Id id, bool lock) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows, c.query(std::string("SELECT id, video_id, author_id, parent_id FROM comments"
                                         " WHERE id = $1") +
                                 (lock ? " FOR UPDATE" : ""),
                             {id}));
  if (rows.empty()) return std::optional<CommentRow>();
  return std::optional<CommentRow>(
      CommentRow{rows[0].i64(0), rows[0].i64(1), rows[0].i64(2), rows[0].opt_i64(3)});
}

// Columns of a listed comment; $1 is the viewer (0 when anonymous).
constexpr const char* kCommentSelect =
    "SELECT c.id, c.video_id, c.parent_id, c.author_id, u.handle, u.display_name, u.avatar_path,"
    " c.body, c.like_count, c.reply_count, c.created_at,"
    " EXISTS (SELECT 1 FROM comment_likes cl WHERE cl.comment_id = c.id AND cl.user_id = $1)"
    " FROM comments c JOIN users u ON u.id = c.author_id"
    " WHERE NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.blocker_id = c.author_id AND b.blocked_id "
    "= $1)"
    "                                       OR (b.blocker_id = $1 AND b.blocked_id = c.author_id))";

Comment comment_from_row(const db::Row& r) {
  Comment out;
  out.id = r.i64(0);
  out.video_id = r.i64(1);
  out.parent_id = r.opt_i64(2);
  out.author = {r.i64(3), r.str(4), r.str(5), r.opt_str(6)};
  out.body = r.str(7);
  out.like_count = r.i64(8);
  out.reply_count = r.i64(9);
  out.created_at = r.i64(10);
  out.viewer_liked = r.boolean(11);
  return out;
}

Page<Comment> to_page(const db::Rows& rows, int limit, bool by_likes) {
  Page<Comment> page;
  for (const db::Row& r : rows) page.items.push_back(comment_from_row(r));
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.resize(static_cast<std::size_t>(limit));
    const Comment& last = page.items.back();
    page.next_cursor =
        accounts::encode_cursor({by_likes ? last.like_count : last.created_at, last.id});
  }
  return page;
}

}  // namespace

CommentService::CommentService(db::Database& db, IdGenerator& ids, const Clock& clock,
                               accounts::NotificationService& notifications,
                               recs::EventSink* events)
    : db_(db), ids_(ids), clock_(clock), notifications_(notifications), events_(events) {}

Result<Comment> CommentService::add(Id author, const NewComment& in) {
  if (blank(in.body)) return Status::invalid("/body", "body must not be empty");
  if (code_points(in.body) > kMaxCommentLength) {
    return Status::invalid("/body", "body must be at most 500 characters");
  }
  std::vector<accounts::Notification> sent;
  std::int64_t duration_ms = 0;
  auto made = db_.transact_result([&](db::Conn& c) -> Result<Comment> {
    sent.clear();
    RIFF_ASSIGN_OR_RETURN(Video v, visible_video(c, author, in.video_id));
    duration_ms = v.duration_ms;
    if (author != v.author_id) {
      if (v.comment_policy == CommentPolicy::kNoOne) {
        return Status::forbidden("comments are turned off for this video");
      }
      if (v.comment_policy == CommentPolicy::kFollowers) {
        RIFF_ASSIGN_OR_RETURN(db::Rows f, c.query("SELECT 1 FROM follows WHERE follower_id = $1"
                                                  " AND followee_id = $2",
                                                  {author, v.author_id}));
        if (f.empty()) return Status::forbidden("only followers may comment on this video");
      }
    }
    std::optional<Id> parent_id;
    std::optional<Id> parent_author;
    if (in.parent_id) {
      RIFF_ASSIGN_OR_RETURN(std::optional<CommentRow> p, find_comment(c, *in.parent_id, false));
      if (!p || p->video_id != v.id) return Status::not_found("no such comment");
      const Id top = p->parent_id.value_or(p->id);
      // Locks the thread's head (PostgreSQL), so a concurrent delete of it
      // either happens first (this reply fails) or sees this reply.
      RIFF_ASSIGN_OR_RETURN(std::int64_t n,
                            c.exec("UPDATE comments SET reply_count = reply_count + 1"
                                   " WHERE id = $1",
                                   {top}));
      if (n != 1) return Status::not_found("no such comment");
      RIFF_ASSIGN_OR_RETURN(bool blocked, blocked_either_way(c, author, p->author_id));
      if (blocked) return Status::forbidden("you cannot reply to this person");
      parent_id = top;
      parent_author = p->author_id;
    }
    Comment out;
    out.id = ids_.next();
    out.video_id = v.id;
    out.parent_id = parent_id;
    out.body = in.body;
    out.created_at = clock_.now_ms();
    RIFF_RETURN_IF_ERROR(
        c.exec("INSERT INTO comments (id, video_id, author_id, parent_id, body, created_at)"
               " VALUES ($1, $2, $3, $4, $5, $6)",
               {out.id, v.id, author, parent_id, in.body, out.created_at})
            .status());
    RIFF_RETURN_IF_ERROR(
        c.exec("UPDATE videos SET comment_count = comment_count + 1 WHERE id = $1", {v.id})
            .status());
    RIFF_ASSIGN_OR_RETURN(db::Rows me, c.query("SELECT handle, display_name, avatar_path FROM users"
                                               " WHERE id = $1",
                                               {author}));
    if (!me.empty()) out.author = {author, me[0].str(0), me[0].str(1), me[0].opt_str(2)};

    // Notifications: one per person, the most specific kind first.
    std::vector<Id> notified{author};
    const std::string data = boost::json::serialize(boost::json::object{
        {"video_id", id_to_string(v.id)},
        {"comment_id", id_to_string(out.id)},
        {"excerpt", in.body.substr(0, 120)},
    });
    auto notify = [&](Id to, const char* kind) -> Status {
      if (std::find(notified.begin(), notified.end(), to) != notified.end()) return Status::ok();
      notified.push_back(to);
      RIFF_ASSIGN_OR_RETURN(auto n, notifications_.add(c, {.user_id = to,
                                                           .kind = kind,
                                                           .actor_id = author,
                                                           .subject_id = v.id,
                                                           .data = data,
                                                           .collapse_within_ms = 0}));
      if (n) sent.push_back(std::move(*n));
      return Status::ok();
    };
    if (parent_author) RIFF_RETURN_IF_ERROR(notify(*parent_author, "reply"));
    RIFF_RETURN_IF_ERROR(notify(v.author_id, "comment"));
    for (const std::string& handle : parse_caption(in.body).mentions) {
      RIFF_ASSIGN_OR_RETURN(db::Rows u,
                            c.query("SELECT id FROM users WHERE handle = $1", {handle}));
      if (u.empty()) continue;
      const Id to = u[0].i64(0);
      RIFF_ASSIGN_OR_RETURN(bool sees, can_view(c, to, v));
      RIFF_ASSIGN_OR_RETURN(bool blocked, blocked_either_way(c, author, to));
      if (sees && !blocked) RIFF_RETURN_IF_ERROR(notify(to, "mention"));
    }
    return out;
  });
  if (made) notifications_.publish(sent);
  if (made && events_) {
    const recs::Event e{author, in.video_id, recs::EventKind::kComment, 0,
                        static_cast<std::int32_t>(duration_ms), made->created_at};
    events_->on_events(std::span<const recs::Event>(&e, 1));
  }
  return made;
}

Status CommentService::remove(Id actor, Id comment_id) {
  return db_.transact([&](db::Conn& c) -> Status {
    RIFF_ASSIGN_OR_RETURN(std::optional<CommentRow> cm, find_comment(c, comment_id, true));
    if (!cm) return Status::not_found("no such comment");
    RIFF_ASSIGN_OR_RETURN(std::optional<Video> v, find_video(c, cm->video_id));
    if (!v) return Status::not_found("no such comment");
    if (actor != cm->author_id && actor != v->author_id) {
      // Someone who cannot see the video learns nothing about its comments.
      RIFF_ASSIGN_OR_RETURN(bool sees, can_view(c, actor, *v));
      if (!sees) return Status::not_found("no such comment");
      return Status::forbidden("only the comment's author or the video's owner may delete it");
    }
    RIFF_ASSIGN_OR_RETURN(std::int64_t replies,
                          c.exec("DELETE FROM comments WHERE parent_id = $1", {comment_id}));
    RIFF_ASSIGN_OR_RETURN(std::int64_t self,
                          c.exec("DELETE FROM comments WHERE id = $1", {comment_id}));
    if (self != 1) return Status::not_found("no such comment");
    RIFF_RETURN_IF_ERROR(
        c.exec("UPDATE videos SET comment_count = comment_count - $2 WHERE id = $1",
               {cm->video_id, replies + 1})
            .status());
    if (cm->parent_id) {
      RIFF_RETURN_IF_ERROR(c.exec("UPDATE comments SET reply_count = reply_count - 1 WHERE id = $1",
                                  {*cm->parent_id})
                               .status());
    }
    return Status::ok();
  });
}

Result<Page<Comment>> CommentService::list(std::optional<Id> viewer, Id video_id,
                                           CommentOrder order, const PageRequest& page) {
  accounts::CursorKey key = accounts::kFirstPage;
  if (page.cursor) {
    auto k = accounts::decode_cursor(*page.cursor);
    if (!k) return Status::invalid("/cursor", "cursor is not valid");
    key = *k;
  }
  const bool top = order == CommentOrder::kTop;
  auto r = db_.read([&](db::Conn& c) -> Result<db::Rows> {
    RIFF_RETURN_IF_ERROR(visible_video(c, viewer, video_id).status());
    if (top) {
      return c.query(std::string(kCommentSelect) +
                         " AND c.video_id = $2 AND c.parent_id IS NULL"
                         " AND (c.like_count < $3 OR (c.like_count = $3 AND c.id < $4))"
                         " ORDER BY c.like_count DESC, c.id DESC LIMIT $5",
                     {viewer.value_or(0), video_id, key.time, key.id, page.limit + 1});
    }
    return c.query(std::string(kCommentSelect) +
                       " AND c.video_id = $2 AND c.parent_id IS NULL AND c.id < $3"
                       " ORDER BY c.id DESC LIMIT $4",
                   {viewer.value_or(0), video_id, key.id, page.limit + 1});
  });
  if (!r) return r.status();
  return to_page(*r, page.limit, top);
}

Result<Page<Comment>> CommentService::replies(std::optional<Id> viewer, Id comment_id,
                                              const PageRequest& page) {
  Id after = 0;
  if (page.cursor) {
    auto k = accounts::decode_cursor(*page.cursor);
    if (!k) return Status::invalid("/cursor", "cursor is not valid");
    after = k->id;
  }
  auto r = db_.read([&](db::Conn& c) -> Result<db::Rows> {
    RIFF_ASSIGN_OR_RETURN(std::optional<CommentRow> cm, find_comment(c, comment_id, false));
    if (!cm) return Status::not_found("no such comment");
    RIFF_RETURN_IF_ERROR(visible_video(c, viewer, cm->video_id).status());
    return c.query(
        std::string(kCommentSelect) + " AND c.parent_id = $2 AND c.id > $3 ORDER BY c.id LIMIT $4",
        {viewer.value_or(0), comment_id, after, page.limit + 1});
  });
  if (!r) return r.status();
  return to_page(*r, page.limit, false);
}

Result<CommentLikeState> CommentService::like(Id user, Id comment_id) {
  return set_like(user, comment_id, true);
}
Result<CommentLikeState> CommentService::unlike(Id user, Id comment_id) {
  return set_like(user, comment_id, false);
}

Result<CommentLikeState> CommentService::set_like(Id user, Id comment_id, bool like) {
  return db_.transact_result([&](db::Conn& c) -> Result<CommentLikeState> {
    RIFF_ASSIGN_OR_RETURN(std::optional<CommentRow> cm, find_comment(c, comment_id, false));
    if (!cm) return Status::not_found("no such comment");
    RIFF_RETURN_IF_ERROR(visible_video(c, user, cm->video_id).status());
    RIFF_ASSIGN_OR_RETURN(bool blocked, blocked_either_way(c, user, cm->author_id));
    if (blocked) return Status::not_found("no such comment");
    std::int64_t changed = 0;
    if (like) {
      RIFF_ASSIGN_OR_RETURN(changed,
                            c.exec("INSERT INTO comment_likes (comment_id, user_id, created_at)"
                                   " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                                   {comment_id, user, clock_.now_ms()}));
    } else {
      RIFF_ASSIGN_OR_RETURN(
          changed, c.exec("DELETE FROM comment_likes WHERE comment_id = $1 AND user_id = $2",
                          {comment_id, user}));
    }
    if (changed == 1) {
      RIFF_RETURN_IF_ERROR(c.exec("UPDATE comments SET like_count = like_count + $2 WHERE id = $1",
                                  {comment_id, like ? 1 : -1})
                               .status());
    }
    RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                          c.query("SELECT like_count FROM comments WHERE id = $1", {comment_id}));
    return CommentLikeState{like, rows.empty() ? 0 : rows[0].i64(0)};
  });
}

}  // namespace riff::video
