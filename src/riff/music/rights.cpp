#include "riff/music/rights.hpp"

#include "riff/music/availability.hpp"

namespace riff::music {

Rights::Rights(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

Result<std::string> Rights::set_territories(Id track_id, std::string_view text) {
  RIFF_ASSIGN_OR_RETURN(std::string canonical, canonical_territories(text));
  RIFF_ASSIGN_OR_RETURN(
      std::int64_t n,
      db_.exec("UPDATE music_tracks SET territories = $2, updated_at = $3 WHERE id = $1",
               {track_id, canonical, clock_.now_ms()}));
  if (n == 0) return Status::not_found("No such track.");
  return canonical;
}

}  // namespace riff::music
