#pragma once
// StockService: units per variant (SKU) and the reservations checkout holds
// on them. A variant has `on_hand` units of which `reserved` are held by
// reservations; available = on_hand - reserved never goes below zero.
//
// Overselling is impossible by construction: a reservation is one
// conditional UPDATE (`reserved = reserved + q WHERE on_hand - reserved >=
// q`) whose row count decides it. On PostgreSQL (READ COMMITTED) a
// concurrent writer waits for the row lock and re-checks the condition on
// the new row; on SQLite writers are serial. Reservation state changes
// (held -> committed / released) are conditional UPDATEs too, so a retried
// or concurrent release or commit moves units once.
//
// A reservation id is the caller's (checkout uses its order id); one
// reservation may hold several variants. Every method has a form that runs
// inside the caller's transaction (db::Conn), so an order and its stock
// change commit together.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <cstdint>
#include <string_view>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"

namespace riff::shop {

/// The message of the kConflict that reserve() returns when too few units are available.
inline constexpr std::string_view kOutOfStock = "out of stock";

struct StockLevel {
  Id variant_id = 0;
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;
  std::int64_t available() const { return on_hand - reserved; }
};

class StockService {
 public:
  StockService(db::Database& db, const Clock& clock);

  /// Holds `quantity` units of `variant_id` for `reservation_id` until
  /// `expires_at` (ms). kConflict with kOutOfStock when fewer are available;
  /// kNotFound for an unknown variant; kInvalid for quantity <= 0. Repeating
  /// the same (reservation, variant, quantity) while held is a no-op; a
  /// different quantity or a finished reservation is kConflict.
  Status reserve(Id variant_id, std::int64_t quantity, Id reservation_id, std::int64_t expires_at);
  Status reserve(db::Conn& c, Id variant_id, std::int64_t quantity, Id reservation_id,
                 std::int64_t expires_at);

  /// Returns the held units of a reservation to the available stock; the
  /// number of units released (0 when nothing was held: already released,
  /// committed, or unknown).
  Result<std::int64_t> release(Id reservation_id);
  Result<std::int64_t> release(db::Conn& c, Id reservation_id);

  /// Turns the held units of a reservation into a sale: on_hand and
  /// reserved both drop. The number of units committed (0 when nothing was held).
  Result<std::int64_t> commit(Id reservation_id);
  Result<std::int64_t> commit(db::Conn& c, Id reservation_id);

  /// Releases every held reservation whose expires_at has passed; the
  /// number of reservation rows released. Safe on several nodes at once.
  Result<std::int64_t> expire_due();

  /// Adds `delta` units (negative removes them) to on_hand. kConflict when
  /// on_hand would drop below the units reserved (or below zero).
  Result<StockLevel> adjust(Id variant_id, std::int64_t delta);
  /// adjust() on a variant of `owner_id`'s shop; kNotFound for anyone else's.
  Result<StockLevel> adjust_as(Id owner_id, Id variant_id, std::int64_t delta);

  Result<StockLevel> level(Id variant_id);

 private:
  /// Moves every held row of `reservation_id` to `state`, applying the
  /// stock change of that transition; the units moved.
  Result<std::int64_t> finish(db::Conn& c, Id reservation_id, int state);

  db::Database& db_;
  const Clock& clock_;
};

}  // namespace riff::shop
