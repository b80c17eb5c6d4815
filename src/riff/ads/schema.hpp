#pragma once
// The ads module's tables: migrations 650..679. Funding (650), campaigns and
// their reported events (651).

#include <vector>

#include "riff/db/database.hpp"

namespace riff::ads {

std::vector<db::Migration> migrations();

}  // namespace riff::ads
