#include "riff/video/sounds.hpp"

#include "riff/video/access.hpp"

namespace riff::video {
namespace fs = std::filesystem;

SoundService::SoundService(db::Database& db, fs::path sounds_dir)
    : db_(db), dir_(std::move(sounds_dir)) {}

fs::path SoundService::audio_path(Id sound_id) const {
  return dir_ / (id_to_string(sound_id) + ".m4a");
}

Result<SoundView> SoundService::load(db::Conn& c, std::optional<Id> viewer, Id sound_id) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query("SELECT s.id, s.kind, s.title, s.creator_id, s.source_video_id, s.catalog_track_id,"
              " s.duration_ms, s.reusable, s.use_count, s.created_at, u.handle, s.audio_path,"
              " s.clip_start_ms, s.clip_duration_ms"
              " FROM sounds s LEFT JOIN users u ON u.id = s.creator_id WHERE s.id = $1",
              {sound_id}));
  if (rows.empty()) return Status::not_found("No such sound.");
  const auto& r = rows[0];
  SoundView out;
  out.sound = {r.i64(0),     static_cast<SoundKind>(r.i64(1)),
               r.str(2),     r.opt_i64(3),
               r.opt_i64(4), r.opt_i64(5),
               r.i64(6),     r.boolean(7),
               r.i64(8),     r.i64(9),
               r.opt_i64(12), r.opt_i64(13)};
  out.creator_handle = r.opt_str(10);
  out.has_audio = !r.str(11).empty();
  const bool is_creator = viewer && out.sound.creator_id && *viewer == *out.sound.creator_id;
  if (out.sound.source_video_id && !is_creator) {
    RIFF_ASSIGN_OR_RETURN(std::optional<Video> v, find_video(c, *out.sound.source_video_id));
    if (!v || v->status == VideoStatus::kDeleted) {
      // The sound outlives a deleted video only when it was public.
      if (v && v->visibility != Visibility::kPublic) return Status::not_found("No such sound.");
    } else {
      RIFF_ASSIGN_OR_RETURN(bool visible, can_view(c, viewer, *v));
      if (!visible) return Status::not_found("No such sound.");
    }
  }
  return out;
}

Result<SoundView> SoundService::get(std::optional<Id> viewer, Id sound_id) {
  std::optional<SoundView> out;
  auto st = db_.read([&](db::Conn& c) -> Result<db::Rows> {
    RIFF_ASSIGN_OR_RETURN(SoundView s, load(c, viewer, sound_id));
    out = std::move(s);
    return db::Rows{};
  });
  if (!st) return st.status();
  if (song_lookup_ && out->sound.catalog_track_id)
    out->song = song_lookup_(viewer, *out->sound.catalog_track_id);
  return std::move(*out);
}

Result<VideoPage> SoundService::videos(std::optional<Id> viewer, Id sound_id, int limit,
                                       const std::optional<std::string>& cursor) {
  std::int64_t offset = 0;
  if (cursor) {
    try {
      offset = std::stoll(*cursor);
    } catch (const std::exception&) {
      return Status::invalid("/cursor", "Bad cursor.");
    }
    if (offset < 0) return Status::invalid("/cursor", "Bad cursor.");
  }
  VideoPage page;
  auto st = db_.read([&](db::Conn& c) -> Result<db::Rows> {
    RIFF_RETURN_IF_ERROR(load(c, viewer, sound_id).status());
    RIFF_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.query("SELECT v.id FROM videos v WHERE v.sound_id = $2 AND v.status = 1"
                    " AND " +
                    visible_sql("v", 1) +
                    " ORDER BY v.view_count DESC, v.like_count DESC, v.id DESC LIMIT $3 OFFSET $4",
                {viewer.value_or(0), sound_id, limit + 1, offset}));
    std::vector<Id> ids;
    for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i)
      ids.push_back(rows[i].i64(0));
    RIFF_ASSIGN_OR_RETURN(page.items, load_video_cards(c, ids, viewer));
    page.next_cursor.reset();
    if (static_cast<int>(rows.size()) > limit) page.next_cursor = std::to_string(offset + limit);
    return db::Rows{};
  });
  if (!st) return st.status();
  return page;
}

Result<SoundView> SoundService::set_reusable(Id user_id, Id sound_id, bool reusable) {
  RIFF_ASSIGN_OR_RETURN(SoundView s, get(user_id, sound_id));
  if (!s.sound.creator_id || *s.sound.creator_id != user_id) {
    return Status::forbidden("Only the sound's creator can change it.");
  }
  RIFF_RETURN_IF_ERROR(
      db_.exec("UPDATE sounds SET reusable = $1 WHERE id = $2", {reusable, sound_id}).status());
  return get(user_id, sound_id);
}

Result<fs::path> SoundService::audio_file(std::optional<Id> viewer, Id sound_id) {
  RIFF_ASSIGN_OR_RETURN(SoundView s, get(viewer, sound_id));
  if (!s.has_audio) return Status::not_found("This sound has no audio file.");
  return audio_path(sound_id);
}

}  // namespace riff::video
