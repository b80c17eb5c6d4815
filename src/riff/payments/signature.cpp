#include "riff/payments/signature.hpp"

#include <sodium.h>

#include <charconv>
#include <vector>

namespace riff::payments {
namespace {

std::string mac_hex(std::string_view secret, std::string_view signed_payload) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(signed_payload.data()),
                                signed_payload.size());
  crypto_auth_hmacsha256_final(&state, mac);
  char hex[sizeof mac * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return hex;
}

}  // namespace

std::string sign_webhook(std::string_view secret, std::int64_t unix_seconds,
                         std::string_view body) {
  const std::string t = std::to_string(unix_seconds);
  return "t=" + t + ",v1=" + mac_hex(secret, t + "." + std::string(body));
}

SignatureCheck verify_webhook(std::string_view secret, std::string_view header,
                              std::string_view body, std::int64_t now_seconds,
                              std::int64_t tolerance_seconds) {
  SignatureCheck out;
  std::string_view t_text;
  std::vector<std::string_view> macs;
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view part = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.starts_with("t=")) t_text = part.substr(2);
    if (part.starts_with("v1=")) macs.push_back(part.substr(3));
  }
  std::int64_t t = 0;
  auto [end, ec] = std::from_chars(t_text.data(), t_text.data() + t_text.size(), t);
  if (t_text.empty() || ec != std::errc() || end != t_text.data() + t_text.size() ||
      macs.empty()) {
    return {SignatureError::kMalformed, "expected t=<unix seconds>,v1=<hex HMAC-SHA256>", 0};
  }
  out.timestamp = t;
  const std::string expected = mac_hex(secret, std::string(t_text) + "." + std::string(body));
  bool matched = false;
  for (std::string_view mac : macs) {
    // Every candidate is compared in full, in constant time.
    if (mac.size() == expected.size() &&
        sodium_memcmp(mac.data(), expected.data(), expected.size()) == 0) {
      matched = true;
    }
  }
  if (!matched) {
    return {SignatureError::kMismatch, "no v1 signature matches the body and timestamp", t};
  }
  if (t < now_seconds - tolerance_seconds || t > now_seconds + tolerance_seconds) {
    return {SignatureError::kStale,
            "timestamp " + std::to_string(t) + " is outside the tolerance of " +
                std::to_string(tolerance_seconds) + " s",
            t};
  }
  return out;
}

}  // namespace riff::payments
