#include "riff/music/module.hpp"

namespace riff::music {

MusicModule::MusicModule(db::Database& db, IdGenerator& ids, const Clock& clock,
                         const MusicOptions& options, std::string key, StoreOptions store)
    : db_(db),
      clock_(clock),
      public_url_(options.public_url),
      label_upload_max_bytes_(options.label_upload_max_bytes),
      catalog_(db, options.music_dir),
      subscriptions_(db, clock),
      store_notifications_(db, clock, subscriptions_, std::move(store)),
      listening_(db, ids, clock, catalog_, subscriptions_, options.ad_every_tracks),
      offline_licences_(db, ids, clock, catalog_, subscriptions_, key,
                        options.offline_licence_days),
      playlists_(db, ids, clock, options.music_dir),
      radio_(db, catalog_),
      app_passwords_(db, ids, clock, std::move(key)),
      charts_(db, clock, options.charts),
      availability_(db, options.regions),
      rights_(db, clock),
      audio_ads_(
          db, ids, clock, subscriptions_, availability_,
          AudioAdOptions{options.music_dir / "ads", options.ad_every_tracks, options.probe}),
      labels_(db, ids, clock, catalog_, options.queue, options.wake,
              LabelOptions{options.music_dir / "label-sources",
                           ImportOptions{options.music_dir, true, 1, options.sounds_dir,
                                         options.sound_clip_ms},
                           options.probe}) {}

Result<std::unique_ptr<MusicModule>> MusicModule::create(db::Database& db, IdGenerator& ids,
                                                         const Clock& clock,
                                                         const MusicOptions& options) {
  RIFF_ASSIGN_OR_RETURN(std::string key, AppPasswords::load_or_create_key(options.key_file));
  StoreOptions store;
  if (!options.app_store_root_cert.empty()) {
    auto root = TrustedRoot::load(options.app_store_root_cert);
    if (!root) return root.status().with_context("music.app_store_root_cert");
    store.app_store_root = std::move(root).value();
  }
  if (!options.google_play_push_key.empty()) {
    auto k = VerifyKey::load(options.google_play_push_key);
    if (!k) return k.status().with_context("music.google_play_push_key");
    if (options.google_play_audience.empty()) {
      return Status::invalid("", "music.google_play_audience is required with a push key");
    }
    store.google_push_key = std::move(k).value();
  }
  store.app_store_bundle_id = options.app_store_bundle_id;
  store.google_push_audience = options.google_play_audience;
  store.google_package_name = options.google_play_package;
  return std::unique_ptr<MusicModule>(
      new MusicModule(db, ids, clock, options, std::move(key), std::move(store)));
}

void MusicModule::mount(net::Router& router) {
  mount_api_routes(router, *this);
  mount_library_routes(router, *this);
  mount_playlist_routes(router, *this);
  mount_chart_routes(router, *this);
  mount_plan_routes(router, *this);
  mount_offline_routes(router, *this);
  mount_subsonic_routes(router, *this);
  mount_export_routes(router, *this, public_url_);
  mount_rights_routes(router, *this);
  mount_ad_routes(router, *this);
  mount_label_routes(router, *this, label_upload_max_bytes_);
}

}  // namespace riff::music
