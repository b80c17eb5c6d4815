// Store notifications without a server: base64 decoding, the mapping of
// App Store and Google Play notification types to subscription events, and
// JWT verification (signature, audience, expiry) with a key made here. The
// x5c chain path is covered end to end by tests/api/music_plans.test.js.

#include "riff/music/store_notifications.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>

#include <filesystem>
#include <fstream>

namespace riff::music {
namespace {

namespace json = boost::json;
using K = SubEvent::Kind;

json::object parse(std::string_view text) { return json::parse(text).as_object(); }

TEST(MusicStoreDecoding, Base64VariantsDecodeAndRejectGarbage) {
  EXPECT_EQ(base64url_decode("aGk_"), std::string("hi?"));
  EXPECT_EQ(base64_decode("aGk/"), std::string("hi?"));
  EXPECT_EQ(base64_decode("aGk="), std::string("hi"));
  EXPECT_EQ(base64url_decode("a$b"), std::nullopt);
  EXPECT_EQ(json_int(parse(R"({"a":"123","b":45,"c":"x1"})"), "a"), 123);
  EXPECT_EQ(json_int(parse(R"({"a":"123","b":45,"c":"x1"})"), "b"), 45);
  EXPECT_EQ(json_int(parse(R"({"a":"123","b":45,"c":"x1"})"), "c"), std::nullopt);
}

TEST(MusicAppStoreEvents, TypesMapToSubscriptionEvents) {
  const json::object tx =
      parse(R"({"originalTransactionId":"1000","productId":"p","expiresDate":5000})");
  auto kind = [&](const char* type, const char* subtype = "") {
    json::object p{{"notificationType", type}, {"subtype", subtype}};
    auto e = app_store_event(p, tx, std::nullopt);
    return e ? std::optional<K>(e->kind) : std::nullopt;
  };
  EXPECT_EQ(kind("SUBSCRIBED", "INITIAL_BUY"), K::kPurchase);
  EXPECT_EQ(kind("DID_RENEW"), K::kRenew);
  EXPECT_EQ(kind("DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_DISABLED"), K::kAutoRenewOff);
  EXPECT_EQ(kind("DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_ENABLED"), K::kAutoRenewOn);
  EXPECT_EQ(kind("EXPIRED", "VOLUNTARY"), K::kExpire);
  EXPECT_EQ(kind("REFUND"), K::kRefund);
  EXPECT_EQ(kind("REVOKE"), K::kRefund);
  EXPECT_EQ(kind("DID_FAIL_TO_RENEW"), std::nullopt) << "no grace period: the period just ends";
  EXPECT_EQ(kind("TEST"), std::nullopt);
  json::object p{{"notificationType", "SUBSCRIBED"}};
  auto e = app_store_event(p, tx, std::nullopt);
  EXPECT_EQ(e->period_end_ms, 5000);
  EXPECT_EQ(e->original_transaction_id, "1000");
  EXPECT_EQ(app_store_event(p, json::object{}, std::nullopt), std::nullopt)
      << "a purchase without an expiry buys nothing";
}

TEST(MusicGooglePlayEvents, TypesMapAndThePeriodDefaultsToThirtyDays) {
  auto event = [](int type, const char* extra = "") {
    return google_play_event(
        parse(std::string(R"({"eventTimeMillis":"1000","subscriptionNotification":{)") +
              R"("notificationType":)" + std::to_string(type) + R"(,"purchaseToken":"t")" +
              extra + "}}"),
        0);
  };
  EXPECT_EQ(event(4)->kind, K::kPurchase);
  EXPECT_EQ(event(4)->period_end_ms, 1000 + kDefaultStorePeriodMs);
  EXPECT_EQ(event(2, R"(,"riffExpiryTimeMillis":"9000")")->period_end_ms, 9000);
  EXPECT_EQ(event(2)->kind, K::kRenew);
  EXPECT_EQ(event(3)->kind, K::kAutoRenewOff);
  EXPECT_EQ(event(12)->kind, K::kRefund);
  EXPECT_EQ(event(13)->kind, K::kExpire);
  EXPECT_EQ(event(6), std::nullopt);
  EXPECT_EQ(event(4)->original_transaction_id, "t");
  auto voided = google_play_event(parse(R"({"voidedPurchaseNotification":{"purchaseToken":"v"}})"), 0);
  EXPECT_EQ(voided->kind, K::kRefund);
  EXPECT_EQ(voided->original_transaction_id, "v");
}

std::string b64url(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

class MusicJwtTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = EVP_RSA_gen(2048);
    ASSERT_NE(key_, nullptr);
    dir_ = std::filesystem::temp_directory_path() /
           ("riff-jwt-test-" + std::to_string(randombytes_random()));
    std::filesystem::create_directories(dir_);
    FILE* f = std::fopen((dir_ / "pub.pem").c_str(), "w");
    ASSERT_NE(f, nullptr);
    PEM_write_PUBKEY(f, key_);
    std::fclose(f);
    auto loaded = VerifyKey::load(dir_ / "pub.pem");
    ASSERT_TRUE(loaded.is_ok()) << loaded.status().message();
    verify_key_ = std::move(loaded).value();
  }
  void TearDown() override {
    EVP_PKEY_free(key_);
    std::filesystem::remove_all(dir_);
  }

  std::string jwt(const json::object& claims) {
    const std::string input = b64url(R"({"alg":"RS256","typ":"JWT"})") + "." +
                              b64url(json::serialize(claims));
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    std::size_t len = 0;
    EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, key_);
    EVP_DigestSign(md, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                   input.size());
    std::string sig(len, '\0');
    EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    EVP_MD_CTX_free(md);
    sig.resize(len);
    return input + "." + b64url(sig);
  }

  EVP_PKEY* key_ = nullptr;
  std::filesystem::path dir_;
  VerifyKey verify_key_;
};

TEST_F(MusicJwtTest, AcceptsOnlyASignedUnexpiredTokenForTheAudience) {
  const std::string good = jwt({{"aud", "riff"}, {"exp", 2000}});
  EXPECT_TRUE(verify_jwt(good, verify_key_, "riff", 1000).is_ok());
  EXPECT_EQ(verify_jwt(good, verify_key_, "riff", 2000).status().code(), Code::kUnauthenticated)
      << "expired";
  EXPECT_EQ(verify_jwt(good, verify_key_, "other", 1000).status().code(), Code::kUnauthenticated);
  EXPECT_TRUE(verify_jwt(jwt({{"aud", json::array{"x", "riff"}}, {"exp", 2000}}), verify_key_,
                         "riff", 1000)
                  .is_ok());
  EXPECT_EQ(verify_jwt(jwt({{"aud", "riff"}}), verify_key_, "riff", 1000).status().code(),
            Code::kUnauthenticated)
      << "no exp";
  // Claims swapped under the same signature.
  const std::string other = jwt({{"aud", "riff"}, {"exp", 9000}});
  const auto dot1 = good.find('.'), dot2 = good.rfind('.');
  const std::string forged = good.substr(0, dot1) +
                             other.substr(other.find('.'), other.rfind('.') - other.find('.')) +
                             good.substr(dot2);
  EXPECT_EQ(verify_jwt(forged, verify_key_, "riff", 1000).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(verify_jwt("a.b", verify_key_, "riff", 1000).status().code(), Code::kUnauthenticated);
}

}  // namespace
}  // namespace riff::music
