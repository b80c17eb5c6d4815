#pragma once
// Rights: where each track may be heard (its territories, availability.hpp
// gives the format) and who may change that: operators (admins) for every
// track.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <string>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"

namespace riff::music {

class Rights {
 public:
  Rights(db::Database& db, const Clock& clock);

  /// Sets the territories of `track_id` to the canonical form of `text`
  /// and returns it. kInvalid for a bad code (nothing changes), kNotFound
  /// for an unknown track.
  Result<std::string> set_territories(Id track_id, std::string_view text);

 private:
  db::Database& db_;
  const Clock& clock_;
};

}  // namespace riff::music
