#pragma once
// `riffd ledger verify`: checks every invariant of the ledger against what is
// stored, reading the entries themselves rather than the cached balances.
//
//   balanced        each transaction's entries sum to zero in each currency
//   two_entries     each transaction has at least two entries
//   cached_balance  each account's cached net equals the sum of its entries
//   orphan_entry    each entry belongs to a transaction and an account
//   idempotency     no idempotency key is used by two transactions
//   not_negative    accounts of never-negative kinds are not below zero
//   known_account   each account has a known kind, owner rule and currency
//   zero_amount     no entry has a zero amount
//   settlement      each settled settlement points at its posted transaction
//
// Other modules add their own checks (payments: every captured intent is in
// the ledger exactly once) through VerifyCheck.
//
// Thread-safe; read-only.

#include <functional>
#include <string>
#include <vector>

#include "riff/db/database.hpp"

namespace riff::ledger {

struct Violation {
  std::string invariant;  // one of the names above, or a module's own
  std::string detail;
};

struct VerifyReport {
  std::int64_t transactions = 0;
  std::int64_t entries = 0;
  std::int64_t accounts = 0;
  std::vector<std::string> checked;  // the invariants checked, in order
  std::vector<Violation> violations;
  bool ok() const { return violations.empty(); }
};

/// A module's own check: appends its violations; names the invariant.
struct VerifyCheck {
  std::string invariant;
  std::function<Status(db::Conn&, std::vector<Violation>&)> run;
};

/// Runs every check on one read connection. Fails only when the database does.
Result<VerifyReport> verify(db::Database& db, const std::vector<VerifyCheck>& extra = {});

/// The report as people read it: counts, each invariant OK or FAILED, and
/// each violation on its own line.
std::string format_report(const VerifyReport& report);

}  // namespace riff::ledger
