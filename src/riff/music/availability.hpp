#pragma once
// Availability: the one rule that decides what a listener may see and hear.
//
// - riff Music is offered only in the countries an operator enables
//   (music.countries; empty = everywhere).
// - A listener's region is their account's country, else
//   music.default_country (also the region of anonymous visitors); a
//   listener with neither is in no country: the service is unavailable to
//   them when it is limited to some countries, and otherwise they get only
//   worldwide tracks.
// - A track is available where its territories allow. Territories are
//   ISO 3166-1 alpha-2 codes separated by ',': "IN,BR" = only there;
//   "WW" (or "WORLD") or "" = worldwide; "-CN" excludes a country ("WW,-CN" = everywhere
//   but China); spaces separate like commas ("WORLD -CN"). Stored in the
//   canonical form canonical_territories() gives.
// - An album is available when one of its tracks is; an artist when one of
//   the tracks they are credited on is.
//
// Every catalog query takes a Region and filters in SQL with
// track_available_sql(), so pagination counts only what the listener sees.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <string>
#include <string_view>
#include <vector>

#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"

namespace riff::music {

/// Where a listener is, as far as rights go.
struct Region {
  std::string country;        // ISO 3166-1 alpha-2, or "" when unknown
  bool service = true;        // riff Music is offered there
  bool unrestricted = false;  // no rights filter: importer, chart computation, operators

  /// No filter at all: for the server's own work, never for a listener.
  static Region anywhere() { return {"", true, true}; }
};

/// What a listener may do with one item.
enum class Verdict { kAvailable, kServiceUnavailable, kNotInRegion };

/// The canonical text of `text` (codes upper-cased, sorted, deduplicated;
/// "" when worldwide with no exclusions; "WW,-XX..." when only exclusions),
/// or kInvalid naming the bad code.
Result<std::string> canonical_territories(std::string_view text);

/// True when a track with (canonical) `territories` may be heard in
/// `country`. The same rule as track_available_sql().
bool track_available_in(std::string_view territories, std::string_view country);

/// An SQL condition, true for rows of music_tracks aliased `alias` that are
/// available in the country bound at placeholder `$param`.
std::string track_available_sql(std::string_view alias, int param);

struct RegionOptions {
  std::vector<std::string> countries;  // enabled countries; empty = everywhere
  std::string default_country;         // for anonymous listeners and accounts without one
};

class Availability {
 public:
  Availability(db::Database& db, RegionOptions options);

  /// The region of `user_id` (0 = anonymous).
  Result<Region> region_of(Id user_id);
  /// The region of someone in `country` ("" = unknown).
  Region region_in(const std::string& country) const;

  /// What `region` may do with a track whose territories are `territories`.
  static Verdict track_verdict(const Region& region, std::string_view territories);
  static Verdict service_verdict(const Region& region);

  const RegionOptions& options() const { return options_; }

 private:
  db::Database& db_;
  RegionOptions options_;
};

}  // namespace riff::music
