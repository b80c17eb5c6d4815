#include "riff/music/schema.hpp"

namespace riff::music {

// Conventions as elsewhere: BIGINT ids, counters and ms times; 0/1 booleans;
// DOUBLE PRECISION for loudness (dB/LUFS are measurements, not money).
// `name_key` / `album_key` are the lowercased identity used to merge
// artists and albums across files. A track's identity across re-imports is
// its source path; size, mtime and content hash decide whether it changed.
std::vector<db::Migration> migrations() {
  return {
      {400, "music_catalog", R"sql(
CREATE TABLE music_artists (
  id BIGINT PRIMARY KEY,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);
CREATE TABLE music_albums (
  id BIGINT PRIMARY KEY,
  title TEXT NOT NULL,
  artist_id BIGINT NOT NULL REFERENCES music_artists(id),
  album_key TEXT NOT NULL UNIQUE,
  year BIGINT NOT NULL DEFAULT 0,
  genre TEXT NOT NULL DEFAULT '',
  cover_path TEXT NOT NULL DEFAULT '',
  loudness_lufs DOUBLE PRECISION,
  peak_dbtp DOUBLE PRECISION,
  created_at BIGINT NOT NULL
);
CREATE INDEX music_albums_artist ON music_albums (artist_id);
CREATE TABLE music_tracks (
  id BIGINT PRIMARY KEY,
  title TEXT NOT NULL,
  album_id BIGINT NOT NULL REFERENCES music_albums(id),
  artist_id BIGINT NOT NULL REFERENCES music_artists(id),
  artist_names TEXT NOT NULL,
  track_no BIGINT NOT NULL DEFAULT 0,
  disc_no BIGINT NOT NULL DEFAULT 0,
  year BIGINT NOT NULL DEFAULT 0,
  genre TEXT NOT NULL DEFAULT '',
  isrc TEXT NOT NULL DEFAULT '',
  duration_ms BIGINT NOT NULL DEFAULT 0,
  sample_rate BIGINT NOT NULL DEFAULT 0,
  channels BIGINT NOT NULL DEFAULT 0,
  bit_rate BIGINT NOT NULL DEFAULT 0,
  suffix TEXT NOT NULL DEFAULT '',
  loudness_lufs DOUBLE PRECISION,
  true_peak_dbtp DOUBLE PRECISION,
  tiers TEXT NOT NULL DEFAULT '',
  territories TEXT NOT NULL DEFAULT '',
  source_path TEXT NOT NULL UNIQUE,
  source_size BIGINT NOT NULL,
  source_mtime_ms BIGINT NOT NULL,
  content_hash TEXT NOT NULL,
  play_count BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX music_tracks_album ON music_tracks (album_id, disc_no, track_no);
CREATE INDEX music_tracks_artist ON music_tracks (artist_id);
CREATE INDEX music_tracks_isrc ON music_tracks (isrc);
CREATE TABLE music_track_artists (
  track_id BIGINT NOT NULL REFERENCES music_tracks(id) ON DELETE CASCADE,
  position BIGINT NOT NULL,
  artist_id BIGINT NOT NULL REFERENCES music_artists(id),
  PRIMARY KEY (track_id, position)
);
CREATE INDEX music_track_artists_artist ON music_track_artists (artist_id))sql",
       std::nullopt},
      {401, "music_listening", R"sql(
CREATE TABLE music_subscriptions (
  user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  plan TEXT NOT NULL DEFAULT 'free',
  updated_at BIGINT NOT NULL
);
CREATE TABLE music_plays (
  id BIGINT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  track_id BIGINT NOT NULL REFERENCES music_tracks(id) ON DELETE CASCADE,
  played_at BIGINT NOT NULL,
  ms_played BIGINT NOT NULL,
  plan TEXT NOT NULL,
  source TEXT NOT NULL
);
CREATE INDEX music_plays_time ON music_plays (played_at, track_id);
CREATE INDEX music_plays_user ON music_plays (user_id, played_at);
CREATE TABLE music_stars (
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  item_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, kind, item_id)
))sql",
       std::nullopt},
      {402, "music_playlists", R"sql(
CREATE TABLE music_playlists (
  id BIGINT PRIMARY KEY,
  owner_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  public INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX music_playlists_owner ON music_playlists (owner_id, id);
CREATE TABLE music_playlist_tracks (
  playlist_id BIGINT NOT NULL REFERENCES music_playlists(id) ON DELETE CASCADE,
  position BIGINT NOT NULL,
  track_id BIGINT NOT NULL REFERENCES music_tracks(id) ON DELETE CASCADE,
  PRIMARY KEY (playlist_id, position)
))sql",
       std::nullopt},
      {403, "music_app_passwords", R"sql(
CREATE TABLE music_app_passwords (
  id BIGINT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  secret_box TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at BIGINT
);
CREATE INDEX music_app_passwords_user ON music_app_passwords (user_id))sql",
       std::nullopt},
      // Weekly charts, stored once a week has ended (charts.hpp). A week's
      // row is the claim that makes computing it idempotent across nodes;
      // points are kept in thirds (a free play weighs 2/3).
      {404, "music_charts", R"sql(
CREATE TABLE music_chart_weeks (
  week_start BIGINT PRIMARY KEY,
  entry_count BIGINT NOT NULL,
  computed_at BIGINT NOT NULL
);
CREATE TABLE music_chart_entries (
  week_start BIGINT NOT NULL REFERENCES music_chart_weeks(week_start) ON DELETE CASCADE,
  position BIGINT NOT NULL,
  track_id BIGINT NOT NULL REFERENCES music_tracks(id) ON DELETE CASCADE,
  points_x3 BIGINT NOT NULL,
  plays BIGINT NOT NULL,
  videos BIGINT NOT NULL,
  last_week BIGINT,
  peak BIGINT NOT NULL,
  weeks_on_chart BIGINT NOT NULL,
  weeks_at_number_one BIGINT NOT NULL,
  streak BIGINT NOT NULL,
  PRIMARY KEY (week_start, position)
);
CREATE UNIQUE INDEX music_chart_entries_track ON music_chart_entries (track_id, week_start))sql",
       std::nullopt},
  };
}

}  // namespace riff::music
