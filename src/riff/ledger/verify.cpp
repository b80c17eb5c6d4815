#include "riff/ledger/verify.hpp"

#include <fmt/format.h>

#include <set>

#include "riff/ledger/model.hpp"

namespace riff::ledger {
namespace {

// At most this many violations of one invariant are listed; a count follows.
constexpr std::size_t kMaxListed = 50;

struct Check {
  std::string_view invariant;
  std::string_view sql;
  std::function<std::string(const db::Row&)> describe;
};

const std::vector<Check>& sql_checks() {
  static const std::vector<Check> checks = {
      {"balanced",
       "SELECT e.transaction_id, a.currency, SUM(e.amount) FROM ledger_entries e"
       " JOIN ledger_accounts a ON a.id = e.account_id"
       " GROUP BY e.transaction_id, a.currency HAVING SUM(e.amount) <> 0"
       " ORDER BY e.transaction_id",
       [](const db::Row& r) {
         return fmt::format("transaction {} is off by {} {}", r.i64(0), r.i64(2), r.str(1));
       }},
      {"two_entries",
       "SELECT t.id, COUNT(e.id) FROM ledger_transactions t"
       " LEFT JOIN ledger_entries e ON e.transaction_id = t.id"
       " GROUP BY t.id HAVING COUNT(e.id) < 2 ORDER BY t.id",
       [](const db::Row& r) {
         return fmt::format("transaction {} has {} entries", r.i64(0), r.i64(1));
       }},
      {"cached_balance",
       "SELECT a.id, a.kind, a.owner_id, a.currency, a.net, COALESCE(SUM(e.amount), 0)"
       " FROM ledger_accounts a LEFT JOIN ledger_entries e ON e.account_id = a.id"
       " GROUP BY a.id, a.kind, a.owner_id, a.currency, a.net"
       " HAVING a.net <> COALESCE(SUM(e.amount), 0) ORDER BY a.id",
       [](const db::Row& r) {
         return fmt::format("account {} ({} of {} in {}) caches {} but its entries sum to {}",
                            r.i64(0), r.str(1), r.i64(2), r.str(3), r.i64(4), r.i64(5));
       }},
      {"orphan_entry",
       "SELECT e.id, e.transaction_id, e.account_id FROM ledger_entries e"
       " LEFT JOIN ledger_transactions t ON t.id = e.transaction_id"
       " LEFT JOIN ledger_accounts a ON a.id = e.account_id"
       " WHERE t.id IS NULL OR a.id IS NULL ORDER BY e.id",
       [](const db::Row& r) {
         return fmt::format("entry {} names transaction {} and account {}, one of which is missing",
                            r.i64(0), r.i64(1), r.i64(2));
       }},
      {"idempotency",
       "SELECT idempotency_key, COUNT(*) FROM ledger_transactions"
       " GROUP BY idempotency_key HAVING COUNT(*) > 1 ORDER BY idempotency_key",
       [](const db::Row& r) {
         return fmt::format("idempotency key {:?} is used by {} transactions", r.str(0), r.i64(1));
       }},
      {"zero_amount", "SELECT id, transaction_id FROM ledger_entries WHERE amount = 0 ORDER BY id",
       [](const db::Row& r) {
         return fmt::format("entry {} of transaction {} has a zero amount", r.i64(0), r.i64(1));
       }},
      {"settlement",
       "SELECT s.id, s.transaction_id FROM ledger_settlements s"
       " LEFT JOIN ledger_transactions t ON t.id = s.transaction_id"
       " WHERE (s.state = 1 AND t.id IS NULL) OR (s.state <> 1 AND s.transaction_id IS NOT NULL)"
       " ORDER BY s.id",
       [](const db::Row& r) {
         return fmt::format("settlement {} and its transaction {} disagree", r.i64(0),
                            r.is_null(1) ? std::string("(none)") : std::to_string(r.i64(1)));
       }},
  };
  return checks;
}

/// Balances of never-negative kinds and the validity of each account's key,
/// computed from the entries rather than the cache.
Status check_accounts(db::Conn& c, std::vector<Violation>& out) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query("SELECT a.id, a.kind, a.owner_id, a.currency, COALESCE(SUM(e.amount), 0)"
              " FROM ledger_accounts a LEFT JOIN ledger_entries e ON e.account_id = a.id"
              " GROUP BY a.id, a.kind, a.owner_id, a.currency ORDER BY a.id"));
  for (const auto& r : rows) {
    Account a{r.i64(0), {r.str(1), r.i64(2), r.str(3)}, r.i64(4), 0};
    const AccountKindInfo* kind = find_kind(a.key.kind);
    if (kind == nullptr || !valid_currency(a.key.currency) ||
        (kind->per_owner != (a.key.owner_id != 0))) {
      out.push_back({"known_account", fmt::format("account {} has kind {:?}, owner {}, currency {:?}",
                                                  a.id, a.key.kind, a.key.owner_id,
                                                  a.key.currency)});
      continue;
    }
    if (kind->never_negative && a.balance() < 0) {
      out.push_back({"not_negative", fmt::format("account {} ({} of {}) is at {} {}", a.id,
                                                 a.key.kind, a.key.owner_id, a.balance(),
                                                 a.key.currency)});
    }
  }
  return Status::ok();
}

}  // namespace

Result<VerifyReport> verify(db::Database& db, const std::vector<VerifyCheck>& extra) {
  VerifyReport report;
  Status st = db.read([&](db::Conn& c) -> Result<db::Rows> {
                  report = VerifyReport{};
                  RIFF_ASSIGN_OR_RETURN(
                      db::Rows counts,
                      c.query("SELECT (SELECT COUNT(*) FROM ledger_transactions),"
                              " (SELECT COUNT(*) FROM ledger_entries),"
                              " (SELECT COUNT(*) FROM ledger_accounts)"));
                  report.transactions = counts[0].i64(0);
                  report.entries = counts[0].i64(1);
                  report.accounts = counts[0].i64(2);
                  for (const auto& check : sql_checks()) {
                    report.checked.emplace_back(check.invariant);
                    RIFF_ASSIGN_OR_RETURN(db::Rows rows, c.query(check.sql));
                    for (const auto& r : rows) {
                      report.violations.push_back(
                          {std::string(check.invariant), check.describe(r)});
                    }
                  }
                  report.checked.emplace_back("not_negative");
                  report.checked.emplace_back("known_account");
                  RIFF_RETURN_IF_ERROR(check_accounts(c, report.violations));
                  for (const auto& check : extra) {
                    report.checked.push_back(check.invariant);
                    RIFF_RETURN_IF_ERROR(check.run(c, report.violations));
                  }
                  return db::Rows{};
                })
                 .status();
  RIFF_RETURN_IF_ERROR(st);
  return report;
}

std::string format_report(const VerifyReport& report) {
  std::string out = fmt::format("ledger: {} transactions, {} entries, {} accounts\n",
                                report.transactions, report.entries, report.accounts);
  for (const auto& invariant : report.checked) {
    std::size_t count = 0;
    for (const auto& v : report.violations) count += v.invariant == invariant ? 1 : 0;
    out += fmt::format("  {:<16} {}\n", invariant,
                       count == 0 ? std::string("ok") : fmt::format("FAILED ({})", count));
    std::size_t listed = 0;
    for (const auto& v : report.violations) {
      if (v.invariant != invariant) continue;
      if (++listed > kMaxListed) {
        out += fmt::format("    ... and {} more\n", count - kMaxListed);
        break;
      }
      out += "    " + v.detail + "\n";
    }
  }
  out += report.ok() ? "ledger verify: OK\n"
                     : fmt::format("ledger verify: {} violations\n", report.violations.size());
  return out;
}

}  // namespace riff::ledger
