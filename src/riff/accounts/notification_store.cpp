#include "riff/accounts/notification_store.hpp"

#include "riff/accounts/store.hpp"

namespace riff::accounts::notification_store {
namespace {

// The actor comes from a LEFT JOIN: notifications without an actor (or whose
// actor is gone) read as actor-less.
constexpr std::string_view kSelect =
    "SELECT n.id, n.user_id, n.kind, n.subject_id, n.data, n.created_at, n.read_at, "
    "u.id, u.handle, u.display_name, u.avatar_path, u.is_private "
    "FROM notifications n LEFT JOIN users u ON u.id = n.actor_id ";

Notification from_row(const db::Row& r) {
  Notification n;
  n.id = r.i64(0);
  n.user_id = r.i64(1);
  n.kind = r.str(2);
  n.subject_id = r.opt_i64(3);
  n.data = r.opt_str(4);
  n.created_at = r.i64(5);
  n.read_at = r.opt_i64(6);
  if (!r.is_null(7)) n.actor = store::summary_from_row(r, 7);
  return n;
}

}  // namespace

Status insert(db::Conn& c, const Notification& n, std::optional<Id> actor_id) {
  return c
      .exec(
          "INSERT INTO notifications (id, user_id, kind, actor_id, subject_id, data, created_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7)",
          {n.id, n.user_id, n.kind, actor_id, n.subject_id, n.data, n.created_at})
      .status();
}

Result<std::optional<Notification>> by_id(db::Conn& c, Id user_id, Id id) {
  static const std::string sql = std::string(kSelect) + "WHERE n.user_id = $1 AND n.id = $2";
  auto rows = c.query(sql, {user_id, id});
  if (!rows) return rows.status();
  if (rows->empty()) return std::optional<Notification>();
  return std::optional<Notification>(from_row((*rows)[0]));
}

Result<std::vector<Notification>> page(db::Conn& c, Id user_id, Id before_id, int limit) {
  static const std::string sql =
      std::string(kSelect) + "WHERE n.user_id = $1 AND n.id < $2 ORDER BY n.id DESC LIMIT $3";
  auto rows = c.query(sql, {user_id, before_id, limit});
  if (!rows) return rows.status();
  std::vector<Notification> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(from_row(r));
  return out;
}

Result<std::int64_t> unread_count(db::Conn& c, Id user_id) {
  auto rows = c.query("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
                      {user_id});
  if (!rows) return rows.status();
  return (*rows)[0].i64(0);
}

Result<bool> has_similar_since(db::Conn& c, Id user_id, const std::string& kind,
                               std::optional<Id> actor_id, std::optional<Id> subject_id,
                               Id since_id) {
  // 0 stands for "none": real ids are positive. The (user_id, id) index
  // bounds the scan to the window.
  auto rows = c.query(
      "SELECT 1 FROM notifications WHERE user_id = $1 AND id >= $2 AND kind = $3 "
      "AND COALESCE(actor_id, 0) = $4 AND COALESCE(subject_id, 0) = $5 LIMIT 1",
      {user_id, since_id, kind, actor_id.value_or(0), subject_id.value_or(0)});
  if (!rows) return rows.status();
  return !rows->empty();
}

Result<std::int64_t> mark_read(db::Conn& c, Id user_id, Id up_to, std::int64_t now_ms) {
  return c.exec(
      "UPDATE notifications SET read_at = $3 WHERE user_id = $1 AND read_at IS NULL AND id <= $2",
      {user_id, up_to, now_ms});
}

}  // namespace riff::accounts::notification_store
