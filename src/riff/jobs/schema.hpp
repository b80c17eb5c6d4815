#pragma once
// The jobs module's table: migrations 50..59.

#include <vector>

#include "riff/db/database.hpp"

namespace riff::jobs {

std::vector<db::Migration> migrations();

}  // namespace riff::jobs
