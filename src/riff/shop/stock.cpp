#include "riff/shop/stock.hpp"

namespace riff::shop {
namespace {

// stock_reservations.state
constexpr int kHeld = 0;
constexpr int kCommitted = 1;
constexpr int kReleased = 2;

}  // namespace

StockService::StockService(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

Status StockService::reserve(Id variant_id, std::int64_t quantity, Id reservation_id,
                             std::int64_t expires_at) {
  return db_.transact(
      [&](db::Conn& c) { return reserve(c, variant_id, quantity, reservation_id, expires_at); });
}

Status StockService::reserve(db::Conn& c, Id variant_id, std::int64_t quantity, Id reservation_id,
                             std::int64_t expires_at) {
  if (quantity <= 0) return Status::invalid("/quantity", "Reserve at least one unit.");
  // A row that already exists is a retry: fine when identical and still held.
  RIFF_ASSIGN_OR_RETURN(db::Rows existing, c.query("SELECT quantity, state FROM stock_reservations"
                                                   " WHERE reservation_id = $1 AND variant_id = $2",
                                                   {reservation_id, variant_id}));
  if (!existing.empty()) {
    if (existing[0].i64(0) == quantity && existing[0].i64(1) == kHeld) return Status::ok();
    return Status::conflict("This reservation already holds or held the variant.");
  }
  const std::int64_t now = clock_.now_ms();
  RIFF_ASSIGN_OR_RETURN(std::int64_t taken,
                        c.exec("UPDATE product_variants SET reserved = reserved + $2,"
                               " updated_at = $3 WHERE id = $1 AND on_hand - reserved >= $2",
                               {variant_id, quantity, now}));
  if (taken == 0) {
    RIFF_ASSIGN_OR_RETURN(db::Rows found,
                          c.query("SELECT 1 FROM product_variants WHERE id = $1", {variant_id}));
    if (found.empty()) return Status::not_found("No such variant.");
    return Status::conflict(std::string(kOutOfStock));
  }
  // Two identical reservations racing: the second insert finds the row and
  // fails, and its transaction rolls back the units it took.
  RIFF_ASSIGN_OR_RETURN(
      std::int64_t recorded,
      c.exec("INSERT INTO stock_reservations (reservation_id, variant_id, quantity, state,"
             " expires_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)"
             " ON CONFLICT (reservation_id, variant_id) DO NOTHING",
             {reservation_id, variant_id, quantity, kHeld, expires_at, now}));
  if (recorded == 0) return Status::conflict("The same reservation is being made concurrently.");
  return Status::ok();
}

Result<std::int64_t> StockService::finish(db::Conn& c, Id reservation_id, int state) {
  RIFF_ASSIGN_OR_RETURN(db::Rows held,
                        c.query("SELECT variant_id, quantity FROM stock_reservations"
                                " WHERE reservation_id = $1 AND state = $2 ORDER BY variant_id",
                                {reservation_id, kHeld}));
  const std::int64_t now = clock_.now_ms();
  std::int64_t units = 0;
  for (const auto& r : held) {
    const Id variant = r.i64(0);
    const std::int64_t q = r.i64(1);
    // Only the caller that flips the row moves the units.
    RIFF_ASSIGN_OR_RETURN(std::int64_t flipped,
                          c.exec("UPDATE stock_reservations SET state = $3, updated_at = $4"
                                 " WHERE reservation_id = $1 AND variant_id = $2 AND state = $5",
                                 {reservation_id, variant, state, now, kHeld}));
    if (flipped == 0) continue;
    const char* sql = state == kCommitted
                          ? "UPDATE product_variants SET on_hand = on_hand - $2,"
                            " reserved = reserved - $2, updated_at = $3 WHERE id = $1"
                          : "UPDATE product_variants SET reserved = reserved - $2,"
                            " updated_at = $3 WHERE id = $1";
    RIFF_RETURN_IF_ERROR(c.exec(sql, {variant, q, now}).status());
    units += q;
  }
  return units;
}

Result<std::int64_t> StockService::release(Id reservation_id) {
  return db_.transact_result([&](db::Conn& c) { return release(c, reservation_id); });
}

Result<std::int64_t> StockService::release(db::Conn& c, Id reservation_id) {
  return finish(c, reservation_id, kReleased);
}

Result<std::int64_t> StockService::commit(Id reservation_id) {
  return db_.transact_result([&](db::Conn& c) { return commit(c, reservation_id); });
}

Result<std::int64_t> StockService::commit(db::Conn& c, Id reservation_id) {
  return finish(c, reservation_id, kCommitted);
}

Result<std::int64_t> StockService::expire_due() {
  RIFF_ASSIGN_OR_RETURN(db::Rows due,
                        db_.query("SELECT DISTINCT reservation_id FROM stock_reservations"
                                  " WHERE state = $1 AND expires_at <= $2 LIMIT 1000",
                                  {kHeld, clock_.now_ms()}));
  std::int64_t rows = 0;
  for (const auto& r : due) {
    const Id id = r.i64(0);
    RIFF_ASSIGN_OR_RETURN(std::int64_t units, release(id));
    if (units > 0) ++rows;
  }
  return rows;
}

Result<StockLevel> StockService::adjust(Id variant_id, std::int64_t delta) {
  return db_.transact_result([&](db::Conn& c) -> Result<StockLevel> {
    RIFF_ASSIGN_OR_RETURN(std::int64_t n,
                          c.exec("UPDATE product_variants SET on_hand = on_hand + $2,"
                                 " updated_at = $3 WHERE id = $1 AND on_hand + $2 >= reserved"
                                 " AND on_hand + $2 >= 0",
                                 {variant_id, delta, clock_.now_ms()}));
    RIFF_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.query("SELECT on_hand, reserved FROM product_variants WHERE id = $1", {variant_id}));
    if (rows.empty()) return Status::not_found("No such variant.");
    if (n == 0) return Status::conflict("Stock on hand cannot drop below the units reserved.");
    return StockLevel{variant_id, rows[0].i64(0), rows[0].i64(1)};
  });
}

Result<StockLevel> StockService::adjust_as(Id owner_id, Id variant_id, std::int64_t delta) {
  RIFF_ASSIGN_OR_RETURN(db::Rows mine,
                        db_.query("SELECT 1 FROM product_variants v JOIN shops s ON s.id = v.shop_id"
                                  " WHERE v.id = $1 AND s.owner_id = $2",
                                  {variant_id, owner_id}));
  if (mine.empty()) return Status::not_found("No such variant in your shop.");
  return adjust(variant_id, delta);
}

Result<StockLevel> StockService::level(Id variant_id) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query("SELECT on_hand, reserved FROM product_variants WHERE id = $1", {variant_id}));
  if (rows.empty()) return Status::not_found("No such variant.");
  return StockLevel{variant_id, rows[0].i64(0), rows[0].i64(1)};
}

}  // namespace riff::shop
