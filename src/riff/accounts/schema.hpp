#pragma once
// The accounts module's tables, as migrations 100..199.

#include <vector>

#include "riff/db/database.hpp"

namespace riff::accounts {

/// users, sessions, follows, follow_requests, blocks, notifications. One SQL
/// text serves SQLite and PostgreSQL. Append new versions; never edit one
/// that has shipped.
std::vector<db::Migration> migrations();

}  // namespace riff::accounts
