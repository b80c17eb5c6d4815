// Webhook signatures: a valid one passes; a forged MAC, an altered body or
// timestamp, a stale or far-future timestamp and a malformed header fail.

#include "riff/payments/signature.hpp"

#include <gtest/gtest.h>

namespace riff::payments {
namespace {

constexpr std::string_view kSecret = "whsec_test_secret_0123456789";
constexpr std::string_view kBody = R"({"id":"evt_1","type":"payment_intent.succeeded"})";
constexpr std::int64_t kNow = 1'750'000'000;

TEST(WebhookSignature, ASignedBodyVerifiesWithinTheTolerance) {
  const std::string header = sign_webhook(kSecret, kNow - 299, kBody);
  EXPECT_TRUE(header.starts_with("t=" + std::to_string(kNow - 299) + ",v1="));
  const SignatureCheck check = verify_webhook(kSecret, header, kBody, kNow, 300);
  EXPECT_TRUE(check.ok()) << check.detail;
  EXPECT_EQ(check.timestamp, kNow - 299);
}

TEST(WebhookSignature, AnotherSecretIsAForgery) {
  const std::string header = sign_webhook("whsec_someone_else_entirely", kNow, kBody);
  EXPECT_EQ(verify_webhook(kSecret, header, kBody, kNow, 300).error, SignatureError::kMismatch);
}

TEST(WebhookSignature, AnAlteredBodyOrTimestampFails) {
  const std::string header = sign_webhook(kSecret, kNow, kBody);
  std::string altered(kBody);
  altered.replace(altered.find("succeeded"), 9, "canceled!");
  EXPECT_EQ(verify_webhook(kSecret, header, altered, kNow, 300).error, SignatureError::kMismatch);
  // Moving the timestamp forward to dodge the tolerance breaks the MAC.
  std::string moved = header;
  moved.replace(2, std::to_string(kNow).size(), std::to_string(kNow + 1));
  EXPECT_EQ(verify_webhook(kSecret, moved, kBody, kNow, 300).error, SignatureError::kMismatch);
}

TEST(WebhookSignature, StaleAndFutureTimestampsFail) {
  EXPECT_EQ(verify_webhook(kSecret, sign_webhook(kSecret, kNow - 301, kBody), kBody, kNow, 300).error,
            SignatureError::kStale);
  EXPECT_EQ(verify_webhook(kSecret, sign_webhook(kSecret, kNow + 301, kBody), kBody, kNow, 300).error,
            SignatureError::kStale);
}

TEST(WebhookSignature, MalformedHeadersFail) {
  for (std::string_view header : {"", "t=,v1=ab", "v1=abcdef", "t=12x,v1=ab", "t=1750000000"}) {
    EXPECT_EQ(verify_webhook(kSecret, header, kBody, kNow, 300).error, SignatureError::kMalformed)
        << header;
  }
}

TEST(WebhookSignature, AnyOfSeveralV1ValuesMayMatchDuringRotation) {
  const std::string good = sign_webhook(kSecret, kNow, kBody);
  const std::string header =
      "t=" + std::to_string(kNow) + ",v1=" + std::string(64, '0') + "," + good.substr(good.find("v1="));
  EXPECT_TRUE(verify_webhook(kSecret, header, kBody, kNow, 300).ok());
}

}  // namespace
}  // namespace riff::payments
