#include "riff/app/demo.hpp"

#include <spdlog/spdlog.h>

#include <string>
#include <vector>

#include "riff/accounts/service.hpp"
#include "riff/accounts/social.hpp"

namespace riff::app {
namespace {

struct DemoUser {
  const char* handle;
  const char* name;
  const char* bio;
  accounts::Role role;
  bool is_private;
};

const std::vector<DemoUser>& demo_users() {
  static const std::vector<DemoUser> users = {
      {"demo", "Demo", "Just looking around riff.", accounts::Role::kUser, false},
      {"maya.moves", "Maya", "Choreo every Friday. Duet me!", accounts::Role::kCreator, false},
      {"leo_beats", "Leo", "Bedroom producer. Sounds free to use.", accounts::Role::kCreator, false},
      {"ana.cooks", "Ana", "15-second recipes.", accounts::Role::kCreator, false},
      {"kofi", "Kofi", "Street football and skills.", accounts::Role::kUser, false},
      {"yuki.draws", "Yuki", "Sketchbook, one page a day. Private, ask to follow.", accounts::Role::kUser, true},
      {"sunrise.store", "Sunrise Store", "Handmade ceramics.", accounts::Role::kSeller, false},
  };
  return users;
}

}  // namespace

Result<bool> seed_demo(accounts::AccountService& accounts, accounts::SocialService& social) {
  RIFF_ASSIGN_OR_RETURN(std::int64_t count, accounts.user_count());
  if (count > 0) return false;
  std::vector<Id> ids;
  for (const auto& u : demo_users()) {
    std::string password = u.handle == kDemoLogin ? std::string(kDemoPassword)
                                                  : "demo-" + std::string(u.handle) + "-password";
    accounts::SignupInput in{u.handle, std::string(u.handle) + "@demo.riff.invalid", password, u.name};
    RIFF_ASSIGN_OR_RETURN(auto user, accounts.create_user(in, u.role));
    accounts::ProfilePatch patch{std::nullopt, std::string(u.bio), std::nullopt};
    RIFF_RETURN_IF_ERROR(accounts.update_profile(user.id, patch).status());
    ids.push_back(user.id);
  }
  // Everyone follows the creators; the demo user follows everyone public and
  // has asked to follow the private account; a few follow the demo user back.
  const auto& users = demo_users();
  for (std::size_t i = 0; i < users.size(); ++i) {
    for (std::size_t j = 0; j < users.size(); ++j) {
      if (i == j) continue;
      bool follow = users[j].role == accounts::Role::kCreator || i == 0 || (j == 0 && i % 2 == 1);
      if (!follow) continue;
      RIFF_RETURN_IF_ERROR(social.follow(ids[i], users[j].handle).status());
    }
  }
  // Only now go private, so the follows above were requests for nobody else.
  accounts::ProfilePatch make_private{std::nullopt, std::nullopt, true};
  for (std::size_t i = 0; i < users.size(); ++i) {
    if (users[i].is_private) RIFF_RETURN_IF_ERROR(accounts.update_profile(ids[i], make_private).status());
  }
  spdlog::info("demo: seeded {} users", users.size());
  return true;
}

}  // namespace riff::app
