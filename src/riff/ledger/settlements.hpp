#pragma once
// Settlements and payouts: the ledger's two scheduled movements.
//
// A settlement moves an amount between two accounts at a due time: an
// order's seller share from seller_pending to seller_available N days after
// delivery (the caller computes the due time from its own rules). It is
// scheduled in the caller's transaction, may be cancelled before it is due
// (a refund), and is posted by settle_due(), which any node may run: each
// settlement is claimed and posted in one transaction, with the idempotency
// key "settlement:<id>", so it moves money exactly once.
//
// A payout moves an owner's available balance to `payouts` with the
// gateway's reference; the available kinds never go negative, so no one is
// paid more than they have.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <optional>
#include <string>
#include <vector>

#include "riff/ledger/ledger.hpp"

namespace riff::ledger {

struct SettlementSpec {
  AccountKey from;  // e.g. seller_pending
  AccountKey to;    // e.g. seller_available
  std::int64_t amount = 0;
  std::string reference;        // the order, commission, ...
  std::string idempotency_key;  // unique; scheduling twice keeps the first
  std::int64_t due_at = 0;      // ms since the epoch
};

enum class SettlementState { kScheduled = 0, kSettled = 1, kCancelled = 2 };

struct Settlement {
  Id id = 0;
  Id from_account_id = 0;
  Id to_account_id = 0;
  std::int64_t amount = 0;
  std::string reference;
  std::int64_t due_at = 0;
  SettlementState state = SettlementState::kScheduled;
  std::optional<Id> transaction_id;
};

struct PayoutSpec {
  Id owner_id = 0;
  std::string from_kind{kSellerAvailable};  // or creator_available
  std::string currency;
  std::int64_t amount = 0;
  std::string gateway_reference;  // the payout at the gateway (po_...)
  std::string idempotency_key;
};

class Settlements {
 public:
  Settlements(db::Database& db, IdGenerator& ids, const Clock& clock, Ledger& ledger);

  /// Schedules in the caller's transaction. Both accounts must share a
  /// currency and a normal side; the amount is positive.
  Result<Settlement> schedule(db::Conn& c, const SettlementSpec& spec);
  /// Cancels the scheduled (not yet settled) settlements of `reference`;
  /// returns them.
  Result<std::vector<Settlement>> cancel(db::Conn& c, std::string_view reference);
  /// Posts up to `limit` due settlements, each in its own transaction;
  /// returns how many it posted.
  Result<int> settle_due(int limit = 100);
  Result<std::vector<Settlement>> of_reference(std::string_view reference);

  /// Pays out in the caller's transaction: debits the owner's available
  /// account, credits their payouts account. kConflict (kInsufficientFunds)
  /// when the available balance is smaller.
  Result<Transaction> payout(db::Conn& c, const PayoutSpec& spec);
  Result<Transaction> payout(const PayoutSpec& spec);

 private:
  Result<bool> settle_one(Id id);

  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  Ledger& ledger_;
};

}  // namespace riff::ledger
