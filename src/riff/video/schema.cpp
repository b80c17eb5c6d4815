#include "riff/video/schema.hpp"

namespace riff::video {

// Same conventions as accounts: BIGINT ids, counters and ms times; INTEGER
// enums and booleans. Counters on videos, sounds and hashtags change in the
// transaction that changes what they count.
std::vector<db::Migration> migrations() {
  return {
      {200, "video_uploads", R"sql(
CREATE TABLE uploads (
  id BIGINT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  length BIGINT NOT NULL,
  upload_offset BIGINT NOT NULL DEFAULT 0,
  metadata TEXT NOT NULL DEFAULT '',
  state INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX uploads_user ON uploads (user_id, state);
CREATE INDEX uploads_expires ON uploads (state, expires_at))sql",
       std::nullopt},
      {201, "video_sounds", R"sql(
CREATE TABLE sounds (
  id BIGINT PRIMARY KEY,
  kind INTEGER NOT NULL DEFAULT 0,
  title TEXT NOT NULL,
  creator_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
  source_video_id BIGINT,
  catalog_track_id BIGINT,
  audio_path TEXT NOT NULL DEFAULT '',
  duration_ms BIGINT NOT NULL DEFAULT 0,
  reusable INTEGER NOT NULL DEFAULT 1,
  use_count BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX sounds_creator ON sounds (creator_id, created_at);
CREATE INDEX sounds_source_video ON sounds (source_video_id))sql",
       std::nullopt},
      {202, "video_videos", R"sql(
CREATE TABLE videos (
  id BIGINT PRIMARY KEY,
  author_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  upload_id BIGINT,
  caption TEXT NOT NULL DEFAULT '',
  status INTEGER NOT NULL DEFAULT 0,
  failure_reason TEXT NOT NULL DEFAULT '',
  failure_message TEXT NOT NULL DEFAULT '',
  visibility INTEGER NOT NULL DEFAULT 0,
  comment_policy INTEGER NOT NULL DEFAULT 0,
  allow_duet INTEGER NOT NULL DEFAULT 1,
  sound_id BIGINT REFERENCES sounds(id) ON DELETE SET NULL,
  sound_offset_ms BIGINT NOT NULL DEFAULT 0,
  sound_mode INTEGER NOT NULL DEFAULT 0,
  duet_of BIGINT REFERENCES videos(id) ON DELETE SET NULL,
  media_dir TEXT NOT NULL DEFAULT '',
  duration_ms BIGINT NOT NULL DEFAULT 0,
  width INTEGER NOT NULL DEFAULT 0,
  height INTEGER NOT NULL DEFAULT 0,
  progress DOUBLE PRECISION NOT NULL DEFAULT 0,
  like_count BIGINT NOT NULL DEFAULT 0,
  comment_count BIGINT NOT NULL DEFAULT 0,
  share_count BIGINT NOT NULL DEFAULT 0,
  view_count BIGINT NOT NULL DEFAULT 0,
  duet_count BIGINT NOT NULL DEFAULT 0,
  watch_ms_total BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX videos_author ON videos (author_id, status, id);
CREATE INDEX videos_status ON videos (status, visibility, id);
CREATE INDEX videos_sound ON videos (sound_id, status);
CREATE INDEX videos_duet_of ON videos (duet_of))sql",
       std::nullopt},
      {203, "video_hashtags_mentions", R"sql(
CREATE TABLE hashtags (
  id BIGINT PRIMARY KEY,
  tag TEXT NOT NULL UNIQUE,
  use_count BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE TABLE video_hashtags (
  video_id BIGINT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  hashtag_id BIGINT NOT NULL REFERENCES hashtags(id) ON DELETE CASCADE,
  PRIMARY KEY (video_id, hashtag_id)
);
CREATE INDEX video_hashtags_tag ON video_hashtags (hashtag_id, video_id);
CREATE TABLE video_mentions (
  video_id BIGINT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (video_id, user_id)
))sql",
       std::nullopt},
      // A catalog song's sound is a clip of the song: which window (NULL for
      // original sounds).
      {204, "video_sound_clips", R"sql(
ALTER TABLE sounds ADD COLUMN clip_start_ms BIGINT;
ALTER TABLE sounds ADD COLUMN clip_duration_ms BIGINT)sql",
       std::nullopt},
  };
}

}  // namespace riff::video
