#include "riff/accounts/social.hpp"

#include "riff/accounts/cursor.hpp"
#include "riff/accounts/db_util.hpp"
#include "riff/accounts/notifications.hpp"
#include "riff/accounts/store.hpp"
#include "riff/accounts/validation.hpp"

namespace riff::accounts {
namespace {

// A follow (or request) repeated within a day after an unfollow does not
// notify again: follow/unfollow loops must not become a way to spam someone.
constexpr std::int64_t kCollapseMs = 86'400'000;

Result<User> require_user(Result<std::optional<User>> r) {
  if (!r) return r.status();
  if (!r->has_value()) return Status::not_found("no such user");
  return std::move(**r);
}

Result<CursorKey> start_key(const PageRequest& page) {
  if (!page.cursor) return kFirstPage;
  auto key = decode_cursor(*page.cursor);
  if (!key) return Status::invalid("/cursor", "cursor is not valid");
  return *key;
}

/// Reads one page of `list` (one row more than asked, to know if more follow).
template <class T, class Make>
Result<Page<T>> edge_page(db::Database& db, store::EdgeList list, Id owner, const PageRequest& page,
                          Make make) {
  RIFF_ASSIGN_OR_RETURN(CursorKey after, start_key(page));
  std::vector<store::Edge> rows;
  RIFF_RETURN_IF_ERROR(read_with(db, [&](db::Conn& c) {
    RIFF_ASSIGN_OR_RETURN(rows, store::edges(c, list, owner, after, page.limit + 1));
    return Status::ok();
  }));
  Page<T> out;
  if (static_cast<int>(rows.size()) > page.limit) {
    rows.resize(static_cast<std::size_t>(page.limit));
    out.next_cursor = encode_cursor({rows.back().created_at, rows.back().user.id});
  }
  out.items.reserve(rows.size());
  for (auto& e : rows) out.items.push_back(make(std::move(e)));
  return out;
}

}  // namespace

SocialService::SocialService(db::Database& db, const Clock& clock,
                             NotificationService& notifications)
    : db_(db), clock_(clock), notifications_(notifications) {}

Result<Profile> SocialService::profile(std::string_view handle, std::optional<Id> viewer) {
  const std::string h = to_lower_ascii(handle);
  Profile out;
  store::Relation rel;
  RIFF_RETURN_IF_ERROR(read_with(db_, [&](db::Conn& c) {
    RIFF_ASSIGN_OR_RETURN(out.user, require_user(store::user_by_handle(c, h)));
    if (viewer && *viewer != out.user.id) {
      RIFF_ASSIGN_OR_RETURN(rel, store::relation(c, *viewer, out.user.id));
    }
    return Status::ok();
  }));
  // Someone who blocks you does not exist for you.
  if (rel.blocked_by) return Status::not_found("no such user");
  if (viewer) {
    out.viewer = ViewerFlags{*viewer == out.user.id, rel.following, rel.requested, rel.followed_by,
                             rel.blocking};
  }
  return out;
}

Result<FollowState> SocialService::follow(Id viewer, std::string_view handle) {
  const std::string h = to_lower_ascii(handle);
  std::optional<User> target;
  RIFF_RETURN_IF_ERROR(read_with(db_, [&](db::Conn& c) {
    RIFF_ASSIGN_OR_RETURN(target, store::user_by_handle(c, h));
    return Status::ok();
  }));
  if (!target) return Status::not_found("no such user");
  return follow_user(viewer, target->id);
}

Result<FollowState> SocialService::follow_user(Id viewer, Id target) {
  if (viewer == target) return Status::invalid("/handle", "you cannot follow yourself");
  std::vector<Notification> created;
  auto state = db_.transact_result([&](db::Conn& c) -> Result<FollowState> {
    created.clear();  // the transaction may be re-run
    RIFF_RETURN_IF_ERROR(store::lock_user_pair(c, viewer, target));
    RIFF_ASSIGN_OR_RETURN(User t, require_user(store::user_by_id(c, target)));
    RIFF_ASSIGN_OR_RETURN(store::Relation rel, store::relation(c, viewer, target));
    if (rel.blocking || rel.blocked_by) return Status::not_found("no such user");
    if (rel.following) return FollowState::kFollowing;
    const std::int64_t now = clock_.now_ms();
    if (t.is_private) {
      RIFF_ASSIGN_OR_RETURN(bool asked, store::insert_follow_request(c, viewer, target, now));
      if (asked) {
        RIFF_ASSIGN_OR_RETURN(
            std::optional<Notification> n,
            notifications_.add(
                c, {target, std::string(kKindFollowRequest), viewer, {}, {}, kCollapseMs}));
        if (n) created.push_back(std::move(*n));
      }
      return FollowState::kRequested;
    }
    RIFF_ASSIGN_OR_RETURN(bool added, store::insert_follow(c, viewer, target, now));
    if (added) {
      RIFF_ASSIGN_OR_RETURN(
          std::optional<Notification> n,
          notifications_.add(c, {target, std::string(kKindFollow), viewer, {}, {}, kCollapseMs}));
      if (n) created.push_back(std::move(*n));
    }
    return FollowState::kFollowing;
  });
  if (state) notifications_.publish(created);
  return state;
}

Result<FollowState> SocialService::unfollow(Id viewer, std::string_view handle) {
  const std::string h = to_lower_ascii(handle);
  return db_.transact_result([&](db::Conn& c) -> Result<FollowState> {
    RIFF_ASSIGN_OR_RETURN(User t, require_user(store::user_by_handle(c, h)));
    RIFF_RETURN_IF_ERROR(store::lock_user_pair(c, viewer, t.id));
    RIFF_RETURN_IF_ERROR(store::delete_follow(c, viewer, t.id).status());
    RIFF_RETURN_IF_ERROR(store::delete_follow_request(c, viewer, t.id).status());
    return FollowState::kNone;
  });
}

Status SocialService::block(Id viewer, std::string_view handle) {
  const std::string h = to_lower_ascii(handle);
  return db_.transact([&](db::Conn& c) -> Status {
    RIFF_ASSIGN_OR_RETURN(User t, require_user(store::user_by_handle(c, h)));
    if (t.id == viewer) return Status::invalid("/handle", "you cannot block yourself");
    RIFF_RETURN_IF_ERROR(store::lock_user_pair(c, viewer, t.id));
    RIFF_RETURN_IF_ERROR(store::insert_block(c, viewer, t.id, clock_.now_ms()).status());
    RIFF_RETURN_IF_ERROR(store::delete_follow(c, viewer, t.id).status());
    RIFF_RETURN_IF_ERROR(store::delete_follow(c, t.id, viewer).status());
    RIFF_RETURN_IF_ERROR(store::delete_follow_request(c, viewer, t.id).status());
    RIFF_RETURN_IF_ERROR(store::delete_follow_request(c, t.id, viewer).status());
    return Status::ok();
  });
}

Status SocialService::unblock(Id viewer, std::string_view handle) {
  const std::string h = to_lower_ascii(handle);
  return db_.transact([&](db::Conn& c) -> Status {
    RIFF_ASSIGN_OR_RETURN(User t, require_user(store::user_by_handle(c, h)));
    return store::delete_block(c, viewer, t.id).status();
  });
}

Status SocialService::approve_request(Id owner, Id requester) {
  return resolve_request(owner, requester, true);
}

Status SocialService::decline_request(Id owner, Id requester) {
  return resolve_request(owner, requester, false);
}

Status SocialService::resolve_request(Id owner, Id requester, bool approve) {
  std::vector<Notification> created;
  Status st = db_.transact([&](db::Conn& c) -> Status {
    created.clear();  // the transaction may be re-run
    RIFF_RETURN_IF_ERROR(store::lock_user_pair(c, owner, requester));
    RIFF_ASSIGN_OR_RETURN(bool pending, store::delete_follow_request(c, requester, owner));
    if (!pending) return Status::not_found("no such follow request");
    if (!approve) return Status::ok();
    RIFF_ASSIGN_OR_RETURN(bool added, store::insert_follow(c, requester, owner, clock_.now_ms()));
    if (added) {
      RIFF_ASSIGN_OR_RETURN(
          std::optional<Notification> n,
          notifications_.add(c, {requester, std::string(kKindFollowAccepted), owner, {}, {}}));
      if (n) created.push_back(std::move(*n));
    }
    return Status::ok();
  });
  if (st) notifications_.publish(created);
  return st;
}

Result<Page<UserSummary>> SocialService::graph_list(bool of_followers, std::string_view handle,
                                                    std::optional<Id> viewer,
                                                    const PageRequest& page) {
  const std::string h = to_lower_ascii(handle);
  User owner;
  store::Relation rel;
  RIFF_RETURN_IF_ERROR(read_with(db_, [&](db::Conn& c) {
    RIFF_ASSIGN_OR_RETURN(owner, require_user(store::user_by_handle(c, h)));
    if (viewer && *viewer != owner.id) {
      RIFF_ASSIGN_OR_RETURN(rel, store::relation(c, *viewer, owner.id));
    }
    return Status::ok();
  }));
  if (rel.blocked_by) return Status::not_found("no such user");
  const bool is_self = viewer && *viewer == owner.id;
  if (owner.is_private && !is_self && !rel.following) {
    return Status::forbidden("this account is private");
  }
  return edge_page<UserSummary>(
      db_, of_followers ? store::EdgeList::kFollowers : store::EdgeList::kFollowing, owner.id, page,
      [](store::Edge e) { return std::move(e.user); });
}

Result<Page<UserSummary>> SocialService::followers(std::string_view handle,
                                                   std::optional<Id> viewer,
                                                   const PageRequest& page) {
  return graph_list(true, handle, viewer, page);
}

Result<Page<UserSummary>> SocialService::following(std::string_view handle,
                                                   std::optional<Id> viewer,
                                                   const PageRequest& page) {
  return graph_list(false, handle, viewer, page);
}

Result<Page<UserSummary>> SocialService::blocks(Id owner, const PageRequest& page) {
  return edge_page<UserSummary>(db_, store::EdgeList::kBlocks, owner, page,
                                [](store::Edge e) { return std::move(e.user); });
}

Result<Page<FollowRequest>> SocialService::follow_requests(Id owner, const PageRequest& page) {
  return edge_page<FollowRequest>(db_, store::EdgeList::kRequestsToMe, owner, page,
                                  [](store::Edge e) {
                                    return FollowRequest{std::move(e.user), e.created_at};
                                  });
}

Result<bool> SocialService::can_view_content(std::optional<Id> viewer, Id owner) {
  if (viewer && *viewer == owner) return true;
  std::optional<User> u;
  store::Relation rel;
  RIFF_RETURN_IF_ERROR(read_with(db_, [&](db::Conn& c) {
    RIFF_ASSIGN_OR_RETURN(u, store::user_by_id(c, owner));
    if (u && viewer) {
      RIFF_ASSIGN_OR_RETURN(rel, store::relation(c, *viewer, owner));
    }
    return Status::ok();
  }));
  if (!u || rel.blocked_by) return false;
  return !u->is_private || rel.following;
}

}  // namespace riff::accounts
