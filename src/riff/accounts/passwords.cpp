#include "riff/accounts/passwords.hpp"

#include <sodium.h>

#include <mutex>

namespace riff::accounts {

PasswordOptions PasswordOptions::interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordOptions PasswordOptions::minimum() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

bool ensure_sodium() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

PasswordHasher::PasswordHasher(PasswordOptions options) : options_(options) {
  ensure_sodium();
  // A hash of a random password with the same cost: verifying against it takes
  // the same time as a real verify and never succeeds for a guess.
  unsigned char random[16];
  randombytes_buf(random, sizeof random);
  auto h = hash(std::string_view(reinterpret_cast<const char*>(random), sizeof random));
  if (h) dummy_hash_ = std::move(h).value();
}

Result<std::string> PasswordHasher::hash(std::string_view password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), options_.opslimit,
                            options_.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::internal("argon2id: out of memory");
  }
  return std::string(out);
}

bool PasswordHasher::verify(std::string_view hash, std::string_view password) const {
  // crypto_pwhash_str_verify wants a NUL-terminated string.
  std::string h(hash);
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool PasswordHasher::needs_rehash(std::string_view hash) const {
  std::string h(hash);
  return crypto_pwhash_str_needs_rehash(h.c_str(), options_.opslimit, options_.memlimit) != 0;
}

void PasswordHasher::burn_verify(std::string_view password) const {
  if (!dummy_hash_.empty()) (void)verify(dummy_hash_, password);
}

}  // namespace riff::accounts
