#include "riff/accounts/routes.hpp"

#include <fmt/format.h>

#include "riff/accounts/avatar_files.hpp"
#include "riff/accounts/image_upload.hpp"
#include "riff/accounts/live_hub.hpp"
#include "riff/accounts/notifications.hpp"
#include "riff/accounts/render.hpp"
#include "riff/accounts/service.hpp"
#include "riff/accounts/session_authenticator.hpp"
#include "riff/accounts/social.hpp"
#include "riff/accounts/validation.hpp"
#include "riff/net/json.hpp"

namespace riff::accounts {
namespace {

using net::Auth;
using net::HttpError;
using net::Request;
using net::Response;
namespace json = boost::json;

// A little over 2 MiB so that an avatar of exactly the limit fits; the
// service enforces the exact limit.
constexpr std::size_t kAvatarRouteMaxBody = kMaxAvatarBytes + 64 * 1024;

const net::Principal& principal_of(const Request& req) {
  // Routes with Auth::kRequired/kAdmin never run without one; this guards a
  // route registered with the wrong option.
  if (!req.principal)
    throw HttpError(401, "unauthenticated", "Authentication required", "Log in first.");
  return *req.principal;
}

std::optional<Id> viewer_of(const Request& req) {
  if (!req.principal) return std::nullopt;
  return req.principal->user_id;
}

ClientInfo client_of(const Request& req) {
  return {req.remote_ip, std::string(req.header("User-Agent").value_or(""))};
}

PageRequest page_of(const Request& req) {
  net::PageParams p = net::page_params(req);
  return {p.limit, p.cursor};
}

std::string cookie(std::string_view name, std::string_view value, bool http_only,
                   std::int64_t max_age_s, bool secure) {
  return fmt::format("{}={}; {}SameSite=Lax; Path=/; Max-Age={}{}", name, value,
                     http_only ? "HttpOnly; " : "", max_age_s, secure ? "; Secure" : "");
}

void set_session_cookies(Response& res, const IssuedSession& s, const CookieOptions& o) {
  const std::int64_t max_age = std::int64_t{o.session_days} * 86'400;
  res.headers.add("Set-Cookie", cookie(kSessionCookie, s.token, true, max_age, o.secure_cookies));
  res.headers.add("Set-Cookie",
                  cookie(kCsrfCookie, s.csrf_token, false, max_age, o.secure_cookies));
  res.headers.add("Cache-Control", "no-store");
}

void clear_session_cookies(Response& res, const CookieOptions& o) {
  res.headers.add("Set-Cookie", cookie(kSessionCookie, "", true, 0, o.secure_cookies));
  res.headers.add("Set-Cookie", cookie(kCsrfCookie, "", false, 0, o.secure_cookies));
}

Response session_response(int status, const IssuedSession& s, const CookieOptions& o) {
  Response res = net::json_response(status, json::object{
                                                {"user", user_me_json(s.user)},
                                                {"token", s.token},
                                                {"csrf_token", s.csrf_token},
                                            });
  set_session_cookies(res, s, o);
  return res;
}

Response user_me_response(Result<User> r) {
  return net::json_response(200, user_me_json(net::value_or_throw(std::move(r))));
}

template <class T, class Render>
Response page_response(const Page<T>& page, Render render) {
  json::array items;
  items.reserve(page.items.size());
  for (const T& item : page.items) items.push_back(render(item));
  return net::json_response(200, page_json(std::move(items), page.next_cursor));
}

/// A path parameter that must be an id; anything else names nothing (404).
Id id_param(const Request& req, std::string_view name) {
  auto id = parse_id(req.param(name));
  if (!id) throw HttpError(404, "not-found", "Not found", "No such user.");
  return *id;
}

net::RouteOptions with_auth(Auth auth) {
  net::RouteOptions o;
  o.auth = auth;
  return o;
}

/// 415 for the encodings an HTML form can send cross-site without a
/// preflight. Sign-up and log-in take no CSRF token, so a JSON-only rule is
/// what keeps another site from logging a browser into an account it chose.
void reject_form_body(const Request& req) {
  std::string type = to_lower_ascii(req.header("Content-Type").value_or(""));
  type = type.substr(0, type.find(';'));
  if (type == "application/x-www-form-urlencoded" || type == "multipart/form-data" ||
      type == "text/plain") {
    throw HttpError(415, "unsupported-media-type", "Unsupported media type",
                    "Send the body as application/json.");
  }
}

// --- auth ---

Response signup(const RouteDeps& d, Request& req) {
  reject_form_body(req);
  net::BodyReader body(req);
  // No length rules here: the service's own checks give the contract's
  // messages, and they are added below so all errors come back at once.
  auto handle = body.string("handle", {.required = true});
  auto email = body.string("email", {.required = true});
  auto password = body.string("password", {.required = true});
  auto display_name = body.string("display_name", {});
  auto country = body.string("country", {});
  if (handle) {
    if (auto e = handle_error(*handle)) body.fail("handle", *e);
  }
  if (email) {
    if (auto e = email_error(*email)) body.fail("email", *e);
  }
  if (password) {
    if (auto e = password_error(*password)) body.fail("password", *e);
  }
  if (display_name) {
    if (auto e = display_name_error(*display_name)) body.fail("display_name", *e);
  }
  if (country) {
    if (auto e = country_error(*country)) body.fail("country", *e);
  }
  body.finish();

  auto issued =
      d.accounts.signup({*handle, *email, *password, display_name, country}, client_of(req));
  if (!issued && issued.status().code() == Code::kConflict) {
    net::Problem p = net::problem_from(issued.status());
    p.errors = taken_fields(issued.status());
    throw HttpError(std::move(p));
  }
  return session_response(201, net::value_or_throw(std::move(issued)), d.cookies);
}

Response login(const RouteDeps& d, Request& req) {
  reject_form_body(req);
  net::BodyReader body(req);
  auto login = body.string("login", {.required = true, .min_len = 1, .max_len = 254});
  auto password = body.string("password", {.required = true, .min_len = 1, .max_len = 1024});
  body.finish();
  auto issued = d.accounts.login(*login, *password, client_of(req));
  if (!issued && issued.status().code() == Code::kUnauthenticated) {
    throw HttpError(401, "invalid-credentials", "Invalid credentials",
                    "The login or the password is wrong.");
  }
  return session_response(200, net::value_or_throw(std::move(issued)), d.cookies);
}

Response logout(const RouteDeps& d, Request& req) {
  if (req.principal) net::ok_or_throw(d.accounts.logout(req.principal->session_id));
  Response res = Response::no_content();
  clear_session_cookies(res, d.cookies);
  return res;
}

// --- me ---

Response get_me(const RouteDeps& d, Request& req) {
  return user_me_response(d.accounts.user(principal_of(req).user_id));
}

Response patch_me(const RouteDeps& d, Request& req) {
  const Id me = principal_of(req).user_id;
  net::BodyReader body(req);
  ProfilePatch patch;
  patch.display_name = body.string("display_name", {});
  patch.bio = body.string("bio", {});
  patch.is_private = body.boolean("is_private");
  patch.country = body.string("country", {});
  if (patch.country) {
    if (auto e = country_error(*patch.country)) body.fail("country", *e);
  }
  if (patch.display_name) {
    if (auto e = display_name_error(*patch.display_name)) body.fail("display_name", *e);
  }
  if (patch.bio) {
    if (auto e = bio_error(*patch.bio)) body.fail("bio", *e);
  }
  body.finish();
  return user_me_response(d.accounts.update_profile(me, patch));
}

Response put_avatar(const RouteDeps& d, Request& req) {
  const Id me = principal_of(req).user_id;
  const ImageType type = read_image_upload(req, kMaxAvatarBytes, "An avatar");
  return user_me_response(d.accounts.set_avatar(me, type, req.body));
}

Response delete_avatar(const RouteDeps& d, Request& req) {
  return user_me_response(d.accounts.clear_avatar(principal_of(req).user_id));
}

Response my_blocks(const RouteDeps& d, Request& req) {
  auto page = net::value_or_throw(d.social.blocks(principal_of(req).user_id, page_of(req)));
  return page_response(page, [](const UserSummary& u) { return user_summary_json(u); });
}

Response my_follow_requests(const RouteDeps& d, Request& req) {
  auto page =
      net::value_or_throw(d.social.follow_requests(principal_of(req).user_id, page_of(req)));
  return page_response(page, [](const FollowRequest& r) {
    return json::object{{"user", user_summary_json(r.user)},
                        {"created_at", to_rfc3339(r.created_at)}};
  });
}

// --- users ---

Response get_profile(const RouteDeps& d, Request& req) {
  auto p = net::value_or_throw(d.social.profile(req.param("handle"), viewer_of(req)));
  return net::json_response(200, profile_json(p));
}

Response follow_state_response(Result<FollowState> r) {
  FollowState s = net::value_or_throw(std::move(r));
  return net::json_response(200, json::object{{"state", follow_state_name(s)}});
}

// --- notifications ---

Response list_notifications(const RouteDeps& d, Request& req) {
  auto result = net::value_or_throw(d.notifications.list(principal_of(req).user_id, page_of(req)));
  json::array items;
  items.reserve(result.page.items.size());
  for (const auto& n : result.page.items) items.push_back(notification_json(n));
  json::object o = page_json(std::move(items), result.page.next_cursor);
  o["unread_count"] = result.unread_count;
  return net::json_response(200, o);
}

Response mark_notifications_read(const RouteDeps& d, Request& req) {
  const Id me = principal_of(req).user_id;
  std::optional<Id> up_to;
  if (req.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    net::BodyReader body(req);
    up_to = body.id("up_to");
    body.finish();
  }
  net::ok_or_throw(d.notifications.mark_read(me, up_to));
  return Response::no_content();
}

// --- admin ---

Response admin_patch_user(const RouteDeps& d, Request& req) {
  net::BodyReader body(req);
  auto role_text = body.string("role", {.required = true});
  std::optional<Role> role;
  if (role_text) {
    role = parse_role(*role_text);
    if (!role) body.fail("role", "role must be one of user, creator, seller, admin");
  }
  body.finish();
  return user_me_response(d.accounts.set_role(req.param("handle"), *role));
}

}  // namespace

void mount_routes(net::Router& r, const RouteDeps& deps) {
  // Handlers capture a copy of the deps (references and a shared_ptr).
  auto bind = [deps](Response (*fn)(const RouteDeps&, Request&)) {
    return [deps, fn](Request& req) { return fn(deps, req); };
  };
  const net::RouteOptions required = with_auth(Auth::kRequired);
  const net::RouteOptions anyone = with_auth(Auth::kOptional);

  // Sign-up and log-in create the session, so there is no CSRF token yet.
  // They refuse form encodings (see reject_form_body), which is what a
  // cross-site page could send without a CORS preflight.
  net::RouteOptions signup_options = with_auth(Auth::kNone);
  signup_options.rate_limit = "signup";
  signup_options.csrf_exempt = true;
  r.post("/api/v1/auth/signup", bind(signup), signup_options);
  net::RouteOptions login_options = with_auth(Auth::kNone);
  login_options.csrf_exempt = true;
  r.post("/api/v1/auth/login", bind(login), login_options);
  // Optional: logging out with an expired session still clears the cookies.
  r.post("/api/v1/auth/logout", bind(logout), anyone);

  r.get("/api/v1/me", bind(get_me), required);
  r.patch("/api/v1/me", bind(patch_me), required);
  net::RouteOptions avatar_options = with_auth(Auth::kRequired);
  avatar_options.max_body = kAvatarRouteMaxBody;
  r.put("/api/v1/me/avatar", bind(put_avatar), avatar_options);
  r.del("/api/v1/me/avatar", bind(delete_avatar), required);
  r.get("/api/v1/me/blocks", bind(my_blocks), required);
  r.get("/api/v1/me/follow-requests", bind(my_follow_requests), required);
  r.post("/api/v1/me/follow-requests/{user_id}/approve", bind([](const RouteDeps& d, Request& req) {
           net::ok_or_throw(
               d.social.approve_request(principal_of(req).user_id, id_param(req, "user_id")));
           return Response::no_content();
         }),
         required);
  r.post("/api/v1/me/follow-requests/{user_id}/decline", bind([](const RouteDeps& d, Request& req) {
           net::ok_or_throw(
               d.social.decline_request(principal_of(req).user_id, id_param(req, "user_id")));
           return Response::no_content();
         }),
         required);

  r.get("/api/v1/users/{handle}", bind(get_profile), anyone);
  r.get("/api/v1/users/{handle}/followers", bind([](const RouteDeps& d, Request& req) {
          auto page = net::value_or_throw(
              d.social.followers(req.param("handle"), viewer_of(req), page_of(req)));
          return page_response(page, [](const UserSummary& u) { return user_summary_json(u); });
        }),
        anyone);
  r.get("/api/v1/users/{handle}/following", bind([](const RouteDeps& d, Request& req) {
          auto page = net::value_or_throw(
              d.social.following(req.param("handle"), viewer_of(req), page_of(req)));
          return page_response(page, [](const UserSummary& u) { return user_summary_json(u); });
        }),
        anyone);
  r.post("/api/v1/users/{handle}/follow", bind([](const RouteDeps& d, Request& req) {
           return follow_state_response(
               d.social.follow(principal_of(req).user_id, req.param("handle")));
         }),
         required);
  r.del("/api/v1/users/{handle}/follow", bind([](const RouteDeps& d, Request& req) {
          return follow_state_response(
              d.social.unfollow(principal_of(req).user_id, req.param("handle")));
        }),
        required);
  r.post("/api/v1/users/{handle}/block", bind([](const RouteDeps& d, Request& req) {
           net::ok_or_throw(d.social.block(principal_of(req).user_id, req.param("handle")));
           return Response::no_content();
         }),
         required);
  r.del("/api/v1/users/{handle}/block", bind([](const RouteDeps& d, Request& req) {
          net::ok_or_throw(d.social.unblock(principal_of(req).user_id, req.param("handle")));
          return Response::no_content();
        }),
        required);

  r.get("/api/v1/notifications", bind(list_notifications), required);
  r.get("/api/v1/notifications/unread-count", bind([](const RouteDeps& d, Request& req) {
          auto n = net::value_or_throw(d.notifications.unread_count(principal_of(req).user_id));
          return net::json_response(200, json::object{{"unread_count", n}});
        }),
        required);
  r.post("/api/v1/notifications/read", bind(mark_notifications_read), required);

  r.patch("/api/v1/admin/users/{handle}", bind(admin_patch_user), with_auth(Auth::kAdmin));

  r.websocket("/api/v1/ws", deps.hub, anyone);
}

}  // namespace riff::accounts
