#include "riff/ledger/schema.hpp"

namespace riff::ledger {

// ledger_accounts.net caches SUM(ledger_entries.amount) of the account; it is
// updated in the transaction that inserts the entries, and `riffd ledger
// verify` checks the two agree. fingerprint is a hash of a transaction's
// entries, so that a reused idempotency key with other entries is refused.
// Settlements: state 0 scheduled, 1 settled, 2 cancelled.
std::vector<db::Migration> migrations() {
  return {
      {600, "ledger", R"sql(
CREATE TABLE ledger_accounts (
  id BIGINT PRIMARY KEY,
  kind TEXT NOT NULL,
  owner_id BIGINT NOT NULL,
  currency TEXT NOT NULL,
  net BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  UNIQUE (kind, owner_id, currency)
);
CREATE INDEX ledger_accounts_owner ON ledger_accounts (owner_id, kind);
CREATE TABLE ledger_transactions (
  id BIGINT PRIMARY KEY,
  kind TEXT NOT NULL,
  reference TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  memo TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX ledger_transactions_key ON ledger_transactions (idempotency_key);
CREATE INDEX ledger_transactions_reference ON ledger_transactions (reference);
CREATE TABLE ledger_entries (
  id BIGINT PRIMARY KEY,
  transaction_id BIGINT NOT NULL REFERENCES ledger_transactions (id),
  account_id BIGINT NOT NULL REFERENCES ledger_accounts (id),
  amount BIGINT NOT NULL
);
CREATE INDEX ledger_entries_transaction ON ledger_entries (transaction_id);
CREATE INDEX ledger_entries_account ON ledger_entries (account_id, id);
CREATE TABLE ledger_settlements (
  id BIGINT PRIMARY KEY,
  from_account_id BIGINT NOT NULL REFERENCES ledger_accounts (id),
  to_account_id BIGINT NOT NULL REFERENCES ledger_accounts (id),
  amount BIGINT NOT NULL,
  reference TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  due_at BIGINT NOT NULL,
  state INTEGER NOT NULL DEFAULT 0,
  transaction_id BIGINT REFERENCES ledger_transactions (id),
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX ledger_settlements_key ON ledger_settlements (idempotency_key);
CREATE INDEX ledger_settlements_due ON ledger_settlements (state, due_at);
CREATE INDEX ledger_settlements_reference ON ledger_settlements (reference))sql",
       std::nullopt},
  };
}

}  // namespace riff::ledger
