#include "riff/net/router.hpp"

#include <gtest/gtest.h>

namespace riff::net {
namespace {

Handler named(std::string name) {
  return [name](Request&) { return Response::text(200, name); };
}

std::string call(const Router& r, Method m, std::string_view path) {
  Match match = r.match(m, path);
  if (!match.route) return match.path_matched ? "405" : "404";
  Request req;
  req.params = match.params;
  return match.route->handler(req).body;
}

TEST(Router, LiteralSegmentsWinOverParameters) {
  Router r;
  r.get("/api/v1/users/{handle}", named("user"));
  r.get("/api/v1/users/me", named("me"));
  EXPECT_EQ(call(r, Method::kGet, "/api/v1/users/me"), "me");
  EXPECT_EQ(call(r, Method::kGet, "/api/v1/users/alice"), "user");
}

TEST(Router, ExtractsPathParameters) {
  Router r;
  r.get("/api/v1/users/{handle}/followers", named("followers"));
  Match m = r.match(Method::kGet, "/api/v1/users/alice/followers");
  ASSERT_NE(m.route, nullptr);
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].first, "handle");
  EXPECT_EQ(m.params[0].second, "alice");
}

TEST(Router, RestParameterTakesTheRemainingPath) {
  Router r;
  r.get("/media/{path*}", named("media"));
  Match m = r.match(Method::kGet, "/media/a/b/c.m4s");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params[0].second, "a/b/c.m4s");
}

TEST(Router, DistinguishesNotFoundFromMethodNotAllowed) {
  Router r;
  r.get("/things", named("list"));
  EXPECT_EQ(call(r, Method::kPost, "/things"), "405");
  EXPECT_EQ(call(r, Method::kGet, "/nothing"), "404");
  EXPECT_EQ(call(r, Method::kGet, "/things/extra"), "404");
}

TEST(Router, HeadIsServedByGetRoutes) {
  Router r;
  r.get("/x", named("x"));
  EXPECT_EQ(call(r, Method::kHead, "/x"), "x");
}

TEST(Router, RejectsDuplicateRoutes) {
  Router r;
  r.get("/x", named("a"));
  EXPECT_THROW(r.get("/x", named("b")), std::invalid_argument);
}

}  // namespace
}  // namespace riff::net
