#include "riff/music/jws.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <sodium.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace riff::music {

namespace json = boost::json;

namespace {

template <class T, void (*F)(T*)>
struct Free {
  void operator()(T* p) const { F(p); }
};
using X509Ptr = std::unique_ptr<X509, Free<X509, X509_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY, EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, Free<BIO, BIO_free_all>>;
using StorePtr = std::unique_ptr<X509_STORE, Free<X509_STORE, X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Free<X509_STORE_CTX, X509_STORE_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Free<EVP_MD_CTX, EVP_MD_CTX_free>>;
using SigPtr = std::unique_ptr<ECDSA_SIG, Free<ECDSA_SIG, ECDSA_SIG_free>>;

void free_x509_stack(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }
using X509StackPtr = std::unique_ptr<STACK_OF(X509), Free<STACK_OF(X509), free_x509_stack>>;

std::optional<std::string> sodium_decode(std::string_view in, int variant) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  std::string out(in.size() * 3 / 4 + 3, '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), in.data(),
                        in.size(), nullptr, &len, nullptr, variant) != 0) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

Result<std::string> read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::invalid("", "cannot read " + file.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

X509Ptr parse_cert(std::string_view bytes) {
  BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert) return cert;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  return X509Ptr(d2i_X509(nullptr, &p, static_cast<long>(bytes.size())));
}

Status unauthenticated(std::string why) { return Status::unauthenticated(std::move(why)); }

struct Compact {
  json::object header;
  std::string signing_input;
  std::string signature;
  std::string payload;
};

/// Splits and decodes a JWS compact serialisation; kInvalid when malformed.
Result<Compact> split(std::string_view jws) {
  const auto a = jws.find('.');
  const auto b = a == std::string_view::npos ? a : jws.find('.', a + 1);
  if (b == std::string_view::npos || jws.find('.', b + 1) != std::string_view::npos) {
    return Status::invalid("", "not a JWS compact serialisation");
  }
  auto header = base64url_decode(jws.substr(0, a));
  auto payload = base64url_decode(jws.substr(a + 1, b - a - 1));
  auto sig = base64url_decode(jws.substr(b + 1));
  if (!header || !payload || !sig) return Status::invalid("", "bad base64url in the JWS");
  boost::system::error_code ec;
  json::value h = json::parse(*header, ec);
  if (ec || !h.is_object()) return Status::invalid("", "the JWS header is not a JSON object");
  return Compact{std::move(h.as_object()), std::string(jws.substr(0, b)), std::move(*sig),
                 std::move(*payload)};
}

Result<json::object> payload_object(const Compact& c) {
  boost::system::error_code ec;
  json::value v = json::parse(c.payload, ec);
  if (ec || !v.is_object()) return Status::invalid("", "the JWS payload is not a JSON object");
  return std::move(v.as_object());
}

std::string alg_of(const json::object& header) {
  const auto* alg = header.if_contains("alg");
  return alg && alg->is_string() ? std::string(alg->as_string()) : std::string();
}

/// Verifies `sig` over `input` with `key` for JWS alg ES256 or RS256.
bool signature_ok(EVP_PKEY* key, const std::string& alg, const std::string& input,
                  const std::string& sig) {
  std::string der;
  if (alg == "ES256") {
    // JWS carries r || s (32 bytes each); OpenSSL verifies DER.
    char group[64] = {};
    std::size_t glen = 0;
    if (!EVP_PKEY_is_a(key, "EC") || sig.size() != 64 ||
        EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &glen) != 1 ||
        std::string_view(group) != "prime256v1") {
      return false;
    }
    SigPtr s(ECDSA_SIG_new());
    const auto* raw = reinterpret_cast<const unsigned char*>(sig.data());
    BIGNUM* r = BN_bin2bn(raw, 32, nullptr);
    BIGNUM* sv = BN_bin2bn(raw + 32, 32, nullptr);
    if (!s || !r || !sv || ECDSA_SIG_set0(s.get(), r, sv) != 1) {
      BN_free(r);
      BN_free(sv);
      return false;
    }
    unsigned char* out = nullptr;
    const int len = i2d_ECDSA_SIG(s.get(), &out);
    if (len <= 0) return false;
    der.assign(reinterpret_cast<char*>(out), static_cast<std::size_t>(len));
    OPENSSL_free(out);
  } else if (alg == "RS256") {
    if (!EVP_PKEY_is_a(key, "RSA")) return false;
    der = sig;
  } else {
    return false;
  }
  MdCtxPtr md(EVP_MD_CTX_new());
  if (!md || EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key) != 1) {
    return false;
  }
  return EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                          reinterpret_cast<const unsigned char*>(input.data()),
                          input.size()) == 1;
}

}  // namespace

struct TrustedRoot::Impl {
  X509Ptr cert;
};
struct VerifyKey::Impl {
  PkeyPtr key;
};

TrustedRoot::TrustedRoot() : impl_(std::make_unique<Impl>()) {}
TrustedRoot::~TrustedRoot() = default;
TrustedRoot::TrustedRoot(TrustedRoot&&) noexcept = default;
TrustedRoot& TrustedRoot::operator=(TrustedRoot&&) noexcept = default;
VerifyKey::VerifyKey() : impl_(std::make_unique<Impl>()) {}
VerifyKey::~VerifyKey() = default;
VerifyKey::VerifyKey(VerifyKey&&) noexcept = default;
VerifyKey& VerifyKey::operator=(VerifyKey&&) noexcept = default;

std::optional<std::string> base64url_decode(std::string_view in) {
  return sodium_decode(in, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

std::optional<std::string> base64_decode(std::string_view in) {
  return sodium_decode(in, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
}

Result<TrustedRoot> TrustedRoot::load(const std::filesystem::path& file) {
  RIFF_ASSIGN_OR_RETURN(std::string bytes, read_file(file));
  TrustedRoot root;
  root.impl_->cert = parse_cert(bytes);
  if (!root.impl_->cert) return Status::invalid("", file.string() + " is not a certificate");
  return root;
}

Result<VerifyKey> VerifyKey::load(const std::filesystem::path& file) {
  RIFF_ASSIGN_OR_RETURN(std::string bytes, read_file(file));
  VerifyKey key;
  BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
  key.impl_->key.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key.impl_->key) {
    if (X509Ptr cert = parse_cert(bytes)) key.impl_->key.reset(X509_get_pubkey(cert.get()));
  }
  if (!key.impl_->key) {
    return Status::invalid("", file.string() + " is not a public key or certificate");
  }
  return key;
}

Result<json::object> verify_x5c_jws(std::string_view jws, const TrustedRoot& root,
                                    std::int64_t now_s) {
  RIFF_ASSIGN_OR_RETURN(Compact c, split(jws));
  if (alg_of(c.header) != "ES256") return unauthenticated("the JWS is not ES256");
  const auto* x5c = c.header.if_contains("x5c");
  if (!x5c || !x5c->is_array() || x5c->as_array().empty() || x5c->as_array().size() > 5) {
    return unauthenticated("the JWS has no x5c certificate chain");
  }
  X509Ptr leaf;
  X509StackPtr untrusted(sk_X509_new_null());
  for (const auto& v : x5c->as_array()) {
    if (!v.is_string()) return unauthenticated("bad x5c entry");
    auto der = base64_decode(v.as_string());
    if (!der) return unauthenticated("bad x5c entry");
    const auto* p = reinterpret_cast<const unsigned char*>(der->data());
    X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der->size())));
    if (!cert) return unauthenticated("bad x5c certificate");
    if (!leaf) {
      leaf = std::move(cert);
    } else if (sk_X509_push(untrusted.get(), cert.get()) > 0) {
      cert.release();  // the stack owns it now
    }
  }
  // Only the configured root is trusted; certificates the message carries
  // are candidates for the path, never anchors.
  StorePtr store(X509_STORE_new());
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !ctx || X509_STORE_add_cert(store.get(), root.impl().cert.get()) != 1 ||
      X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), untrusted.get()) != 1) {
    return Status::internal("cannot set up certificate verification");
  }
  X509_STORE_CTX_set_time(ctx.get(), 0, static_cast<time_t>(now_s));
  if (X509_verify_cert(ctx.get()) != 1) {
    return unauthenticated(std::string("certificate chain: ") +
                           X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get())));
  }
  if (!signature_ok(X509_get0_pubkey(leaf.get()), "ES256", c.signing_input, c.signature)) {
    return unauthenticated("the JWS signature does not verify");
  }
  return payload_object(c);
}

Result<json::object> verify_jwt(std::string_view jwt, const VerifyKey& key,
                                std::string_view audience, std::int64_t now_s) {
  auto parts = split(jwt);
  if (!parts) return unauthenticated("the bearer token is not a JWT");
  Compact& c = parts.value();
  if (!signature_ok(key.impl().key.get(), alg_of(c.header), c.signing_input, c.signature)) {
    return unauthenticated("the bearer token's signature does not verify");
  }
  auto claims = payload_object(c);
  if (!claims) return unauthenticated("the bearer token has no claims");
  json::object& o = claims.value();
  const auto* exp = o.if_contains("exp");
  if (!exp || !exp->is_number() || exp->to_number<double>() <= static_cast<double>(now_s)) {
    return unauthenticated("the bearer token has expired");
  }
  bool aud_ok = false;
  if (const auto* aud = o.if_contains("aud")) {
    if (aud->is_string()) aud_ok = aud->as_string() == audience;
    if (aud->is_array()) {
      for (const auto& a : aud->as_array()) aud_ok = aud_ok || (a.is_string() && a.as_string() == audience);
    }
  }
  if (!aud_ok) return unauthenticated("the bearer token is for another audience");
  return std::move(o);
}

}  // namespace riff::music
