// The ledger's routes: administrators read accounts, transactions and the
// verify report, post manual journal entries and payouts; a signed-in user
// reads their own balances. Money-moving POSTs need an Idempotency-Key.

#include <sodium.h>

#include "riff/core/clock.hpp"
#include "riff/ledger/module.hpp"
#include "riff/net/json.hpp"

namespace riff::ledger {
namespace {

namespace json = boost::json;
using net::HttpError;
using net::Request;

json::object account_json(const Account& a) {
  const AccountKindInfo* kind = find_kind(a.key.kind);
  return {{"id", id_to_string(a.id)},
          {"kind", a.key.kind},
          {"owner_id", id_to_string(a.key.owner_id)},
          {"currency", a.key.currency},
          {"balance", a.balance()},
          {"normal_side",
           kind != nullptr && kind->normal == NormalSide::kCredit ? "credit" : "debit"},
          {"created_at", to_rfc3339(a.created_at)}};
}

json::object transaction_json(const Transaction& t) {
  json::array entries;
  for (const auto& e : t.entries) {
    entries.push_back({{"id", id_to_string(e.id)},
                       {"account_id", id_to_string(e.account_id)},
                       {"kind", e.account.kind},
                       {"owner_id", id_to_string(e.account.owner_id)},
                       {"currency", e.account.currency},
                       {"amount", e.amount}});
  }
  return {{"id", id_to_string(t.id)},
          {"kind", t.kind},
          {"reference", t.reference},
          {"idempotency_key", t.idempotency_key},
          {"memo", t.memo},
          {"created_at", to_rfc3339(t.created_at)},
          {"entries", std::move(entries)}};
}

template <class T, class Render>
net::Response page_response(const Page<T>& page, Render render) {
  json::array items;
  for (const auto& item : page.items) items.push_back(render(item));
  json::object body{{"items", std::move(items)}};
  body["next_cursor"] = page.next_cursor ? json::value(*page.next_cursor) : json::value(nullptr);
  return net::json_response(200, body);
}

std::optional<Id> id_query(const Request& req, std::string_view name) {
  const auto text = req.query(name);
  if (!text || text->empty()) return std::nullopt;
  auto id = parse_id(*text);
  if (!id) net::ok_or_throw(Status::invalid("/" + std::string(name), "an id"));
  return id;
}

/// Throws the ledger's refusals as problems with their own types.
/// 16 hex digits of SHA-256 of an idempotency key: a short, stable reference.
std::string key_digest(std::string_view key) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  char hex[17];
  sodium_bin2hex(hex, sizeof hex, digest, 8);
  return hex;
}

template <class T>
T money_or_throw(Result<T> r) {
  if (!r && r.status().code() == Code::kConflict &&
      r.status().message().starts_with(kInsufficientFunds)) {
    throw HttpError(409, "insufficient-funds", "Insufficient funds", r.status().message());
  }
  if (!r && r.status().code() == Code::kConflict &&
      r.status().message().starts_with(kKeyReused)) {
    throw HttpError(409, "idempotency-key-reused", "Idempotency key reused",
                    r.status().message());
  }
  return net::value_or_throw(std::move(r));
}

/// {"kind", "owner_id", "currency", "amount"} objects of a journal entry.
TransferSpec read_transfer(const Request& req) {
  net::BodyReader body(req);
  TransferSpec spec;
  spec.kind = body.string("kind", {.max_len = 100}).value_or("manual");
  spec.reference = body.string("reference", {.max_len = 200}).value_or("");
  spec.memo = body.string("memo", {.max_len = 1000}).value_or("");
  const json::value* entries = body.object().if_contains("entries");
  if (entries == nullptr || !entries->is_array()) {
    body.fail("entries", "a list of {kind, owner_id, currency, amount}");
  } else {
    std::size_t i = 0;
    for (const auto& v : entries->as_array()) {
      const std::string at = "entries/" + std::to_string(i++);
      const json::object* o = v.if_object();
      const json::value* kind = o ? o->if_contains("kind") : nullptr;
      const json::value* owner = o ? o->if_contains("owner_id") : nullptr;
      const json::value* currency = o ? o->if_contains("currency") : nullptr;
      const json::value* amount = o ? o->if_contains("amount") : nullptr;
      std::optional<Id> owner_id = Id{0};
      if (owner && owner->is_string()) {
        owner_id = owner->as_string() == "0" ? std::optional<Id>(0)
                                             : parse_id(std::string(owner->as_string()));
      }
      if (!kind || !kind->is_string() || !currency || !currency->is_string() || !amount ||
          !amount->is_int64() || !owner_id || (owner && !owner->is_string())) {
        body.fail(at, "an entry is {kind, owner_id (a decimal string), currency, amount}");
        continue;
      }
      spec.entries.push_back({{std::string(kind->as_string()), *owner_id,
                               std::string(currency->as_string())},
                              amount->as_int64()});
    }
  }
  body.finish();
  return spec;
}

}  // namespace

void LedgerModule::mount(net::Router& router) {
  net::RouteOptions admin;
  admin.auth = net::Auth::kAdmin;
  net::RouteOptions required;
  required.auth = net::Auth::kRequired;

  // A seller or creator pays out their own available balance (to the bank
  // account on file with the gateway). The key makes a retry one payout.
  router.post(
      "/api/v1/me/payouts",
      [this](Request& req) {
        const std::string key = require_idempotency_key(req);
        const Id me = req.principal->user_id;
        net::BodyReader body(req);
        auto from = body.string("from", {.required = true, .max_len = 20});
        if (from && *from != "seller" && *from != "creator") body.fail("from", "from is seller or creator");
        PayoutSpec spec;
        spec.owner_id = me;
        spec.currency = body.string("currency", {.required = true, .max_len = 3}).value_or("");
        spec.amount = body.integer("amount", true, 1).value_or(0);
        body.finish();
        spec.from_kind = std::string(*from == "creator" ? kCreatorAvailable : kSellerAvailable);
        // The same key gives the same reference, so a retry posts the same entries.
        spec.gateway_reference = "po_" + id_to_string(me) + "_" + key_digest(key);
        spec.idempotency_key = "payout:" + id_to_string(me) + ":" + key;
        Transaction tx = money_or_throw(settlements_.payout(spec));
        return net::json_response(tx.replayed ? 200 : 201, transaction_json(tx));
      },
      required);

  router.get(
      "/api/v1/me/balances",
      [this](Request& req) {
        json::array items;
        for (const auto& a : net::value_or_throw(ledger_.accounts_of(req.principal->user_id))) {
          items.push_back(account_json(a));
        }
        return net::json_response(200, json::object{{"items", std::move(items)}});
      },
      required);

  router.get(
      "/api/v1/admin/ledger/accounts",
      [this](Request& req) {
        const auto page = net::page_params(req, 50, 200);
        AccountFilter filter;
        filter.kind = req.query("kind");
        if (filter.kind && filter.kind->empty()) filter.kind.reset();
        filter.owner_id = id_query(req, "owner_id");
        return page_response(net::value_or_throw(ledger_.accounts(filter, page.limit, page.cursor)),
                             account_json);
      },
      admin);

  router.get(
      "/api/v1/admin/ledger/transactions",
      [this](Request& req) {
        const auto page = net::page_params(req, 50, 200);
        TransactionFilter filter;
        filter.account_id = id_query(req, "account_id");
        filter.reference = req.query("reference");
        if (filter.reference && filter.reference->empty()) filter.reference.reset();
        return page_response(
            net::value_or_throw(ledger_.transactions(filter, page.limit, page.cursor)),
            transaction_json);
      },
      admin);

  router.get(
      "/api/v1/admin/ledger/transactions/{id}",
      [this](Request& req) {
        auto id = parse_id(req.param("id"));
        if (!id) throw HttpError(404, "not-found", "Not found", "No such ledger transaction.");
        return net::json_response(200, transaction_json(net::value_or_throw(ledger_.transaction(*id))));
      },
      admin);

  // A manual journal entry: corrections, top-ups of an ad budget, test workloads.
  router.post(
      "/api/v1/admin/ledger/transactions",
      [this](Request& req) {
        const std::string key = require_idempotency_key(req);
        TransferSpec spec = read_transfer(req);
        spec.idempotency_key = "admin:" + key;
        Transaction tx = money_or_throw(ledger_.post(spec));
        return net::json_response(tx.replayed ? 200 : 201, transaction_json(tx));
      },
      admin);

  router.post(
      "/api/v1/admin/ledger/payouts",
      [this](Request& req) {
        const std::string key = require_idempotency_key(req);
        net::BodyReader body(req);
        PayoutSpec spec;
        spec.owner_id = body.id("owner_id", true).value_or(0);
        spec.from_kind = body.string("kind", {.max_len = 100}).value_or(std::string(kSellerAvailable));
        spec.currency = body.string("currency", {.required = true, .max_len = 3}).value_or("");
        spec.amount = body.integer("amount", true, 1).value_or(0);
        spec.gateway_reference =
            body.string("gateway_reference", {.required = true, .max_len = 200}).value_or("");
        body.finish();
        spec.idempotency_key = "payout:" + key;
        Transaction tx = money_or_throw(settlements_.payout(spec));
        return net::json_response(tx.replayed ? 200 : 201, transaction_json(tx));
      },
      admin);

  router.post(
      "/api/v1/admin/ledger/settlements/run",
      [this](Request&) {
        const int posted = net::value_or_throw(settlements_.settle_due(1000));
        return net::json_response(200, json::object{{"settled", posted}});
      },
      admin);

  router.get(
      "/api/v1/admin/ledger/verify",
      [this](Request&) {
        const VerifyReport report = net::value_or_throw(verify());
        json::array checks;
        for (const auto& invariant : report.checked) {
          json::array violations;
          for (const auto& v : report.violations) {
            if (v.invariant == invariant) violations.push_back(json::value(v.detail));
          }
          checks.push_back({{"invariant", invariant},
                            {"ok", violations.empty()},
                            {"violations", std::move(violations)}});
        }
        return net::json_response(200, json::object{{"ok", report.ok()},
                                                     {"transactions", report.transactions},
                                                     {"entries", report.entries},
                                                     {"accounts", report.accounts},
                                                     {"checks", std::move(checks)}});
      },
      admin);
}

}  // namespace riff::ledger
