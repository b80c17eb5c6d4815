#pragma once
// CommentService: comments on videos, replies one level deep, comment likes.
//
// Rules:
// - Reading or writing needs the video to be visible to the actor
//   (access.hpp), else kNotFound.
// - Who may comment follows the video's policy: everyone, followers (the
//   commenter follows the author) or no one; the author always may. A
//   refusal is kForbidden. Replying to someone who blocks you, or whom you
//   block, is kForbidden too.
// - A reply to a reply attaches to its top-level parent: threads are one
//   level deep.
// - The comment's author or the video's owner may delete it (kForbidden for
//   anyone else); deleting a top-level comment deletes its replies.
// - videos.comment_count counts every comment and reply; reply_count and
//   like_count on comments are kept exact, in the transaction that changes
//   the rows they count.
// - Notifications: "comment" to the video's author, "reply" to the parent
//   comment's author, "mention" to each @handle in the body who may see the
//   video (never to oneself; one notice per person per comment).
// - Lists hide comments by users blocked either way with the viewer.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <optional>
#include <string>

#include "riff/accounts/model.hpp"
#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/recs/event.hpp"
#include "riff/video/render.hpp"

namespace riff::accounts {
class NotificationService;
}

namespace riff::video {

struct Comment {
  Id id = 0;
  Id video_id = 0;
  std::optional<Id> parent_id;
  CardAuthor author;
  std::string body;
  std::int64_t like_count = 0;
  std::int64_t reply_count = 0;
  std::int64_t created_at = 0;
  bool viewer_liked = false;
};

enum class CommentOrder { kNewest, kTop };

struct NewComment {
  Id video_id = 0;
  std::string body;             // 1..kMaxCommentLength code points
  std::optional<Id> parent_id;  // a comment on the same video
};

struct CommentLikeState {
  bool liked = false;
  std::int64_t like_count = 0;
};

inline constexpr std::size_t kMaxCommentLength = 500;

class CommentService {
 public:
  /// `events` (may be null) receives a recs kComment event for each comment
  /// added, after it committed; it must outlive this.
  CommentService(db::Database& db, IdGenerator& ids, const Clock& clock,
                 accounts::NotificationService& notifications,
                 recs::EventSink* events = nullptr);

  Result<Comment> add(Id author, const NewComment& in);
  Status remove(Id actor, Id comment_id);

  /// Top-level comments of a video.
  Result<accounts::Page<Comment>> list(std::optional<Id> viewer, Id video_id, CommentOrder order,
                                       const accounts::PageRequest& page);
  /// Replies to a top-level comment, oldest first (conversation order).
  Result<accounts::Page<Comment>> replies(std::optional<Id> viewer, Id comment_id,
                                          const accounts::PageRequest& page);

  Result<CommentLikeState> like(Id user, Id comment_id);
  Result<CommentLikeState> unlike(Id user, Id comment_id);

 private:
  Result<CommentLikeState> set_like(Id user, Id comment_id, bool like);

  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  accounts::NotificationService& notifications_;
  recs::EventSink* events_;
};

}  // namespace riff::video
