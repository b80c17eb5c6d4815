// Payments routes: the webhook endpoint the gateway delivers to, and admin
// routes that drive the simulated gateway (operations and tests; checkout
// calls the gateway directly).

#include "riff/core/clock.hpp"
#include "riff/net/json.hpp"
#include "riff/payments/module.hpp"
#include "riff/payments/signature.hpp"

namespace riff::payments {
namespace {

namespace json = boost::json;
using net::HttpError;
using net::Request;

json::object intent_json(const PaymentIntent& i) {
  return {{"id", i.id},
          {"amount", i.amount},
          {"amount_captured", i.amount_captured},
          {"amount_refunded", i.amount_refunded},
          {"currency", i.currency},
          {"status", status_name(i.status)},
          {"decline_code", i.decline_code},
          {"customer_id", id_to_string(i.customer_id)},
          {"reference", i.reference},
          {"created_at", to_rfc3339(i.created_at)}};
}

/// Gateway refusals as problems: a wrong state is 409 "payment-state".
template <class T>
T gateway_or_throw(Result<T> r) {
  if (!r && r.status().code() == Code::kConflict) {
    throw HttpError(409, "payment-state", "Not possible in this payment's state",
                    r.status().message());
  }
  return net::value_or_throw(std::move(r));
}

std::string intent_id(const Request& req) {
  const std::string id(req.param("id"));
  if (!id.starts_with("pi_") || id.size() > 40) {
    throw HttpError(404, "not-found", "Not found", "No such payment intent.");
  }
  return id;
}

}  // namespace

void PaymentsModule::mount(net::Router& router) {
  net::RouteOptions webhook;
  webhook.auth = net::Auth::kNone;
  webhook.csrf_exempt = true;
  webhook.max_body = 64 * 1024;
  router.post(
      "/api/v1/webhooks/payments",
      [this](Request& req) {
        const std::string header(req.header(kSignatureHeader).value_or(""));
        const WebhookResult r = net::value_or_throw(receiver_.receive(header, req.body));
        switch (r.outcome) {
          case WebhookOutcome::kProcessed:
            return net::json_response(200, json::object{{"received", true}, {"event_id", r.event_id}});
          case WebhookOutcome::kReplayed:
            throw HttpError(409, "webhook-replayed", "Event already processed", r.detail);
          case WebhookOutcome::kStale:
            throw HttpError(400, "webhook-stale", "Webhook timestamp outside the tolerance",
                            r.detail);
          case WebhookOutcome::kBadSignature:
            throw HttpError(400, "webhook-signature", "Webhook signature invalid", r.detail);
          case WebhookOutcome::kMalformed:
            break;
        }
        throw HttpError(400, "webhook-malformed", "Not a payment event", r.detail);
      },
      webhook);

  net::RouteOptions admin;
  admin.auth = net::Auth::kAdmin;
  router.post(
      "/api/v1/admin/payments/intents",
      [this](Request& req) {
        const std::string key = ledger::require_idempotency_key(req);
        net::BodyReader body(req);
        AuthorizeRequest a;
        a.amount = body.integer("amount", true, 1).value_or(0);
        a.currency = body.string("currency", {.required = true, .max_len = 3}).value_or("");
        a.payment_method = body.string("payment_method", {.required = true, .max_len = 100}).value_or("");
        a.capture_later = body.boolean("capture_later").value_or(false);
        a.customer_id = body.id("customer_id", true).value_or(0);
        a.reference = body.string("reference", {.max_len = 200}).value_or("");
        body.finish();
        a.idempotency_key = key;
        return net::json_response(201, intent_json(gateway_or_throw(gateway_.authorize(a))));
      },
      admin);
  router.get(
      "/api/v1/admin/payments/intents/{id}",
      [this](Request& req) {
        return net::json_response(200, intent_json(net::value_or_throw(gateway_.intent(intent_id(req)))));
      },
      admin);
  router.post(
      "/api/v1/admin/payments/intents/{id}/capture",
      [this](Request& req) {
        const std::string key = ledger::require_idempotency_key(req);
        std::optional<std::int64_t> amount;
        if (!req.body.empty()) {
          net::BodyReader body(req);
          amount = body.integer("amount", false, 1);
          body.finish();
        }
        return net::json_response(
            200, intent_json(gateway_or_throw(gateway_.capture(intent_id(req), amount, key))));
      },
      admin);
  router.post(
      "/api/v1/admin/payments/intents/{id}/refunds",
      [this](Request& req) {
        const std::string key = ledger::require_idempotency_key(req);
        net::BodyReader body(req);
        const auto amount = body.integer("amount", true, 1);
        body.finish();
        const Refund r = gateway_or_throw(gateway_.refund(intent_id(req), *amount, key));
        return net::json_response(201, json::object{{"id", r.id},
                                                    {"payment_intent", r.intent_id},
                                                    {"amount", r.amount},
                                                    {"created_at", to_rfc3339(r.created_at)}});
      },
      admin);
  router.post(
      "/api/v1/admin/payments/intents/{id}/void",
      [this](Request& req) {
        const std::string key = ledger::require_idempotency_key(req);
        return net::json_response(
            200, intent_json(gateway_or_throw(gateway_.void_authorization(intent_id(req), key))));
      },
      admin);
}

}  // namespace riff::payments
