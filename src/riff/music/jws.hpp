#pragma once
// Verifying the signed messages the app stores send (OpenSSL 3).
//
// - App Store Server Notifications V2 and the transaction / renewal infos
//   inside them are JWS compact serialisations signed ES256, with the signing
//   certificate chain in the header's `x5c` (leaf first, base64 DER).
//   verify_x5c_jws() checks the chain up to a root riff was configured with
//   (never a root the message carries) and the signature with the leaf key.
// - Google's Pub/Sub push carries an OIDC JWT in `Authorization: Bearer`.
//   verify_jwt() checks an RS256 or ES256 signature against a configured key,
//   then `aud` and `exp`.
//
// Nothing here does I/O besides load_*() reading a file at start-up.
// Thread-safe: the key holders are immutable after loading.

#include <boost/json.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "riff/core/status.hpp"

namespace riff::music {

/// base64url (no padding needed) -> bytes; nullopt for bad input.
std::optional<std::string> base64url_decode(std::string_view in);
/// Standard base64 (padding optional) -> bytes; nullopt for bad input.
std::optional<std::string> base64_decode(std::string_view in);

/// A trusted root certificate (the App Store's Apple Root CA - G3, or the
/// test signer's root).
class TrustedRoot {
 public:
  /// Reads a PEM or DER certificate.
  static Result<TrustedRoot> load(const std::filesystem::path& file);
  TrustedRoot();
  ~TrustedRoot();
  TrustedRoot(TrustedRoot&&) noexcept;
  TrustedRoot& operator=(TrustedRoot&&) noexcept;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

/// A public key for JWTs: a PEM public key or a PEM certificate.
class VerifyKey {
 public:
  static Result<VerifyKey> load(const std::filesystem::path& file);
  VerifyKey();
  ~VerifyKey();
  VerifyKey(VerifyKey&&) noexcept;
  VerifyKey& operator=(VerifyKey&&) noexcept;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

/// The payload of `jws` when its header is ES256 with an x5c chain that
/// verifies up to `root` at `now_s` (seconds since the epoch) and the
/// signature verifies with the leaf key. kUnauthenticated when it does not;
/// kInvalid when it is not a JWS with a JSON object payload.
Result<boost::json::object> verify_x5c_jws(std::string_view jws, const TrustedRoot& root,
                                           std::int64_t now_s);

/// The claims of `jwt` when it is RS256 or ES256 signed by `key`, its `aud`
/// equals `audience` (a string or an array holding it) and `exp` is after
/// `now_s`. kUnauthenticated otherwise.
Result<boost::json::object> verify_jwt(std::string_view jwt, const VerifyKey& key,
                                       std::string_view audience, std::int64_t now_s);

}  // namespace riff::music
