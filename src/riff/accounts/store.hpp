#pragma once
// The SQL of users, sessions and the follow graph.
//
// Every function runs on a db::Conn handed in by the caller, so a service can
// put several of them in one transaction. None of them keeps state; they are
// thread-safe to the extent that a Conn is used by one thread at a time.
//
// Counters: insert_follow() and delete_follow() update users.follower_count
// and following_count in the same statement sequence, and only when the
// follows row really appeared or disappeared, so the counters stay exact
// under concurrent follows as long as the caller runs them in a transaction.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riff/accounts/cursor.hpp"
#include "riff/accounts/model.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"

namespace riff::accounts::store {

// --- users ---

/// Inserts `u`. A taken handle or email fails with Code::kConflict
/// (the driver's unique violation).
Status insert_user(db::Conn& c, const User& u);
Result<std::optional<User>> user_by_id(db::Conn& c, Id id);
/// `handle` must already be lowercase.
Result<std::optional<User>> user_by_handle(db::Conn& c, std::string_view handle);
/// `email` must already be lowercase.
Result<std::optional<User>> user_by_email(db::Conn& c, std::string_view email);
Result<bool> handle_exists(db::Conn& c, std::string_view handle);
Result<bool> email_exists(db::Conn& c, std::string_view email);
Result<std::int64_t> count_users(db::Conn& c);

Status update_profile(db::Conn& c, const User& u, std::int64_t now_ms);
Status set_avatar_path(db::Conn& c, Id id, const std::optional<std::string>& path,
                       std::int64_t now_ms);
Status set_role(db::Conn& c, Id id, Role role, std::int64_t now_ms);
Status set_password_hash(db::Conn& c, Id id, const std::string& hash, std::int64_t now_ms);

/// Locks the rows of users `a` and `b` (FOR UPDATE on PostgreSQL, in id
/// order so that two transactions on the same pair cannot deadlock). Graph
/// changes between two users take this first, which serialises a block
/// against a concurrent follow of the same pair.
Status lock_user_pair(db::Conn& c, Id a, Id b);

// --- sessions ---

Status insert_session(db::Conn& c, const Session& s, const std::string& token_hash);
struct SessionLookup {
  Session session;
  Role role = Role::kUser;
};
Result<std::optional<SessionLookup>> session_by_token_hash(db::Conn& c,
                                                           const std::string& token_hash);
Status touch_session(db::Conn& c, Id session_id, std::int64_t now_ms);
Result<std::int64_t> delete_session(db::Conn& c, Id session_id);
Result<std::int64_t> delete_expired_sessions(db::Conn& c, std::int64_t now_ms);

// --- the follow graph ---

/// Adds follower -> followee; true when the edge is new (counters then moved).
Result<bool> insert_follow(db::Conn& c, Id follower, Id followee, std::int64_t now_ms);
/// Removes follower -> followee; true when there was one (counters then moved).
Result<bool> delete_follow(db::Conn& c, Id follower, Id followee);
Result<bool> insert_follow_request(db::Conn& c, Id requester, Id target, std::int64_t now_ms);
Result<bool> delete_follow_request(db::Conn& c, Id requester, Id target);
/// Everyone with a pending request to `target`, oldest first.
Result<std::vector<Id>> requesters_of(db::Conn& c, Id target);
Result<bool> insert_block(db::Conn& c, Id blocker, Id blocked, std::int64_t now_ms);
Result<bool> delete_block(db::Conn& c, Id blocker, Id blocked);

/// How `viewer` and `target` relate, both ways.
struct Relation {
  bool following = false;    // viewer follows target
  bool requested = false;    // viewer asked to follow target
  bool followed_by = false;  // target follows viewer
  bool blocking = false;     // viewer blocks target
  bool blocked_by = false;   // target blocks viewer
};
Result<Relation> relation(db::Conn& c, Id viewer, Id target);

/// One entry of a graph list: the other user and when the edge was made.
struct Edge {
  UserSummary user;
  std::int64_t created_at = 0;
};
enum class EdgeList {
  kFollowers,     // who follows `owner`
  kFollowing,     // whom `owner` follows
  kBlocks,        // whom `owner` blocks
  kRequestsToMe,  // who asked to follow `owner`
};
/// Up to `limit` edges of `list` for `owner`, newest first, strictly after
/// `after` in (created_at, other user id) order.
Result<std::vector<Edge>> edges(db::Conn& c, EdgeList list, Id owner, CursorKey after, int limit);

// --- row decoding shared with the notification store ---

/// The column list read by user_from_row().
inline constexpr std::string_view kUserColumns =
    "id, handle, email, password_hash, display_name, bio, avatar_path, role, is_private, "
    "follower_count, following_count, created_at, updated_at, country";
User user_from_row(const db::Row& r, std::size_t first = 0);
/// Reads id, handle, display_name, avatar_path, is_private from `first` on.
UserSummary summary_from_row(const db::Row& r, std::size_t first = 0);

}  // namespace riff::accounts::store
