#pragma once
// Full-text search queries that mean the same on both databases: every word
// of the user's query must start a word of the text. SQLite answers with an
// FTS5 table, PostgreSQL with a 'simple' tsvector and GIN index; neither
// stems, so both match the same words. The tables and indexes belong to the
// modules that search (migrations); this file only turns what a person
// typed into the engine's query text.

#include <string>
#include <string_view>
#include <vector>

#include "riff/db/database.hpp"

namespace riff::db {

/// The words of a query: runs of letters and digits (any byte >= 0x80
/// counts as a letter), lowercase, each cut at 64 bytes, at most 8.
/// Quotes, operators and other punctuation are dropped, so the result is
/// safe to put into either engine's query syntax.
std::vector<std::string> search_words(std::string_view q);

/// `words` (from search_words) as a query that needs every word as a
/// prefix: FTS5 MATCH text (`"a"* AND "b"*`) or to_tsquery('simple') text
/// (`a:* & b:*`). Empty when `words` is.
std::string prefix_query(Dialect dialect, const std::vector<std::string>& words);

}  // namespace riff::db
