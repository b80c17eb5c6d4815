#include "riff/ledger/settlements.hpp"

namespace riff::ledger {
namespace {

constexpr std::string_view kColumns =
    "SELECT id, from_account_id, to_account_id, amount, reference, due_at, state, transaction_id"
    " FROM ledger_settlements ";

Settlement settlement_from(const db::Row& r) {
  return {r.i64(0),
          r.i64(1),
          r.i64(2),
          r.i64(3),
          r.str(4),
          r.i64(5),
          static_cast<SettlementState>(r.i64(6)),
          r.opt_i64(7)};
}

}  // namespace

Settlements::Settlements(db::Database& db, IdGenerator& ids, const Clock& clock, Ledger& ledger)
    : db_(db), ids_(ids), clock_(clock), ledger_(ledger) {}

Result<Settlement> Settlements::schedule(db::Conn& c, const SettlementSpec& spec) {
  // The transfer it will post must be valid now, not only when it is due.
  TransferSpec probe;
  probe.kind = "settlement";
  probe.idempotency_key = spec.idempotency_key;
  probe.move(spec.from, spec.to, spec.amount);
  RIFF_RETURN_IF_ERROR(validate(probe));
  if (spec.amount <= 0) return Status::invalid("/amount", "a positive amount in minor units");
  if (find_kind(spec.from.kind)->normal != find_kind(spec.to.kind)->normal) {
    return Status::invalid("/to", "a settlement moves value between accounts of one normal side");
  }
  RIFF_ASSIGN_OR_RETURN(Id from, ledger_.ensure_account(c, spec.from));
  RIFF_ASSIGN_OR_RETURN(Id to, ledger_.ensure_account(c, spec.to));
  RIFF_RETURN_IF_ERROR(
      c.exec("INSERT INTO ledger_settlements (id, from_account_id, to_account_id, amount,"
             " reference, idempotency_key, due_at, state, created_at)"
             " VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8)"
             " ON CONFLICT (idempotency_key) DO NOTHING",
             {ids_.next(), from, to, spec.amount, spec.reference, spec.idempotency_key,
              spec.due_at, clock_.now_ms()})
          .status());
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query(std::string(kColumns) + "WHERE idempotency_key = $1", {spec.idempotency_key}));
  if (rows.empty()) return Status::internal("settlement vanished after insert");
  return settlement_from(rows[0]);
}

Result<std::vector<Settlement>> Settlements::cancel(db::Conn& c, std::string_view reference) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        c.query("UPDATE ledger_settlements SET state = 2"
                                " WHERE reference = $1 AND state = 0"
                                " RETURNING id, from_account_id, to_account_id, amount,"
                                " reference, due_at, state, transaction_id",
                                {reference}));
  std::vector<Settlement> out;
  for (const auto& r : rows) out.push_back(settlement_from(r));
  return out;
}

Result<bool> Settlements::settle_one(Id id) {
  return db_.transact_result([&](db::Conn& c) -> Result<bool> {
    // Whoever locks it first while it is still scheduled posts it.
    RIFF_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.query("SELECT s.amount, s.reference, f.kind, f.owner_id, f.currency, t.kind,"
                " t.owner_id, t.currency FROM ledger_settlements s"
                " JOIN ledger_accounts f ON f.id = s.from_account_id"
                " JOIN ledger_accounts t ON t.id = s.to_account_id"
                " WHERE s.id = $1 AND s.state = 0 FOR UPDATE OF s SKIP LOCKED",
                {id}));
    if (rows.empty()) return false;
    const db::Row& r = rows[0];
    TransferSpec spec;
    spec.kind = "settlement";
    spec.reference = r.str(1);
    spec.idempotency_key = "settlement:" + id_to_string(id);
    spec.move({r.str(2), r.i64(3), r.str(4)}, {r.str(5), r.i64(6), r.str(7)}, r.i64(0));
    RIFF_ASSIGN_OR_RETURN(Transaction tx, ledger_.post(c, spec));
    RIFF_RETURN_IF_ERROR(
        c.exec("UPDATE ledger_settlements SET state = 1, transaction_id = $2 WHERE id = $1",
               {id, tx.id})
            .status());
    return true;
  });
}

Result<int> Settlements::settle_due(int limit) {
  RIFF_ASSIGN_OR_RETURN(db::Rows due, db_.query("SELECT id FROM ledger_settlements"
                                                " WHERE state = 0 AND due_at <= $1"
                                                " ORDER BY due_at, id LIMIT $2",
                                                {clock_.now_ms(), limit}));
  int posted = 0;
  for (const auto& r : due) {
    RIFF_ASSIGN_OR_RETURN(bool done, settle_one(r.i64(0)));
    posted += done ? 1 : 0;
  }
  return posted;
}

Result<std::vector<Settlement>> Settlements::of_reference(std::string_view reference) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query(std::string(kColumns) + "WHERE reference = $1 ORDER BY id", {reference}));
  std::vector<Settlement> out;
  for (const auto& r : rows) out.push_back(settlement_from(r));
  return out;
}

Result<Transaction> Settlements::payout(db::Conn& c, const PayoutSpec& spec) {
  if (spec.from_kind != kSellerAvailable && spec.from_kind != kCreatorAvailable) {
    return Status::invalid("/kind", "payouts come from seller_available or creator_available");
  }
  if (spec.amount <= 0) return Status::invalid("/amount", "a positive amount in minor units");
  if (spec.gateway_reference.empty()) {
    return Status::invalid("/gateway_reference", "the gateway's payout reference is required");
  }
  TransferSpec t;
  t.kind = "payout";
  t.reference = spec.gateway_reference;
  t.idempotency_key = spec.idempotency_key;
  t.move({spec.from_kind, spec.owner_id, spec.currency},
         {std::string(kPayouts), spec.owner_id, spec.currency}, spec.amount);
  return ledger_.post(c, t);
}

Result<Transaction> Settlements::payout(const PayoutSpec& spec) {
  return db_.transact_result([&](db::Conn& c) { return payout(c, spec); });
}

}  // namespace riff::ledger
