#pragma once
// The shop module's tables: migrations 500..549. Shops and their catalogs
// (500-509), stock reservations (510-519), product links, showcases and taps
// (520-529).

#include <vector>

#include "riff/db/database.hpp"

namespace riff::shop {

std::vector<db::Migration> migrations();

}  // namespace riff::shop
