#pragma once
// The arithmetic of Subsonic authentication, apart from any storage:
//   token  t = md5_hex(password + s) for a client-chosen salt s
//   password p = the password, or "enc:" + its hex
// Pure functions, thread-safe.

#include <optional>
#include <string>
#include <string_view>

namespace riff::music {

/// Lowercase hex MD5 of `data`.
std::string md5_hex(std::string_view data);
/// True when `token` (any case) is md5_hex(secret + salt); constant time in
/// the token's contents.
bool token_matches(std::string_view secret, std::string_view salt, std::string_view token);
/// The password a `p=` parameter carries: "enc:<hex>" decoded, else as is;
/// nullopt for bad hex.
std::optional<std::string> decode_password_param(std::string_view p);

}  // namespace riff::music
