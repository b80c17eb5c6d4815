#pragma once
// riff Music's tables: migrations 400..499.

#include <vector>

#include "riff/db/database.hpp"

namespace riff::music {

std::vector<db::Migration> migrations();

}  // namespace riff::music
