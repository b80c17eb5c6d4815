#pragma once
// Demo content for a newcomer's first `make run`: a handful of people who
// follow each other, so the app looks alive. Seeded only into an empty
// database; their videos come after (demo_videos.hpp).

#include <string_view>

#include "riff/core/status.hpp"

namespace riff::accounts {
class AccountService;
class SocialService;
}  // namespace riff::accounts

namespace riff::app {

inline constexpr std::string_view kDemoLogin = "demo";
inline constexpr std::string_view kDemoPassword = "riff-demo-password";

/// Seeds the demo users when there are no users at all; otherwise does
/// nothing. True when it seeded them (the database was empty).
Result<bool> seed_demo(accounts::AccountService& accounts, accounts::SocialService& social);

}  // namespace riff::app
