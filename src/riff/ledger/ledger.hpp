#pragma once
// The ledger service: posts balanced transactions and reads accounts,
// balances and transactions back.
//
// post() takes the caller's db::Conn, so a money movement commits together
// with the state change it belongs to (an order marked paid, a payout
// recorded), or not at all. Accounts are created on first use. Balances are
// cached per account in the same transaction that inserts the entries;
// `riffd ledger verify` (verify.hpp) checks the cache against the entries.
//
// Concurrency: accounts are updated in one global order (by kind, owner,
// currency), so concurrent posts never deadlock on each other; on
// PostgreSQL the account rows are locked by the UPDATE until commit.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <optional>
#include <string>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/ledger/model.hpp"

namespace riff::ledger {

/// The message prefix of a refused overdraft (Code::kConflict).
inline constexpr std::string_view kInsufficientFunds = "insufficient funds";
/// The message prefix of an idempotency key posted with other entries (Code::kConflict).
inline constexpr std::string_view kKeyReused = "idempotency key reused";

struct AccountFilter {
  std::optional<std::string> kind;
  std::optional<Id> owner_id;
};

struct TransactionFilter {
  std::optional<Id> account_id;
  std::optional<std::string> reference;
};

template <class T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_cursor;
};

class Ledger {
 public:
  Ledger(db::Database& db, IdGenerator& ids, const Clock& clock);

  /// Posts `spec` inside the caller's transaction. Fails with kInvalid for a
  /// spec validate() refuses, kConflict (message starting with
  /// kInsufficientFunds) when an account that must not go negative would,
  /// and kConflict when the idempotency key was posted with other entries.
  /// A key already posted with the same entries returns that transaction
  /// (`replayed` set) and changes nothing. On any error the caller must roll
  /// back (return the Status from its transact() callback).
  Result<Transaction> post(db::Conn& c, const TransferSpec& spec);
  /// post() in a transaction of its own.
  Result<Transaction> post(const TransferSpec& spec);

  /// The id of the account named by `key`, created (empty) when missing.
  Result<Id> ensure_account(db::Conn& c, const AccountKey& key);

  /// Every account of `owner_id`, by kind then currency.
  Result<std::vector<Account>> accounts_of(Id owner_id);
  /// The account named by `key`, or nullopt when nothing was posted to it.
  Result<std::optional<Account>> account(const AccountKey& key);
  /// Accounts, newest first, `limit` per page.
  Result<Page<Account>> accounts(const AccountFilter& filter, int limit,
                                 const std::optional<std::string>& cursor);
  /// Transactions with their entries, newest first.
  Result<Page<Transaction>> transactions(const TransactionFilter& filter, int limit,
                                         const std::optional<std::string>& cursor);
  Result<Transaction> transaction(Id id);

 private:
  Result<std::optional<Transaction>> find_by_key(db::Conn& c, const std::string& key);
  Status load_entries(db::Conn& c, std::vector<Transaction>& txs);

  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
};

}  // namespace riff::ledger
