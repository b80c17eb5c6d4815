#include "riff/accounts/notifications.hpp"

#include <boost/json/serialize.hpp>

#include "riff/accounts/cursor.hpp"
#include "riff/accounts/db_util.hpp"
#include "riff/accounts/notification_store.hpp"
#include "riff/accounts/render.hpp"

namespace riff::accounts {

NotificationService::NotificationService(db::Database& db, IdGenerator& ids, const Clock& clock,
                                         UserPublisher* publisher)
    : db_(db), ids_(ids), clock_(clock), publisher_(publisher) {}

Result<std::optional<Notification>> NotificationService::add(db::Conn& c,
                                                             const NewNotification& in) {
  if (in.collapse_within_ms > 0) {
    const Id since = IdGenerator::min_id_at(clock_.now_ms() - in.collapse_within_ms);
    RIFF_ASSIGN_OR_RETURN(bool twin,
                          notification_store::has_similar_since(c, in.user_id, in.kind, in.actor_id,
                                                                in.subject_id, since));
    if (twin) return std::optional<Notification>();
  }
  Notification n;
  n.id = ids_.next();
  n.user_id = in.user_id;
  n.kind = in.kind;
  n.subject_id = in.subject_id;
  n.data = in.data;
  n.created_at = clock_.now_ms();
  RIFF_RETURN_IF_ERROR(notification_store::insert(c, n, in.actor_id));
  return std::optional<Notification>(std::move(n));
}

void NotificationService::publish(const std::vector<Notification>& committed) {
  if (publisher_ == nullptr) return;
  for (const Notification& n : committed) {
    // Re-read with the actor's summary, and count after the commit so the
    // badge the client shows matches the list it would load.
    std::optional<Notification> full;
    std::int64_t unread = 0;
    Status st = read_with(db_, [&](db::Conn& c) {
      RIFF_ASSIGN_OR_RETURN(full, notification_store::by_id(c, n.user_id, n.id));
      RIFF_ASSIGN_OR_RETURN(unread, notification_store::unread_count(c, n.user_id));
      return Status::ok();
    });
    if (!st || !full) continue;
    boost::json::object msg{
        {"type", "notification"},
        {"notification", notification_json(*full)},
        {"unread_count", unread},
    };
    publisher_->publish(n.user_id, boost::json::serialize(msg));
  }
}

Result<std::optional<Notification>> NotificationService::notify(const NewNotification& in) {
  auto n = db_.transact_result([&](db::Conn& c) { return add(c, in); });
  if (n && n->has_value()) publish({**n});
  return n;
}

Result<NotificationPage> NotificationService::list(Id user_id, const PageRequest& page) {
  Id before = INT64_MAX;
  if (page.cursor) {
    auto key = decode_cursor(*page.cursor);
    if (!key) return Status::invalid("/cursor", "cursor is not valid");
    before = key->id;
  }
  const int limit = page.limit;
  NotificationPage out;
  RIFF_RETURN_IF_ERROR(read_with(db_, [&](db::Conn& c) {
    // One extra row tells whether another page follows.
    RIFF_ASSIGN_OR_RETURN(out.page.items, notification_store::page(c, user_id, before, limit + 1));
    RIFF_ASSIGN_OR_RETURN(out.unread_count, notification_store::unread_count(c, user_id));
    return Status::ok();
  }));
  if (static_cast<int>(out.page.items.size()) > limit) {
    out.page.items.resize(static_cast<std::size_t>(limit));
    const Notification& last = out.page.items.back();
    out.page.next_cursor = encode_cursor({last.created_at, last.id});
  }
  return out;
}

Result<std::int64_t> NotificationService::unread_count(Id user_id) {
  std::int64_t count = 0;
  RIFF_RETURN_IF_ERROR(read_with(db_, [&](db::Conn& c) {
    RIFF_ASSIGN_OR_RETURN(count, notification_store::unread_count(c, user_id));
    return Status::ok();
  }));
  return count;
}

Status NotificationService::mark_read(Id user_id, std::optional<Id> up_to) {
  const std::int64_t now = clock_.now_ms();
  auto changed = db_.transact_result([&](db::Conn& c) {
    return notification_store::mark_read(c, user_id, up_to.value_or(INT64_MAX), now);
  });
  if (!changed) return changed.status();
  if (*changed > 0 && publisher_ != nullptr) {
    auto unread = unread_count(user_id);
    if (unread) {
      boost::json::object msg{{"type", "unread_count"}, {"unread_count", *unread}};
      publisher_->publish(user_id, boost::json::serialize(msg));
    }
  }
  return Status::ok();
}

}  // namespace riff::accounts
