// AccountService rules without HTTP: sign-up, log-in, sessions, profile, avatars.

#include <fstream>

#include "riff/accounts/test_support.hpp"
#include "riff/accounts/tokens.hpp"

namespace riff::accounts {
namespace {

using testing_support::AccountsTest;
using testing_support::unwrap;

std::vector<std::string> pointers(const Status& s) {
  std::vector<std::string> out;
  for (const auto& f : s.fields()) out.push_back(f.pointer);
  return out;
}

constexpr std::string_view kPng = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

class AccountServiceTest : public AccountsTest {};

TEST_P(AccountServiceTest, SignupStoresLowercaseNamesAnArgon2idHashAndOpensASession) {
  auto s = unwrap(accounts().signup({"Alice_1", "Alice@Example.COM", "correct horse", std::nullopt},
                                    {"198.51.100.7", "ua"}));
  EXPECT_EQ(s.user.handle, "alice_1");
  EXPECT_EQ(s.user.email, "alice@example.com");
  EXPECT_EQ(s.user.display_name, "Alice_1");
  EXPECT_EQ(s.user.role, Role::kUser);
  EXPECT_EQ(s.token.size(), 43u);
  EXPECT_EQ(s.csrf_token, csrf_token_for(s.token));

  auto rows = unwrap(db_->query("SELECT password_hash FROM users WHERE id = $1", {s.user.id}));
  EXPECT_EQ(rows[0].str(0).rfind("$argon2id$", 0), 0u) << rows[0].str(0);
  // Only the token's hash is stored.
  auto sessions = unwrap(db_->query("SELECT token_hash FROM sessions"));
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_NE(sessions[0].str(0), s.token);
  EXPECT_EQ(sessions[0].str(0), hash_session_token(s.token));

  auto who = unwrap(accounts().authenticate(s.token));
  EXPECT_EQ(who.user_id, s.user.id);
  EXPECT_EQ(who.role, Role::kUser);
}

TEST_P(AccountServiceTest, SignupNamesEveryBadFieldAtOnceAndWritesNothing) {
  auto r = accounts().signup({"_x!", "not-an-email", "short", std::string(51, 'n')}, {});
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kInvalid);
  EXPECT_EQ(pointers(r.status()),
            (std::vector<std::string>{"/handle", "/email", "/password", "/display_name"}));
  EXPECT_EQ(count("users"), 0);
}

TEST_P(AccountServiceTest, HandleRulesFollowTheContract) {
  for (const std::string& bad : std::vector<std::string>{"ab", std::string(25, 'a'), ".alice",
                                                         "_alice", "al ice", "al-ice", "álice"}) {
    auto r = accounts().signup({bad, "x@example.com", "password1", std::nullopt}, {});
    ASSERT_FALSE(r.is_ok()) << bad;
    EXPECT_EQ(pointers(r.status()), std::vector<std::string>{"/handle"}) << bad;
  }
  for (const std::string& good :
       std::vector<std::string>{"abc", std::string(24, 'z'), "a.b_c", "9lives", "ALICE.b"}) {
    auto r = accounts().create_user({good, good + "@example.com", "password1", std::nullopt},
                                    Role::kUser);
    EXPECT_TRUE(r.is_ok()) << good << ": " << r.status().message();
  }
}

TEST_P(AccountServiceTest, TakenHandleOrEmailIsAConflictNamingTheFieldAndWritesNothing) {
  signup("alice");
  auto same_handle = accounts().signup({"ALICE", "other@example.com", "password1", {}}, {});
  ASSERT_EQ(same_handle.status().code(), Code::kConflict);
  ASSERT_EQ(taken_fields(same_handle.status()).size(), 1u);
  EXPECT_EQ(taken_fields(same_handle.status())[0].pointer, "/handle");

  auto same_email = accounts().signup({"bob", "Alice@Example.com", "password1", {}}, {});
  ASSERT_EQ(same_email.status().code(), Code::kConflict);
  ASSERT_EQ(taken_fields(same_email.status()).size(), 1u);
  EXPECT_EQ(taken_fields(same_email.status())[0].pointer, "/email");

  auto both = accounts().signup({"alice", "alice@example.com", "password1", {}}, {});
  ASSERT_EQ(both.status().code(), Code::kConflict);
  EXPECT_EQ(taken_fields(both.status()).size(), 2u);

  EXPECT_EQ(count("users"), 1);
  EXPECT_EQ(count("sessions"), 1);
}

TEST_P(AccountServiceTest, SignupsPerAddressAreLimited) {
  auto o = options();
  o.accounts.throttle.signups_per_ip_per_hour = 2;
  build(o);
  signup("user1", "203.0.113.5");
  signup("user2", "203.0.113.5");
  auto third =
      accounts().signup({"user3", "user3@example.com", "password1", {}}, {"203.0.113.5", ""});
  ASSERT_EQ(third.status().code(), Code::kRateLimited);
  EXPECT_GT(third.status().retry_after_s(), 0);
  EXPECT_TRUE(accounts()
                  .signup({"user4", "user4@example.com", "password1", {}}, {"203.0.113.6", ""})
                  .is_ok());
  clock_.advance_ms(3'600'001);
  EXPECT_TRUE(accounts()
                  .signup({"user3", "user3@example.com", "password1", {}}, {"203.0.113.5", ""})
                  .is_ok());
}

TEST_P(AccountServiceTest, LoginWorksWithHandleOrEmailInAnyCase) {
  auto alice = signup("alice");
  for (const std::string& login :
       std::vector<std::string>{"alice", "ALICE", "alice@example.com", "Alice@EXAMPLE.com"}) {
    auto s = accounts().login(login, "password-alice", {"198.51.100.1", ""});
    ASSERT_TRUE(s.is_ok()) << login << ": " << s.status().message();
    EXPECT_EQ(s->user.id, alice.user.id);
    EXPECT_NE(s->token, alice.token);
  }
}

TEST_P(AccountServiceTest, WrongPasswordOrUnknownLoginIsUnauthenticated) {
  signup("alice");
  EXPECT_EQ(accounts().login("alice", "wrong password", {}).status().code(),
            Code::kUnauthenticated);
  EXPECT_EQ(accounts().login("nobody", "password-alice", {}).status().code(),
            Code::kUnauthenticated);
}

TEST_P(AccountServiceTest, AccountIsThrottledAfterFiveFailuresEvenWithTheRightPassword) {
  signup("alice");
  for (int i = 0; i < 5; ++i) {
    // Each failure from a different address: the limit is per account.
    auto r = accounts().login(i % 2 ? "alice" : "alice@example.com", "wrong",
                              {"192.0.2." + std::to_string(i), ""});
    ASSERT_EQ(r.status().code(), Code::kUnauthenticated) << i;
  }
  auto blocked = accounts().login("alice", "password-alice", {"192.0.2.99", ""});
  ASSERT_EQ(blocked.status().code(), Code::kRateLimited);
  EXPECT_GT(blocked.status().retry_after_s(), 0);
  EXPECT_LE(blocked.status().retry_after_s(), 900);

  clock_.advance_ms(900'000);
  EXPECT_TRUE(accounts().login("alice", "password-alice", {"192.0.2.99", ""}).is_ok());
}

TEST_P(AccountServiceTest, AddressIsThrottledAcrossAccounts) {
  auto o = options();
  o.accounts.throttle.login_failures_per_ip = 3;
  build(o);
  signup("alice");
  for (const std::string& who : std::vector<std::string>{"bob", "carol", "dave"}) {
    EXPECT_EQ(accounts().login(who, "whatever1", {"192.0.2.1", ""}).status().code(),
              Code::kUnauthenticated);
  }
  EXPECT_EQ(accounts().login("alice", "password-alice", {"192.0.2.1", ""}).status().code(),
            Code::kRateLimited);
  EXPECT_TRUE(accounts().login("alice", "password-alice", {"192.0.2.2", ""}).is_ok());
}

TEST_P(AccountServiceTest, SuccessfulLoginClearsTheAccountsFailures) {
  signup("alice");
  for (int i = 0; i < 4; ++i) (void)accounts().login("alice", "wrong", {});
  ASSERT_TRUE(accounts().login("alice", "password-alice", {}).is_ok());
  for (int i = 0; i < 4; ++i) (void)accounts().login("alice", "wrong", {});
  EXPECT_TRUE(accounts().login("alice", "password-alice", {}).is_ok());
}

TEST_P(AccountServiceTest, SessionsExpireAfterSessionDays) {
  auto s = signup("alice");
  clock_.advance_ms(29LL * 86'400'000);
  EXPECT_TRUE(accounts().authenticate(s.token).is_ok());
  clock_.advance_ms(1LL * 86'400'000);
  EXPECT_EQ(accounts().authenticate(s.token).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(count("sessions"), 0);  // removed on sight
}

TEST_P(AccountServiceTest, ExpiredSessionsAreSweptInBulk) {
  signup("alice");
  signup("bob");
  clock_.advance_ms(31LL * 86'400'000);
  auto fresh = signup("carol");
  EXPECT_EQ(unwrap(accounts().delete_expired_sessions()), 2);
  EXPECT_TRUE(accounts().authenticate(fresh.token).is_ok());
}

TEST_P(AccountServiceTest, UnknownOrMalformedTokensAreRejected) {
  signup("alice");
  EXPECT_EQ(accounts().authenticate(new_session_token()).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(accounts().authenticate("").status().code(), Code::kUnauthenticated);
  EXPECT_EQ(accounts().authenticate("x").status().code(), Code::kUnauthenticated);
}

TEST_P(AccountServiceTest, LogoutEndsOnlyThatSession) {
  auto a = signup("alice");
  auto b = unwrap(accounts().login("alice", "password-alice", {}));
  auto who = unwrap(accounts().authenticate(a.token));
  ASSERT_TRUE(accounts().logout(who.session_id).is_ok());
  EXPECT_FALSE(accounts().authenticate(a.token).is_ok());
  EXPECT_TRUE(accounts().authenticate(b.token).is_ok());
  EXPECT_TRUE(accounts().logout(who.session_id).is_ok());  // again: nothing to do
}

TEST_P(AccountServiceTest, ProfileUpdatesValidateAndOnlyTouchGivenFields) {
  auto a = signup("alice");
  auto bad =
      accounts().update_profile(a.user.id, {std::string(51, 'x'), std::string(161, 'y'), {}});
  ASSERT_EQ(bad.status().code(), Code::kInvalid);
  EXPECT_EQ(pointers(bad.status()), (std::vector<std::string>{"/display_name", "/bio"}));

  // 160 code points of a 2-byte character fit; the limit counts characters.
  std::string bio;
  for (int i = 0; i < 160; ++i) bio += "é";
  auto u = unwrap(accounts().update_profile(a.user.id, {std::nullopt, bio, true}));
  EXPECT_EQ(u.bio, bio);
  EXPECT_TRUE(u.is_private);
  EXPECT_EQ(u.display_name, "alice");
  u = unwrap(accounts().update_profile(a.user.id, {"Alice A.", std::nullopt, std::nullopt}));
  EXPECT_EQ(u.display_name, "Alice A.");
  EXPECT_EQ(u.bio, bio);
  EXPECT_TRUE(u.is_private);
}

TEST_P(AccountServiceTest, AvatarIsWrittenUnderMediaAndTheOldOneRemoved) {
  auto a = signup("alice");
  std::string png(kPng);
  png += std::string(100, 'x');
  auto u1 = unwrap(accounts().set_avatar(a.user.id, ImageType::kPng, png));
  ASSERT_TRUE(u1.avatar_path.has_value());
  EXPECT_EQ(u1.avatar_path->rfind("avatars/" + std::to_string(a.user.id) + "-", 0), 0u);
  const auto first = dir_ / "media" / *u1.avatar_path;
  ASSERT_TRUE(std::filesystem::exists(first));
  std::ifstream in(first, std::ios::binary);
  std::string stored((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(stored, png);

  auto u2 = unwrap(accounts().set_avatar(a.user.id, ImageType::kJpeg, "\xFF\xD8\xFF\xE0 jpeg"));
  EXPECT_NE(u2.avatar_path, u1.avatar_path);
  EXPECT_EQ(u2.avatar_path->substr(u2.avatar_path->size() - 4), ".jpg");
  EXPECT_FALSE(std::filesystem::exists(first));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "media" / *u2.avatar_path));

  auto u3 = unwrap(accounts().clear_avatar(a.user.id));
  EXPECT_FALSE(u3.avatar_path.has_value());
  EXPECT_FALSE(std::filesystem::exists(dir_ / "media" / *u2.avatar_path));
}

TEST_P(AccountServiceTest, AvatarBytesMustMatchTheTypeAndFitTheLimit) {
  auto a = signup("alice");
  EXPECT_EQ(accounts().set_avatar(a.user.id, ImageType::kPng, "GIF89a....").status().code(),
            Code::kInvalid);
  EXPECT_EQ(accounts().set_avatar(a.user.id, ImageType::kWebp, "RIFF\0\0\0\0WEBX").status().code(),
            Code::kInvalid);
  std::string huge(kPng);
  huge.resize(kMaxAvatarBytes + 1, 'x');
  EXPECT_EQ(accounts().set_avatar(a.user.id, ImageType::kPng, huge).status().code(),
            Code::kTooLarge);
  EXPECT_FALSE(reload(a.user.id).avatar_path.has_value());
}

TEST_P(AccountServiceTest, ImageTypesAreRecognisedByContentTypeAndMagic) {
  EXPECT_EQ(image_type_from_content_type("image/png"), ImageType::kPng);
  EXPECT_EQ(image_type_from_content_type("Image/JPEG; q=1"), ImageType::kJpeg);
  EXPECT_EQ(image_type_from_content_type("image/webp"), ImageType::kWebp);
  EXPECT_FALSE(image_type_from_content_type("image/gif").has_value());
  EXPECT_FALSE(image_type_from_content_type("").has_value());
  EXPECT_TRUE(magic_matches(ImageType::kWebp, std::string_view("RIFF\x10\0\0\0WEBPVP8 ", 16)));
}

TEST_P(AccountServiceTest, AdminCreatedUsersAndRoleChanges) {
  auto admin = unwrap(
      accounts().create_user({"root", "root@example.com", "password1", "Root"}, Role::kAdmin));
  EXPECT_EQ(admin.role, Role::kAdmin);
  EXPECT_EQ(count("sessions"), 0);
  auto s = unwrap(accounts().login("root", "password1", {}));
  EXPECT_EQ(unwrap(accounts().authenticate(s.token)).role, Role::kAdmin);

  signup("alice");
  auto alice = unwrap(accounts().set_role("ALICE", Role::kCreator));
  EXPECT_EQ(alice.role, Role::kCreator);
  EXPECT_EQ(reload(alice.id).role, Role::kCreator);
  EXPECT_EQ(accounts().set_role("nobody", Role::kSeller).status().code(), Code::kNotFound);
}

TEST_P(AccountServiceTest, PasswordsVerifyAndRehashWhenTheCostChanges) {
  PasswordHasher cheap(PasswordOptions::minimum());
  auto h = unwrap(cheap.hash("hunter22"));
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(cheap.verify(h, "hunter22"));
  EXPECT_FALSE(cheap.verify(h, "hunter23"));
  EXPECT_FALSE(cheap.verify("garbage", "hunter22"));
  EXPECT_FALSE(cheap.needs_rehash(h));
  PasswordOptions stronger = PasswordOptions::minimum();
  stronger.opslimit += 1;
  EXPECT_TRUE(PasswordHasher(stronger).needs_rehash(h));
}

RIFF_ACCOUNTS_ON_EVERY_BACKEND(AccountServiceTest);

}  // namespace
}  // namespace riff::accounts
