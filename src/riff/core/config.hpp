#pragma once
// riffd's configuration: defaults, then a TOML file, then RIFF_* environment
// variables, then command-line flags; each later source wins.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "riff/core/status.hpp"

namespace riff {

struct Config {
  // [server]
  std::string listen = "0.0.0.0:8080";
  int io_threads = 0;               // 0 = one per core
  int worker_threads = 0;           // 0 = 4 per core
  std::int64_t max_body_bytes = 1 << 20;
  int header_timeout_ms = 10'000;
  int idle_timeout_ms = 75'000;
  std::string web_dir = "web/dist";  // the built web client
  std::string public_url;            // how users reach riff; default http://localhost:PORT

  // [storage]
  std::string data_dir = "./riff-data";
  std::string db;                    // PostgreSQL URL; empty = SQLite in data_dir
  int db_pool = 8;
  int sqlite_cache_mib = 32;  // page cache of each SQLite connection

  // [media]
  std::int64_t max_upload_bytes = 500LL << 20;            // one video upload
  std::int64_t upload_quota_bytes_per_day = 5LL << 30;    // per user, over 24 hours
  int media_jobs = 0;                                     // concurrent media jobs; 0 = one per core
  int max_video_seconds = 600;
  int media_job_cpu_seconds = 1800;                       // limits of one `riffd media-job` child
  int media_job_memory_mb = 4096;                         // address space
  int media_job_timeout_seconds = 1800;                   // wall clock
  int job_lease_seconds = 60;                             // [jobs] a dead node's jobs resume after this

  // [auth]
  int session_days = 30;
  int login_failures_per_account = 5;  // within login_window_s
  int login_failures_per_ip = 50;
  int login_window_s = 900;
  int signups_per_ip_per_hour = 200;
  bool secure_cookies = false;       // set when served over HTTPS

  // [recs]
  int events_per_minute = 600;         // events one viewer may send (refill rate)
  int event_burst = 1000;              // events one viewer may send at once
  int trending_half_life_hours = 24;
  int trending_refresh_seconds = 300;  // how often trending recounts uses
  int foryou_dim = 64;                 // embedding size of the For You model
  int foryou_expire_days = 30;         // embeddings untouched this long are dropped
  int foryou_snapshot_seconds = 300;   // how often the model is saved under data_dir/recs
  std::string recs_role = "both";      // both (one node), learner (one of several), serving
  int foryou_delta_seconds = 60;       // learner: how often touched parameters are published
  int foryou_admit_after = 1;          // sightings before an id gets an embedding row
  double foryou_weight_completion = 1.0;  // the final score: sum of weight x P(head)
  double foryou_weight_like = 1.0;
  double foryou_weight_share = 1.0;

  // [music]
  int chart_video_weight = 5;   // chart points per video made with a song (premium play = 1)
  int chart_plays_per_day = 3;  // counted plays per listener per song per UTC day
  std::string music_countries;        // where riff Music is offered: "IN,ID,BR"; empty = everywhere
  std::string music_default_country;  // region of anonymous listeners and accounts without one
  std::string app_store_root_cert;   // PEM/DER root the App Store's x5c chains must end at
  std::string app_store_bundle_id;   // when set, App Store notifications must name it
  std::string google_play_push_key;  // PEM public key (or cert) signing Pub/Sub push JWTs
  std::string google_play_audience;  // the `aud` those JWTs must carry
  std::string google_play_package;   // when set, RTDN messages must name it
  bool music_links_allow_private = false;  // linked Subsonic services may be on private addresses
  int offline_licence_days = 30;     // how long an offline download licence lasts unless renewed
  int sound_clip_seconds = 60;                        // a catalog song's sound: a clip this long (0 = whole song)
  std::int64_t label_upload_max_bytes = 100LL << 20;  // one label track upload
  int ad_every_tracks = 3;           // free listeners hear an audio ad after this many counted plays (0 = off)

  // [ledger]
  int ledger_settle_interval_seconds = 60;  // how often due settlements are posted

  // [payments]
  std::string payments_webhook_secret;       // empty: made once in data_dir/keys
  int payments_webhook_tolerance_seconds = 300;

  // [shop]
  int attribution_window_days = 7;    // a creator's product tap can win a sale this long
  int payment_timeout_seconds = 1800; // unpaid orders are cancelled and their stock freed after this
  int platform_fee_bps = 500;         // riff's fee on goods after discounts, in basis points
  std::string tax_rates;              // "US-CA:725,DE:1900": sales tax by country or country-region
  int settlement_days = 7;            // a seller's and creators' money becomes available this long after delivery
  int return_window_days = 15;        // a delivered order completes when this has passed
  int return_response_days = 2;

  // [ads]
  int ads_every_n = 5;                // at most one sponsored video per this many in For You
  int ads_frequency_cap = 3;          // impressions of one campaign per viewer per day       // a seller's time to decide a return; then it is approved

  // [log]
  std::string log_level = "info";
  bool access_log = true;

  // [demo]
  bool demo = false;                 // seed demo content when the database is empty

  int node_id = 0;                   // 0..1023, unique per node for id generation

  std::string host() const;
  std::uint16_t port() const;
};

/// Where configuration comes from, for the command line of a subcommand.
/// Filled by add_config_flags() (config_cli.hpp) and resolved by resolve_config().
struct ConfigSources {
  std::string config_file;                                  // --config, else RIFF_CONFIG
  std::vector<std::pair<std::string, std::string>> flags;  // flag name -> value given
};

/// Defaults, then the TOML file, then RIFF_* environment, then flags.
/// Fails with the offending key and value named.
Result<Config> resolve_config(const ConfigSources& sources);

}  // namespace riff
