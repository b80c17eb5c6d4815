#pragma once
// Plain types of the accounts module: users, sessions, the follow graph and
// notifications. No behaviour beyond trivial helpers; no HTTP, no SQL.
//
// Times are milliseconds since the Unix epoch (UTC); ids are riff::Id.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riff/core/ids.hpp"
#include "riff/core/role.hpp"

namespace riff::accounts {

/// A user's role (core/role.hpp), stored as its number in `users.role`.
using riff::Role;

struct User {
  Id id = 0;
  std::string handle;  // lowercase, unique
  std::string email;   // lowercase, unique
  std::string password_hash;
  std::string display_name;
  std::string bio;
  std::optional<std::string> avatar_path;  // relative to <data_dir>/media, e.g. "avatars/1-x.png"
  Role role = Role::kUser;
  bool is_private = false;
  std::string country;  // ISO 3166-1 alpha-2 in upper case; empty = not given
  std::int64_t follower_count = 0;
  std::int64_t following_count = 0;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

/// The public face of a user in lists.
struct UserSummary {
  Id id = 0;
  std::string handle;
  std::string display_name;
  std::optional<std::string> avatar_path;
  bool is_private = false;
};

/// How a viewer relates to a profile they look at.
struct ViewerFlags {
  bool is_self = false;
  bool following = false;    // the viewer follows the profile
  bool requested = false;    // the viewer has a pending follow request to it
  bool followed_by = false;  // the profile follows the viewer
  bool blocking = false;     // the viewer blocks the profile
};

struct Profile {
  User user;
  std::optional<ViewerFlags> viewer;  // set when a viewer is logged in
};

struct Session {
  Id id = 0;
  Id user_id = 0;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  std::int64_t last_seen_at = 0;
  std::string user_agent;
  std::string ip;
};

/// What an authenticated request knows about its session.
struct SessionInfo {
  Id session_id = 0;
  Id user_id = 0;
  Role role = Role::kUser;
};

/// A new session as handed to the client: the token is shown once and only
/// its hash is stored.
struct IssuedSession {
  User user;
  std::string token;
  std::string csrf_token;
  std::int64_t expires_at = 0;
};

enum class FollowState { kNone, kRequested, kFollowing };
std::string_view follow_state_name(FollowState s);

/// Standard notification kinds of this module. Other modules add their own
/// kinds ("like", "comment", "order_shipped", ...): `kind` is free text.
inline constexpr std::string_view kKindFollow = "follow";
inline constexpr std::string_view kKindFollowRequest = "follow_request";
inline constexpr std::string_view kKindFollowAccepted = "follow_accepted";

struct Notification {
  Id id = 0;
  Id user_id = 0;  // the recipient
  std::string kind;
  std::optional<UserSummary> actor;  // who caused it; none for system notices
  std::optional<Id> subject_id;      // what it is about (a post, an order), kind-specific
  std::optional<std::string> data;   // kind-specific JSON object text
  std::int64_t created_at = 0;
  std::optional<std::int64_t> read_at;
};

/// A notification to create.
struct NewNotification {
  Id user_id = 0;
  std::string kind;
  std::optional<Id> actor_id;
  std::optional<Id> subject_id;
  std::optional<std::string> data;
  /// When > 0: skip it if the recipient got the same (kind, actor, subject)
  /// within this many ms, so that follow/unfollow loops cannot spam.
  std::int64_t collapse_within_ms = 0;
};

/// A pending follow request, as seen by its target.
struct FollowRequest {
  UserSummary user;  // who asked
  std::int64_t created_at = 0;
};

/// `?limit=&cursor=` of a list, transport-neutral.
struct PageRequest {
  int limit = 20;
  std::optional<std::string> cursor;
};

template <class T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_cursor;  // absent on the last page
};

struct NotificationPage {
  Page<Notification> page;
  std::int64_t unread_count = 0;
};

}  // namespace riff::accounts
