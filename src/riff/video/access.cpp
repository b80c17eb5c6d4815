#include "riff/video/access.hpp"

#include <fmt/format.h>

namespace riff::video {

Result<bool> can_view(db::Conn& c, std::optional<Id> viewer, const Video& v) {
  if (viewer && *viewer == v.author_id) return true;
  if (v.status != VideoStatus::kReady) return false;
  if (v.visibility == Visibility::kPrivate) return false;
  const Id who = viewer.value_or(0);
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query("SELECT u.is_private,"
              " EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = $1 AND f.followee_id = u.id),"
              " EXISTS (SELECT 1 FROM blocks b WHERE (b.blocker_id = u.id AND b.blocked_id = $1)"
              "                               OR (b.blocker_id = $1 AND b.blocked_id = u.id))"
              " FROM users u WHERE u.id = $2",
              {who, v.author_id}));
  if (rows.empty()) return false;
  const bool author_private = rows[0].boolean(0), follows = rows[0].boolean(1), blocked = rows[0].boolean(2);
  if (blocked) return false;
  if (v.visibility == Visibility::kFollowers || author_private) return follows;
  return true;
}

std::string visible_sql(const std::string& a, int p) {
  // Mirrors can_view(); kept as one expression so lists filter in the database.
  return fmt::format(
      "({a}.author_id = ${p} OR ({a}.status = 1 AND {a}.visibility <> 2"
      " AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.blocker_id = {a}.author_id AND b.blocked_id = ${p})"
      "                                      OR (b.blocker_id = ${p} AND b.blocked_id = {a}.author_id))"
      " AND (({a}.visibility = 0 AND NOT EXISTS (SELECT 1 FROM users au WHERE au.id = {a}.author_id"
      "                                          AND au.is_private = 1))"
      "      OR EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = ${p} AND f.followee_id = {a}.author_id))))",
      fmt::arg("a", a), fmt::arg("p", p));
}

}  // namespace riff::video
