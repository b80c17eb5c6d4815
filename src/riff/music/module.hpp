#pragma once
// riff Music as one unit for the composition root: its services, built from
// the shared database, ids and clock, and its routes (/api/v1 and the
// Subsonic API at /rest/).

#include <filesystem>
#include <memory>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/music/app_passwords.hpp"
#include "riff/music/catalog.hpp"
#include "riff/music/charts.hpp"
#include "riff/music/listening.hpp"
#include "riff/music/playlists.hpp"
#include "riff/net/router.hpp"

namespace riff::music {

struct MusicOptions {
  std::filesystem::path music_dir;  // <data_dir>/music
  std::filesystem::path key_file;   // <data_dir>/keys/app-passwords.key
  ChartOptions charts;
};

class MusicModule {
 public:
  /// Reads (or creates) the app-password key. References must outlive the module.
  static Result<std::unique_ptr<MusicModule>> create(db::Database& db, IdGenerator& ids,
                                                     const Clock& clock,
                                                     const MusicOptions& options);

  /// Adds the /api/v1 music routes and /rest/{method*}. Once, at start-up.
  void mount(net::Router& router);

  Catalog& catalog() { return catalog_; }
  Listening& listening() { return listening_; }
  Playlists& playlists() { return playlists_; }
  AppPasswords& app_passwords() { return app_passwords_; }
  Charts& charts() { return charts_; }
  db::Database& db() { return db_; }

 private:
  MusicModule(db::Database& db, IdGenerator& ids, const Clock& clock, const MusicOptions& options,
              std::string key);

  db::Database& db_;
  Catalog catalog_;
  Listening listening_;
  Playlists playlists_;
  AppPasswords app_passwords_;
  Charts charts_;
};

/// The routes, split by API (routes.cpp, chart_routes.cpp, subsonic_routes.cpp).
void mount_api_routes(net::Router& router, MusicModule& music);
void mount_chart_routes(net::Router& router, MusicModule& music);
void mount_subsonic_routes(net::Router& router, MusicModule& music);

}  // namespace riff::music
