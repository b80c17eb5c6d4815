#pragma once
// App passwords: per-client secrets a signed-in user makes for Subsonic
// apps, so the account password (argon2id-hashed, never recoverable) is
// never typed into them. Each can be revoked on its own.
//
// Why they are stored recoverably: Subsonic's token scheme sends
// md5(password + salt) with a fresh salt per request, so the server needs
// the plain secret to check it. Each secret is kept sealed with
// crypto_secretbox (XSalsa20-Poly1305) under a server key that lives
// outside the database (<data_dir>/keys/app-passwords.key, 0600), so a
// leaked database or backup alone does not reveal them; a BLAKE2b hash of
// the secret finds it for apiKey and p= logins without decrypting anything.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"

namespace riff::music {

struct AppPasswordInfo {
  Id id = 0;
  std::string name;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> last_used_at;
};

struct IssuedAppPassword {
  AppPasswordInfo info;
  std::string password;  // shown once
};

/// Who a Subsonic request authenticates as.
struct SubsonicUser {
  Id user_id = 0;
  std::string handle;
};

/// Why Subsonic authentication failed, in Subsonic error codes.
enum class SubsonicAuthError {
  kMissing = 10,
  kWrongCredentials = 40,
  kBothUserAndKey = 43,
  kBadKey = 44
};

inline constexpr int kMaxAppPasswordsPerUser = 20;
/// last_used_at is written at most this often per app password.
inline constexpr std::int64_t kTouchIntervalMs = 60'000;

class AppPasswords {
 public:
  /// `key` is the 32-byte sealing key (see load_or_create_key).
  AppPasswords(db::Database& db, IdGenerator& ids, const Clock& clock, std::string key);

  /// Reads the key file, creating it (random, mode 0600) when missing.
  static Result<std::string> load_or_create_key(const std::filesystem::path& file);

  Result<IssuedAppPassword> create(Id user_id, const std::string& name);
  Result<std::vector<AppPasswordInfo>> list(Id user_id);
  /// kNotFound when the user has no such (live) app password.
  Status revoke(Id user_id, Id id);

  /// `u` + `p` (plain or enc:hex).
  Result<SubsonicUser> check_password(const std::string& handle, const std::string& password);
  /// `u` + `t` + `s`.
  Result<SubsonicUser> check_token(const std::string& handle, const std::string& token,
                                   const std::string& salt);
  /// `apiKey`: the app password itself identifies the user.
  Result<SubsonicUser> check_api_key(const std::string& key);

 private:
  std::string seal(const std::string& secret) const;
  std::optional<std::string> open(const std::string& box) const;
  /// Records a use, unless one was recorded in the last kTouchIntervalMs.
  void touch(Id id, std::optional<std::int64_t> last_used_at);

  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  std::string key_;
};

}  // namespace riff::music
