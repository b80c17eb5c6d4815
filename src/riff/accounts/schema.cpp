#include "riff/accounts/schema.hpp"

namespace riff::accounts {

// Conventions (DESIGN.md): BIGINT for ids, counters and ms timestamps,
// INTEGER 0/1 for booleans, TEXT for strings. Handles and emails are stored
// lowercase, so plain UNIQUE gives case-insensitive uniqueness on both
// databases. Counters on users are kept in step with `follows` by the service,
// in the same transaction as the row they count.
std::vector<db::Migration> migrations() {
  return {
      {100, "accounts_users", R"sql(
CREATE TABLE users (
  id BIGINT PRIMARY KEY,
  handle TEXT NOT NULL UNIQUE,
  email TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  display_name TEXT NOT NULL DEFAULT '',
  bio TEXT NOT NULL DEFAULT '',
  avatar_path TEXT,
  role INTEGER NOT NULL DEFAULT 0,
  is_private INTEGER NOT NULL DEFAULT 0,
  follower_count BIGINT NOT NULL DEFAULT 0,
  following_count BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
))sql",
       std::nullopt},
      {101, "accounts_sessions", R"sql(
CREATE TABLE sessions (
  id BIGINT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  user_agent TEXT NOT NULL DEFAULT '',
  ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at))sql",
       std::nullopt},
      {102, "accounts_follows", R"sql(
CREATE TABLE follows (
  follower_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  followee_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (follower_id, followee_id)
);
CREATE INDEX follows_followee ON follows (followee_id, created_at, follower_id);
CREATE INDEX follows_follower ON follows (follower_id, created_at, followee_id))sql",
       std::nullopt},
      {103, "accounts_follow_requests", R"sql(
CREATE TABLE follow_requests (
  requester_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  target_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (requester_id, target_id)
);
CREATE INDEX follow_requests_target ON follow_requests (target_id, created_at, requester_id))sql",
       std::nullopt},
      {104, "accounts_blocks", R"sql(
CREATE TABLE blocks (
  blocker_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  blocked_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (blocker_id, blocked_id)
);
CREATE INDEX blocks_blocker_time ON blocks (blocker_id, created_at, blocked_id);
CREATE INDEX blocks_blocked ON blocks (blocked_id))sql",
       std::nullopt},
      // `kind` is free text so that other modules can add kinds; `subject_id`
      // and `data` (a JSON object) carry what a kind needs.
      {105, "accounts_notifications", R"sql(
CREATE TABLE notifications (
  id BIGINT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  actor_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
  subject_id BIGINT,
  data TEXT,
  created_at BIGINT NOT NULL,
  read_at BIGINT
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, id) WHERE read_at IS NULL)sql",
       std::nullopt},
      // The listener's country (ISO 3166-1 alpha-2, '' = not given): riff
      // Music serves only where it is enabled and where a track's rights allow.
      {110, "accounts_user_country", R"sql(
ALTER TABLE users ADD COLUMN country TEXT NOT NULL DEFAULT '')sql",
       std::nullopt},
  };
}

}  // namespace riff::accounts
