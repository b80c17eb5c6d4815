#pragma once
// Payments tables (migration versions 620-649): the simulated gateway's own
// state (gateway_*), as a real gateway would keep it on its side, and riff's
// record of the webhook events it processed.

#include <vector>

#include "riff/db/database.hpp"

namespace riff::payments {

std::vector<db::Migration> migrations();

}  // namespace riff::payments
