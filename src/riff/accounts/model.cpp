#include "riff/accounts/model.hpp"

namespace riff::accounts {

std::string_view role_name(Role r) {
  switch (r) {
    case Role::kUser:
      return "user";
    case Role::kCreator:
      return "creator";
    case Role::kSeller:
      return "seller";
    case Role::kAdmin:
      return "admin";
  }
  return "user";
}

std::optional<Role> parse_role(std::string_view s) {
  if (s == "user") return Role::kUser;
  if (s == "creator") return Role::kCreator;
  if (s == "seller") return Role::kSeller;
  if (s == "admin") return Role::kAdmin;
  return std::nullopt;
}

Role role_from_int(std::int64_t v) {
  switch (v) {
    case 1:
      return Role::kCreator;
    case 2:
      return Role::kSeller;
    case 3:
      return Role::kAdmin;
    default:
      return Role::kUser;
  }
}

std::string_view follow_state_name(FollowState s) {
  switch (s) {
    case FollowState::kNone:
      return "none";
    case FollowState::kRequested:
      return "requested";
    case FollowState::kFollowing:
      return "following";
  }
  return "none";
}

}  // namespace riff::accounts
