// Sliding-window throttles and input rules.

#include "riff/accounts/throttle.hpp"

#include <gtest/gtest.h>

#include "riff/accounts/validation.hpp"

namespace riff::accounts {
namespace {

TEST(ThrottleTest, RefusesAtTheLimitUntilTheOldestEventLeavesTheWindow) {
  SlidingWindowCounter c(3, 10'000, 100);
  c.record("k", 1'000);
  c.record("k", 2'000);
  EXPECT_EQ(c.retry_after_s("k", 2'000), 0);
  c.record("k", 5'000);
  EXPECT_EQ(c.retry_after_s("k", 5'000), 6);  // the event at 1 s leaves at 11 s
  EXPECT_EQ(c.retry_after_s("k", 10'999), 1);
  EXPECT_EQ(c.retry_after_s("k", 11'000), 0);
  EXPECT_EQ(c.retry_after_s("other", 5'000), 0);
  c.clear("k");
  EXPECT_EQ(c.retry_after_s("k", 5'000), 0);
}

TEST(ThrottleTest, MemoryStaysBoundedUnderManyKeys) {
  SlidingWindowCounter c(5, 60'000, 50);
  for (int i = 0; i < 10'000; ++i) c.record("key" + std::to_string(i), 1'000 + i);
  EXPECT_LE(c.key_count(), 50u);
  EXPECT_GT(c.retry_after_s("key9999", 11'000), -1);  // the newest keys survive
  // A full table first drops every key whose window has passed.
  SlidingWindowCounter d(5, 60'000, 10);
  for (int i = 0; i < 10; ++i) d.record("key" + std::to_string(i), 0);
  d.record("fresh", 120'000);
  EXPECT_EQ(d.key_count(), 1u);
}

TEST(ThrottleTest, LoginLimitsApplyPerAccountAndPerAddress) {
  AuthThrottle t({.login_failures_per_account = 2,
                  .login_failures_per_ip = 3,
                  .login_window_s = 60,
                  .signups_per_ip_per_hour = 1});
  t.record_login_failure("user:1", "ip-a", 0);
  t.record_login_failure("user:1", "ip-b", 0);
  EXPECT_GT(t.login_retry_after_s("user:1", "ip-c", 0), 0);
  EXPECT_EQ(t.login_retry_after_s("user:2", "ip-a", 0), 0);
  t.record_login_failure("user:2", "ip-a", 0);
  t.record_login_failure("user:3", "ip-a", 0);
  EXPECT_GT(t.login_retry_after_s("user:4", "ip-a", 0), 0);
  t.record_login_success("user:1");
  EXPECT_EQ(t.login_retry_after_s("user:1", "ip-c", 0), 0);

  EXPECT_EQ(t.signup_retry_after_s("ip-a", 0), 0);
  t.record_signup("ip-a", 0);
  EXPECT_EQ(t.signup_retry_after_s("ip-a", 1), 3600);
}

TEST(ValidationTest, EmailsNeedALocalPartADomainAndATld) {
  for (const std::string& good :
       std::vector<std::string>{"a@b.co", "first.last+tag@sub.example.org", "X@Y.Z"}) {
    EXPECT_FALSE(email_error(good).has_value()) << good;
  }
  for (const std::string& bad : std::vector<std::string>{
           "", "plain", "@example.com", "a@", "a@example", "a@.com", "a@b.", "a@@b.com",
           "a b@c.com", "a@b..com", std::string(250, 'a') + "@b.com"}) {
    EXPECT_TRUE(email_error(bad).has_value()) << bad;
  }
}

TEST(ValidationTest, TextLimitsCountCodePointsAndRefuseBadUtf8) {
  EXPECT_FALSE(password_error("12345678").has_value());
  EXPECT_TRUE(password_error("1234567").has_value());
  EXPECT_FALSE(password_error(std::string(128, 'p')).has_value());
  EXPECT_TRUE(password_error(std::string(129, 'p')).has_value());
  EXPECT_TRUE(display_name_error("\xC3").has_value());
  EXPECT_TRUE(display_name_error("tab\there").has_value());
  EXPECT_FALSE(bio_error("two\nlines").has_value());
  EXPECT_FALSE(display_name_error("").has_value());
  std::string fifty_emoji;
  for (int i = 0; i < 50; ++i) fifty_emoji += "\xF0\x9F\x8E\xB5";
  EXPECT_FALSE(display_name_error(fifty_emoji).has_value());
  EXPECT_TRUE(display_name_error(fifty_emoji + "x").has_value());
}

}  // namespace
}  // namespace riff::accounts
