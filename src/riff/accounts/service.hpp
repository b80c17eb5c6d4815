#pragma once
// AccountService: sign-up, log-in, sessions, the owner's profile, avatars and
// roles. The rules live here; routes.cpp maps HTTP onto these calls.
//
// Thread-safe: any number of threads may call any method. Password hashing
// and database work block, so callers run them on the worker pool.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riff/accounts/avatar_files.hpp"
#include "riff/accounts/model.hpp"
#include "riff/accounts/passwords.hpp"
#include "riff/accounts/throttle.hpp"
#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"

namespace riff::accounts {

class NotificationService;

struct AccountOptions {
  PasswordOptions passwords;
  ThrottleOptions throttle;
  int session_days = 30;
  /// Where avatars go: <data_dir>/media.
  std::filesystem::path media_dir = "./riff-data/media";
};

struct SignupInput {
  std::string handle;
  std::string email;
  std::string password;
  std::optional<std::string> display_name;  // defaults to the handle as typed
  std::optional<std::string> country;       // ISO 3166-1 alpha-2, any case; "" = none
};

/// Where a request came from, for throttling and the session record.
struct ClientInfo {
  std::string ip;
  std::string user_agent;
};

/// PATCH /me: only the fields present change.
struct ProfilePatch {
  std::optional<std::string> display_name;
  std::optional<std::string> bio;
  std::optional<bool> is_private;
  std::optional<std::string> country;  // ISO 3166-1 alpha-2, any case; "" clears it
};

/// The messages of a taken handle or email. A conflict from signup carries
/// one or both (joined by "; "); taken_fields() turns them back into field
/// errors so the HTTP layer can name "/handle" and "/email".
inline constexpr std::string_view kHandleTaken = "handle is already taken";
inline constexpr std::string_view kEmailTaken = "email is already registered";
std::vector<FieldError> taken_fields(const Status& conflict);

class AccountService {
 public:
  /// All references must outlive the service. `notifications` receives the
  /// follow_accepted notices when a private account turns public.
  AccountService(db::Database& db, IdGenerator& ids, const Clock& clock,
                 NotificationService& notifications, AccountOptions options);

  /// Creates a user and a session. Fails with kInvalid naming every bad
  /// field, kConflict when the handle or email is taken (nothing written),
  /// kRateLimited after too many sign-ups from one address.
  Result<IssuedSession> signup(const SignupInput& in, const ClientInfo& client);
  /// Creates a user with `role` and no session, unthrottled (riffd admin create, demo seeding).
  Result<User> create_user(const SignupInput& in, Role role);

  /// `login` is a handle or an email, any case. kUnauthenticated for a wrong
  /// pair; kRateLimited (with retry_after_s) once the account or the address
  /// has too many recent failures.
  Result<IssuedSession> login(std::string_view login, std::string_view password,
                              const ClientInfo& client);
  /// Ends a session. Ending one that is gone is not an error.
  Status logout(Id session_id);
  /// The live session of `token`; kUnauthenticated when unknown or expired.
  Result<SessionInfo> authenticate(std::string_view token);
  /// Deletes sessions past their expiry; returns how many. For a scheduler.
  Result<std::int64_t> delete_expired_sessions();

  Result<User> user(Id id);
  /// kNotFound when no user has `handle` (any case).
  Result<User> user_by_handle(std::string_view handle);
  Result<std::int64_t> user_count();

  /// Changes the owner's display name, bio and privacy. Turning an account
  /// public approves its pending follow requests.
  Result<User> update_profile(Id user_id, const ProfilePatch& patch);
  /// Replaces the avatar: kInvalid when `bytes` is not a `type` image,
  /// kTooLarge past kMaxAvatarBytes. The old file is removed after the commit.
  Result<User> set_avatar(Id user_id, ImageType type, std::string_view bytes);
  Result<User> clear_avatar(Id user_id);
  /// Gives the user with `handle` a new role (the caller checks it is an admin).
  Result<User> set_role(std::string_view handle, Role role);

  const AccountOptions& options() const { return options_; }

 private:
  Status validate_signup(const SignupInput& in) const;
  /// A conflict naming whichever of handle and email is taken, or ok.
  Status check_available(const std::string& handle, const std::string& email);
  /// Validates, hashes and inserts a user; with `session_for`, also opens a
  /// session in the same transaction (else the token fields stay empty).
  Result<IssuedSession> create(const SignupInput& in, Role role, const ClientInfo* session_for);
  /// Inserts a session for `user` inside the caller's transaction.
  Result<IssuedSession> open_session(db::Conn& c, const User& user, const ClientInfo& client);

  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  NotificationService& notifications_;
  AccountOptions options_;
  PasswordHasher hasher_;
  AuthThrottle throttle_;
  AvatarFiles avatars_;
};

}  // namespace riff::accounts
