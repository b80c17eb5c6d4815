// Session tokens, their stored hashes, CSRF derivation and cursors.

#include "riff/accounts/tokens.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <set>

#include "riff/accounts/cursor.hpp"
#include "riff/accounts/passwords.hpp"

namespace riff::accounts {
namespace {

TEST(TokensTest, SessionTokensAre32RandomBytesInBase64url) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string t = new_session_token();
    ASSERT_EQ(t.size(), 43u);
    EXPECT_EQ(
        t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos);
    EXPECT_EQ(from_base64url(t)->size(), 32u);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(TokensTest, StoredHashIsHexBlake2bOfTheToken) {
  std::string t = new_session_token();
  std::string h = hash_session_token(t);
  EXPECT_EQ(h.size(), 64u);
  EXPECT_EQ(h, hash_session_token(t));
  EXPECT_NE(h, hash_session_token(new_session_token()));
}

TEST(TokensTest, CsrfTokenIsTheKeyedHashOfTheSessionTokenCutTo32) {
  ASSERT_TRUE(ensure_sodium());
  const std::string token = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
  // Independent computation of the documented derivation.
  unsigned char key[16] = {'r', 'i', 'f', 'f', '-', 'c', 's', 'r', 'f', '-', 'v', '1', 0, 0, 0, 0};
  unsigned char mac[32];
  crypto_generichash(mac, sizeof mac, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), key, sizeof key);
  char b64[64];
  sodium_bin2base64(b64, sizeof b64, mac, sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  const std::string expected = std::string(b64).substr(0, 32);

  EXPECT_EQ(csrf_token_for(token), expected);
  EXPECT_TRUE(csrf_token_matches(token, expected));
  EXPECT_FALSE(csrf_token_matches(token, expected.substr(0, 31)));
  EXPECT_FALSE(csrf_token_matches(token, csrf_token_for(new_session_token())));
  EXPECT_FALSE(csrf_token_matches(token, ""));
}

TEST(TokensTest, Base64urlRoundTripsAndRejectsGarbage) {
  for (const std::string& s :
       std::vector<std::string>{"", "a", "ab", "abc", std::string("\0\xff\x10", 3)}) {
    EXPECT_EQ(from_base64url(base64url(s)), s);
  }
  EXPECT_FALSE(from_base64url("a+b/").has_value());
  EXPECT_FALSE(from_base64url("abc=").has_value());
}

TEST(CursorTest, RoundTripsAndRejectsForeignText) {
  CursorKey k{1'790'000'000'123, 987654321};
  auto back = decode_cursor(encode_cursor(k));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->time, k.time);
  EXPECT_EQ(back->id, k.id);
  EXPECT_FALSE(decode_cursor("").has_value());
  EXPECT_FALSE(decode_cursor("!!").has_value());
  EXPECT_FALSE(decode_cursor(base64url("c1:12")).has_value());
  EXPECT_FALSE(decode_cursor(base64url("c2:1:2")).has_value());
  EXPECT_FALSE(decode_cursor(base64url("c1:1:x")).has_value());
}

}  // namespace
}  // namespace riff::accounts
