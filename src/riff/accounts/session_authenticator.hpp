#pragma once
// SessionAuthenticator: net::Authenticator over AccountService sessions.
//
// The token is taken from, in order: `Authorization: Bearer <token>`, the
// `riff_session` cookie, and `?token=` (only on WebSocket upgrades, where
// browsers cannot set headers; elsewhere query tokens would end up in logs).
// Only the cookie marks the principal `via_cookie`, which makes the server
// demand a CSRF token on mutations.
//
// Thread-safe; authenticate() queries the database and so blocks.

#include "riff/net/server.hpp"

namespace riff::accounts {

class AccountService;

inline constexpr std::string_view kSessionCookie = "riff_session";
inline constexpr std::string_view kCsrfCookie = "riff_csrf";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

class SessionAuthenticator final : public net::Authenticator {
 public:
  explicit SessionAuthenticator(AccountService& accounts);

  std::optional<net::Principal> authenticate(const net::Request& req) override;
  /// True when X-CSRF-Token equals the token derived from the request's
  /// session cookie (constant-time comparison).
  bool csrf_ok(const net::Request& req) override;

 private:
  AccountService& accounts_;
};

}  // namespace riff::accounts
