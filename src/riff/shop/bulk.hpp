#pragma once
// Bulk import and export of a shop's catalog, one row per variant, grouped
// into products by `product_handle`. The columns (kBulkColumns) are the same
// in CSV (a header row, any column order) and JSON (an array of objects),
// and an export imports back unchanged.
//
// Import is all-or-nothing: every row is checked (fields, then each
// product's rules, then the database: SKUs of other products, reserved
// stock), every problem is reported with its row number (the header is row
// 1 in CSV, the first object row 1 in JSON) and column, and nothing is
// written unless there are none. A dry run checks everything, writes
// included, and rolls back. An imported product replaces the stored one
// with the same handle: fields, options and variants (matched by SKU,
// so ids and reservations stay; missing SKUs are removed). Product fields
// are read from a product's first row; later rows may leave them empty but
// may not contradict them. Images are not part of the file.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"

namespace riff::shop {

inline constexpr std::array<std::string_view, 16> kBulkColumns = {
    "product_handle", "title",         "description",  "category",         "status",
    "option1_name",   "option1_value", "option2_name", "option2_value",    "option3_name",
    "option3_value",  "sku",           "price",        "compare_at_price", "weight_grams",
    "on_hand"};
inline constexpr std::size_t kMaxImportRows = 10'000;

/// One row of a file: its number and its cells by column name.
struct BulkRow {
  std::size_t row = 0;
  std::map<std::string, std::string, std::less<>> cells;
};

struct RowError {
  std::size_t row = 0;
  std::string field;
  std::string message;
};

struct ImportReport {
  bool dry_run = false;
  bool applied = false;
  std::size_t rows = 0;
  std::size_t products_created = 0;
  std::size_t products_updated = 0;
  std::vector<RowError> errors;  // empty when applied (or when a dry run would apply)
};

/// Rows of a CSV file; a header names the columns. kInvalid for a malformed
/// file, an unknown or repeated column, or a missing required one.
Result<std::vector<BulkRow>> bulk_rows_from_csv(std::string_view text);
/// Rows from a JSON array of objects (strings or integers as values).
Result<std::vector<BulkRow>> bulk_rows_from_json(std::string_view text);

/// The header and one row per variant, products newest first.
std::string bulk_to_csv(const std::vector<BulkRow>& rows);
std::string bulk_to_json(const std::vector<BulkRow>& rows);

class BulkCatalog {
 public:
  BulkCatalog(db::Database& db, IdGenerator& ids, const Clock& clock);

  /// Imports into the shop of `owner_id` (kNotFound without one). Row
  /// problems come back in the report, not as an error.
  Result<ImportReport> import(Id owner_id, const std::vector<BulkRow>& rows, bool dry_run);
  /// Every product of the owner's shop, all statuses.
  Result<std::vector<BulkRow>> export_rows(Id owner_id);

 private:
  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
};

}  // namespace riff::shop
