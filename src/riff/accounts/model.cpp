#include "riff/accounts/model.hpp"

namespace riff::accounts {

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
