#pragma once
// Dialect rewrites applied by the drivers to the one shared SQL text.
//
// Pure functions over strings; no I/O; safe to call from any thread.

#include <optional>
#include <string>
#include <string_view>

namespace riff::db {

/// Returns `sql` with every row-locking clause removed, for SQLite, whose
/// single writer already serialises transactions:
///   FOR UPDATE | FOR NO KEY UPDATE | FOR SHARE | FOR KEY SHARE
///   [OF table [, table ...]] [NOWAIT | SKIP LOCKED]
/// Keywords are matched case-insensitively and only outside string literals,
/// quoted identifiers and comments. Text without such a clause is returned
/// unchanged.
std::string strip_row_locks(std::string_view sql);

/// Parses the number of a `$<n>` placeholder name as SQLite reports it
/// ("$12" -> 12). Returns nullopt for any other name (`?`, `:x`, `@x`, `$x`).
std::optional<int> placeholder_number(std::string_view name);

/// True when `rest` holds only whitespace, ';' and comments: what may follow
/// the one statement of a prepared SQL text.
bool is_blank_sql(std::string_view rest);

}  // namespace riff::db
