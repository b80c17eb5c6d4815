#pragma once
// AccountsModule: builds the accounts services and their wiring, for app/.
//
//   accounts::AccountsModule accounts(db, ids, clock,
//                                     accounts::AccountsModule::options_from(config));
//   db.migrate(accounts::migrations());   // with every other module's
//   accounts.mount(router);               // all routes, including GET /api/v1/ws
//   server.set_authenticator(&accounts.authenticator());
//
// The module owns its services; they are thread-safe. It must outlive the
// server that calls into its routes, and be destroyed before the database.

#include <filesystem>
#include <memory>

#include "riff/accounts/live_hub.hpp"
#include "riff/accounts/notifications.hpp"
#include "riff/accounts/routes.hpp"
#include "riff/accounts/schema.hpp"
#include "riff/accounts/service.hpp"
#include "riff/accounts/session_authenticator.hpp"
#include "riff/accounts/social.hpp"

namespace riff {
struct Config;
}

namespace riff::accounts {

struct AccountsModuleOptions {
  AccountOptions accounts;  // includes media_dir
  CookieOptions cookies;
};

class AccountsModule {
 public:
  /// `publisher` delivers live events; null means this process's LiveHub
  /// (single node). With several nodes pass a cross-node publisher whose
  /// subscriber side calls live_hub()->publish() on each node.
  AccountsModule(db::Database& db, IdGenerator& ids, const Clock& clock,
                 AccountsModuleOptions options, UserPublisher* publisher = nullptr);

  /// Options from riffd's configuration: session length, cookie security,
  /// throttles and <data_dir>/media. Password cost stays libsodium's interactive.
  static AccountsModuleOptions options_from(const Config& config);

  /// Registers every accounts route and the WebSocket at /api/v1/ws.
  void mount(net::Router& router);

  AccountService& accounts() { return accounts_; }
  SocialService& social() { return social_; }
  NotificationService& notifications() { return notifications_; }
  net::Authenticator& authenticator() { return authenticator_; }
  const std::shared_ptr<LiveHub>& live_hub() const { return hub_; }

 private:
  AccountsModuleOptions options_;
  std::shared_ptr<LiveHub> hub_;
  NotificationService notifications_;
  AccountService accounts_;
  SocialService social_;
  SessionAuthenticator authenticator_;
};

}  // namespace riff::accounts
