#pragma once
// The orders module's tables: migrations 550..599. Carts, shipping options
// and coupons (550), checkouts, orders, their items, history and refunds
// (551), affiliate plans (552), return requests (553), flash deals (554).

#include <vector>

#include "riff/db/database.hpp"

namespace riff::orders {

std::vector<db::Migration> migrations();

}  // namespace riff::orders
