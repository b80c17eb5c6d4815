#include "riff/video/service.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "riff/net/json.hpp"
#include "riff/video/access.hpp"

namespace riff::video {
namespace fs = std::filesystem;

namespace {

std::optional<std::size_t> utf8_chars(std::string_view s) {
  return net::utf8_length(s);
}

Status validate_caption(const std::string& caption) {
  auto n = utf8_chars(caption);
  if (!n) return Status::invalid("/caption", "The caption is not valid UTF-8.");
  if (*n > kMaxCaptionChars) {
    return Status::invalid(
        "/caption", fmt::format("The caption may be at most {} characters.", kMaxCaptionChars));
  }
  return Status::ok();
}

/// Links the caption's hashtags and mentions to a video and counts the tags.
Status link_caption(db::Conn& c, IdGenerator& ids, std::int64_t now, Id video_id,
                    const std::string& caption) {
  CaptionEntities e = parse_caption(caption);
  for (const auto& tag : e.hashtags) {
    RIFF_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.query("INSERT INTO hashtags (id, tag, use_count, created_at) VALUES ($1, $2, 1, $3)"
                " ON CONFLICT (tag) DO UPDATE SET use_count = hashtags.use_count + 1 RETURNING id",
                {ids.next(), tag, now}));
    RIFF_RETURN_IF_ERROR(c.exec("INSERT INTO video_hashtags (video_id, hashtag_id) VALUES ($1, $2)"
                                " ON CONFLICT (video_id, hashtag_id) DO NOTHING",
                                {video_id, rows[0].i64(0)})
                             .status());
  }
  for (const auto& handle : e.mentions) {
    RIFF_RETURN_IF_ERROR(
        c.exec("INSERT INTO video_mentions (video_id, user_id) SELECT $1, id FROM users"
               " WHERE handle = $2 ON CONFLICT (video_id, user_id) DO NOTHING",
               {video_id, handle})
            .status());
  }
  return Status::ok();
}

Status unlink_caption(db::Conn& c, Id video_id) {
  RIFF_RETURN_IF_ERROR(
      c.exec("UPDATE hashtags SET use_count = use_count - 1 WHERE use_count > 0 AND id IN"
             " (SELECT hashtag_id FROM video_hashtags WHERE video_id = $1)",
             {video_id})
          .status());
  RIFF_RETURN_IF_ERROR(
      c.exec("DELETE FROM video_hashtags WHERE video_id = $1", {video_id}).status());
  return c.exec("DELETE FROM video_mentions WHERE video_id = $1", {video_id}).status();
}

Status not_found() {
  return Status::not_found("No such video.");
}

}  // namespace

VideoService::VideoService(db::Database& db, IdGenerator& ids, const Clock& clock,
                           UploadService& uploads, jobs::JobQueue& queue, VideoPaths paths,
                           std::function<void()> on_enqueued)
    : db_(db),
      ids_(ids),
      clock_(clock),
      uploads_(uploads),
      queue_(queue),
      paths_(std::move(paths)),
      on_enqueued_(std::move(on_enqueued)) {}

Result<VideoCard> VideoService::post(Id author_id, const PostInput& in) {
  std::vector<FieldError> errors;
  if (auto st = validate_caption(in.caption); !st) errors.push_back(st.fields().front());
  if (in.sound_offset_ms < 0)
    errors.push_back({"/sound_offset_ms", "The sound offset cannot be negative."});
  if (in.sound_mode && *in.sound_mode == SoundMode::kOriginal && in.sound_id) {
    errors.push_back({"/sound_mode", "Choose replace or mix for a chosen sound."});
  }
  if (!errors.empty()) return Status::invalid(std::move(errors));

  const std::int64_t now = clock_.now_ms();
  const Id video_id = ids_.next();
  auto created = db_.transact_result([&](db::Conn& c) -> Result<Video> {
    if (in.sound_id) {
      RIFF_ASSIGN_OR_RETURN(
          db::Rows s,
          c.query("SELECT reusable, audio_path FROM sounds WHERE id = $1", {*in.sound_id}));
      if (s.empty()) return Status::invalid("/sound_id", "No such sound.");
      if (!s[0].boolean(0) || s[0].str(1).empty())
        return Status::invalid("/sound_id", "This sound cannot be reused.");
    }
    if (in.duet_of) {
      RIFF_ASSIGN_OR_RETURN(std::optional<Video> original, find_video(c, *in.duet_of));
      bool visible = false;
      if (original && original->status == VideoStatus::kReady) {
        RIFF_ASSIGN_OR_RETURN(visible, can_view(c, author_id, *original));
      }
      if (!visible) return Status::invalid("/duet_of", "No such video.");
      if (!original->allow_duet)
        return Status::invalid("/duet_of", "This video does not allow duets.");
    }
    RIFF_ASSIGN_OR_RETURN(Upload upload, uploads_.consume(c, author_id, in.upload_id));
    Video v;
    v.id = video_id;
    v.author_id = author_id;
    v.caption = in.caption;
    v.visibility = in.visibility;
    v.comment_policy = in.comments;
    v.allow_duet = in.allow_duet;
    v.sound_id = in.sound_id;
    v.sound_offset_ms = in.sound_id ? in.sound_offset_ms : 0;
    v.sound_mode = in.sound_id ? in.sound_mode.value_or(SoundMode::kReplace) : SoundMode::kOriginal;
    v.duet_of = in.duet_of;
    v.created_at = v.updated_at = now;
    RIFF_RETURN_IF_ERROR(
        c.exec("INSERT INTO videos (id, author_id, upload_id, caption, status, visibility, "
               "comment_policy, allow_duet,"
               " sound_id, sound_offset_ms, sound_mode, duet_of, created_at, updated_at)"
               " VALUES ($1, $2, $3, $4, 0, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
               {v.id, author_id, upload.id, v.caption, static_cast<int>(v.visibility),
                static_cast<int>(v.comment_policy), v.allow_duet, v.sound_id, v.sound_offset_ms,
                static_cast<int>(v.sound_mode), v.duet_of, now})
            .status());
    RIFF_RETURN_IF_ERROR(link_caption(c, ids_, now, v.id, v.caption));
    boost::json::object payload{{"video_id", id_to_string(v.id)},
                                {"upload_id", id_to_string(upload.id)}};
    RIFF_RETURN_IF_ERROR(
        queue_.enqueue(c, kTranscodeJob, boost::json::serialize(payload), 0, 0, v.id).status());
    return v;
  });
  if (!created) return created.status();
  if (on_enqueued_) on_enqueued_();
  return get(author_id, video_id);
}

Result<VideoCard> VideoService::get(std::optional<Id> viewer, Id video_id) {
  std::optional<VideoCard> out;
  auto st = db_.read([&](db::Conn& c) -> Result<db::Rows> {
    RIFF_ASSIGN_OR_RETURN(std::optional<Video> v, find_video(c, video_id));
    if (!v || v->status == VideoStatus::kDeleted) return not_found();
    RIFF_ASSIGN_OR_RETURN(bool visible, can_view(c, viewer, *v));
    if (!visible) return not_found();
    RIFF_ASSIGN_OR_RETURN(std::vector<VideoCard> cards, load_video_cards(c, {video_id}, viewer));
    if (cards.empty()) return not_found();
    out = std::move(cards.front());
    return db::Rows{};
  });
  if (!st) return st.status();
  return std::move(*out);
}

Result<VideoCard> VideoService::update(Id author_id, Id video_id, const VideoPatch& patch) {
  if (patch.caption) RIFF_RETURN_IF_ERROR(validate_caption(*patch.caption));
  const std::int64_t now = clock_.now_ms();
  Status st = db_.transact([&](db::Conn& c) -> Status {
    RIFF_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.query("SELECT author_id, status FROM videos WHERE id = $1 FOR UPDATE", {video_id}));
    if (rows.empty() || rows[0].i64(1) == static_cast<int>(VideoStatus::kDeleted))
      return not_found();
    if (rows[0].i64(0) != author_id) {
      // Someone who can see it learns it is not theirs; others learn nothing.
      RIFF_ASSIGN_OR_RETURN(std::optional<Video> v, find_video(c, video_id));
      RIFF_ASSIGN_OR_RETURN(bool visible, can_view(c, author_id, *v));
      if (visible) return Status::forbidden("Only the author can change this video.");
      return not_found();
    }
    if (patch.caption) {
      RIFF_RETURN_IF_ERROR(unlink_caption(c, video_id));
      RIFF_RETURN_IF_ERROR(
          c.exec("UPDATE videos SET caption = $1 WHERE id = $2", {*patch.caption, video_id})
              .status());
      RIFF_RETURN_IF_ERROR(link_caption(c, ids_, now, video_id, *patch.caption));
    }
    if (patch.visibility) {
      RIFF_RETURN_IF_ERROR(c.exec("UPDATE videos SET visibility = $1 WHERE id = $2",
                                  {static_cast<int>(*patch.visibility), video_id})
                               .status());
    }
    if (patch.comments) {
      RIFF_RETURN_IF_ERROR(c.exec("UPDATE videos SET comment_policy = $1 WHERE id = $2",
                                  {static_cast<int>(*patch.comments), video_id})
                               .status());
    }
    if (patch.allow_duet) {
      RIFF_RETURN_IF_ERROR(
          c.exec("UPDATE videos SET allow_duet = $1 WHERE id = $2", {*patch.allow_duet, video_id})
              .status());
    }
    return c.exec("UPDATE videos SET updated_at = $1 WHERE id = $2", {now, video_id}).status();
  });
  RIFF_RETURN_IF_ERROR(st);
  return get(author_id, video_id);
}

Status VideoService::remove(Id author_id, Id video_id) {
  const std::int64_t now = clock_.now_ms();
  Status st = db_.transact([&](db::Conn& c) -> Status {
    // The row is locked first, as update() does: its status then cannot
    // change under us (the pipeline making it ready would leave the counts
    // below undone), and the locks go video, its original, the restriction
    // log's, in every path.
    RIFF_RETURN_IF_ERROR(
        c.query("SELECT 1 FROM videos WHERE id = $1 FOR UPDATE", {video_id}).status());
    RIFF_ASSIGN_OR_RETURN(std::optional<Video> v, find_video(c, video_id));
    if (!v || v->status == VideoStatus::kDeleted) return not_found();
    if (v->author_id != author_id) {
      RIFF_ASSIGN_OR_RETURN(bool visible, can_view(c, author_id, *v));
      if (visible) return Status::forbidden("Only the author can delete this video.");
      return not_found();
    }
    RIFF_RETURN_IF_ERROR(unlink_caption(c, video_id));
    // A ready video counted towards its sound and its duet original (pipeline.cpp).
    if (v->status == VideoStatus::kReady) {
      if (v->sound_id) {
        RIFF_RETURN_IF_ERROR(
            c.exec("UPDATE sounds SET use_count = use_count - 1 WHERE id = $1 AND use_count > 0",
                   {*v->sound_id})
                .status());
      }
      if (v->duet_of) {
        RIFF_RETURN_IF_ERROR(
            c.exec("UPDATE videos SET duet_count = duet_count - 1 WHERE id = $1 AND duet_count > 0",
                   {*v->duet_of})
                .status());
      }
    }
    // Last: hiding a ready video takes the restriction log's lock (migration
    // 229) until commit, so no other row is locked after it (a deadlock with
    // the removal of the duet original, which locks that row first).
    RIFF_ASSIGN_OR_RETURN(
        std::int64_t changed,
        c.exec("UPDATE videos SET status = 3, updated_at = $1 WHERE id = $2 AND status <> 3",
               {now, video_id}));
    if (changed == 0) return not_found();  // removed meanwhile: the counts roll back with this
    return Status::ok();
  });
  RIFF_RETURN_IF_ERROR(st);
  std::error_code ec;
  fs::remove_all(paths_.dir_of(video_id), ec);
  return Status::ok();
}

Result<VideoPage> VideoService::duets(std::optional<Id> viewer, Id video_id, int limit,
                                      const std::optional<std::string>& cursor) {
  RIFF_RETURN_IF_ERROR(get(viewer, video_id).status());
  Id before = INT64_MAX;
  if (cursor) {
    auto c = parse_id(*cursor);
    if (!c) return Status::invalid("/cursor", "Bad cursor.");
    before = *c;
  }
  VideoPage page;
  auto st = db_.read([&](db::Conn& c) -> Result<db::Rows> {
    RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                          c.query("SELECT v.id FROM videos v WHERE v.duet_of = $2 AND v.id < $3"
                                      " AND v.status = 1 AND " +
                                      visible_sql("v", 1) + " ORDER BY v.id DESC LIMIT $4",
                                  {viewer.value_or(0), video_id, before, limit + 1}));
    std::vector<Id> ids;
    for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i)
      ids.push_back(rows[i].i64(0));
    RIFF_ASSIGN_OR_RETURN(page.items, load_video_cards(c, ids, viewer));
    page.next_cursor.reset();
    if (static_cast<int>(rows.size()) > limit) page.next_cursor = id_to_string(ids.back());
    return db::Rows{};
  });
  if (!st) return st.status();
  return page;
}

}  // namespace riff::video
