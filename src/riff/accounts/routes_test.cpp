// The HTTP mapping, driven through the Router without a socket. The few
// steps the server does around a handler (authenticate, 401/403, CSRF) are
// repeated here as the server does them, so the authenticator is covered too.

#include <boost/json/parse.hpp>

#include "riff/accounts/test_support.hpp"
#include "riff/net/router.hpp"

namespace riff::accounts {
namespace {

using testing_support::AccountsTest;
using testing_support::unwrap;
namespace json = boost::json;

std::string str(const json::value& v) {
  return std::string(v.as_string());
}

struct Call {
  net::Method method = net::Method::kGet;
  std::string target;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

class RoutesTest : public AccountsTest {
 protected:
  void SetUp() override {
    AccountsTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;  // the base may skip or fail
    module_->mount(router_);
  }

  net::Response call(const Call& c) {
    net::Request req;
    req.method = c.method;
    req.target = c.target;
    auto q = c.target.find('?');
    req.path = c.target.substr(0, q);
    if (q != std::string::npos) req.query_string = c.target.substr(q + 1);
    req.body = c.body;
    req.remote_ip = "198.51.100.9";
    if (!c.body.empty()) req.headers.add("Content-Type", "application/json");
    for (const auto& [k, v] : c.headers) req.headers.set(k, v);
    auto m = router_.match(c.method, req.path);
    if (m.route == nullptr) return net::Response::text(m.path_matched ? 405 : 404, "");
    req.params = m.params;
    try {
      const auto& o = m.route->options;
      auto& auth = module_->authenticator();
      if (o.auth != net::Auth::kNone) req.principal = auth.authenticate(req);
      if ((o.auth == net::Auth::kRequired || o.auth == net::Auth::kAdmin) && !req.principal) {
        throw net::HttpError(401, "unauthenticated", "Authentication required");
      }
      if (o.auth == net::Auth::kAdmin && req.principal->role != net::Role::kAdmin) {
        throw net::HttpError(403, "forbidden", "Not allowed");
      }
      bool mutation = c.method != net::Method::kGet && c.method != net::Method::kHead;
      if (req.principal && req.principal->via_cookie && mutation && !o.csrf_exempt &&
          !auth.csrf_ok(req)) {
        throw net::HttpError(403, "csrf", "Missing or wrong CSRF token");
      }
      return m.route->handler(req);
    } catch (const net::HttpError& e) {
      return net::problem_response(e.problem(), req.path);
    }
  }

  static json::value body(const net::Response& r) { return json::parse(r.body); }

  std::vector<std::string> cookies(const net::Response& r) {
    std::vector<std::string> out;
    for (const auto& [k, v] : r.headers.items()) {
      if (k == "Set-Cookie") out.push_back(v);
    }
    return out;
  }

  /// Signs up over HTTP; returns the bearer token.
  std::string http_signup(const std::string& handle) {
    auto r = call({net::Method::kPost, "/api/v1/auth/signup",
                   R"({"handle":")" + handle + R"(","email":")" + handle +
                       R"(@example.com","password":"password-)" + handle + R"("})"});
    EXPECT_EQ(r.status, 201) << r.body;
    return str(body(r).at("token"));
  }

  static std::pair<std::string, std::string> bearer(const std::string& token) {
    return {"Authorization", "Bearer " + token};
  }

  net::Router router_;
};

TEST_P(RoutesTest, SignupAnswers201WithTokenAndSetsBothCookies) {
  auto r = call({net::Method::kPost, "/api/v1/auth/signup",
                 R"({"handle":"Alice","email":"alice@example.com","password":"password1"})"});
  ASSERT_EQ(r.status, 201) << r.body;
  auto b = body(r);
  const std::string token = str(b.at("token"));
  const std::string csrf = str(b.at("csrf_token"));
  EXPECT_EQ(str(b.at("user").at("handle")), "alice");
  EXPECT_EQ(str(b.at("user").at("role")), "user");
  EXPECT_TRUE(b.at("user").at("id").is_string());
  EXPECT_TRUE(b.at("user").at("avatar_url").is_null());
  EXPECT_EQ(b.at("user").at("follower_count").to_number<int>(), 0);

  auto set = cookies(r);
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(set[0], "riff_session=" + token + "; HttpOnly; SameSite=Lax; Path=/; Max-Age=2592000");
  EXPECT_EQ(set[1], "riff_csrf=" + csrf + "; SameSite=Lax; Path=/; Max-Age=2592000");
}

TEST_P(RoutesTest, SecureCookiesWhenConfigured) {
  auto o = options();
  o.cookies.secure_cookies = true;
  o.cookies.session_days = 1;
  build(o);
  router_ = net::Router();
  module_->mount(router_);
  auto r = call({net::Method::kPost, "/api/v1/auth/signup",
                 R"({"handle":"alice","email":"alice@example.com","password":"password1"})"});
  for (const auto& c : cookies(r)) {
    EXPECT_NE(c.find("; Max-Age=86400; Secure"), std::string::npos) << c;
  }
}

TEST_P(RoutesTest, SignupValidationListsEveryField) {
  auto r = call({net::Method::kPost, "/api/v1/auth/signup",
                 R"({"handle":"x","email":"nope","display_name":7})"});
  ASSERT_EQ(r.status, 400);
  auto b = body(r);
  EXPECT_EQ(str(b.at("type")), "/problems/validation");
  std::set<std::string> fields;
  for (const auto& e : b.at("errors").as_array()) fields.insert(str(e.at("pointer")));
  EXPECT_EQ(fields, (std::set<std::string>{"/handle", "/email", "/password", "/display_name"}));
  EXPECT_EQ(count("users"), 0);

  EXPECT_EQ(call({net::Method::kPost, "/api/v1/auth/signup", "[1,2"}).status, 400);
}

TEST_P(RoutesTest, FormEncodedSignupIsRefused) {
  auto r = call({net::Method::kPost,
                 "/api/v1/auth/signup",
                 R"({"handle":"alice","email":"alice@example.com","password":"password1"})",
                 {{"Content-Type", "text/plain"}}});
  EXPECT_EQ(r.status, 415);
}

TEST_P(RoutesTest, TakenHandleIsA409NamingTheField) {
  http_signup("alice");
  auto r = call({net::Method::kPost, "/api/v1/auth/signup",
                 R"({"handle":"ALICE","email":"new@example.com","password":"password1"})"});
  ASSERT_EQ(r.status, 409);
  auto b = body(r);
  EXPECT_EQ(str(b.at("type")), "/problems/conflict");
  ASSERT_EQ(b.at("errors").as_array().size(), 1u);
  EXPECT_EQ(str(b.at("errors").at(0).at("pointer")), "/handle");
}

TEST_P(RoutesTest, LoginFailuresAre401ThenRateLimitedWithRetryAfter) {
  http_signup("alice");
  for (int i = 0; i < 5; ++i) {
    auto r = call({net::Method::kPost, "/api/v1/auth/login",
                   R"({"login":"alice","password":"wrong-password"})"});
    ASSERT_EQ(r.status, 401);
    EXPECT_EQ(str(body(r).at("type")), "/problems/invalid-credentials");
  }
  auto r = call({net::Method::kPost, "/api/v1/auth/login",
                 R"({"login":"alice","password":"password-alice"})"});
  ASSERT_EQ(r.status, 429);
  EXPECT_EQ(str(body(r).at("type")), "/problems/rate-limited");
  auto retry = r.headers.get("Retry-After");
  ASSERT_TRUE(retry.has_value());
  EXPECT_GT(std::stoi(std::string(*retry)), 0);
}

TEST_P(RoutesTest, LoginByEmailReturnsUserAndCookies) {
  http_signup("alice");
  auto r = call({net::Method::kPost, "/api/v1/auth/login",
                 R"({"login":"ALICE@example.com","password":"password-alice"})"});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(body(r).at("user").at("email")), "alice@example.com");
  EXPECT_EQ(cookies(r).size(), 2u);
}

TEST_P(RoutesTest, CookieSessionsNeedTheCsrfTokenToChangeThingsBearerDoesNot) {
  auto s = signup("alice");
  const std::pair<std::string, std::string> cookie{
      "Cookie", "other=1; riff_session=" + s.token + "; riff_csrf=" + s.csrf_token};
  auto me = call({net::Method::kGet, "/api/v1/me", "", {cookie}});
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(str(body(me).at("handle")), "alice");

  const std::string patch = R"({"display_name":"Alice","bio":"hi","is_private":true})";
  EXPECT_EQ(call({net::Method::kPatch, "/api/v1/me", patch, {cookie}}).status, 403);
  // A token one character off; flipping, not overwriting, so it never equals the real one.
  std::string forged = s.csrf_token;
  forged[0] = forged[0] == 'A' ? 'B' : 'A';
  EXPECT_EQ(
      call({net::Method::kPatch, "/api/v1/me", patch, {cookie, {"X-CSRF-Token", forged}}}).status,
      403);
  auto ok =
      call({net::Method::kPatch, "/api/v1/me", patch, {cookie, {"X-CSRF-Token", s.csrf_token}}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_TRUE(body(ok).at("is_private").as_bool());
  EXPECT_EQ(call({net::Method::kPatch, "/api/v1/me", R"({"bio":"x"})", {bearer(s.token)}}).status,
            200);
  EXPECT_EQ(call({net::Method::kGet, "/api/v1/me"}).status, 401);
}

TEST_P(RoutesTest, PatchMeValidates) {
  auto s = signup("alice");
  auto r = call({net::Method::kPatch,
                 "/api/v1/me",
                 R"({"display_name":")" + std::string(51, 'x') + R"(","is_private":"yes"})",
                 {bearer(s.token)}});
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(body(r).at("errors").as_array().size(), 2u);
}

TEST_P(RoutesTest, QueryTokensAuthenticateOnlyWebSocketUpgrades) {
  auto s = signup("alice");
  EXPECT_EQ(call({net::Method::kGet, "/api/v1/me?token=" + s.token}).status, 401);
  net::Request upgrade;
  upgrade.query_string = "token=" + s.token;
  upgrade.headers.add("Upgrade", "websocket");
  auto p = module_->authenticator().authenticate(upgrade);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->user_id, s.user.id);
  EXPECT_FALSE(p->via_cookie);
}

TEST_P(RoutesTest, LogoutEndsTheSessionAndClearsCookies) {
  auto s = signup("alice");
  auto r = call({net::Method::kPost, "/api/v1/auth/logout", "", {bearer(s.token)}});
  ASSERT_EQ(r.status, 204);
  auto set = cookies(r);
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(set[0], "riff_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0");
  EXPECT_EQ(call({net::Method::kGet, "/api/v1/me", "", {bearer(s.token)}}).status, 401);
  EXPECT_EQ(call({net::Method::kPost, "/api/v1/auth/logout"}).status, 204);
}

TEST_P(RoutesTest, AvatarUploadChecksTypeAndMagicBytes) {
  auto s = signup("alice");
  auto put = [&](std::string type, std::string bytes) {
    return call(
        {net::Method::kPut, "/api/v1/me/avatar", bytes, {bearer(s.token), {"Content-Type", type}}});
  };
  EXPECT_EQ(put("image/gif", "GIF89a").status, 415);
  EXPECT_EQ(put("image/png", "\xFF\xD8\xFF\xE0 jpeg bytes").status, 415);
  auto ok = put("image/jpeg", "\xFF\xD8\xFF\xE0 jpeg bytes");
  ASSERT_EQ(ok.status, 200) << ok.body;
  const std::string url = str(body(ok).at("avatar_url"));
  EXPECT_EQ(url.rfind("/media/avatars/", 0), 0u);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "media" / url.substr(7)));
  std::string huge = "\x89PNG\r\n\x1a\n";
  huge.resize(kMaxAvatarBytes + 1, 'x');
  EXPECT_EQ(put("image/png", huge).status, 413);

  auto cleared = call({net::Method::kDelete, "/api/v1/me/avatar", "", {bearer(s.token)}});
  ASSERT_EQ(cleared.status, 200);
  EXPECT_TRUE(body(cleared).at("avatar_url").is_null());
  EXPECT_FALSE(std::filesystem::exists(dir_ / "media" / url.substr(7)));
}

TEST_P(RoutesTest, FollowBlockAndProfileFlow) {
  auto alice = signup("alice");
  auto bob = signup("bob");
  auto f = call({net::Method::kPost, "/api/v1/users/Bob/follow", "", {bearer(alice.token)}});
  ASSERT_EQ(f.status, 200) << f.body;
  EXPECT_EQ(str(body(f).at("state")), "following");
  EXPECT_EQ(
      call({net::Method::kPost, "/api/v1/users/alice/follow", "", {bearer(alice.token)}}).status,
      400);

  auto profile = call({net::Method::kGet, "/api/v1/users/bob", "", {bearer(alice.token)}});
  ASSERT_EQ(profile.status, 200);
  auto p = body(profile);
  EXPECT_EQ(p.at("follower_count").to_number<int>(), 1);
  EXPECT_TRUE(p.at("viewer").at("following").as_bool());
  EXPECT_FALSE(p.as_object().contains("email"));
  EXPECT_FALSE(body(call({net::Method::kGet, "/api/v1/users/bob"})).as_object().contains("viewer"));

  auto followers = call({net::Method::kGet, "/api/v1/users/bob/followers?limit=1"});
  ASSERT_EQ(followers.status, 200);
  EXPECT_EQ(str(body(followers).at("items").at(0).at("handle")), "alice");
  EXPECT_TRUE(body(followers).at("next_cursor").is_null());
  EXPECT_EQ(call({net::Method::kGet, "/api/v1/users/bob/followers?limit=0"}).status, 400);
  EXPECT_EQ(call({net::Method::kGet, "/api/v1/users/bob/followers?cursor=zzz"}).status, 400);

  EXPECT_EQ(call({net::Method::kPost, "/api/v1/users/alice/block", "", {bearer(bob.token)}}).status,
            204);
  EXPECT_EQ(call({net::Method::kGet, "/api/v1/users/bob", "", {bearer(alice.token)}}).status, 404);
  EXPECT_EQ(
      call({net::Method::kPost, "/api/v1/users/bob/follow", "", {bearer(alice.token)}}).status,
      404);
  auto blocks = call({net::Method::kGet, "/api/v1/me/blocks", "", {bearer(bob.token)}});
  EXPECT_EQ(str(body(blocks).at("items").at(0).at("handle")), "alice");
  EXPECT_EQ(
      call({net::Method::kDelete, "/api/v1/users/alice/block", "", {bearer(bob.token)}}).status,
      204);
  EXPECT_EQ(call({net::Method::kGet, "/api/v1/users/bob", "", {bearer(alice.token)}}).status, 200);
  EXPECT_EQ(call({net::Method::kGet, "/api/v1/users/nobody"}).status, 404);
}

TEST_P(RoutesTest, PrivateAccountRequestsAndNotifications) {
  auto alice = signup("alice");
  auto bob = signup("bob");
  ASSERT_EQ(call({net::Method::kPatch, "/api/v1/me", R"({"is_private":true})", {bearer(bob.token)}})
                .status,
            200);
  auto f = call({net::Method::kPost, "/api/v1/users/bob/follow", "", {bearer(alice.token)}});
  EXPECT_EQ(str(body(f).at("state")), "requested");
  EXPECT_EQ(
      call({net::Method::kGet, "/api/v1/users/bob/followers", "", {bearer(alice.token)}}).status,
      403);

  auto requests = call({net::Method::kGet, "/api/v1/me/follow-requests", "", {bearer(bob.token)}});
  ASSERT_EQ(requests.status, 200);
  auto item = body(requests).at("items").at(0);
  EXPECT_EQ(str(item.at("user").at("handle")), "alice");
  EXPECT_TRUE(item.at("created_at").is_string());

  auto unread =
      call({net::Method::kGet, "/api/v1/notifications/unread-count", "", {bearer(bob.token)}});
  EXPECT_EQ(body(unread).at("unread_count").to_number<int>(), 1);
  auto list = call({net::Method::kGet, "/api/v1/notifications", "", {bearer(bob.token)}});
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(str(body(list).at("items").at(0).at("kind")), "follow_request");
  EXPECT_EQ(body(list).at("unread_count").to_number<int>(), 1);

  const std::string approve =
      "/api/v1/me/follow-requests/" + id_to_string(alice.user.id) + "/approve";
  EXPECT_EQ(call({net::Method::kPost, approve, "", {bearer(alice.token)}}).status, 404);
  EXPECT_EQ(call({net::Method::kPost, approve, "", {bearer(bob.token)}}).status, 204);
  EXPECT_EQ(
      call({net::Method::kPost, "/api/v1/me/follow-requests/abc/decline", "", {bearer(bob.token)}})
          .status,
      404);
  EXPECT_EQ(
      call({net::Method::kGet, "/api/v1/users/bob/followers", "", {bearer(alice.token)}}).status,
      200);

  EXPECT_EQ(
      call({net::Method::kPost, "/api/v1/notifications/read", "", {bearer(bob.token)}}).status,
      204);
  unread = call({net::Method::kGet, "/api/v1/notifications/unread-count", "", {bearer(bob.token)}});
  EXPECT_EQ(body(unread).at("unread_count").to_number<int>(), 0);
  EXPECT_EQ(call({net::Method::kPost,
                  "/api/v1/notifications/read",
                  R"({"up_to":"x"})",
                  {bearer(bob.token)}})
                .status,
            400);
}

TEST_P(RoutesTest, OnlyAdminsChangeRoles) {
  auto alice = signup("alice");
  unwrap(accounts().create_user({"root", "root@example.com", "password1", {}}, Role::kAdmin));
  auto admin = unwrap(accounts().login("root", "password1", {}));
  EXPECT_EQ(call({net::Method::kPatch,
                  "/api/v1/admin/users/alice",
                  R"({"role":"admin"})",
                  {bearer(alice.token)}})
                .status,
            403);
  EXPECT_EQ(call({net::Method::kPatch,
                  "/api/v1/admin/users/alice",
                  R"({"role":"king"})",
                  {bearer(admin.token)}})
                .status,
            400);
  auto r = call({net::Method::kPatch,
                 "/api/v1/admin/users/alice",
                 R"({"role":"creator"})",
                 {bearer(admin.token)}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(body(r).at("role")), "creator");
  EXPECT_EQ(call({net::Method::kPatch,
                  "/api/v1/admin/users/nobody",
                  R"({"role":"seller"})",
                  {bearer(admin.token)}})
                .status,
            404);
}

TEST_P(RoutesTest, EveryRouteOfTheContractIsMounted) {
  std::set<std::string> have;
  for (const auto& r : router_.routes()) {
    have.insert(std::string(net::method_name(r->method)) + " " + r->pattern);
  }
  for (const char* want : {"POST /api/v1/auth/signup",
                           "POST /api/v1/auth/login",
                           "POST /api/v1/auth/logout",
                           "GET /api/v1/me",
                           "PATCH /api/v1/me",
                           "PUT /api/v1/me/avatar",
                           "DELETE /api/v1/me/avatar",
                           "GET /api/v1/users/{handle}",
                           "GET /api/v1/users/{handle}/followers",
                           "GET /api/v1/users/{handle}/following",
                           "POST /api/v1/users/{handle}/follow",
                           "DELETE /api/v1/users/{handle}/follow",
                           "POST /api/v1/users/{handle}/block",
                           "DELETE /api/v1/users/{handle}/block",
                           "GET /api/v1/me/blocks",
                           "GET /api/v1/me/follow-requests",
                           "POST /api/v1/me/follow-requests/{user_id}/approve",
                           "POST /api/v1/me/follow-requests/{user_id}/decline",
                           "GET /api/v1/notifications",
                           "GET /api/v1/notifications/unread-count",
                           "POST /api/v1/notifications/read",
                           "PATCH /api/v1/admin/users/{handle}",
                           "GET /api/v1/ws"}) {
    EXPECT_TRUE(have.count(want)) << want;
  }
}

RIFF_ACCOUNTS_ON_EVERY_BACKEND(RoutesTest);

}  // namespace
}  // namespace riff::accounts
