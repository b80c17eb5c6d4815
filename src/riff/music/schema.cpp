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
      // Catalog search (db/text_search.hpp): every query word a prefix of a
      // word of the artist's name; of the album's title or artist; of the
      // track's title, artists or album title. SQLite: FTS5 tables kept by
      // triggers, rowid = the item's id. PostgreSQL: tsvector columns kept
      // by triggers (they read other tables, so they cannot be generated
      // columns) with GIN indexes.
      {405, "music_search", R"sql(
CREATE VIRTUAL TABLE music_artist_fts USING fts5(name, tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE music_album_fts USING fts5(title, artist, tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE music_track_fts USING fts5(title, artists, album,
  tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO music_artist_fts (rowid, name) SELECT id, name FROM music_artists;
INSERT INTO music_album_fts (rowid, title, artist)
  SELECT al.id, al.title, ar.name FROM music_albums al JOIN music_artists ar ON ar.id = al.artist_id;
INSERT INTO music_track_fts (rowid, title, artists, album)
  SELECT t.id, t.title, t.artist_names, al.title FROM music_tracks t
  JOIN music_albums al ON al.id = t.album_id;
CREATE TRIGGER music_artist_fts_insert AFTER INSERT ON music_artists BEGIN
  INSERT INTO music_artist_fts (rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER music_artist_fts_update AFTER UPDATE OF name ON music_artists BEGIN
  UPDATE music_artist_fts SET name = new.name WHERE rowid = new.id;
  UPDATE music_album_fts SET artist = new.name
    WHERE rowid IN (SELECT id FROM music_albums WHERE artist_id = new.id);
END;
CREATE TRIGGER music_artist_fts_delete AFTER DELETE ON music_artists BEGIN
  DELETE FROM music_artist_fts WHERE rowid = old.id;
END;
CREATE TRIGGER music_album_fts_insert AFTER INSERT ON music_albums BEGIN
  INSERT INTO music_album_fts (rowid, title, artist)
    VALUES (new.id, new.title, (SELECT name FROM music_artists WHERE id = new.artist_id));
END;
CREATE TRIGGER music_album_fts_update AFTER UPDATE OF title, artist_id ON music_albums BEGIN
  UPDATE music_album_fts SET title = new.title,
    artist = (SELECT name FROM music_artists WHERE id = new.artist_id) WHERE rowid = new.id;
  UPDATE music_track_fts SET album = new.title
    WHERE rowid IN (SELECT id FROM music_tracks WHERE album_id = new.id);
END;
CREATE TRIGGER music_album_fts_delete AFTER DELETE ON music_albums BEGIN
  DELETE FROM music_album_fts WHERE rowid = old.id;
END;
CREATE TRIGGER music_track_fts_insert AFTER INSERT ON music_tracks BEGIN
  INSERT INTO music_track_fts (rowid, title, artists, album)
    VALUES (new.id, new.title, new.artist_names, (SELECT title FROM music_albums WHERE id = new.album_id));
END;
CREATE TRIGGER music_track_fts_update AFTER UPDATE OF title, artist_names, album_id ON music_tracks BEGIN
  UPDATE music_track_fts SET title = new.title, artists = new.artist_names,
    album = (SELECT title FROM music_albums WHERE id = new.album_id) WHERE rowid = new.id;
END;
CREATE TRIGGER music_track_fts_delete AFTER DELETE ON music_tracks BEGIN
  DELETE FROM music_track_fts WHERE rowid = old.id;
END)sql",
       R"sql(
ALTER TABLE music_artists ADD COLUMN search_tsv tsvector;
ALTER TABLE music_albums ADD COLUMN search_tsv tsvector;
ALTER TABLE music_tracks ADD COLUMN search_tsv tsvector;
-- PostgreSQL's parser reads "<Songs>" as a tag, "a/b" as a path and
-- "x@y.z" as an email, and would index them whole or not at all: such
-- characters split words, as in SQLite's unicode61 tokenizer.
CREATE FUNCTION music_search_vector(t TEXT) RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
  SELECT to_tsvector('simple', translate(t, '<>&/@.:\_-', '          '))
$$;
CREATE FUNCTION music_artist_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_tsv := music_search_vector(NEW.name);
  RETURN NEW;
END $$;
CREATE FUNCTION music_album_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_tsv := music_search_vector(NEW.title || ' '
    || COALESCE((SELECT name FROM music_artists WHERE id = NEW.artist_id), ''));
  RETURN NEW;
END $$;
CREATE FUNCTION music_track_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_tsv := music_search_vector(NEW.title || ' ' || NEW.artist_names || ' '
    || COALESCE((SELECT title FROM music_albums WHERE id = NEW.album_id), ''));
  RETURN NEW;
END $$;
-- A renamed artist or album refreshes the rows that carry its name.
CREATE FUNCTION music_artist_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE music_albums SET search_tsv = music_search_vector(title || ' ' || NEW.name)
    WHERE artist_id = NEW.id;
  RETURN NULL;
END $$;
CREATE FUNCTION music_album_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE music_tracks SET search_tsv = music_search_vector(title || ' ' || artist_names || ' ' || NEW.title)
    WHERE album_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER music_artists_search BEFORE INSERT OR UPDATE OF name ON music_artists
  FOR EACH ROW EXECUTE FUNCTION music_artist_search();
CREATE TRIGGER music_albums_search BEFORE INSERT OR UPDATE OF title, artist_id ON music_albums
  FOR EACH ROW EXECUTE FUNCTION music_album_search();
CREATE TRIGGER music_tracks_search BEFORE INSERT OR UPDATE OF title, artist_names, album_id ON music_tracks
  FOR EACH ROW EXECUTE FUNCTION music_track_search();
CREATE TRIGGER music_artists_renamed AFTER UPDATE OF name ON music_artists
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION music_artist_renamed();
CREATE TRIGGER music_albums_renamed AFTER UPDATE OF title ON music_albums
  FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION music_album_renamed();
UPDATE music_artists SET name = name;
UPDATE music_albums SET title = title;
UPDATE music_tracks SET title = title;
CREATE INDEX music_artists_search ON music_artists USING GIN (search_tsv);
CREATE INDEX music_albums_search ON music_albums USING GIN (search_tsv);
CREATE INDEX music_tracks_search ON music_tracks USING GIN (search_tsv))sql"},
      // Subscriptions with periods (subscriptions.hpp). A row without a
      // period end is an open-ended admin grant; rows from before periods
      // existed keep their plan that way. Store accounts hold the token the
      // apps pass to the stores; processed notifications de-duplicate them.
      {410, "music_subscription_periods", R"sql(
ALTER TABLE music_subscriptions ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE music_subscriptions ADD COLUMN source TEXT NOT NULL DEFAULT 'admin';
ALTER TABLE music_subscriptions ADD COLUMN current_period_end BIGINT;
ALTER TABLE music_subscriptions ADD COLUMN auto_renew INTEGER NOT NULL DEFAULT 0;
ALTER TABLE music_subscriptions ADD COLUMN original_transaction_id TEXT NOT NULL DEFAULT '';
ALTER TABLE music_subscriptions ADD COLUMN product_id TEXT NOT NULL DEFAULT '';
UPDATE music_subscriptions SET status = 'expired' WHERE plan <> 'premium';
CREATE INDEX music_subscriptions_transaction
  ON music_subscriptions (source, original_transaction_id);
CREATE TABLE music_store_accounts (
  user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  account_token TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);
CREATE TABLE music_store_notifications (
  source TEXT NOT NULL,
  notification_id TEXT NOT NULL,
  notification_type TEXT NOT NULL,
  user_id BIGINT,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (source, notification_id)
))sql",
       std::nullopt},
      // Offline download licences (offline_licences.hpp): one per listener
      // and track; usable while unexpired and the listener is premium.
      {411, "music_offline_licences", R"sql(
CREATE TABLE music_offline_licences (
  id BIGINT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  track_id BIGINT NOT NULL REFERENCES music_tracks(id) ON DELETE CASCADE,
  issued_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  kbps BIGINT NOT NULL,
  UNIQUE (user_id, track_id)
);
CREATE INDEX music_offline_licences_user ON music_offline_licences (user_id, id))sql",
       std::nullopt},
      // Music services outside riff a listener linked for "Add to Music App"
      // (music_links.hpp); the password sealed with a key of riff's.
      {418, "music_links", R"sql(
CREATE TABLE music_links (
  id BIGINT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  url TEXT NOT NULL,
  username TEXT NOT NULL,
  sealed_password TEXT NOT NULL,
  server TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX music_links_user ON music_links (user_id, id))sql",
       std::nullopt},
      // The free tier's audio ads (audio_ads.hpp): the inventory, each free
      // listener's counted plays since their last heard ad, and one row per
      // served token (its hash), marked when heard: the impression log.
      {419, "music_audio_ads", R"sql(
CREATE TABLE music_ads (
  id BIGINT PRIMARY KEY,
  title TEXT NOT NULL,
  advertiser TEXT NOT NULL,
  click_url TEXT NOT NULL DEFAULT '',
  starts_at BIGINT,
  ends_at BIGINT,
  countries TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'active',
  has_audio INTEGER NOT NULL DEFAULT 0,
  duration_ms BIGINT NOT NULL DEFAULT 0,
  loudness_lufs DOUBLE PRECISION,
  created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE music_ad_listeners (
  user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  plays_since_ad BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL
);
CREATE TABLE music_ad_serves (
  token_hash TEXT PRIMARY KEY,
  ad_id BIGINT NOT NULL REFERENCES music_ads(id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  served_at BIGINT NOT NULL,
  heard_at BIGINT
);
CREATE INDEX music_ad_serves_ad ON music_ad_serves (ad_id, heard_at);
CREATE INDEX music_ad_serves_user ON music_ad_serves (user_id, heard_at))sql",
       std::nullopt},
      // Record labels (labels.hpp): accounts an admin made a label, the
      // tracks each one owns, and their uploads (each a durable job).
      {430, "music_labels", R"sql(
CREATE TABLE music_labels (
  id BIGINT PRIMARY KEY,
  user_id BIGINT NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
ALTER TABLE music_tracks ADD COLUMN label_id BIGINT;
CREATE INDEX music_tracks_label ON music_tracks (label_id, id);
CREATE TABLE music_label_uploads (
  id BIGINT PRIMARY KEY,
  label_id BIGINT NOT NULL REFERENCES music_labels(id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  file_name TEXT NOT NULL DEFAULT '',
  size BIGINT NOT NULL,
  metadata TEXT NOT NULL,
  source_path TEXT NOT NULL,
  track_id BIGINT,
  error_reason TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX music_label_uploads_label ON music_label_uploads (label_id, id))sql",
       std::nullopt},
      // Gapless playback (per tier: encoder delay and padding as
      // "kbps:delay:padding,..."), and where the label wants the song's sound
      // clip to start (NULL: the loudest window).
      {431, "music_gapless_clips", R"sql(
ALTER TABLE music_tracks ADD COLUMN duration_samples BIGINT NOT NULL DEFAULT 0;
ALTER TABLE music_tracks ADD COLUMN gapless_tiers TEXT NOT NULL DEFAULT '';
ALTER TABLE music_tracks ADD COLUMN clip_start_ms BIGINT)sql",
       std::nullopt},
      // The library (saved items, newest first) and radio (who else
      // played a track, and how many listeners it has).
      {432, "music_library_radio_indexes", R"sql(
CREATE INDEX music_stars_by_time ON music_stars (user_id, kind, created_at, item_id);
CREATE INDEX music_plays_track_user ON music_plays (track_id, user_id))sql",
       std::nullopt},
      // Playlists grow collaborators, a version for concurrent edits, an
      // uploaded cover, and who added each track (playlists.hpp). Rows from
      // before count as added by the owner when the playlist last changed.
      {433, "music_playlist_collaboration", R"sql(
ALTER TABLE music_playlists ADD COLUMN collaborative INTEGER NOT NULL DEFAULT 0;
ALTER TABLE music_playlists ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE music_playlists ADD COLUMN cover_path TEXT;
ALTER TABLE music_playlist_tracks ADD COLUMN added_by BIGINT REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE music_playlist_tracks ADD COLUMN added_at BIGINT;
UPDATE music_playlist_tracks SET
  added_by = (SELECT p.owner_id FROM music_playlists p WHERE p.id = music_playlist_tracks.playlist_id),
  added_at = (SELECT p.updated_at FROM music_playlists p WHERE p.id = music_playlist_tracks.playlist_id);
CREATE TABLE music_playlist_collaborators (
  playlist_id BIGINT NOT NULL REFERENCES music_playlists(id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  added_at BIGINT NOT NULL,
  PRIMARY KEY (playlist_id, user_id)
);
CREATE INDEX music_playlist_collaborators_user ON music_playlist_collaborators (user_id, playlist_id))sql",
       std::nullopt},
  };
}

}  // namespace riff::music
