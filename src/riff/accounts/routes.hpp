#pragma once
// The HTTP mapping of the accounts module: every /api/v1 route of the
// contract for auth, profiles, follows, blocks, notifications and admin, plus
// the WebSocket at /api/v1/ws. Handlers parse, call a service and render;
// the rules are in the services.

#include <memory>

#include "riff/net/router.hpp"

namespace riff::accounts {

class AccountService;
class SocialService;
class NotificationService;
class LiveHub;

struct CookieOptions {
  int session_days = 30;        // Max-Age of both cookies
  bool secure_cookies = false;  // add "; Secure" (when served over HTTPS)
};

/// Everything the routes call. All references must outlive the router.
struct RouteDeps {
  AccountService& accounts;
  SocialService& social;
  NotificationService& notifications;
  std::shared_ptr<LiveHub> hub;  // served at GET /api/v1/ws
  CookieOptions cookies;
};

/// Adds the module's routes. Call once, at start-up, before the server runs.
void mount_routes(net::Router& router, const RouteDeps& deps);

}  // namespace riff::accounts
