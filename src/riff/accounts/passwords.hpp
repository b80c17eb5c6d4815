#pragma once
// Password hashing with argon2id (libsodium). Hashes are self-describing
// strings ("$argon2id$v=19$m=...,t=...,p=1$salt$hash"), so the cost can be
// raised later and old hashes still verify (and get re-hashed on login).
//
// Hashing is deliberately slow (tens of ms, 64 MiB by default): call it on the
// worker pool, never on an I/O thread. All functions are thread-safe.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "riff/core/status.hpp"

namespace riff::accounts {

struct PasswordOptions {
  unsigned long long opslimit = 2;    // crypto_pwhash_OPSLIMIT_INTERACTIVE
  std::size_t memlimit = 67'108'864;  // crypto_pwhash_MEMLIMIT_INTERACTIVE (64 MiB)

  /// libsodium's interactive limits (the defaults above).
  static PasswordOptions interactive();
  /// The smallest limits argon2id allows. For tests only: offers no protection.
  static PasswordOptions minimum();
};

/// Initialises libsodium once per process; later calls are free. Returns
/// false if the library cannot be used (no entropy source).
bool ensure_sodium();

class PasswordHasher {
 public:
  explicit PasswordHasher(PasswordOptions options = {});

  /// An argon2id hash string of `password`. Fails only when memory runs out.
  Result<std::string> hash(std::string_view password) const;
  /// True when `password` matches `hash`, in time independent of where they differ.
  bool verify(std::string_view hash, std::string_view password) const;
  /// True when `hash` was made with other limits than this hasher's.
  bool needs_rehash(std::string_view hash) const;
  /// Spends the time of one verify() without a real hash, so that a login for
  /// an unknown account takes as long as one with a wrong password.
  void burn_verify(std::string_view password) const;

 private:
  PasswordOptions options_;
  std::string dummy_hash_;
};

}  // namespace riff::accounts
