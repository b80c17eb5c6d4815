#include "riff/ledger/ledger.hpp"

#include <sodium.h>

#include <algorithm>
#include <map>

namespace riff::ledger {
namespace {

constexpr std::string_view kAccountColumns =
    "SELECT id, kind, owner_id, currency, net, created_at FROM ledger_accounts ";
constexpr std::string_view kTransactionColumns =
    "SELECT id, kind, reference, idempotency_key, memo, created_at, fingerprint"
    " FROM ledger_transactions ";

Account account_from(const db::Row& r) {
  return {r.i64(0), {r.str(1), r.i64(2), r.str(3)}, r.i64(4), r.i64(5)};
}

Transaction transaction_from(const db::Row& r) {
  Transaction t;
  t.id = r.i64(0);
  t.kind = r.str(1);
  t.reference = r.str(2);
  t.idempotency_key = r.str(3);
  t.memo = r.str(4);
  t.created_at = r.i64(5);
  return t;
}

/// A hash of what a transfer does, independent of entry order: two posts
/// with one key must describe the same movement.
std::string fingerprint(const TransferSpec& spec) {
  std::vector<std::string> lines;
  for (const auto& e : spec.entries) {
    lines.push_back(e.account.kind + "|" + std::to_string(e.account.owner_id) + "|" +
                    e.account.currency + "|" + std::to_string(e.amount));
  }
  std::sort(lines.begin(), lines.end());
  std::string text = spec.kind + "\n" + spec.reference + "\n";
  for (const auto& l : lines) text += l + "\n";
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

Result<std::optional<Id>> parse_cursor(const std::optional<std::string>& cursor) {
  if (!cursor || cursor->empty()) return std::optional<Id>{};
  auto id = parse_id(*cursor);
  if (!id) return Status::invalid("/cursor", "not a cursor from this list");
  return std::optional<Id>(*id);
}

template <class T>
Page<T> page_of(std::vector<T> items, int limit) {
  Page<T> page;
  if (static_cast<int>(items.size()) > limit) {
    items.resize(static_cast<std::size_t>(limit));
    page.next_cursor = id_to_string(items.back().id);
  }
  page.items = std::move(items);
  return page;
}

}  // namespace

Ledger::Ledger(db::Database& db, IdGenerator& ids, const Clock& clock)
    : db_(db), ids_(ids), clock_(clock) {}

Result<Id> Ledger::ensure_account(db::Conn& c, const AccountKey& key) {
  constexpr std::string_view kFind =
      "SELECT id FROM ledger_accounts WHERE kind = $1 AND owner_id = $2 AND currency = $3";
  RIFF_ASSIGN_OR_RETURN(db::Rows found, c.query(kFind, {key.kind, key.owner_id, key.currency}));
  if (!found.empty()) return found[0].i64(0);
  RIFF_RETURN_IF_ERROR(
      c.exec("INSERT INTO ledger_accounts (id, kind, owner_id, currency, net, created_at)"
             " VALUES ($1, $2, $3, $4, 0, $5) ON CONFLICT (kind, owner_id, currency) DO NOTHING",
             {ids_.next(), key.kind, key.owner_id, key.currency, clock_.now_ms()})
          .status());
  RIFF_ASSIGN_OR_RETURN(db::Rows rows, c.query(kFind, {key.kind, key.owner_id, key.currency}));
  if (rows.empty()) return Status::internal("ledger account vanished after insert");
  return rows[0].i64(0);
}

Result<std::optional<Transaction>> Ledger::find_by_key(db::Conn& c, const std::string& key) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query(std::string(kTransactionColumns) + "WHERE idempotency_key = $1", {key}));
  if (rows.empty()) return std::optional<Transaction>{};
  std::vector<Transaction> txs{transaction_from(rows[0])};
  RIFF_RETURN_IF_ERROR(load_entries(c, txs));
  return std::optional<Transaction>(std::move(txs[0]));
}

Result<Transaction> Ledger::post(db::Conn& c, const TransferSpec& spec) {
  RIFF_RETURN_IF_ERROR(validate(spec));
  const std::string print = fingerprint(spec);
  Transaction tx;
  tx.id = ids_.next();
  tx.kind = spec.kind;
  tx.reference = spec.reference;
  tx.idempotency_key = spec.idempotency_key;
  tx.memo = spec.memo;
  tx.created_at = clock_.now_ms();
  // The key's unique index decides who posts: a concurrent post with the same
  // key waits here for the first to commit (or roll back) on PostgreSQL.
  RIFF_ASSIGN_OR_RETURN(
      std::int64_t inserted,
      c.exec("INSERT INTO ledger_transactions"
             " (id, kind, reference, idempotency_key, fingerprint, memo, created_at)"
             " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING",
             {tx.id, tx.kind, tx.reference, tx.idempotency_key, print, tx.memo, tx.created_at}));
  if (inserted == 0) {
    RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                          c.query("SELECT fingerprint FROM ledger_transactions"
                                  " WHERE idempotency_key = $1",
                                  {spec.idempotency_key}));
    if (rows.empty() || rows[0].str(0) != print) {
      return Status::conflict(std::string(kKeyReused) + ": " + spec.idempotency_key +
                              " was already used for a different transfer");
    }
    RIFF_ASSIGN_OR_RETURN(auto first, find_by_key(c, spec.idempotency_key));
    if (!first) return Status::internal("ledger transaction vanished");
    first->replayed = true;
    return std::move(*first);
  }

  // One balance change per account, applied in key order (no deadlocks).
  std::map<AccountKey, std::int64_t> deltas;
  for (const auto& e : spec.entries) deltas[e.account] += e.amount;
  std::map<AccountKey, Id> account_ids;
  for (const auto& [key, delta] : deltas) {
    RIFF_ASSIGN_OR_RETURN(Id id, ensure_account(c, key));
    account_ids[key] = id;
    RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                          c.query("UPDATE ledger_accounts SET net = net + $1 WHERE id = $2"
                                  " RETURNING net",
                                  {delta, id}));
    if (rows.empty()) return Status::internal("ledger account vanished");
    const AccountKindInfo* kind = find_kind(key.kind);
    Account after{id, key, rows[0].i64(0), 0};
    if (kind->never_negative && after.balance() < 0) {
      return Status::conflict(std::string(kInsufficientFunds) + ": " + key.kind + " of " +
                              id_to_string(key.owner_id) + " would be " +
                              std::to_string(after.balance()) + " " + key.currency);
    }
  }

  std::string sql = "INSERT INTO ledger_entries (id, transaction_id, account_id, amount) VALUES ";
  std::vector<db::Param> params;
  params.reserve(spec.entries.size() * 4);
  for (std::size_t i = 0; i < spec.entries.size(); ++i) {
    const EntrySpec& e = spec.entries[i];
    Entry entry{ids_.next(), account_ids.at(e.account), e.account, e.amount};
    const std::size_t n = i * 4;
    sql += (i ? ", (" : "(") + ("$" + std::to_string(n + 1)) + ", $" + std::to_string(n + 2) +
           ", $" + std::to_string(n + 3) + ", $" + std::to_string(n + 4) + ")";
    tx.entries.push_back(entry);
  }
  for (const auto& entry : tx.entries) {
    params.emplace_back(entry.id);
    params.emplace_back(tx.id);
    params.emplace_back(entry.account_id);
    params.emplace_back(entry.amount);
  }
  RIFF_RETURN_IF_ERROR(c.exec(sql, params).status());
  return tx;
}

Result<Transaction> Ledger::post(const TransferSpec& spec) {
  return db_.transact_result([&](db::Conn& c) { return post(c, spec); });
}

Status Ledger::load_entries(db::Conn& c, std::vector<Transaction>& txs) {
  if (txs.empty()) return Status::ok();
  std::string sql =
      "SELECT e.transaction_id, e.id, e.account_id, a.kind, a.owner_id, a.currency, e.amount"
      " FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id"
      " WHERE e.transaction_id IN (";
  std::vector<db::Param> params;
  std::map<Id, Transaction*> by_id;
  for (std::size_t i = 0; i < txs.size(); ++i) {
    sql += (i ? ", $" : "$") + std::to_string(i + 1);
    params.emplace_back(txs[i].id);
    by_id[txs[i].id] = &txs[i];
  }
  sql += ") ORDER BY e.id";
  RIFF_ASSIGN_OR_RETURN(db::Rows rows, c.query(sql, params));
  for (const auto& r : rows) {
    by_id.at(r.i64(0))->entries.push_back(
        {r.i64(1), r.i64(2), {r.str(3), r.i64(4), r.str(5)}, r.i64(6)});
  }
  return Status::ok();
}

Result<std::vector<Account>> Ledger::accounts_of(Id owner_id) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query(std::string(kAccountColumns) + "WHERE owner_id = $1 ORDER BY kind, currency",
                {owner_id}));
  std::vector<Account> out;
  for (const auto& r : rows) out.push_back(account_from(r));
  return out;
}

Result<std::optional<Account>> Ledger::account(const AccountKey& key) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query(std::string(kAccountColumns) +
                    "WHERE kind = $1 AND owner_id = $2 AND currency = $3",
                {key.kind, key.owner_id, key.currency}));
  if (rows.empty()) return std::optional<Account>{};
  return std::optional<Account>(account_from(rows[0]));
}

Result<Page<Account>> Ledger::accounts(const AccountFilter& filter, int limit,
                                       const std::optional<std::string>& cursor) {
  RIFF_ASSIGN_OR_RETURN(std::optional<Id> after, parse_cursor(cursor));
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query(std::string(kAccountColumns) +
                    "WHERE id < $1 AND (CAST($2 AS TEXT) IS NULL OR kind = $2)"
                    " AND (CAST($3 AS BIGINT) IS NULL OR owner_id = $3)"
                    " ORDER BY id DESC LIMIT $4",
                {after.value_or(INT64_MAX), filter.kind, filter.owner_id, limit + 1}));
  std::vector<Account> items;
  for (const auto& r : rows) items.push_back(account_from(r));
  return page_of(std::move(items), limit);
}

Result<Page<Transaction>> Ledger::transactions(const TransactionFilter& filter, int limit,
                                               const std::optional<std::string>& cursor) {
  RIFF_ASSIGN_OR_RETURN(std::optional<Id> after, parse_cursor(cursor));
  std::vector<Transaction> items;
  Status st = db_.read([&](db::Conn& c) -> Result<db::Rows> {
                   items.clear();
                   RIFF_ASSIGN_OR_RETURN(
                       db::Rows rows,
                       c.query(std::string(kTransactionColumns) +
                                   "WHERE id < $1"
                                   " AND (CAST($2 AS TEXT) IS NULL OR reference = $2)"
                                   " AND (CAST($3 AS BIGINT) IS NULL OR id IN (SELECT"
                                   " transaction_id FROM ledger_entries WHERE account_id = $3))"
                                   " ORDER BY id DESC LIMIT $4",
                               {after.value_or(INT64_MAX), filter.reference, filter.account_id,
                                limit + 1}));
                   for (const auto& r : rows) items.push_back(transaction_from(r));
                   RIFF_RETURN_IF_ERROR(load_entries(c, items));
                   return db::Rows{};
                 })
                  .status();
  RIFF_RETURN_IF_ERROR(st);
  return page_of(std::move(items), limit);
}

Result<Transaction> Ledger::transaction(Id id) {
  std::vector<Transaction> txs;
  Status st = db_.read([&](db::Conn& c) -> Result<db::Rows> {
                   txs.clear();
                   RIFF_ASSIGN_OR_RETURN(
                       db::Rows rows,
                       c.query(std::string(kTransactionColumns) + "WHERE id = $1", {id}));
                   for (const auto& r : rows) txs.push_back(transaction_from(r));
                   RIFF_RETURN_IF_ERROR(load_entries(c, txs));
                   return db::Rows{};
                 })
                  .status();
  RIFF_RETURN_IF_ERROR(st);
  if (txs.empty()) return Status::not_found("No such ledger transaction.");
  return std::move(txs[0]);
}

}  // namespace riff::ledger
