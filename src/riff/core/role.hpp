#pragma once
// Account roles: what a person may do beyond using the app.

#include <cstdint>
#include <optional>
#include <string_view>

namespace riff {

/// Stored as its integer value; keep the numbers stable.
enum class Role { kUser = 0, kCreator = 1, kSeller = 2, kAdmin = 3 };

constexpr std::string_view role_name(Role r) {
  switch (r) {
    case Role::kUser: return "user";
    case Role::kCreator: return "creator";
    case Role::kSeller: return "seller";
    case Role::kAdmin: return "admin";
  }
  return "user";
}

constexpr std::optional<Role> parse_role(std::string_view s) {
  for (Role r : {Role::kUser, Role::kCreator, Role::kSeller, Role::kAdmin}) {
    if (role_name(r) == s) return r;
  }
  return std::nullopt;
}

/// A stored integer as a Role; unknown values read as kUser (least privilege).
constexpr Role role_from_int(std::int64_t v) {
  return v >= 1 && v <= 3 ? static_cast<Role>(v) : Role::kUser;
}

}  // namespace riff
