#include "riff/music/subsonic_auth.hpp"

#include <openssl/evp.h>
#include <sodium.h>

#include <cctype>

namespace riff::music {

std::string md5_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

bool token_matches(std::string_view secret, std::string_view salt, std::string_view token) {
  if (token.size() != 32 || salt.empty()) return false;
  std::string expected = md5_hex(std::string(secret) + std::string(salt));
  std::string given(token);
  for (auto& c : given) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return sodium_memcmp(expected.data(), given.data(), 32) == 0;
}

std::optional<std::string> decode_password_param(std::string_view p) {
  if (p.substr(0, 4) != "enc:") return std::string(p);
  p.remove_prefix(4);
  if (p.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < p.size(); i += 2) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    const int hi = nibble(p[i]), lo = nibble(p[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

}  // namespace riff::music
