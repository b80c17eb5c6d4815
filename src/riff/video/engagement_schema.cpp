#include "riff/video/engagement_schema.hpp"

#include <string>

namespace riff::video {

namespace {

// What migration 229 logs as a restriction, the same on both databases:
// the trigger, its event, its condition and the column the row's id goes in.
struct RestrictionTrigger {
  const char* name;
  const char* event;
  const char* when;  // "" for always
  const char* column;
};
constexpr RestrictionTrigger kRestrictionTriggers[] = {
    {"video_restricted", "UPDATE OF status, visibility ON videos",
     "old.status = 1 AND old.visibility = 0 AND (new.status <> 1 OR new.visibility <> 0)",
     "video_id"},
    {"video_deleted_restricted", "DELETE ON videos", "old.status = 1 AND old.visibility = 0",
     "video_id"},
    {"user_restricted", "UPDATE OF is_private ON users",
     "old.is_private = 0 AND new.is_private <> 0", "user_id"},
    {"user_deleted_restricted", "DELETE ON users", "", "user_id"},
};

// The log and its triggers. Numbers follow commit order: SQLite has one
// writer; on PostgreSQL a restricting transaction locks the row of
// visibility_restriction_lock (locking, not updating it, leaves no dead
// row versions, so one statement restricting many rows stays linear) and
// each statement of the function sees what committed before the lock.
std::string restriction_log_sql(bool postgres) {
  std::string sql = postgres ? R"sql(
CREATE TABLE visibility_restriction_lock (id INTEGER PRIMARY KEY CHECK (id = 1));
INSERT INTO visibility_restriction_lock (id) VALUES (1);
CREATE FUNCTION visibility_restricted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  m BIGINT;
BEGIN
  PERFORM 1 FROM visibility_restriction_lock WHERE id = 1 FOR UPDATE;
  SELECT COALESCE(MAX(n), 0) + 1 INTO m FROM visibility_restrictions;
  IF TG_TABLE_NAME = 'videos' THEN
    INSERT INTO visibility_restrictions (n, video_id, token)
      VALUES (m, OLD.id, (random() * 9007199254740991)::BIGINT);
  ELSE
    INSERT INTO visibility_restrictions (n, user_id, token)
      VALUES (m, OLD.id, (random() * 9007199254740991)::BIGINT);
  END IF;
  IF m % 1000 = 0 THEN
    DELETE FROM visibility_restrictions WHERE n <= m - 100000;
  END IF;
  RETURN NULL;
END $$;
)sql"
                             : "";
  sql += std::string("CREATE TABLE visibility_restrictions (\n  n ") +
         (postgres ? "BIGINT" : "INTEGER") +
         " PRIMARY KEY,\n  video_id BIGINT NOT NULL DEFAULT 0,\n"
         "  user_id BIGINT NOT NULL DEFAULT 0,\n  token BIGINT NOT NULL\n)";
  for (const RestrictionTrigger& t : kRestrictionTriggers) {
    const std::string when = *t.when ? std::string(" WHEN (") + t.when + ")" : "";
    sql += std::string(";\nCREATE TRIGGER ") + t.name + " AFTER " + t.event;
    if (postgres) {
      sql += " FOR EACH ROW" + when + " EXECUTE FUNCTION visibility_restricted()";
    } else {
      sql += when + " BEGIN\n  INSERT INTO visibility_restrictions (n, " + t.column +
             ", token)\n    SELECT COALESCE(MAX(n), 0) + 1, old.id, random() FROM"
             " visibility_restrictions;\n  DELETE FROM visibility_restrictions\n"
             "    WHERE n <= (SELECT MAX(n) FROM visibility_restrictions) - 100000;\nEND";
    }
  }
  return sql;
}

}  // namespace

// Counters (videos.like_count, comments.reply_count, ...) change in the
// transaction that inserts or deletes the row they count, and only when that
// row really changed, so they stay exact under concurrent writes.
std::vector<db::Migration> engagement_migrations() {
  return {
      {220, "video_likes", R"sql(
CREATE TABLE video_likes (
  video_id BIGINT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (video_id, user_id)
);
CREATE INDEX video_likes_user ON video_likes (user_id, created_at))sql",
       std::nullopt},
      {221, "video_comments", R"sql(
CREATE TABLE comments (
  id BIGINT PRIMARY KEY,
  video_id BIGINT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  author_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  parent_id BIGINT REFERENCES comments(id) ON DELETE CASCADE,
  body TEXT NOT NULL,
  like_count BIGINT NOT NULL DEFAULT 0,
  reply_count BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX comments_video ON comments (video_id, parent_id, id);
CREATE INDEX comments_video_top ON comments (video_id, parent_id, like_count, id);
CREATE INDEX comments_parent ON comments (parent_id, id);
CREATE TABLE comment_likes (
  comment_id BIGINT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (comment_id, user_id)
))sql",
       std::nullopt},
      // One row per (video, viewer): a user ("u:<id>") or an anonymous key
      // ("a:<cookie>" / "ip:<address>"). `counted` flips once, which is what
      // keeps replays from inflating view_count.
      {222, "video_views_shares", R"sql(
CREATE TABLE video_views (
  video_id BIGINT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  viewer_key TEXT NOT NULL,
  user_id BIGINT REFERENCES users(id) ON DELETE CASCADE,
  watch_ms BIGINT NOT NULL DEFAULT 0,
  plays BIGINT NOT NULL DEFAULT 0,
  counted INTEGER NOT NULL DEFAULT 0,
  completed INTEGER NOT NULL DEFAULT 0,
  first_at BIGINT NOT NULL,
  last_at BIGINT NOT NULL,
  PRIMARY KEY (video_id, viewer_key)
);
CREATE INDEX video_views_user ON video_views (user_id, last_at);
CREATE TABLE video_shares (
  id BIGINT PRIMARY KEY,
  video_id BIGINT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
  channel TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX video_shares_video ON video_shares (video_id, id);
ALTER TABLE videos ADD COLUMN completion_count BIGINT NOT NULL DEFAULT 0)sql",
       std::nullopt},
      // Full-text search over captions (hashtags are in the caption). SQLite:
      // an FTS5 table kept by triggers, rowid = video id. PostgreSQL: a
      // generated tsvector column with a GIN index. 'simple'/unicode61: no
      // stemming on either, so both engines match the same words.
      {223, "video_search",
       R"sql(
CREATE VIRTUAL TABLE video_fts USING fts5(caption, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO video_fts (rowid, caption) SELECT id, caption FROM videos;
CREATE TRIGGER video_fts_insert AFTER INSERT ON videos BEGIN
  INSERT INTO video_fts (rowid, caption) VALUES (new.id, new.caption);
END;
CREATE TRIGGER video_fts_update AFTER UPDATE OF caption ON videos BEGIN
  UPDATE video_fts SET caption = new.caption WHERE rowid = new.id;
END;
CREATE TRIGGER video_fts_delete AFTER DELETE ON videos BEGIN
  DELETE FROM video_fts WHERE rowid = old.id;
END)sql",
       R"sql(
ALTER TABLE videos ADD COLUMN search_tsv tsvector
  GENERATED ALWAYS AS (to_tsvector('simple', caption)) STORED;
CREATE INDEX videos_search ON videos USING GIN (search_tsv))sql"},
      {224, "video_discovery_indexes", R"sql(
CREATE INDEX videos_popular ON videos (status, like_count, id);
CREATE INDEX sounds_title ON sounds (title))sql",
       std::nullopt},
      // For You's recent pool and profile grids walk these instead of sorting
      // every ready video (or every video of an author).
      {225, "video_recent_indexes", R"sql(
CREATE INDEX videos_recent ON videos (status, id);
CREATE INDEX videos_author_recent ON videos (author_id, id))sql",
       std::nullopt},
      // The hashtags a viewer picked for a cold start (InterestService).
      {226, "viewer_interests", R"sql(
CREATE TABLE viewer_interests (
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  hashtag_id BIGINT NOT NULL REFERENCES hashtags(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  PRIMARY KEY (user_id, hashtag_id)
))sql",
       std::nullopt},
      // For You reloads the videos changed since its last look every two
      // seconds: without this, each look reads the whole table.
      {227, "video_updated_index", "CREATE INDEX videos_updated ON videos (updated_at)",
       std::nullopt},
      // For You's followed-creators source reads a week of each followed
      // account's videos and skips the private ones: with visibility in the
      // index, it reads no video rows. The new index is built before the old
      // one is dropped: on PostgreSQL, DROP INDEX locks the table against
      // reads until the transaction ends.
      {228, "video_author_visibility_index", R"sql(
CREATE INDEX videos_author_visibility ON videos (author_id, status, id, visibility);
DROP INDEX videos_author)sql",
       std::nullopt},
      // Restrictions in commit order, for the caches of what is public (For
      // You's catalog): a video leaving "ready and public", or an account
      // going private or away, gets the next number in the log, with a
      // random token so that a reader can tell the log it followed from one
      // rewound by a restore or a failover. Numbers follow commit order
      // (restriction_log_sql), so a reader that sees number n has seen
      // every restriction up to n. The log keeps its last 100,000 rows; a
      // reader further behind reloads.
      // A migration that rebuilds videos or users must create these
      // triggers again (SQLite drops them with the table).
      {229, "visibility_restrictions", restriction_log_sql(false), restriction_log_sql(true)},
  };
}

}  // namespace riff::video
