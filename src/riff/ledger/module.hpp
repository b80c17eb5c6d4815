#pragma once
// The ledger as one unit for the composition root: the Ledger, its
// Settlements, the invariant checks other modules add, and the routes
// (admin reads, manual journal entries and payouts; a user's own balances).

#include <memory>
#include <vector>

#include "riff/ledger/ledger.hpp"
#include "riff/ledger/settlements.hpp"
#include "riff/ledger/verify.hpp"
#include "riff/net/http.hpp"
#include "riff/net/router.hpp"

namespace riff::ledger {

class LedgerModule {
 public:
  /// References must outlive the module.
  LedgerModule(db::Database& db, IdGenerator& ids, const Clock& clock);

  /// Adds a module's own invariant to verify(). Before serving only.
  void add_check(VerifyCheck check) { checks_.push_back(std::move(check)); }
  /// Every invariant, the ledger's and the added ones.
  Result<VerifyReport> verify() { return ledger::verify(db_, checks_); }

  /// Adds the /api/v1 ledger routes. Once, at start-up.
  void mount(net::Router& router);

  Ledger& ledger() { return ledger_; }
  Settlements& settlements() { return settlements_; }

 private:
  db::Database& db_;
  Ledger ledger_;
  Settlements settlements_;
  std::vector<VerifyCheck> checks_;
};

/// The `Idempotency-Key` header of a POST that moves money: 1-200 printable
/// ASCII characters. Throws HttpError 400 when missing or malformed.
std::string require_idempotency_key(const net::Request& req);

/// `riffd ledger verify`: prints the report; 0 when every invariant holds, 1 otherwise.
int run_verify_command(LedgerModule& ledger);
/// `riffd ledger balances [--owner ID]`: prints balances, one account a line.
int run_balances_command(LedgerModule& ledger, std::optional<Id> owner);

}  // namespace riff::ledger
