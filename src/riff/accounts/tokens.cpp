#include "riff/accounts/tokens.hpp"

#include <sodium.h>

#include <array>

#include "riff/accounts/passwords.hpp"

namespace riff::accounts {
namespace {

constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kCsrfChars = 32;

std::string to_hex(const unsigned char* p, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();  // the terminating NUL
  return out;
}

const unsigned char* bytes_of(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string base64url(std::string_view bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes_of(bytes), bytes.size(), kVariant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::optional<std::string> from_base64url(std::string_view text) {
  std::string out(text.size() * 3 / 4 + 3, '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

std::string new_session_token() {
  ensure_sodium();
  std::array<unsigned char, kTokenBytes> raw;
  randombytes_buf(raw.data(), raw.size());
  return base64url(std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()));
}

std::string hash_session_token(std::string_view token) {
  std::array<unsigned char, crypto_generichash_BYTES> digest;
  crypto_generichash(digest.data(), digest.size(), bytes_of(token), token.size(), nullptr, 0);
  return to_hex(digest.data(), digest.size());
}

std::string csrf_token_for(std::string_view session_token) {
  static_assert(crypto_generichash_KEYBYTES_MIN <= 16);
  std::array<unsigned char, 16> key{};  // "riff-csrf-v1" and zero padding
  constexpr std::string_view kKey = "riff-csrf-v1";
  std::copy(kKey.begin(), kKey.end(), key.begin());
  std::array<unsigned char, crypto_generichash_BYTES> mac;
  crypto_generichash(mac.data(), mac.size(), bytes_of(session_token), session_token.size(),
                     key.data(), key.size());
  std::string text =
      base64url(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
  text.resize(kCsrfChars);
  return text;
}

bool csrf_token_matches(std::string_view session_token, std::string_view presented) {
  if (presented.size() != kCsrfChars) return false;
  std::string expected = csrf_token_for(session_token);
  return sodium_memcmp(expected.data(), presented.data(), kCsrfChars) == 0;
}

std::string random_hex(std::size_t n) {
  ensure_sodium();
  std::string raw(n, '\0');
  randombytes_buf(raw.data(), raw.size());
  return to_hex(bytes_of(raw), raw.size());
}

}  // namespace riff::accounts
