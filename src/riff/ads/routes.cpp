// /api/v1/me/ads: an advertiser's funds and campaigns (the ads manager);
// /api/v1/ads/impressions and /api/v1/ads/taps: what clients report for
// the sponsored cards they showed.

#include "riff/ads/module.hpp"
#include "riff/core/rfc3339.hpp"
#include "riff/net/json.hpp"
#include "riff/shop/render.hpp"

namespace riff::ads {
namespace {

namespace json = boost::json;
using net::HttpError;
using net::Request;
using shop::path_id;
using shop::user_of;

json::array strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

json::object campaign_json(const Campaign& c) {
  return {{"id", id_to_string(c.id)},
          {"name", c.name},
          {"video_id", id_to_string(c.video_id)},
          {"product_id", c.product_id ? json::value(id_to_string(*c.product_id)) : json::value(nullptr)},
          {"currency", c.currency},
          {"budget", c.budget},
          {"cpm_bid", c.cpm_bid},
          {"cpc_bid", c.cpc_bid},
          {"countries", strings(c.countries)},
          {"hashtags", strings(c.hashtags)},
          {"status", to_string(c.status)},
          {"starts_at", to_rfc3339(c.starts_at)},
          {"ends_at", net::time_or_null(c.ends_at)},
          {"spent", c.spent()},
          {"remaining", c.budget - c.spent()},
          {"impressions", c.impressions},
          {"taps", c.taps},
          {"created_at", to_rfc3339(c.created_at)}};
}

json::object funding_json(const Funding& f) {
  static constexpr std::string_view kStates[] = {"pending", "paid", "declined"};
  return {{"id", id_to_string(f.id)},
          {"amount", f.amount},
          {"currency", f.currency},
          {"status", kStates[static_cast<int>(f.state)]},
          {"decline_code", f.decline_code ? json::value(*f.decline_code) : json::value(nullptr)},
          {"created_at", to_rfc3339(f.created_at)}};
}

std::vector<std::string> string_list(net::BodyReader& body, std::string_view key) {
  std::vector<std::string> out;
  const auto* v = body.object().if_contains(key);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array()) {
    body.fail(key, std::string(key) + " is an array of strings");
    return out;
  }
  for (std::size_t i = 0; i < v->as_array().size(); ++i) {
    const auto& x = v->as_array()[i];
    if (!x.is_string()) {
      body.fail(std::string(key) + "/" + std::to_string(i), "a string");
      continue;
    }
    out.emplace_back(x.as_string());
  }
  return out;
}

net::Response event_response(const EventResult& r) {
  return net::json_response(200, json::object{{"counted", r.counted},
                                              {"charged_micros", r.charged},
                                              {"reason", r.reason.empty() ? json::value(nullptr)
                                                                          : json::value(r.reason)}});
}

}  // namespace

void mount_ad_routes(net::Router& router, AdsModule& m) {
  net::RouteOptions required;
  required.auth = net::Auth::kRequired;
  net::RouteOptions optional;
  optional.auth = net::Auth::kOptional;

  router.post(
      "/api/v1/me/ads/funds",
      [&m](Request& req) {
        const std::string key = ledger::require_idempotency_key(req);
        net::BodyReader body(req);
        auto amount = body.integer("amount", true, 1);
        auto currency = body.string("currency", {.required = true, .max_len = 3});
        auto pm = body.string("payment_method", {.required = true, .max_len = 100});
        body.finish();
        const Funding f = net::value_or_throw(
            m.service().fund(user_of(req), key, *amount, *currency, *pm));
        if (f.state == FundingState::kDeclined) {
          throw HttpError(402, "payment-declined", "Payment declined",
                          "The card was declined (" + f.decline_code.value_or("declined") +
                              "); nothing was added to the ad budget.");
        }
        return net::json_response(201, funding_json(f));
      },
      required);
  router.get(
      "/api/v1/me/ads/funds",
      [&m](Request& req) {
        const Id me = user_of(req);
        const std::string currency = req.query("currency").value_or("USD");
        json::array items;
        for (const auto& f : net::value_or_throw(m.service().fundings(me))) items.push_back(funding_json(f));
        return net::json_response(200, json::object{{"items", std::move(items)},
                                                    {"currency", currency},
                                                    {"balance", net::value_or_throw(m.service().balance(me, currency))}});
      },
      required);
  router.post(
      "/api/v1/me/ads/campaigns",
      [&m](Request& req) {
        net::BodyReader body(req);
        Campaign c;
        c.name = body.string("name", {.required = true, .max_len = 100}).value_or("");
        c.video_id = body.id("video_id", true).value_or(0);
        c.product_id = body.id("product_id");
        c.currency = body.string("currency", {.required = true, .max_len = 3}).value_or("");
        c.budget = body.integer("budget", true, 1).value_or(0);
        c.cpm_bid = body.integer("cpm_bid", true, 1).value_or(0);
        c.cpc_bid = body.integer("cpc_bid", false, 0).value_or(0);
        c.countries = string_list(body, "countries");
        c.hashtags = string_list(body, "hashtags");
        c.starts_at = body.time("starts_at").value_or(0);
        c.ends_at = body.time("ends_at");
        body.finish();
        return net::json_response(201, campaign_json(net::value_or_throw(m.service().create(user_of(req), c))));
      },
      required);
  router.get(
      "/api/v1/me/ads/campaigns",
      [&m](Request& req) {
        return net::items_response(net::value_or_throw(m.service().campaigns(user_of(req))),
                                   [&](const auto& c) { return campaign_json(c); });
      },
      required);
  router.get(
      "/api/v1/me/ads/campaigns/{id}",
      [&m](Request& req) {
        const Id id = path_id(req, "id", "campaign");
        return net::json_response(200, campaign_json(net::value_or_throw(m.service().campaign(user_of(req), id))));
      },
      required);
  router.patch(
      "/api/v1/me/ads/campaigns/{id}",
      [&m](Request& req) {
        const Id id = path_id(req, "id", "campaign");
        net::BodyReader body(req);
        auto status = body.string("status", {.required = true, .max_len = 20});
        std::optional<CampaignStatus> parsed;
        if (status) {
          parsed = parse_campaign_status(*status);
          if (!parsed || *parsed == CampaignStatus::kExhausted) {
            body.fail("status", "status is active, paused or ended");
          }
        }
        body.finish();
        return net::json_response(
            200, campaign_json(net::value_or_throw(m.service().set_status(user_of(req), id, *parsed))));
      },
      required);

  auto report = [&m](AdEventKind kind) {
    return [&m, kind](Request& req) {
      net::BodyReader body(req);
      auto token = body.string("token", {.required = true, .max_len = 200});
      body.finish();
      std::optional<Id> reporter;
      if (req.principal) reporter = req.principal->user_id;
      return event_response(net::value_or_throw(m.service().record(reporter, *token, kind)));
    };
  };
  router.post("/api/v1/ads/impressions", report(AdEventKind::kImpression), optional);
  router.post("/api/v1/ads/taps", report(AdEventKind::kTap), optional);
}

}  // namespace riff::ads
