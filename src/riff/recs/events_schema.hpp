#pragma once
// Tables of the event log (migrations 300..319; the rest of recs uses 320..399).

#include <vector>

#include "riff/db/database.hpp"

namespace riff::recs {

/// Needs accounts::migrations() applied first (a trigger on users).
std::vector<db::Migration> events_migrations();

}  // namespace riff::recs
