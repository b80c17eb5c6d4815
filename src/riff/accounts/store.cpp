#include "riff/accounts/store.hpp"

#include <fmt/format.h>

namespace riff::accounts::store {
namespace {

Result<std::optional<User>> one_user(Result<db::Rows> rows) {
  if (!rows) return rows.status();
  if (rows->empty()) return std::optional<User>();
  return std::optional<User>(user_from_row((*rows)[0]));
}

Result<bool> changed(Result<std::int64_t> n) {
  if (!n) return n.status();
  return *n > 0;
}

Result<bool> exists(Result<db::Rows> rows) {
  if (!rows) return rows.status();
  return !rows->empty();
}

Status check(Result<std::int64_t> n) {
  return n.status();
}

}  // namespace

User user_from_row(const db::Row& r, std::size_t i) {
  User u;
  u.id = r.i64(i + 0);
  u.handle = r.str(i + 1);
  u.email = r.str(i + 2);
  u.password_hash = r.str(i + 3);
  u.display_name = r.str(i + 4);
  u.bio = r.str(i + 5);
  u.avatar_path = r.opt_str(i + 6);
  u.role = role_from_int(r.i64(i + 7));
  u.is_private = r.boolean(i + 8);
  u.follower_count = r.i64(i + 9);
  u.following_count = r.i64(i + 10);
  u.created_at = r.i64(i + 11);
  u.updated_at = r.i64(i + 12);
  u.country = r.str(i + 13);
  return u;
}

UserSummary summary_from_row(const db::Row& r, std::size_t i) {
  UserSummary s;
  s.id = r.i64(i + 0);
  s.handle = r.str(i + 1);
  s.display_name = r.str(i + 2);
  s.avatar_path = r.opt_str(i + 3);
  s.is_private = r.boolean(i + 4);
  return s;
}

// --- users ---

Status insert_user(db::Conn& c, const User& u) {
  return check(
      c.exec("INSERT INTO users (id, handle, email, password_hash, display_name, bio, avatar_path, "
             "role, is_private, follower_count, following_count, created_at, updated_at, country) "
             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, 0, $10, $10, $11)",
             {u.id, u.handle, u.email, u.password_hash, u.display_name, u.bio, u.avatar_path,
              static_cast<int>(u.role), u.is_private, u.created_at, u.country}));
}

Result<std::optional<User>> user_by_id(db::Conn& c, Id id) {
  static const std::string sql = fmt::format("SELECT {} FROM users WHERE id = $1", kUserColumns);
  return one_user(c.query(sql, {id}));
}

Result<std::optional<User>> user_by_handle(db::Conn& c, std::string_view handle) {
  static const std::string sql =
      fmt::format("SELECT {} FROM users WHERE handle = $1", kUserColumns);
  return one_user(c.query(sql, {handle}));
}

Result<std::optional<User>> user_by_email(db::Conn& c, std::string_view email) {
  static const std::string sql = fmt::format("SELECT {} FROM users WHERE email = $1", kUserColumns);
  return one_user(c.query(sql, {email}));
}

Result<bool> handle_exists(db::Conn& c, std::string_view handle) {
  return exists(c.query("SELECT 1 FROM users WHERE handle = $1", {handle}));
}

Result<bool> email_exists(db::Conn& c, std::string_view email) {
  return exists(c.query("SELECT 1 FROM users WHERE email = $1", {email}));
}

Result<std::int64_t> count_users(db::Conn& c) {
  auto rows = c.query("SELECT COUNT(*) FROM users");
  if (!rows) return rows.status();
  return (*rows)[0].i64(0);
}

Status update_profile(db::Conn& c, const User& u, std::int64_t now_ms) {
  return check(
      c.exec("UPDATE users SET display_name = $2, bio = $3, is_private = $4, country = $5, "
             "updated_at = $6 "
             "WHERE id = $1",
             {u.id, u.display_name, u.bio, u.is_private, u.country, now_ms}));
}

Status set_avatar_path(db::Conn& c, Id id, const std::optional<std::string>& path,
                       std::int64_t now_ms) {
  return check(c.exec("UPDATE users SET avatar_path = $2, updated_at = $3 WHERE id = $1",
                      {id, path, now_ms}));
}

Status set_role(db::Conn& c, Id id, Role role, std::int64_t now_ms) {
  return check(c.exec("UPDATE users SET role = $2, updated_at = $3 WHERE id = $1",
                      {id, static_cast<int>(role), now_ms}));
}

Status set_password_hash(db::Conn& c, Id id, const std::string& hash, std::int64_t now_ms) {
  return check(c.exec("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1",
                      {id, hash, now_ms}));
}

Status lock_user_pair(db::Conn& c, Id a, Id b) {
  for (Id id : {std::min(a, b), std::max(a, b)}) {
    auto rows = c.query("SELECT id FROM users WHERE id = $1 FOR UPDATE", {id});
    if (!rows) return rows.status();
  }
  return Status::ok();
}

// --- sessions ---

Status insert_session(db::Conn& c, const Session& s, const std::string& token_hash) {
  return check(
      c.exec("INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at, last_seen_at, "
             "user_agent, ip) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
             {s.id, s.user_id, token_hash, s.created_at, s.expires_at, s.last_seen_at, s.user_agent,
              s.ip}));
}

Result<std::optional<SessionLookup>> session_by_token_hash(db::Conn& c,
                                                           const std::string& token_hash) {
  auto rows = c.query(
      "SELECT s.id, s.user_id, s.created_at, s.expires_at, s.last_seen_at, s.user_agent, s.ip, "
      "u.role FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
      {token_hash});
  if (!rows) return rows.status();
  if (rows->empty()) return std::optional<SessionLookup>();
  const db::Row& r = (*rows)[0];
  SessionLookup out;
  out.session = {r.i64(0), r.i64(1), r.i64(2), r.i64(3), r.i64(4), r.str(5), r.str(6)};
  out.role = role_from_int(r.i64(7));
  return std::optional<SessionLookup>(std::move(out));
}

Status touch_session(db::Conn& c, Id session_id, std::int64_t now_ms) {
  return check(c.exec("UPDATE sessions SET last_seen_at = $2 WHERE id = $1", {session_id, now_ms}));
}

Result<std::int64_t> delete_session(db::Conn& c, Id session_id) {
  return c.exec("DELETE FROM sessions WHERE id = $1", {session_id});
}

Result<std::int64_t> delete_expired_sessions(db::Conn& c, std::int64_t now_ms) {
  return c.exec("DELETE FROM sessions WHERE expires_at <= $1", {now_ms});
}

// --- the follow graph ---

Result<bool> insert_follow(db::Conn& c, Id follower, Id followee, std::int64_t now_ms) {
  auto added = changed(
      c.exec("INSERT INTO follows (follower_id, followee_id, created_at) VALUES ($1, $2, $3) "
             "ON CONFLICT DO NOTHING",
             {follower, followee, now_ms}));
  if (!added || !*added) return added;
  RIFF_RETURN_IF_ERROR(check(
      c.exec("UPDATE users SET following_count = following_count + 1 WHERE id = $1", {follower})));
  RIFF_RETURN_IF_ERROR(check(
      c.exec("UPDATE users SET follower_count = follower_count + 1 WHERE id = $1", {followee})));
  return true;
}

Result<bool> delete_follow(db::Conn& c, Id follower, Id followee) {
  auto removed = changed(c.exec("DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2",
                                {follower, followee}));
  if (!removed || !*removed) return removed;
  RIFF_RETURN_IF_ERROR(check(
      c.exec("UPDATE users SET following_count = following_count - 1 WHERE id = $1", {follower})));
  RIFF_RETURN_IF_ERROR(check(
      c.exec("UPDATE users SET follower_count = follower_count - 1 WHERE id = $1", {followee})));
  return true;
}

Result<bool> insert_follow_request(db::Conn& c, Id requester, Id target, std::int64_t now_ms) {
  return changed(c.exec(
      "INSERT INTO follow_requests (requester_id, target_id, created_at) VALUES ($1, $2, $3) "
      "ON CONFLICT DO NOTHING",
      {requester, target, now_ms}));
}

Result<bool> delete_follow_request(db::Conn& c, Id requester, Id target) {
  return changed(c.exec("DELETE FROM follow_requests WHERE requester_id = $1 AND target_id = $2",
                        {requester, target}));
}

Result<std::vector<Id>> requesters_of(db::Conn& c, Id target) {
  auto rows = c.query(
      "SELECT requester_id FROM follow_requests WHERE target_id = $1 "
      "ORDER BY created_at, requester_id",
      {target});
  if (!rows) return rows.status();
  std::vector<Id> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(r.i64(0));
  return out;
}

Result<bool> insert_block(db::Conn& c, Id blocker, Id blocked, std::int64_t now_ms) {
  return changed(
      c.exec("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES ($1, $2, $3) "
             "ON CONFLICT DO NOTHING",
             {blocker, blocked, now_ms}));
}

Result<bool> delete_block(db::Conn& c, Id blocker, Id blocked) {
  return changed(
      c.exec("DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2", {blocker, blocked}));
}

Result<Relation> relation(db::Conn& c, Id viewer, Id target) {
  // CASE turns EXISTS into 0/1 on both databases (PostgreSQL would answer a boolean).
  auto rows = c.query(
      "SELECT "
      "CASE WHEN EXISTS (SELECT 1 FROM follows WHERE follower_id = $1 AND followee_id = $2) "
      "THEN 1 ELSE 0 END, "
      "CASE WHEN EXISTS (SELECT 1 FROM follow_requests WHERE requester_id = $1 AND target_id = $2) "
      "THEN 1 ELSE 0 END, "
      "CASE WHEN EXISTS (SELECT 1 FROM follows WHERE follower_id = $2 AND followee_id = $1) "
      "THEN 1 ELSE 0 END, "
      "CASE WHEN EXISTS (SELECT 1 FROM blocks WHERE blocker_id = $1 AND blocked_id = $2) "
      "THEN 1 ELSE 0 END, "
      "CASE WHEN EXISTS (SELECT 1 FROM blocks WHERE blocker_id = $2 AND blocked_id = $1) "
      "THEN 1 ELSE 0 END",
      {viewer, target});
  if (!rows) return rows.status();
  const db::Row& r = (*rows)[0];
  return Relation{r.boolean(0), r.boolean(1), r.boolean(2), r.boolean(3), r.boolean(4)};
}

Result<std::vector<Edge>> edges(db::Conn& c, EdgeList list, Id owner, CursorKey after, int limit) {
  // (table, column naming the owner, column naming the other user). Names are
  // constants of this file, never input.
  struct Shape {
    std::string_view table, owner_col, other_col;
  };
  Shape shape;
  switch (list) {
    case EdgeList::kFollowers:
      shape = {"follows", "followee_id", "follower_id"};
      break;
    case EdgeList::kFollowing:
      shape = {"follows", "follower_id", "followee_id"};
      break;
    case EdgeList::kBlocks:
      shape = {"blocks", "blocker_id", "blocked_id"};
      break;
    case EdgeList::kRequestsToMe:
      shape = {"follow_requests", "target_id", "requester_id"};
      break;
  }
  std::string sql = fmt::format(
      "SELECT u.id, u.handle, u.display_name, u.avatar_path, u.is_private, e.created_at "
      "FROM {0} e JOIN users u ON u.id = e.{2} "
      "WHERE e.{1} = $1 AND (e.created_at < $2 OR (e.created_at = $2 AND e.{2} < $3)) "
      "ORDER BY e.created_at DESC, e.{2} DESC LIMIT $4",
      shape.table, shape.owner_col, shape.other_col);
  auto rows = c.query(sql, {owner, after.time, after.id, limit});
  if (!rows) return rows.status();
  std::vector<Edge> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back({summary_from_row(r), r.i64(5)});
  return out;
}

}  // namespace riff::accounts::store
