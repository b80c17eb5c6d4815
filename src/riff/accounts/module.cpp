#include "riff/accounts/module.hpp"

#include "riff/core/config.hpp"

namespace riff::accounts {

AccountsModule::AccountsModule(db::Database& db, IdGenerator& ids, const Clock& clock,
                               AccountsModuleOptions options, UserPublisher* publisher)
    : options_(std::move(options)),
      hub_(std::make_shared<LiveHub>()),
      notifications_(db, ids, clock, publisher != nullptr ? publisher : hub_.get()),
      accounts_(db, ids, clock, notifications_, options_.accounts),
      social_(db, clock, notifications_),
      authenticator_(accounts_) {}

AccountsModuleOptions AccountsModule::options_from(const Config& config) {
  AccountsModuleOptions o;
  o.accounts.passwords = PasswordOptions::interactive();
  o.accounts.throttle.login_failures_per_account = config.login_failures_per_account;
  o.accounts.throttle.login_failures_per_ip = config.login_failures_per_ip;
  o.accounts.throttle.login_window_s = config.login_window_s;
  o.accounts.throttle.signups_per_ip_per_hour = config.signups_per_ip_per_hour;
  o.accounts.session_days = config.session_days;
  o.accounts.media_dir = std::filesystem::path(config.data_dir) / "media";
  o.cookies.session_days = config.session_days;
  o.cookies.secure_cookies = config.secure_cookies;
  return o;
}

void AccountsModule::mount(net::Router& router) {
  mount_routes(router, {accounts_, social_, notifications_, hub_, options_.cookies});
}

}  // namespace riff::accounts
