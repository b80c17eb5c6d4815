#pragma once
// User-item interaction lists in the LightGCN text format (one line per
// user: `user item item ...`, dense ids from 0): what `riffd eval-recs`
// trains and tests on.

#include <cstdint>
#include <filesystem>
#include <vector>

#include "riff/core/status.hpp"

namespace riff::recs {

struct Interactions {
  /// items_of[user]: that user's items, sorted, without duplicates.
  std::vector<std::vector<std::int32_t>> items_of;
  std::int32_t max_item = -1;  // largest item id seen
  std::size_t count = 0;       // interactions

  std::int32_t users() const { return static_cast<std::int32_t>(items_of.size()); }
};

/// Reads a file in the format above. A line that is not integers is refused
/// with its line number.
Result<Interactions> read_interactions(const std::filesystem::path& path);

}  // namespace riff::recs
