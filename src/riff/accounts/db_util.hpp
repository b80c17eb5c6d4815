#pragma once
// Small helpers over db::Database used across this module.

#include <functional>

#include "riff/db/database.hpp"

namespace riff::accounts {

/// Runs several reads on one pooled connection. db::Database::read() wants a
/// Rows result; this lets a caller fill its own variables instead.
inline Status read_with(db::Database& db, const std::function<Status(db::Conn&)>& fn) {
  return db
      .read([&](db::Conn& c) -> Result<db::Rows> {
        Status s = fn(c);
        if (!s) return s;
        return db::Rows{};
      })
      .status();
}

}  // namespace riff::accounts
