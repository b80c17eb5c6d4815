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
#include "riff/music/audio_ads.hpp"
#include "riff/music/availability.hpp"
#include "riff/music/catalog.hpp"
#include "riff/music/charts.hpp"
#include "riff/music/labels.hpp"
#include "riff/music/listening.hpp"
#include "riff/music/offline_licences.hpp"
#include "riff/music/playlists.hpp"
#include "riff/music/radio.hpp"
#include "riff/music/rights.hpp"
#include "riff/music/store_notifications.hpp"
#include "riff/music/subscriptions.hpp"
#include "riff/net/router.hpp"

namespace riff::music {

struct MusicOptions {
  std::filesystem::path music_dir;  // <data_dir>/music
  std::filesystem::path key_file;   // <data_dir>/keys/app-passwords.key
  ChartOptions charts;
  // App store purchases (store_notifications.hpp); empty paths leave a
  // store's webhook unconfigured (503).
  std::filesystem::path app_store_root_cert;
  std::string app_store_bundle_id;
  std::filesystem::path google_play_push_key;
  std::string google_play_audience;
  std::string google_play_package;
  std::string public_url;  // absolute links in exports (playlist files)
  int offline_licence_days = 30;
  RegionOptions regions;
  int ad_every_tracks = 3;  // free listeners hear an audio ad after this many plays (0 = none)
  ProbeRunner probe;        // decodes uploaded ad audio in a child; unset: uploads refused
  // Label uploads (labels.hpp): imported as jobs on `queue` (unset: refused);
  // `wake` tells this node's worker. Songs become sounds under `sounds_dir`,
  // as clips of `sound_clip_ms` (0: the whole song).
  jobs::JobQueue* queue = nullptr;
  std::function<void()> wake;
  std::filesystem::path sounds_dir;
  std::int64_t sound_clip_ms = 60'000;
  std::size_t label_upload_max_bytes = 100u << 20;
};

class MusicModule {
 public:
  /// Reads (or creates) the app-password key and reads the store roots and
  /// keys. References must outlive the module.
  static Result<std::unique_ptr<MusicModule>> create(db::Database& db, IdGenerator& ids,
                                                     const Clock& clock,
                                                     const MusicOptions& options);

  /// Adds the /api/v1 music routes and /rest/{method*}. Once, at start-up.
  void mount(net::Router& router);

  Catalog& catalog() { return catalog_; }
  Listening& listening() { return listening_; }
  Subscriptions& subscriptions() { return subscriptions_; }
  StoreNotifications& store_notifications() { return store_notifications_; }
  OfflineLicences& offline_licences() { return offline_licences_; }
  Playlists& playlists() { return playlists_; }
  Radio& radio() { return radio_; }
  AppPasswords& app_passwords() { return app_passwords_; }
  Charts& charts() { return charts_; }
  Availability& availability() { return availability_; }
  Rights& rights() { return rights_; }
  AudioAds& audio_ads() { return audio_ads_; }
  Labels& labels() { return labels_; }
  db::Database& db() { return db_; }
  const Clock& clock() const { return clock_; }

 private:
  MusicModule(db::Database& db, IdGenerator& ids, const Clock& clock, const MusicOptions& options,
              std::string key, StoreOptions store);

  db::Database& db_;
  const Clock& clock_;
  std::string public_url_;
  std::size_t label_upload_max_bytes_;
  Catalog catalog_;
  Subscriptions subscriptions_;
  StoreNotifications store_notifications_;
  Listening listening_;
  OfflineLicences offline_licences_;  // before app_passwords_, which takes the key
  Playlists playlists_;
  Radio radio_;
  AppPasswords app_passwords_;
  Charts charts_;
  Availability availability_;
  Rights rights_;
  AudioAds audio_ads_;
  Labels labels_;
};

/// The routes, split by API (routes.cpp, playlist_routes.cpp, chart_routes.cpp, plan_routes.cpp,
/// offline_routes.cpp, subsonic_routes.cpp, export_routes.cpp, rights_routes.cpp,
/// ad_routes.cpp, label_routes.cpp, library_routes.cpp).
void mount_api_routes(net::Router& router, MusicModule& music);
void mount_library_routes(net::Router& router, MusicModule& music);
void mount_playlist_routes(net::Router& router, MusicModule& music);
void mount_chart_routes(net::Router& router, MusicModule& music);
void mount_plan_routes(net::Router& router, MusicModule& music);
void mount_offline_routes(net::Router& router, MusicModule& music);
void mount_subsonic_routes(net::Router& router, MusicModule& music);
void mount_export_routes(net::Router& router, MusicModule& music, std::string public_url);
void mount_rights_routes(net::Router& router, MusicModule& music);
void mount_ad_routes(net::Router& router, MusicModule& music);
void mount_label_routes(net::Router& router, MusicModule& music, std::size_t max_upload_bytes);

}  // namespace riff::music
