#pragma once
// Session tokens and the CSRF tokens derived from them.
//
// A session token is 32 random bytes written as unpadded base64url (43
// characters). The database stores only its hash, so a leaked table does not
// leak sessions. The CSRF token is a keyed hash of the session token: it
// needs no storage, changes with every session and cannot be computed by a
// page that does not already hold the (HttpOnly) session cookie.
//
// All functions are thread-safe.

#include <optional>
#include <string>
#include <string_view>

namespace riff::accounts {

/// A fresh random session token.
std::string new_session_token();

/// The value stored in sessions.token_hash: hex BLAKE2b-256 of the token.
std::string hash_session_token(std::string_view token);

/// base64url(BLAKE2b-256(key = "riff-csrf-v1" zero-padded to 16 bytes, msg = token)),
/// first 32 characters.
std::string csrf_token_for(std::string_view session_token);

/// Constant-time comparison of a presented CSRF token with the one derived
/// from `session_token`.
bool csrf_token_matches(std::string_view session_token, std::string_view presented);

/// Unpadded base64url, and its inverse (nullopt on bad input).
std::string base64url(std::string_view bytes);
std::optional<std::string> from_base64url(std::string_view text);

/// `n` random bytes as lowercase hex (2n characters).
std::string random_hex(std::size_t n);

}  // namespace riff::accounts
