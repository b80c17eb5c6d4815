// The listener's riff Music subscription over HTTP: reading it (with the
// store account token the apps pass to the App Store and Google Play),
// cancelling it, the admin grant, and the stores' webhooks. Handlers parse,
// call Subscriptions / StoreNotifications and render.

#include "riff/core/clock.hpp"
#include "riff/music/module.hpp"
#include "riff/net/json.hpp"

namespace riff::music {
namespace {

namespace json = boost::json;
using net::HttpError;
using net::Request;

json::object subscription_json(const std::optional<Subscription>& sub, std::int64_t now_ms) {
  const Plan plan = effective_plan(sub, now_ms);
  json::object o{{"plan", plan_name(plan)}, {"max_quality", max_tier(plan)}};
  if (!sub) {
    o["status"] = nullptr;
    o["source"] = nullptr;
    o["current_period_end"] = nullptr;
    o["auto_renew"] = false;
    o["product_id"] = nullptr;
    return o;
  }
  o["status"] = sub_status_name(effective_status(*sub, now_ms));
  o["source"] = sub_source_name(sub->source);
  o["current_period_end"] =
      sub->period_end_ms ? json::value(to_rfc3339(*sub->period_end_ms)) : json::value(nullptr);
  o["auto_renew"] = sub->auto_renew;
  o["product_id"] = sub->product_id.empty() ? json::value(nullptr) : json::value(sub->product_id);
  return o;
}

/// The webhook answer: 200 once recorded (also for a replay), else the
/// verification failure as a problem.
net::Response notification_response(Result<NotificationOutcome> r) {
  if (r.status().code() == Code::kUnauthenticated) {
    throw HttpError(401, "invalid-signature", "Signature not accepted", r.status().message());
  }
  if (r.status().code() == Code::kUnavailable) {
    throw HttpError(503, "not-configured", "Store not configured", r.status().message());
  }
  NotificationOutcome o = net::value_or_throw(std::move(r));
  return net::json_response(
      200, json::object{{"received", true}, {"duplicate", o.duplicate}, {"applied", o.applied}});
}

}  // namespace

void mount_plan_routes(net::Router& router, MusicModule& m) {
  net::RouteOptions required;
  required.auth = net::Auth::kRequired;
  net::RouteOptions admin;
  admin.auth = net::Auth::kAdmin;
  const Clock& clock = m.clock();

  router.get(
      "/api/v1/me/subscription",
      [&m, &clock](Request& req) {
        const Id user = req.principal->user_id;
        auto sub = net::value_or_throw(m.subscriptions().get(user));
        json::object o = subscription_json(sub, clock.now_ms());
        o["account_token"] = net::value_or_throw(m.subscriptions().account_token(user));
        return net::json_response(200, o);
      },
      required);

  router.post(
      "/api/v1/me/subscription/cancel",
      [&m, &clock](Request& req) {
        auto cancelled = m.subscriptions().cancel(req.principal->user_id);
        if (cancelled.status().code() == Code::kConflict) {
          throw HttpError(409, "store-managed", "Cancel in the store",
                          cancelled.status().message());
        }
        Subscription sub = net::value_or_throw(std::move(cancelled));
        return net::json_response(200, subscription_json(sub, clock.now_ms()));
      },
      required);

  // An admin grant: premium for `days` (no end without it), or free to end it.
  router.put(
      "/api/v1/admin/music/plans/{handle}",
      [&m, &clock](Request& req) {
        net::BodyReader body(req);
        auto plan_text = body.string("plan", {.required = true, .max_len = 20});
        auto days = body.integer("days", false, 1, 3660);
        std::optional<Plan> plan;
        if (plan_text) {
          plan = parse_plan(*plan_text);
          if (!plan) body.fail("plan", "free or premium");
        }
        body.finish();
        auto rows = net::value_or_throw(m.db().query(
            "SELECT id FROM users WHERE handle = lower($1)", {std::string(req.param("handle"))}));
        if (rows.empty()) throw HttpError(404, "not-found", "Not found", "No such user.");
        std::optional<std::int64_t> end;
        if (days) end = clock.now_ms() + *days * 86'400'000;
        auto sub = net::value_or_throw(m.subscriptions().admin_set(rows[0].i64(0), *plan, end));
        return net::json_response(200, subscription_json(sub, clock.now_ms()));
      },
      admin);

  // The stores authenticate by signature, not by session.
  net::RouteOptions store;
  store.auth = net::Auth::kNone;
  store.csrf_exempt = true;
  router.post(
      "/api/v1/webhooks/app-store",
      [&m](Request& req) {
        net::BodyReader body(req);
        auto payload = body.string("signedPayload", {.required = true, .min_len = 1,
                                                     .max_len = 200'000});
        body.finish();
        return notification_response(m.store_notifications().app_store(*payload));
      },
      store);

  router.post(
      "/api/v1/webhooks/google-play",
      [&m](Request& req) {
        const std::string_view auth = req.header("authorization").value_or("");
        if (auth.size() < 8 || auth.substr(0, 7) != "Bearer ") {
          throw HttpError(401, "unauthenticated", "Authentication required",
                          "A Pub/Sub push carries an OIDC bearer token.");
        }
        net::BodyReader body(req);  // a JSON object, or 400
        return notification_response(
            m.store_notifications().google_play(auth.substr(7), json::value(body.object())));
      },
      store);
}

}  // namespace riff::music
