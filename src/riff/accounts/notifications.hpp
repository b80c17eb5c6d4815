#pragma once
// Notifications: stored per recipient, listed newest first, counted while
// unread, and pushed live ({"type":"notification", ...}) to the recipient's
// open connections through a UserPublisher.
//
// Other modules create notifications with their own kinds. Inside a
// transaction that makes the event, call add(); after the commit, publish()
// the rows it returned. Outside a transaction, notify() does both.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <optional>
#include <vector>

#include "riff/accounts/model.hpp"
#include "riff/accounts/publisher.hpp"
#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/db/database.hpp"

namespace riff::accounts {

class NotificationService {
 public:
  /// `publisher` may be null (nothing is pushed); it must outlive this.
  NotificationService(db::Database& db, IdGenerator& ids, const Clock& clock,
                      UserPublisher* publisher);

  /// Stores a notification within the caller's transaction. The returned row
  /// has no actor summary loaded; pass it to publish() after the commit.
  /// Nothing (nullopt) when `n.collapse_within_ms` found a recent twin.
  Result<std::optional<Notification>> add(db::Conn& c, const NewNotification& n);
  /// Pushes committed notifications to their recipients. Never fails: a push
  /// that cannot be made is dropped (the row is there for the next list).
  void publish(const std::vector<Notification>& committed);
  /// add() in its own transaction, then publish().
  Result<std::optional<Notification>> notify(const NewNotification& n);

  /// A page of `user_id`'s notifications, newest first, with the unread count.
  Result<NotificationPage> list(Id user_id, const PageRequest& page);
  Result<std::int64_t> unread_count(Id user_id);
  /// Marks as read every notification up to and including `up_to` (all when
  /// absent), then pushes {"type":"unread_count"} to the user's other tabs.
  Status mark_read(Id user_id, std::optional<Id> up_to);

 private:
  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  UserPublisher* publisher_;
};

}  // namespace riff::accounts
