#include "riff/accounts/service.hpp"

#include <fmt/format.h>

#include "riff/accounts/db_util.hpp"
#include "riff/accounts/notifications.hpp"
#include "riff/accounts/store.hpp"
#include "riff/accounts/tokens.hpp"
#include "riff/accounts/validation.hpp"
#include "riff/core/countries.hpp"

namespace riff::accounts {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;
// last_seen_at is a hint for "active sessions" pages, not an audit trail:
// writing it at most this often keeps authentication a read.
constexpr std::int64_t kTouchEveryMs = 5 * 60'000;

Result<User> require_user(Result<std::optional<User>> r) {
  if (!r) return r.status();
  if (!r->has_value()) return Status::not_found("no such user");
  return std::move(**r);
}

}  // namespace

std::vector<FieldError> taken_fields(const Status& conflict) {
  std::vector<FieldError> out;
  if (conflict.message().find(kHandleTaken) != std::string::npos) {
    out.push_back({"/handle", std::string(kHandleTaken)});
  }
  if (conflict.message().find(kEmailTaken) != std::string::npos) {
    out.push_back({"/email", std::string(kEmailTaken)});
  }
  return out;
}

AccountService::AccountService(db::Database& db, IdGenerator& ids, const Clock& clock,
                               NotificationService& notifications, AccountOptions options)
    : db_(db),
      ids_(ids),
      clock_(clock),
      notifications_(notifications),
      options_(std::move(options)),
      hasher_(options_.passwords),
      throttle_(options_.throttle),
      avatars_(options_.media_dir) {}

// --- sign-up ---

Status AccountService::validate_signup(const SignupInput& in) const {
  std::vector<FieldError> errors;
  if (auto e = handle_error(in.handle)) errors.push_back({"/handle", *e});
  if (auto e = email_error(in.email)) errors.push_back({"/email", *e});
  if (auto e = password_error(in.password)) errors.push_back({"/password", *e});
  if (in.display_name) {
    if (auto e = display_name_error(*in.display_name)) errors.push_back({"/display_name", *e});
  }
  if (in.country) {
    if (auto e = country_error(*in.country)) errors.push_back({"/country", *e});
  }
  if (!errors.empty()) return Status::invalid(std::move(errors));
  return Status::ok();
}

Status AccountService::check_available(const std::string& handle, const std::string& email) {
  bool handle_taken = false, email_taken = false;
  RIFF_RETURN_IF_ERROR(read_with(db_, [&](db::Conn& c) {
    RIFF_ASSIGN_OR_RETURN(handle_taken, store::handle_exists(c, handle));
    RIFF_ASSIGN_OR_RETURN(email_taken, store::email_exists(c, email));
    return Status::ok();
  }));
  if (!handle_taken && !email_taken) return Status::ok();
  std::string msg;
  if (handle_taken) msg = kHandleTaken;
  if (email_taken) msg += (msg.empty() ? "" : "; ") + std::string(kEmailTaken);
  return Status::conflict(std::move(msg));
}

Result<IssuedSession> AccountService::open_session(db::Conn& c, const User& user,
                                                   const ClientInfo& client) {
  const std::int64_t now = clock_.now_ms();
  IssuedSession out;
  out.user = user;
  out.token = new_session_token();
  out.csrf_token = csrf_token_for(out.token);
  out.expires_at = now + std::int64_t{options_.session_days} * kDayMs;
  Session s{ids_.next(), user.id, now, out.expires_at, now, client.user_agent.substr(0, 512),
            client.ip};
  RIFF_RETURN_IF_ERROR(store::insert_session(c, s, hash_session_token(out.token)));
  return out;
}

Result<IssuedSession> AccountService::create(const SignupInput& in, Role role,
                                             const ClientInfo* session_for) {
  RIFF_RETURN_IF_ERROR(validate_signup(in));
  User u;
  u.handle = to_lower_ascii(in.handle);
  u.email = to_lower_ascii(in.email);
  u.display_name = in.display_name.value_or(in.handle);
  u.country = normalize_country(in.country.value_or("")).value_or("");
  u.role = role;
  // Checked before the (slow) hash so that a taken name answers at once; the
  // unique constraints still decide when two sign-ups race.
  RIFF_RETURN_IF_ERROR(check_available(u.handle, u.email));
  RIFF_ASSIGN_OR_RETURN(u.password_hash, hasher_.hash(in.password));
  u.id = ids_.next();
  u.created_at = u.updated_at = clock_.now_ms();

  auto issued = db_.transact_result([&](db::Conn& c) -> Result<IssuedSession> {
    RIFF_RETURN_IF_ERROR(store::insert_user(c, u));
    if (session_for == nullptr) return IssuedSession{u, {}, {}, 0};
    return open_session(c, u, *session_for);
  });
  if (!issued && issued.status().code() == Code::kConflict) {
    // Lost a race for the handle or email: say which, as the pre-check would have.
    Status named = check_available(u.handle, u.email);
    return named.is_ok() ? issued.status() : named;
  }
  return issued;
}

Result<IssuedSession> AccountService::signup(const SignupInput& in, const ClientInfo& client) {
  // Invalid input is answered before the throttle: it costs nothing and
  // should not use up an address's sign-ups.
  RIFF_RETURN_IF_ERROR(validate_signup(in));
  if (int wait = throttle_.signup_retry_after_s(client.ip, clock_.now_ms())) {
    return Status::rate_limited("too many sign-ups from this address", wait);
  }
  auto issued = create(in, Role::kUser, &client);
  if (issued) throttle_.record_signup(client.ip, clock_.now_ms());
  return issued;
}

Result<User> AccountService::create_user(const SignupInput& in, Role role) {
  RIFF_ASSIGN_OR_RETURN(IssuedSession issued, create(in, role, nullptr));
  return std::move(issued.user);
}

// --- log-in and sessions ---

Result<IssuedSession> AccountService::login(std::string_view login, std::string_view password,
                                            const ClientInfo& client) {
  const std::string key = to_lower_ascii(login);
  if (key.empty() || password.empty()) {
    std::vector<FieldError> errors;
    if (key.empty()) errors.push_back({"/login", "login is required"});
    if (password.empty()) errors.push_back({"/password", "password is required"});
    return Status::invalid(std::move(errors));
  }
  if (int wait = throttle_.login_retry_after_s({}, client.ip, clock_.now_ms())) {
    return Status::rate_limited("too many failed log-ins from this address", wait);
  }
  std::optional<User> user;
  RIFF_RETURN_IF_ERROR(read_with(db_, [&](db::Conn& c) {
    if (key.find('@') != std::string::npos) {
      RIFF_ASSIGN_OR_RETURN(user, store::user_by_email(c, key));
    } else {
      RIFF_ASSIGN_OR_RETURN(user, store::user_by_handle(c, key));
    }
    return Status::ok();
  }));
  // Failures count against the account, whichever name was used for it.
  const std::string account = user ? fmt::format("user:{}", user->id) : "login:" + key;
  if (int wait = throttle_.login_retry_after_s(account, {}, clock_.now_ms())) {
    return Status::rate_limited("too many failed log-ins for this account", wait);
  }
  bool ok = false;
  if (user) {
    ok = hasher_.verify(user->password_hash, password);
  } else {
    hasher_.burn_verify(password);  // an unknown name takes as long as a wrong password
  }
  if (!ok) {
    throttle_.record_login_failure(account, client.ip, clock_.now_ms());
    return Status::unauthenticated("invalid login or password");
  }
  throttle_.record_login_success(account);

  std::optional<std::string> new_hash;
  if (hasher_.needs_rehash(user->password_hash)) {
    auto h = hasher_.hash(password);
    if (h) new_hash = std::move(*h);
  }
  return db_.transact_result([&](db::Conn& c) -> Result<IssuedSession> {
    if (new_hash) {
      RIFF_RETURN_IF_ERROR(store::set_password_hash(c, user->id, *new_hash, clock_.now_ms()));
    }
    return open_session(c, *user, client);
  });
}

Status AccountService::logout(Id session_id) {
  return db_.transact_result([&](db::Conn& c) { return store::delete_session(c, session_id); })
      .status();
}

Result<SessionInfo> AccountService::authenticate(std::string_view token) {
  // A token we could have issued is 43 base64url characters; anything else
  // is refused without a query.
  if (token.size() != 43) return Status::unauthenticated("no valid session");
  const std::string hash = hash_session_token(token);
  std::optional<store::SessionLookup> found;
  RIFF_RETURN_IF_ERROR(read_with(db_, [&](db::Conn& c) {
    RIFF_ASSIGN_OR_RETURN(found, store::session_by_token_hash(c, hash));
    return Status::ok();
  }));
  if (!found) return Status::unauthenticated("no valid session");
  const std::int64_t now = clock_.now_ms();
  const Session& s = found->session;
  if (s.expires_at <= now) {
    (void)db_.transact_result([&](db::Conn& c) { return store::delete_session(c, s.id); });
    return Status::unauthenticated("session expired");
  }
  if (now - s.last_seen_at >= kTouchEveryMs) {
    // Best effort: a failed touch must not fail the request.
    (void)db_.transact([&](db::Conn& c) { return store::touch_session(c, s.id, now); });
  }
  return SessionInfo{s.id, s.user_id, found->role};
}

Result<std::int64_t> AccountService::delete_expired_sessions() {
  const std::int64_t now = clock_.now_ms();
  return db_.transact_result([&](db::Conn& c) { return store::delete_expired_sessions(c, now); });
}

// --- users ---

Result<User> AccountService::user(Id id) {
  std::optional<User> u;
  RIFF_RETURN_IF_ERROR(read_with(db_, [&](db::Conn& c) {
    RIFF_ASSIGN_OR_RETURN(u, store::user_by_id(c, id));
    return Status::ok();
  }));
  return require_user(std::move(u));
}

Result<User> AccountService::user_by_handle(std::string_view handle) {
  const std::string h = to_lower_ascii(handle);
  if (handle_error(h)) return Status::not_found("no such user");
  std::optional<User> u;
  RIFF_RETURN_IF_ERROR(read_with(db_, [&](db::Conn& c) {
    RIFF_ASSIGN_OR_RETURN(u, store::user_by_handle(c, h));
    return Status::ok();
  }));
  return require_user(std::move(u));
}

Result<std::int64_t> AccountService::user_count() {
  std::int64_t n = 0;
  RIFF_RETURN_IF_ERROR(read_with(db_, [&](db::Conn& c) {
    RIFF_ASSIGN_OR_RETURN(n, store::count_users(c));
    return Status::ok();
  }));
  return n;
}

Result<User> AccountService::update_profile(Id user_id, const ProfilePatch& patch) {
  std::vector<FieldError> errors;
  if (patch.display_name) {
    if (auto e = display_name_error(*patch.display_name)) errors.push_back({"/display_name", *e});
  }
  if (patch.bio) {
    if (auto e = bio_error(*patch.bio)) errors.push_back({"/bio", *e});
  }
  if (patch.country) {
    if (auto e = country_error(*patch.country)) errors.push_back({"/country", *e});
  }
  if (!errors.empty()) return Status::invalid(std::move(errors));

  std::vector<Notification> accepted;
  auto updated = db_.transact_result([&](db::Conn& c) -> Result<User> {
    accepted.clear();  // the transaction may be re-run
    RIFF_ASSIGN_OR_RETURN(User u, require_user(store::user_by_id(c, user_id)));
    const bool was_private = u.is_private;
    if (patch.display_name) u.display_name = *patch.display_name;
    if (patch.bio) u.bio = *patch.bio;
    if (patch.is_private) u.is_private = *patch.is_private;
    if (patch.country) u.country = normalize_country(*patch.country).value_or("");
    const std::int64_t now = clock_.now_ms();
    RIFF_RETURN_IF_ERROR(store::update_profile(c, u, now));
    if (was_private && !u.is_private) {
      // A public account has no gatekeeping: everyone who asked now follows.
      RIFF_ASSIGN_OR_RETURN(std::vector<Id> requesters, store::requesters_of(c, u.id));
      for (Id r : requesters) {
        RIFF_RETURN_IF_ERROR(store::delete_follow_request(c, r, u.id).status());
        RIFF_ASSIGN_OR_RETURN(bool added, store::insert_follow(c, r, u.id, now));
        if (!added) continue;
        RIFF_ASSIGN_OR_RETURN(
            std::optional<Notification> n,
            notifications_.add(c, {r, std::string(kKindFollowAccepted), u.id, {}, {}}));
        if (n) accepted.push_back(std::move(*n));
      }
    }
    return require_user(store::user_by_id(c, user_id));
  });
  if (updated) notifications_.publish(accepted);
  return updated;
}

Result<User> AccountService::set_avatar(Id user_id, ImageType type, std::string_view bytes) {
  if (bytes.size() > kMaxAvatarBytes) {
    return Status(Code::kTooLarge,
                  fmt::format("an avatar may be at most {} bytes", kMaxAvatarBytes));
  }
  if (!magic_matches(type, bytes)) {
    return Status::invalid("/", "the bytes are not an image of the declared type");
  }
  RIFF_ASSIGN_OR_RETURN(std::string path, avatars_.write(user_id, type, bytes));
  std::optional<std::string> old_path;
  auto updated = db_.transact_result([&](db::Conn& c) -> Result<User> {
    RIFF_ASSIGN_OR_RETURN(User u, require_user(store::user_by_id(c, user_id)));
    old_path = u.avatar_path;
    RIFF_RETURN_IF_ERROR(store::set_avatar_path(c, user_id, path, clock_.now_ms()));
    return require_user(store::user_by_id(c, user_id));
  });
  if (!updated) {
    avatars_.remove(path);  // nothing refers to it
    return updated;
  }
  // Only after the commit: until then the old row still pointed at the old file.
  if (old_path) avatars_.remove(*old_path);
  return updated;
}

Result<User> AccountService::clear_avatar(Id user_id) {
  std::optional<std::string> old_path;
  auto updated = db_.transact_result([&](db::Conn& c) -> Result<User> {
    RIFF_ASSIGN_OR_RETURN(User u, require_user(store::user_by_id(c, user_id)));
    old_path = u.avatar_path;
    RIFF_RETURN_IF_ERROR(store::set_avatar_path(c, user_id, std::nullopt, clock_.now_ms()));
    return require_user(store::user_by_id(c, user_id));
  });
  if (updated && old_path) avatars_.remove(*old_path);
  return updated;
}

Result<User> AccountService::set_role(std::string_view handle, Role role) {
  const std::string h = to_lower_ascii(handle);
  return db_.transact_result([&](db::Conn& c) -> Result<User> {
    RIFF_ASSIGN_OR_RETURN(User u, require_user(store::user_by_handle(c, h)));
    RIFF_RETURN_IF_ERROR(store::set_role(c, u.id, role, clock_.now_ms()));
    u.role = role;
    return u;
  });
}

}  // namespace riff::accounts
