#include "riff/music/module.hpp"

namespace riff::music {

MusicModule::MusicModule(db::Database& db, IdGenerator& ids, const Clock& clock,
                         const MusicOptions& options, std::string key)
    : db_(db),
      catalog_(db, options.music_dir),
      listening_(db, ids, clock, catalog_),
      playlists_(db, ids, clock),
      app_passwords_(db, ids, clock, std::move(key)),
      charts_(db, clock, options.charts) {}

Result<std::unique_ptr<MusicModule>> MusicModule::create(db::Database& db, IdGenerator& ids,
                                                         const Clock& clock,
                                                         const MusicOptions& options) {
  RIFF_ASSIGN_OR_RETURN(std::string key, AppPasswords::load_or_create_key(options.key_file));
  return std::unique_ptr<MusicModule>(new MusicModule(db, ids, clock, options, std::move(key)));
}

void MusicModule::mount(net::Router& router) {
  mount_api_routes(router, *this);
  mount_chart_routes(router, *this);
  mount_subsonic_routes(router, *this);
}

}  // namespace riff::music
