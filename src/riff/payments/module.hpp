#pragma once
// Payments as one unit for the composition root: the simulated gateway, the
// webhook receiver with the ledger postings of captures and refunds, the
// delivery of the gateway's events, and the routes.
//
// Ledger postings (idempotent on the gateway object's id):
//   payment_intent.succeeded  debit gateway_clearing, credit the buyer's
//                             buyer_payments with the captured amount
//   charge.refunded           debit the buyer's buyer_payments, credit
//                             gateway_clearing with the refunded amount
// Checkout then splits buyer_payments over the order's parties in its own
// transactions. The module also adds the "gateway_match" invariant to
// `riffd ledger verify`: the ledger's captures and refunds of each intent
// never exceed the gateway's, and equal them once no delivery is pending.

#include <filesystem>
#include <memory>

#include "riff/jobs/worker.hpp"
#include "riff/ledger/module.hpp"
#include "riff/net/router.hpp"
#include "riff/payments/sim_gateway.hpp"
#include "riff/payments/webhooks.hpp"

namespace riff::payments {

struct PaymentsOptions {
  std::string webhook_secret;  // empty: made once and kept in key_file
  std::filesystem::path key_file;  // <data_dir>/keys/payments-webhook.key
  std::int64_t webhook_tolerance_seconds = 300;
};

class PaymentsModule {
 public:
  /// Registers the delivery job on `worker` and the invariant on `ledger`.
  /// References must outlive the module.
  static Result<std::unique_ptr<PaymentsModule>> create(db::Database& db, IdGenerator& ids,
                                                        const Clock& clock, jobs::JobQueue& queue,
                                                        jobs::Worker& worker,
                                                        ledger::LedgerModule& ledger,
                                                        const PaymentsOptions& options);

  /// Adds POST /api/v1/webhooks/payments and the admin gateway routes.
  void mount(net::Router& router);

  PaymentGateway& gateway() { return gateway_; }
  WebhookReceiver& receiver() { return receiver_; }

 private:
  PaymentsModule(db::Database& db, IdGenerator& ids, const Clock& clock, jobs::JobQueue& queue,
                 jobs::Worker& worker, const std::string& secret, std::int64_t tolerance_s);

  SimulatedGateway gateway_;
  WebhookReceiver receiver_;
};

/// Registers the ledger postings of captures and refunds on `receiver`.
void post_gateway_events_to_ledger(WebhookReceiver& receiver, ledger::Ledger& ledger);
/// The "gateway_match" invariant.
ledger::VerifyCheck gateway_match_check();

/// Reads the secret in `file`, or makes one (whsec_ + 64 hex) when missing.
Result<std::string> load_or_create_secret(const std::filesystem::path& file);

}  // namespace riff::payments
