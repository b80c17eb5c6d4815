#pragma once
// The SQL of notifications. Stateless functions on a caller's db::Conn.

#include <optional>
#include <vector>

#include "riff/accounts/model.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"

namespace riff::accounts::notification_store {

/// Inserts `n` (its actor is referenced by id only).
Status insert(db::Conn& c, const Notification& n, std::optional<Id> actor_id);
/// One notification of `user_id` with its actor's summary.
Result<std::optional<Notification>> by_id(db::Conn& c, Id user_id, Id id);
/// Up to `limit` notifications of `user_id` with id < `before_id`, newest first.
Result<std::vector<Notification>> page(db::Conn& c, Id user_id, Id before_id, int limit);
Result<std::int64_t> unread_count(db::Conn& c, Id user_id);
/// True when `user_id` has a notification with id >= `since_id` of the same
/// kind, actor and subject (absent actor/subject match absent ones).
Result<bool> has_similar_since(db::Conn& c, Id user_id, const std::string& kind,
                               std::optional<Id> actor_id, std::optional<Id> subject_id,
                               Id since_id);
/// Marks unread notifications with id <= `up_to` as read at `now_ms`.
Result<std::int64_t> mark_read(db::Conn& c, Id user_id, Id up_to, std::int64_t now_ms);

}  // namespace riff::accounts::notification_store
