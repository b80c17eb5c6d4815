#include "riff/payments/schema.hpp"

namespace riff::payments {

// gateway_requests: the idempotency of gateway calls, "<operation>:<key>" ->
// the object the first call made. gateway_events: the gateway's outbox; a
// job per event delivers it (with retries) until riff acknowledges it.
// payments_webhook_events: riff's side, one row per processed event id.
std::vector<db::Migration> migrations() {
  return {
      {620, "payments", R"sql(
CREATE TABLE gateway_intents (
  id TEXT PRIMARY KEY,
  amount BIGINT NOT NULL,
  amount_captured BIGINT NOT NULL DEFAULT 0,
  amount_refunded BIGINT NOT NULL DEFAULT 0,
  currency TEXT NOT NULL,
  status TEXT NOT NULL,
  decline_code TEXT NOT NULL DEFAULT '',
  payment_method TEXT NOT NULL,
  customer_id BIGINT NOT NULL,
  reference TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE gateway_refunds (
  id TEXT PRIMARY KEY,
  intent_id TEXT NOT NULL REFERENCES gateway_intents (id),
  amount BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE gateway_requests (
  key TEXT PRIMARY KEY,
  object_id TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE gateway_events (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE payments_webhook_events (
  event_id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  received_at BIGINT NOT NULL
))sql",
       std::nullopt},
  };
}

}  // namespace riff::payments
