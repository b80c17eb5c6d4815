#pragma once
// Webhook signatures, Stripe's scheme: the sender puts
//   Riff-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
// on each delivery (several v1 values are allowed, for secret rotation), and
// the receiver recomputes the MAC over the exact bytes it received and
// refuses a timestamp outside its tolerance, so an altered body, a forged
// MAC and a captured request replayed later all fail. Pure functions.

#include <cstdint>
#include <string>
#include <string_view>

#include "riff/core/status.hpp"

namespace riff::payments {

inline constexpr std::string_view kSignatureHeader = "Riff-Signature";

/// The header value for `body` signed at `unix_seconds`.
std::string sign_webhook(std::string_view secret, std::int64_t unix_seconds, std::string_view body);

enum class SignatureError { kNone, kMalformed, kMismatch, kStale };

struct SignatureCheck {
  SignatureError error = SignatureError::kNone;
  std::string detail;
  std::int64_t timestamp = 0;
  bool ok() const { return error == SignatureError::kNone; }
};

/// Checks `header` against `body`: a MAC that matches one v1 value (compared
/// in constant time), and a timestamp no further than `tolerance_seconds`
/// from `now_seconds` either way.
SignatureCheck verify_webhook(std::string_view secret, std::string_view header,
                              std::string_view body, std::int64_t now_seconds,
                              std::int64_t tolerance_seconds);

}  // namespace riff::payments
