#include "riff/core/config.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <thread>

#include "riff/core/config_cli.hpp"
#include "riff/core/countries.hpp"

namespace riff {
namespace {

// One configuration key: its flag (--name), TOML key (section.name) and
// environment variable (RIFF_NAME) are all derived from one entry.
struct Key {
  const char* flag;
  const char* toml;
  const char* help;
  bool is_bool;
  std::function<Status(Config&, const std::string&)> set;
};

Status parse_int(const std::string& v, std::int64_t lo, std::int64_t hi, std::int64_t& out) {
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || n < lo || n > hi) {
    return Status::invalid(
        "", "expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  out = n;
  return Status::ok();
}

template <class T>
std::function<Status(Config&, const std::string&)> int_key(T Config::*field, std::int64_t lo,
                                                           std::int64_t hi) {
  return [=](Config& c, const std::string& v) {
    std::int64_t n = 0;
    RIFF_RETURN_IF_ERROR(parse_int(v, lo, hi, n));
    c.*field = static_cast<T>(n);
    return Status::ok();
  };
}

/// A weight: a finite number from 0 to 1000.
std::function<Status(Config&, const std::string&)> double_key(double Config::*field) {
  return [=](Config& c, const std::string& v) {
    char* end = nullptr;
    const double d = std::strtod(v.c_str(), &end);
    if (v.empty() || end != v.c_str() + v.size() || !std::isfinite(d) || d < 0 || d > 1000) {
      return Status::invalid("", "expected a number from 0 to 1000");
    }
    c.*field = d;
    return Status::ok();
  };
}

std::function<Status(Config&, const std::string&)> str_key(std::string Config::*field) {
  return [=](Config& c, const std::string& v) {
    c.*field = v;
    return Status::ok();
  };
}

std::function<Status(Config&, const std::string&)> bool_key(bool Config::*field) {
  return [=](Config& c, const std::string& v) {
    if (v == "true" || v == "1" || v == "yes" || v == "on")
      c.*field = true;
    else if (v == "false" || v == "0" || v == "no" || v == "off")
      c.*field = false;
    else
      return Status::invalid("", "expected true or false");
    return Status::ok();
  };
}

const std::vector<Key>& keys() {
  static const std::vector<Key> k = {
      {"listen", "server.listen", "HOST:PORT to serve HTTP on (port 0 picks a free one)", false,
       [](Config& c, const std::string& v) {
         auto colon = v.rfind(':');
         if (colon == std::string::npos) return Status::invalid("", "expected HOST:PORT");
         std::int64_t port = 0;
         RIFF_RETURN_IF_ERROR(parse_int(v.substr(colon + 1), 0, 65535, port));
         c.listen = v;
         return Status::ok();
       }},
      {"io-threads", "server.io_threads", "I/O threads (0 = one per core)", false,
       int_key(&Config::io_threads, 0, 256)},
      {"worker-threads", "server.worker_threads", "threads for blocking work (0 = 4 per core)",
       false, int_key(&Config::worker_threads, 0, 1024)},
      {"max-body-bytes", "server.max_body_bytes", "largest request body by default", false,
       int_key(&Config::max_body_bytes, 1024, std::int64_t{1} << 34)},
      {"header-timeout-ms", "server.header_timeout_ms", "time a client has to send a request head",
       false, int_key(&Config::header_timeout_ms, 100, 3'600'000)},
      {"idle-timeout-ms", "server.idle_timeout_ms", "keep-alive connection idle limit", false,
       int_key(&Config::idle_timeout_ms, 100, 3'600'000)},
      {"web-dir", "server.web_dir", "the built web client served at /", false,
       str_key(&Config::web_dir)},
      {"public-url", "server.public_url", "the URL users reach riff at (for links)", false,
       str_key(&Config::public_url)},
      {"data-dir", "storage.data_dir", "where SQLite and media files live", false,
       str_key(&Config::data_dir)},
      {"db", "storage.db", "PostgreSQL URL (postgres://...); empty = SQLite in the data dir", false,
       str_key(&Config::db)},
      {"db-pool", "storage.db_pool", "database connections per node", false,
       int_key(&Config::db_pool, 1, 512)},
      {"sqlite-cache-mib", "storage.sqlite_cache_mib",
       "page cache of each SQLite connection, in MiB", false,
       int_key(&Config::sqlite_cache_mib, 1, 65'536)},
      {"max-upload-bytes", "media.max_upload_bytes", "largest video upload in bytes", false,
       int_key(&Config::max_upload_bytes, 1, std::int64_t{1} << 40)},
      {"upload-quota-bytes-per-day", "media.upload_quota_bytes_per_day",
       "bytes a user may upload per 24 hours", false,
       int_key(&Config::upload_quota_bytes_per_day, 1, std::int64_t{1} << 44)},
      {"media-jobs", "media.jobs", "media jobs run at once on this node (0 = one per core)", false,
       int_key(&Config::media_jobs, 0, 256)},
      {"max-video-seconds", "media.max_video_seconds", "longest video accepted, in seconds", false,
       int_key(&Config::max_video_seconds, 1, 86'400)},
      {"media-job-cpu-seconds", "media.job_cpu_seconds",
       "CPU seconds one transcoding child may use", false,
       int_key(&Config::media_job_cpu_seconds, 1, 86'400)},
      {"media-job-memory-mb", "media.job_memory_mb",
       "address space of one transcoding child, in MiB", false,
       int_key(&Config::media_job_memory_mb, 256, 1 << 20)},
      {"media-job-timeout-seconds", "media.job_timeout_seconds",
       "wall-clock limit of one transcoding child", false,
       int_key(&Config::media_job_timeout_seconds, 1, 86'400)},
      {"job-lease-seconds", "jobs.lease_seconds",
       "how long a claimed job waits for its node before another resumes it", false,
       int_key(&Config::job_lease_seconds, 2, 86'400)},
      {"session-days", "auth.session_days", "days a login lasts", false,
       int_key(&Config::session_days, 1, 3650)},
      {"login-failures-per-account", "auth.login_failures_per_account",
       "failed logins per account within the window before 429", false,
       int_key(&Config::login_failures_per_account, 1, 1'000'000)},
      {"login-failures-per-ip", "auth.login_failures_per_ip",
       "failed logins per address within the window", false,
       int_key(&Config::login_failures_per_ip, 1, 1'000'000)},
      {"login-window-s", "auth.login_window_s", "login throttling window in seconds", false,
       int_key(&Config::login_window_s, 1, 86'400)},
      {"signups-per-ip-per-hour", "auth.signups_per_ip_per_hour",
       "sign-ups allowed per address per hour", false,
       int_key(&Config::signups_per_ip_per_hour, 1, 100'000'000)},
      {"secure-cookies", "auth.secure_cookies", "mark cookies Secure (serve over HTTPS)", true,
       bool_key(&Config::secure_cookies)},
      {"events-per-minute", "recs.events_per_minute",
       "events one viewer may send per minute; more are dropped", false,
       int_key(&Config::events_per_minute, 1, 100'000'000)},
      {"event-burst", "recs.event_burst", "events one viewer may send at once", false,
       int_key(&Config::event_burst, 1, 100'000'000)},
      {"trending-half-life-hours", "recs.trending_half_life_hours",
       "half-life of trending counts, in hours", false,
       int_key(&Config::trending_half_life_hours, 1, 8760)},
      {"trending-refresh-seconds", "recs.trending_refresh_seconds",
       "how often trending recounts uses", false,
       int_key(&Config::trending_refresh_seconds, 1, 86'400)},
      {"foryou-dim", "recs.foryou_dim",
       "embedding size of the For You model (a change starts a fresh model)", false,
       int_key(&Config::foryou_dim, 8, 512)},
      {"foryou-expire-days", "recs.foryou_expire_days", "days an untouched embedding is kept",
       false, int_key(&Config::foryou_expire_days, 1, 3650)},
      {"foryou-snapshot-seconds", "recs.foryou_snapshot_seconds",
       "how often the For You model is saved", false,
       int_key(&Config::foryou_snapshot_seconds, 5, 86'400)},
      {"recs-role", "recs.role",
       "For You learning on this node: both (a single node), learner (exactly one of several), "
       "serving",
       false,
       [](Config& c, const std::string& v) {
         if (v != "both" && v != "learner" && v != "serving") {
           return Status::invalid("", "expected both, learner or serving");
         }
         c.recs_role = v;
         return Status::ok();
       }},
      {"foryou-delta-seconds", "recs.foryou_delta_seconds",
       "how often the learner publishes model deltas", false,
       int_key(&Config::foryou_delta_seconds, 1, 86'400)},
      {"foryou-admit-after", "recs.foryou_admit_after",
       "sightings before a viewer, video, creator, sound or hashtag gets an embedding (1 = at "
       "once)",
       false, int_key(&Config::foryou_admit_after, 1, 255)},
      {"foryou-weight-completion", "recs.foryou_weight_completion",
       "weight of P(completion) in the For You score", false,
       double_key(&Config::foryou_weight_completion)},
      {"foryou-weight-like", "recs.foryou_weight_like", "weight of P(like) in the For You score",
       false, double_key(&Config::foryou_weight_like)},
      {"foryou-weight-share", "recs.foryou_weight_share", "weight of P(share) in the For You score",
       false, double_key(&Config::foryou_weight_share)},
      {"chart-video-weight", "music.chart_video_weight",
       "chart points for a video made with a song (a premium play is 1)", false,
       int_key(&Config::chart_video_weight, 0, 1000)},
      {"chart-plays-per-day", "music.chart_plays_per_day",
       "plays per listener per song per UTC day that count for the charts", false,
       int_key(&Config::chart_plays_per_day, 1, 1000)},
      {"ledger-settle-interval-seconds", "ledger.settle_interval_seconds",
       "how often due settlements are posted", false,
       int_key(&Config::ledger_settle_interval_seconds, 1, 86'400)},
      {"payments-webhook-secret", "payments.webhook_secret",
       "the HMAC secret of payment webhooks (default: made once in data_dir/keys)", false,
       str_key(&Config::payments_webhook_secret)},
      {"payments-webhook-tolerance-seconds", "payments.webhook_tolerance_seconds",
       "how far a webhook's signed timestamp may be from now", false,
       int_key(&Config::payments_webhook_tolerance_seconds, 1, 86'400)},
      {"app-store-root-cert", "music.app_store_root_cert",
       "root certificate (PEM or DER file) App Store notification chains must end at", false,
       str_key(&Config::app_store_root_cert)},
      {"app-store-bundle-id", "music.app_store_bundle_id",
       "the app's bundle id; App Store notifications for others are refused", false,
       str_key(&Config::app_store_bundle_id)},
      {"google-play-push-key", "music.google_play_push_key",
       "public key or certificate (PEM file) that signs Google Play Pub/Sub push tokens", false,
       str_key(&Config::google_play_push_key)},
      {"google-play-audience", "music.google_play_audience",
       "the audience Google Play Pub/Sub push tokens must carry", false,
       str_key(&Config::google_play_audience)},
      {"google-play-package", "music.google_play_package",
       "the app's package name; Google Play notifications for others are refused", false,
       str_key(&Config::google_play_package)},
      {"music-links-allow-private", "music.links_allow_private",
       "let listeners link Subsonic services on loopback or private addresses (tests, home servers"
       " on a LAN); off, riff only calls public addresses",
       false, bool_key(&Config::music_links_allow_private)},
      {"offline-licence-days", "music.offline_licence_days",
       "days an offline download licence lasts unless renewed", false,
       int_key(&Config::offline_licence_days, 1, 365)},
      {"sound-clip-seconds", "music.sound_clip_seconds",
       "a catalog song's sound (what videos use) is a clip this long (0 = the whole song)", false,
       int_key(&Config::sound_clip_seconds, 0, 600)},
      {"label-upload-max-bytes", "music.label_upload_max_bytes",
       "largest track a record label may upload", false,
       int_key(&Config::label_upload_max_bytes, 1024, std::int64_t{4} << 30)},
      {"ad-every-tracks", "music.ad_every_tracks",
       "free listeners hear an audio ad after this many counted plays (0 = no ads)", false,
       int_key(&Config::ad_every_tracks, 0, 100)},
      {"attribution-window-days", "shop.attribution_window_days",
       "days a creator's product tap can win the sale (last tap wins)", false,
       int_key(&Config::attribution_window_days, 1, 90)},
      {"payment-timeout-seconds", "shop.payment_timeout_seconds",
       "how long a checkout may stay unpaid before its orders are cancelled", false,
       int_key(&Config::payment_timeout_seconds, 1, 86'400)},
      {"platform-fee-bps", "shop.platform_fee_bps",
       "riff's fee on an order's goods after discounts, in basis points (500 = 5%)", false,
       int_key(&Config::platform_fee_bps, 0, 5000)},
      {"tax-rates", "shop.tax_rates",
       "sales tax in basis points by country or country-region: \"US-CA:725,DE:1900\"", false,
       str_key(&Config::tax_rates)},
      {"settlement-days", "shop.settlement_days",
       "days after delivery before sellers and creators can be paid out", false,
       int_key(&Config::settlement_days, 0, 365)},
      {"return-window-days", "shop.return_window_days",
       "days after delivery before an order completes", false,
       int_key(&Config::return_window_days, 0, 90)},
      {"return-response-days", "shop.return_response_days",
       "days a seller has to decide a return request before it is approved", false,
       int_key(&Config::return_response_days, 0, 30)},
      {"ads-every-n", "ads.every_n",
       "For You shows at most one sponsored video per this many videos", false,
       int_key(&Config::ads_every_n, 2, 1000)},
      {"ads-frequency-cap", "ads.frequency_cap", "impressions of one campaign per viewer per day",
       false, int_key(&Config::ads_frequency_cap, 1, 1000)},
      {"music-countries", "music.countries",
       "ISO 3166-1 alpha-2 codes where riff Music is offered, comma-separated or a TOML array"
       " (empty = everywhere)",
       false,
       [](Config& c, const std::string& v) {
         RIFF_ASSIGN_OR_RETURN(std::vector<std::string> codes, parse_country_list(v));
         c.music_countries = fmt::format("{}", fmt::join(codes, ","));
         return Status::ok();
       }},
      {"music-default-country", "music.default_country",
       "the country of anonymous listeners and of accounts that gave none (empty = none)", false,
       [](Config& c, const std::string& v) {
         if (v.empty()) {
           c.music_default_country.clear();
           return Status::ok();
         }
         auto norm = normalize_country(v);
         if (!norm) return Status::invalid("", "expected an ISO 3166-1 alpha-2 code");
         c.music_default_country = *norm;
         return Status::ok();
       }},
      {"log-level", "log.level", "debug, info, warn or error", false,
       [](Config& c, const std::string& v) {
         if (v != "debug" && v != "info" && v != "warn" && v != "error" && v != "trace") {
           return Status::invalid("", "expected debug, info, warn or error");
         }
         c.log_level = v;
         return Status::ok();
       }},
      {"access-log", "log.access_log", "write one JSON line per request to stdout", true,
       bool_key(&Config::access_log)},
      {"demo", "demo.enabled", "seed demo content when the database is empty", true,
       bool_key(&Config::demo)},
      {"node-id", "cluster.node_id", "this node's number, 0..1023, unique in a cluster", false,
       int_key(&Config::node_id, 0, 1023)},
  };
  return k;
}

std::string env_name(const char* flag) {
  std::string n = "RIFF_";
  for (const char* p = flag; *p; ++p) n += *p == '-' ? '_' : static_cast<char>(std::toupper(*p));
  return n;
}

Status apply(Config& c, const Key& k, const std::string& value, std::string_view source) {
  Status st = k.set(c, value);
  if (!st) {
    return Status::invalid("/" + std::string(k.flag), std::string(source) + " " + k.flag + "=\"" +
                                                          value + "\": " + st.message());
  }
  return st;
}

}  // namespace

std::string Config::host() const {
  return listen.substr(0, listen.rfind(':'));
}

std::uint16_t Config::port() const {
  return static_cast<std::uint16_t>(std::stoi(listen.substr(listen.rfind(':') + 1)));
}

Result<Config> resolve_config(const ConfigSources& sources) {
  Config c;
  std::string file = sources.config_file;
  if (file.empty()) {
    if (const char* e = std::getenv("RIFF_CONFIG")) file = e;
  }
  if (!file.empty()) {
    toml::table t;
    try {
      t = toml::parse_file(file);
    } catch (const toml::parse_error& e) {
      return Status::invalid("/config",
                             "config file " + file + ": " + std::string(e.description()));
    }
    for (const auto& k : keys()) {
      auto node = t.at_path(k.toml);
      if (!node) continue;
      std::string v;
      if (auto s = node.value<std::string>())
        v = *s;
      else if (auto b = node.value_exact<bool>())
        v = *b ? "true" : "false";
      else if (auto i = node.value_exact<std::int64_t>())
        v = std::to_string(*i);
      else if (auto d = node.value_exact<double>())
        v = fmt::format("{}", *d);
      else if (const auto* arr = node.as_array(); arr && arr->is_homogeneous<std::string>()) {
        // A list of strings (music.countries = ["IN", "BR"]) as one comma-separated value.
        for (const auto& item : *arr) v += (v.empty() ? "" : ",") + *item.value<std::string>();
      } else
        return Status::invalid("/config",
                               "config file " + file + ": " + k.toml + " has an unsupported type");
      RIFF_RETURN_IF_ERROR(apply(c, k, v, "config file"));
    }
  }
  for (const auto& k : keys()) {
    if (const char* e = std::getenv(env_name(k.flag).c_str())) {
      RIFF_RETURN_IF_ERROR(apply(c, k, e, "environment"));
    }
  }
  for (const auto& [flag, value] : sources.flags) {
    for (const auto& k : keys()) {
      if (flag == k.flag) RIFF_RETURN_IF_ERROR(apply(c, k, value, "flag"));
    }
  }
  return c;
}

void add_config_flags(CLI::App& app, ConfigSources& sources) {
  app.add_option("--config", sources.config_file, "TOML configuration file (also RIFF_CONFIG)");
  for (const auto& k : keys()) {
    std::string help = std::string(k.help) + " [env " + env_name(k.flag) + ", toml " + k.toml + "]";
    std::string name = std::string("--") + k.flag;
    const char* flag = k.flag;
    auto* opt = app.add_option_function<std::string>(
        name,
        [&sources, flag, is_bool = k.is_bool](const std::string& v) {
          // A bare boolean flag (--demo) means true; --demo false also works.
          sources.flags.emplace_back(flag, is_bool && v.empty() ? "true" : v);
        },
        help);
    if (k.is_bool) opt->expected(0, 1);
  }
}

}  // namespace riff
