#pragma once
// SocialService: profiles as others see them, follows (with requests for
// private accounts), blocks, and the lists of each.
//
// Rules:
// - Following a public account is immediate; a private one gets a request
//   that its owner approves or declines. Notifications: "follow" and
//   "follow_request" to the followee, "follow_accepted" to the requester.
// - A block in either direction hides the blocker from the blocked (their
//   profile and lists answer not-found) and forbids following either way.
//   Blocking removes follows both ways and pending requests both ways.
// - A private account's follower/following lists are visible only to itself
//   and its approved followers.
// - users.follower_count/following_count change in the same transaction as
//   the follows row, and only when the row really changed.
//
// Thread-safe: any number of threads may call any method.

#include <optional>
#include <string_view>

#include "riff/accounts/model.hpp"
#include "riff/core/clock.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"

namespace riff::accounts {

class NotificationService;

class SocialService {
 public:
  SocialService(db::Database& db, const Clock& clock, NotificationService& notifications);

  /// The profile of `handle` as `viewer` sees it (viewer flags only when
  /// logged in). kNotFound when unknown or when that user blocks the viewer.
  Result<Profile> profile(std::string_view handle, std::optional<Id> viewer);

  /// kInvalid for oneself; kNotFound when unknown or blocked either way.
  Result<FollowState> follow(Id viewer, std::string_view handle);
  Result<FollowState> follow_user(Id viewer, Id target);
  /// Unfollows or withdraws a pending request; always ends in kNone.
  Result<FollowState> unfollow(Id viewer, std::string_view handle);

  Status block(Id viewer, std::string_view handle);
  Status unblock(Id viewer, std::string_view handle);

  /// The owner of an account acts on a request made to it. kNotFound when
  /// `requester` has no pending request to `owner`.
  Status approve_request(Id owner, Id requester);
  Status decline_request(Id owner, Id requester);

  /// Who follows / whom follows `handle`, newest first. kForbidden for a
  /// private account unless the viewer is it or follows it.
  Result<Page<UserSummary>> followers(std::string_view handle, std::optional<Id> viewer,
                                      const PageRequest& page);
  Result<Page<UserSummary>> following(std::string_view handle, std::optional<Id> viewer,
                                      const PageRequest& page);
  Result<Page<UserSummary>> blocks(Id owner, const PageRequest& page);
  Result<Page<FollowRequest>> follow_requests(Id owner, const PageRequest& page);

  /// Whether `viewer` (none = anonymous) may see what `owner` posts: not
  /// when `owner` blocks the viewer, and for a private owner only itself and
  /// its followers. For the modules that show users' content.
  Result<bool> can_view_content(std::optional<Id> viewer, Id owner);

 private:
  /// followers() when `of_followers`, else following().
  Result<Page<UserSummary>> graph_list(bool of_followers, std::string_view handle,
                                       std::optional<Id> viewer, const PageRequest& page);
  Status resolve_request(Id owner, Id requester, bool approve);

  db::Database& db_;
  const Clock& clock_;
  NotificationService& notifications_;
};

}  // namespace riff::accounts
