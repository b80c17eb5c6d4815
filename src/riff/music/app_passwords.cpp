#include "riff/music/app_passwords.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "riff/accounts/passwords.hpp"
#include "riff/accounts/tokens.hpp"
#include "riff/music/subsonic_auth.hpp"
#include "riff/music/tags.hpp"

namespace riff::music {
namespace fs = std::filesystem;

namespace {

std::string to_hex(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                 bytes.size());
  out.pop_back();
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  std::string out(hex.size() / 2 + 1, '\0');
  std::size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(),
                     hex.size(), nullptr, &len, nullptr) != 0) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

AppPasswordInfo info_from(const db::Row& r) {
  return {r.i64(0), r.str(1), r.i64(2), r.opt_i64(3)};
}

}  // namespace

AppPasswords::AppPasswords(db::Database& db, IdGenerator& ids, const Clock& clock, std::string key)
    : db_(db), ids_(ids), clock_(clock), key_(std::move(key)) {}

Result<std::string> AppPasswords::load_or_create_key(const fs::path& file) {
  if (!accounts::ensure_sodium()) return Status::unavailable("libsodium cannot start");
  std::error_code ec;
  if (fs::exists(file, ec)) {
    std::ifstream in(file, std::ios::binary);
    std::string hex((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!hex.empty() && (hex.back() == '\n' || hex.back() == ' ')) hex.pop_back();
    auto key = from_hex(hex);
    if (!key || key->size() != crypto_secretbox_KEYBYTES) {
      return Status::unavailable("bad key file " + file.string() + ": expected 64 hex characters");
    }
    return std::move(*key);
  }
  fs::create_directories(file.parent_path(), ec);
  if (ec) return Status::unavailable("create " + file.parent_path().string() + ": " + ec.message());
  std::string key(crypto_secretbox_KEYBYTES, '\0');
  randombytes_buf(key.data(), key.size());
  // O_EXCL: when two processes start at once, one writes and the other reads its key.
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return load_or_create_key(file);
    return Status::unavailable("create " + file.string() + ": " + std::strerror(errno));
  }
  const std::string hex = to_hex(key) + "\n";
  const bool ok = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size());
  ::close(fd);
  if (!ok) return Status::unavailable("write " + file.string());
  return key;
}

std::string AppPasswords::seal(const std::string& secret) const {
  std::string nonce(crypto_secretbox_NONCEBYTES, '\0');
  randombytes_buf(nonce.data(), nonce.size());
  std::string box(secret.size() + crypto_secretbox_MACBYTES, '\0');
  crypto_secretbox_easy(reinterpret_cast<unsigned char*>(box.data()),
                        reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                        reinterpret_cast<const unsigned char*>(nonce.data()),
                        reinterpret_cast<const unsigned char*>(key_.data()));
  return to_hex(nonce + box);
}

std::optional<std::string> AppPasswords::open(const std::string& hex) const {
  auto bytes = from_hex(hex);
  if (!bytes || bytes->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    return std::nullopt;
  const std::string nonce = bytes->substr(0, crypto_secretbox_NONCEBYTES);
  const std::string box = bytes->substr(crypto_secretbox_NONCEBYTES);
  std::string out(box.size() - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()),
                                 reinterpret_cast<const unsigned char*>(box.data()), box.size(),
                                 reinterpret_cast<const unsigned char*>(nonce.data()),
                                 reinterpret_cast<const unsigned char*>(key_.data())) != 0) {
    return std::nullopt;
  }
  return out;
}

Result<IssuedAppPassword> AppPasswords::create(Id user_id, const std::string& raw_name) {
  std::string name = clean_tag(raw_name);
  if (name.empty()) return Status::invalid("/name", "Name the app this password is for.");
  if (name.size() > 100) return Status::invalid("/name", "At most 100 bytes.");
  // 18 random bytes: 24 base64url characters, easy to paste into an app.
  std::string raw(18, '\0');
  randombytes_buf(raw.data(), raw.size());
  IssuedAppPassword out;
  out.password = accounts::base64url(raw);
  out.info = {ids_.next(), name, clock_.now_ms(), std::nullopt};
  Status st = db_.transact([&](db::Conn& c) -> Status {
    RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                          c.query("SELECT COUNT(*) FROM music_app_passwords WHERE user_id = $1"
                                  " AND revoked_at IS NULL",
                                  {user_id}));
    if (rows[0].i64(0) >= kMaxAppPasswordsPerUser) {
      return Status::conflict("At most " + std::to_string(kMaxAppPasswordsPerUser) +
                              " app passwords; revoke one first.");
    }
    return c
        .exec(
            "INSERT INTO music_app_passwords (id, user_id, name, secret_hash, secret_box, "
            "created_at)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            {out.info.id, user_id, name, accounts::hash_session_token(out.password),
             seal(out.password), out.info.created_at})
        .status();
  });
  if (!st) return st;
  return out;
}

Result<std::vector<AppPasswordInfo>> AppPasswords::list(Id user_id) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows, db_.query("SELECT id, name, created_at, last_used_at FROM music_app_passwords"
                               " WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id",
                               {user_id}));
  std::vector<AppPasswordInfo> out;
  for (const auto& r : rows) out.push_back(info_from(r));
  return out;
}

Status AppPasswords::revoke(Id user_id, Id id) {
  RIFF_ASSIGN_OR_RETURN(std::int64_t n,
                        db_.exec("UPDATE music_app_passwords SET revoked_at = $3, secret_box = ''"
                                 " WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
                                 {id, user_id, clock_.now_ms()}));
  if (n == 0) return Status::not_found("No such app password.");
  return Status::ok();
}

void AppPasswords::touch(Id id, std::optional<std::int64_t> last_used_at) {
  // Clients authenticate every request: write the timestamp at most once a
  // minute, or every request would queue for the database's write lock.
  const std::int64_t now = clock_.now_ms();
  if (last_used_at && now - *last_used_at < kTouchIntervalMs) return;
  // Best effort: a failed timestamp must not fail a login.
  (void)db_.exec("UPDATE music_app_passwords SET last_used_at = $2 WHERE id = $1", {id, now});
}

Result<SubsonicUser> AppPasswords::check_password(const std::string& handle,
                                                  const std::string& password) {
  const auto wrong = Status::unauthenticated("Wrong username or password.");
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query("SELECT a.id, u.id, u.handle, a.last_used_at FROM music_app_passwords a JOIN"
                " users u ON u.id = a.user_id WHERE a.secret_hash = $1 AND a.revoked_at IS NULL"
                " AND u.handle = lower($2)",
                {accounts::hash_session_token(password), handle}));
  if (rows.empty()) return wrong;
  touch(rows[0].i64(0), rows[0].opt_i64(3));
  return SubsonicUser{rows[0].i64(1), rows[0].str(2)};
}

Result<SubsonicUser> AppPasswords::check_token(const std::string& handle, const std::string& token,
                                               const std::string& salt) {
  const auto wrong = Status::unauthenticated("Wrong username or password.");
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query("SELECT a.id, u.id, u.handle, a.secret_box, a.last_used_at FROM"
                " music_app_passwords a JOIN users u ON u.id = a.user_id"
                " WHERE u.handle = lower($1) AND a.revoked_at IS NULL",
                {handle}));
  for (const auto& r : rows) {
    auto secret = open(r.str(3));
    if (secret && token_matches(*secret, salt, token)) {
      touch(r.i64(0), r.opt_i64(4));
      return SubsonicUser{r.i64(1), r.str(2)};
    }
  }
  return wrong;
}

Result<SubsonicUser> AppPasswords::check_api_key(const std::string& key) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query("SELECT a.id, u.id, u.handle, a.last_used_at FROM music_app_passwords a JOIN"
                " users u ON u.id = a.user_id WHERE a.secret_hash = $1 AND a.revoked_at IS NULL",
                {accounts::hash_session_token(key)}));
  if (rows.empty()) return Status::unauthenticated("Invalid API key.");
  touch(rows[0].i64(0), rows[0].opt_i64(3));
  return SubsonicUser{rows[0].i64(1), rows[0].str(2)};
}

}  // namespace riff::music
