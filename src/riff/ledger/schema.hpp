#pragma once
// The ledger's tables (migration versions 600-619; payments owns 620-649).

#include <vector>

#include "riff/db/database.hpp"

namespace riff::ledger {

std::vector<db::Migration> migrations();

}  // namespace riff::ledger
