#include "riff/ledger/module.hpp"

#include <iostream>

#include <fmt/format.h>

namespace riff::ledger {

LedgerModule::LedgerModule(db::Database& db, IdGenerator& ids, const Clock& clock)
    : db_(db), ledger_(db, ids, clock), settlements_(db, ids, clock, ledger_) {}

std::string require_idempotency_key(const net::Request& req) {
  const auto key = req.header("Idempotency-Key");
  if (!key || key->empty()) {
    throw net::HttpError(net::problem_from(Status::invalid(
        "/headers/Idempotency-Key", "an Idempotency-Key header is required to move money")));
  }
  bool printable = key->size() <= 200;
  for (char ch : *key) printable = printable && ch > ' ' && ch < 0x7f;
  if (!printable) {
    throw net::HttpError(net::problem_from(Status::invalid(
        "/headers/Idempotency-Key", "1 to 200 printable ASCII characters without spaces")));
  }
  return std::string(*key);
}

int run_verify_command(LedgerModule& ledger) {
  auto report = ledger.verify();
  if (!report) {
    std::cerr << "riffd ledger verify: " << report.status().message() << "\n";
    return 2;
  }
  std::cout << format_report(*report);
  return report->ok() ? 0 : 1;
}

int run_balances_command(LedgerModule& ledger, std::optional<Id> owner) {
  std::optional<std::string> cursor;
  AccountFilter filter;
  filter.owner_id = owner;
  std::cout << fmt::format("{:<20} {:<20} {:<20} {:<4} {:>18}\n", "account", "kind", "owner",
                           "cur", "balance");
  do {
    auto page = ledger.ledger().accounts(filter, 100, cursor);
    if (!page) {
      std::cerr << "riffd ledger balances: " << page.status().message() << "\n";
      return 2;
    }
    for (const auto& a : page->items) {
      std::cout << fmt::format("{:<20} {:<20} {:<20} {:<4} {:>18}\n", a.id, a.key.kind,
                               a.key.owner_id, a.key.currency, a.balance());
    }
    cursor = page->next_cursor;
  } while (cursor);
  return 0;
}

}  // namespace riff::ledger
