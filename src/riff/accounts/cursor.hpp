#pragma once
// Opaque list cursors. A cursor names the last item a page returned by its
// sort key, newest first: (created_at, id) for graph lists, the id alone for
// notifications. The next page starts strictly after that key, so every item
// appears exactly once across pages even while rows are added.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "riff/core/ids.hpp"

namespace riff::accounts {

struct CursorKey {
  std::int64_t time = 0;
  Id id = 0;
};

std::string encode_cursor(CursorKey key);
/// nullopt when `text` is not a cursor this module made.
std::optional<CursorKey> decode_cursor(std::string_view text);

/// The key to start a first page from: before every real row.
inline constexpr CursorKey kFirstPage{INT64_MAX, INT64_MAX};

}  // namespace riff::accounts
