#include "riff/app/app.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "riff/accounts/live_hub.hpp"
#include "riff/accounts/notifications.hpp"
#include "riff/accounts/routes.hpp"
#include "riff/accounts/schema.hpp"
#include "riff/accounts/service.hpp"
#include "riff/accounts/session_authenticator.hpp"
#include "riff/accounts/social.hpp"
#include "riff/app/demo.hpp"
#include "riff/app/demo_videos.hpp"
#include "riff/app/foryou_node.hpp"
#include "riff/app/system_routes.hpp"
#include "riff/core/clock.hpp"
#include "riff/core/countries.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/metrics.hpp"
#include "riff/core/thread_priority.hpp"
#include "riff/db/database.hpp"
#include "riff/jobs/queue.hpp"
#include "riff/jobs/schema.hpp"
#include "riff/jobs/worker.hpp"
#include "riff/ledger/module.hpp"
#include "riff/ledger/schema.hpp"
#include "riff/payments/module.hpp"
#include "riff/payments/schema.hpp"
#include "riff/music/charts_cli.hpp"
#include "riff/music/import_cli.hpp"
#include "riff/music/module.hpp"
#include "riff/music/schema.hpp"
#include "riff/music/song_sounds.hpp"
#include "riff/net/rate_limiter.hpp"
#include "riff/net/router.hpp"
#include "riff/net/server.hpp"
#include "riff/recs/event_store.hpp"
#include "riff/recs/events_routes.hpp"
#include "riff/recs/events_schema.hpp"
#include "riff/recs/ingest.hpp"
#include "riff/recs/trending.hpp"
#include "riff/ads/module.hpp"
#include "riff/ads/schema.hpp"
#include "riff/music/music_links.hpp"
#include "riff/orders/module.hpp"
#include "riff/orders/schema.hpp"
#include "riff/shop/module.hpp"
#include "riff/shop/schema.hpp"
#include "riff/video/engagement_module.hpp"
#include "riff/video/foryou_engine.hpp"
#include "riff/video/foryou_routes.hpp"
#include "riff/video/interests.hpp"
#include "riff/video/media_routes.hpp"
#include "riff/video/pipeline.hpp"
#include "riff/video/recs_catalog.hpp"
#include "riff/video/schema.hpp"
#include "riff/video/service.hpp"
#include "riff/video/sounds.hpp"
#include "riff/video/tus_routes.hpp"
#include "riff/video/uploads.hpp"
#include "riff/video/video_routes.hpp"

namespace riff::app {

namespace fs = std::filesystem;

struct App::Parts {
  Config config;
  SystemClock clock;
  std::unique_ptr<IdGenerator> ids;
  Metrics metrics;
  std::unique_ptr<db::Database> db;
  net::Router router;
  net::InMemoryRateLimiter limiter;

  std::shared_ptr<accounts::LiveHub> hub;
  std::unique_ptr<accounts::NotificationService> notifications;
  std::unique_ptr<accounts::AccountService> accounts;
  std::unique_ptr<accounts::SocialService> social;
  std::unique_ptr<accounts::SessionAuthenticator> authenticator;

  std::unique_ptr<jobs::JobQueue> queue;
  std::unique_ptr<jobs::Worker> worker;
  std::unique_ptr<video::UploadService> uploads;
  std::unique_ptr<video::VideoService> videos;
  std::unique_ptr<video::SoundService> sounds;
  std::unique_ptr<video::MediaProcessor> processor;
  std::unique_ptr<video::Pipeline> pipeline;
  // The For You engine's event log and trending; engagement emits into `ingest`.
  std::unique_ptr<video::RecsCatalog> recs_catalog;
  std::unique_ptr<recs::EventStore> events;
  std::unique_ptr<recs::EventIngest> ingest;
  std::unique_ptr<recs::Trending> trending;
  // For You: the model, its index and the engine, and this node's part in
  // learning (ForYouNode); the engine ranks the For You feed.
  std::unique_ptr<ForYouNode> foryou;
  std::unique_ptr<video::InterestService> interests;    // cold-start hashtags
  std::unique_ptr<video::EngagementModule> engagement;  // likes, comments, views, search, feeds
  std::unique_ptr<music::MusicModule> music;            // catalog, streaming, playlists, Subsonic
  std::unique_ptr<ledger::LedgerModule> ledger;         // double-entry accounts, settlements, payouts
  std::unique_ptr<payments::PaymentsModule> payments;   // the simulated gateway and its webhooks
  // Webhook deliveries on threads of their own, never queued behind long transcodes.
  std::unique_ptr<jobs::Worker> payments_worker;
  std::unique_ptr<shop::ShopModule> shop;               // shops, catalogs, stock, product links
  std::unique_ptr<music::MusicLinks> music_links;        // linked external music services
  std::unique_ptr<orders::OrdersModule> orders;         // carts, checkout, orders, refunds
  std::unique_ptr<ads::AdsModule> ads;                  // brand ads in For You
};

App::App(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
App::~App() = default;

// Every module's migrations; each module owns a range of versions.
// SIGINT/SIGTERM end up as one byte on this pipe. A handler rather than
// sigwait: libraries start threads before main (OpenBLAS's pool), and the
// kernel may deliver a process signal to any thread that has it unblocked.
static int g_signal_pipe[2] = {-1, -1};

static void on_stop_signal(int sig) {
  const int saved = errno;
  const unsigned char byte = static_cast<unsigned char>(sig);
  [[maybe_unused]] auto n = ::write(g_signal_pipe[1], &byte, 1);
  errno = saved;
}

/// Media work at once: media_jobs, or one per core when it is 0.
static int media_jobs(const Config& config) {
  return config.media_jobs > 0 ? config.media_jobs
                               : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

static std::vector<db::Migration> all_migrations() {
  std::vector<db::Migration> m = jobs::migrations();
  for (auto& x : accounts::migrations()) m.push_back(std::move(x));
  for (auto& x : video::migrations()) m.push_back(std::move(x));
  for (auto& x : video::engagement_migrations()) m.push_back(std::move(x));
  for (auto& x : recs::events_migrations()) m.push_back(std::move(x));
  for (auto& x : music::migrations()) m.push_back(std::move(x));
  for (auto& x : ledger::migrations()) m.push_back(std::move(x));
  for (auto& x : payments::migrations()) m.push_back(std::move(x));
  for (auto& x : shop::migrations()) m.push_back(std::move(x));
  for (auto& x : orders::migrations()) m.push_back(std::move(x));
  for (auto& x : ads::migrations()) m.push_back(std::move(x));
  return m;
}

Result<std::unique_ptr<App>> App::create(const Config& config) {
  auto p = std::make_unique<Parts>();
  p->config = config;
  p->ids = std::make_unique<IdGenerator>(p->clock, config.node_id);

  std::error_code ec;
  fs::create_directories(fs::path(config.data_dir) / "media", ec);
  if (ec) return Status::unavailable("create data dir " + config.data_dir + ": " + ec.message());
  auto db = db::open_database(config.db, (fs::path(config.data_dir) / "riff.db").string(),
                              config.db_pool, config.sqlite_cache_mib);
  if (!db) return db.status().with_context("open database");
  p->db = std::move(db).value();
  RIFF_RETURN_IF_ERROR(p->db->migrate(all_migrations()).with_context("migrate"));

  p->hub = std::make_shared<accounts::LiveHub>();
  p->notifications =
      std::make_unique<accounts::NotificationService>(*p->db, *p->ids, p->clock, p->hub.get());
  accounts::AccountOptions account_options;
  account_options.session_days = config.session_days;
  account_options.media_dir = fs::path(config.data_dir) / "media";
  account_options.throttle.login_failures_per_account = config.login_failures_per_account;
  account_options.throttle.login_failures_per_ip = config.login_failures_per_ip;
  account_options.throttle.login_window_s = config.login_window_s;
  account_options.throttle.signups_per_ip_per_hour = config.signups_per_ip_per_hour;
  p->accounts = std::make_unique<accounts::AccountService>(*p->db, *p->ids, p->clock,
                                                           *p->notifications, account_options);
  p->social = std::make_unique<accounts::SocialService>(*p->db, p->clock, *p->notifications);
  p->authenticator = std::make_unique<accounts::SessionAuthenticator>(*p->accounts);

  // Short videos: uploads, posting, the media pipeline on the job queue.
  // Video media lives under <data_dir>/videos, outside the public /media/ mount.
  const fs::path data(config.data_dir);
  jobs::QueueOptions queue_options;
  queue_options.lease_ms = std::int64_t{config.job_lease_seconds} * 1000;
  p->queue = std::make_unique<jobs::JobQueue>(*p->db, *p->ids, p->clock, queue_options);
  jobs::WorkerOptions worker_options;
  worker_options.concurrency = config.media_jobs;
  Parts* parts = p.get();  // owns the worker and the pipeline; the worker stops first (serve())
  worker_options.after_reclaim = [parts] {
    if (auto n = parts->pipeline->fail_abandoned(); n && *n > 0) {
      spdlog::warn("pipeline: {} videos failed after their jobs ran out of attempts", *n);
    }
  };
  p->worker = std::make_unique<jobs::Worker>(*p->queue, worker_options);
  video::UploadOptions upload_options;
  upload_options.dir = data / "uploads";
  upload_options.max_bytes = config.max_upload_bytes;
  upload_options.quota_bytes_per_day = config.upload_quota_bytes_per_day;
  p->uploads = std::make_unique<video::UploadService>(*p->db, *p->ids, p->clock, upload_options);
  jobs::Worker* worker = p->worker.get();
  p->videos = std::make_unique<video::VideoService>(*p->db, *p->ids, p->clock, *p->uploads,
                                                    *p->queue, video::VideoPaths{data / "videos"},
                                                    [worker] { worker->wake(); });
  p->sounds = std::make_unique<video::SoundService>(*p->db, data / "sounds");
  // Each media job runs as `riffd media-job` (this same binary) in a child with limits.
  media::ChildLimits limits{config.media_job_cpu_seconds,
                            std::int64_t{config.media_job_memory_mb} << 20,
                            config.media_job_timeout_seconds};
  p->processor = std::make_unique<video::ChildMediaProcessor>("/proc/self/exe", limits);
  p->pipeline = std::make_unique<video::Pipeline>(
      *p->db, *p->ids, p->clock, *p->uploads, *p->sounds, *p->processor, p->notifications.get(),
      video::PipelineOptions{data / "videos", std::int64_t{config.max_video_seconds} * 1000});
  video::Pipeline* pipeline = p->pipeline.get();
  p->worker->handle(std::string(video::kTranscodeJob),
                    [pipeline](jobs::JobContext& ctx) { return pipeline->handle(ctx); });

  mount_system_routes(p->router, *p->db, p->metrics);
  accounts::mount_routes(p->router, {*p->accounts,
                                     *p->social,
                                     *p->notifications,
                                     p->hub,
                                     {config.session_days, config.secure_cookies}});
  video::mount_tus_routes(p->router, *p->uploads);
  video::mount_video_routes(p->router, {*p->videos, *p->sounds, config.public_url});
  video::mount_media_routes(p->router, *p->videos, *p->sounds);
  p->recs_catalog = std::make_unique<video::RecsCatalog>();
  p->events = std::make_unique<recs::EventStore>(*p->db, *p->ids);
  p->ingest = std::make_unique<recs::EventIngest>(
      *p->db, *p->events, *p->recs_catalog, p->clock,
      recs::IngestOptions{.events_per_minute = static_cast<double>(config.events_per_minute),
                          .burst = static_cast<double>(config.event_burst)},
      &p->metrics);
  recs::TrendingOptions trending_options;
  trending_options.half_life_ms = std::int64_t{config.trending_half_life_hours} * 3'600'000;
  p->trending =
      std::make_unique<recs::Trending>(*p->db, *p->recs_catalog, p->clock, trending_options);
  p->ingest->add_sink(p->trending.get());
  recs::mount_event_routes(p->router, *p->ingest);
  recs::mount_trending_routes(p->router, *p->trending);
  auto foryou = ForYouNode::create(*p->db, p->clock, *p->events, *p->ingest,
                                   {config.recs_role,
                                    fs::path(config.data_dir) / "recs",
                                    config.foryou_dim,
                                    config.foryou_expire_days,
                                    config.foryou_snapshot_seconds,
                                    config.foryou_delta_seconds,
                                    config.foryou_admit_after,
                                    {static_cast<float>(config.foryou_weight_completion),
                                     static_cast<float>(config.foryou_weight_like),
                                     static_cast<float>(config.foryou_weight_share)}});
  if (!foryou) return foryou.status();
  p->foryou = std::move(foryou).value();
  p->foryou->add_gauges(p->metrics);
  // Event batches look their videos up in the engine's catalog first.
  p->recs_catalog->use_memo(&p->foryou->engine());
  p->interests = std::make_unique<video::InterestService>(*p->db);
  video::mount_foryou_routes(p->router, p->foryou->engine(), *p->videos, *p->interests);
  p->engagement = std::make_unique<video::EngagementModule>(
      *p->db, *p->ids, p->clock, *p->notifications, p->foryou->engine().ranker(),
      &p->ingest->server_events());
  p->engagement->mount(p->router, config.public_url);
  // riff Music: the catalog under <data_dir>/music, app-password key under <data_dir>/keys.
  music::ChartOptions chart_options;
  chart_options.video_weight = config.chart_video_weight;
  chart_options.daily_play_cap = config.chart_plays_per_day;
  music::MusicOptions music_options{data / "music", data / "keys" / "app-passwords.key",
                                    chart_options};
  music_options.public_url = config.public_url;
  music_options.app_store_root_cert = config.app_store_root_cert;
  music_options.app_store_bundle_id = config.app_store_bundle_id;
  music_options.google_play_push_key = config.google_play_push_key;
  music_options.google_play_audience = config.google_play_audience;
  music_options.google_play_package = config.google_play_package;
  music_options.offline_licence_days = config.offline_licence_days;
  music_options.ad_every_tracks = config.ad_every_tracks;
  music_options.probe = music::child_probe_runner("/proc/self/exe", limits);
  music_options.queue = p->queue.get();
  music_options.wake = [worker] { worker->wake(); };
  music_options.sounds_dir = data / "sounds";  // where SoundService keeps sound audio
  music_options.sound_clip_ms = std::int64_t{config.sound_clip_seconds} * 1000;
  music_options.label_upload_max_bytes = static_cast<std::size_t>(config.label_upload_max_bytes);
  auto countries = parse_country_list(config.music_countries);  // checked by the config
  if (!countries) return countries.status().with_context("music.countries");
  music_options.regions.countries = std::move(countries).value();
  music_options.regions.default_country = config.music_default_country;
  auto music = music::MusicModule::create(*p->db, *p->ids, p->clock, music_options);
  if (!music) return music.status().with_context("music");
  p->music = std::move(music).value();
  p->music->mount(p->router);
  music::MusicModule* labels_module = p->music.get();
  p->worker->handle(std::string(music::kLabelImportJob), [labels_module](jobs::JobContext& ctx) {
    return labels_module->labels().handle(ctx);
  });
  // Songs as sounds: catalog sounds link to their song; songs list their videos.
  music::MusicModule* music_module = p->music.get();
  p->sounds->set_song_lookup([music_module](std::optional<Id> viewer, Id track_id) {
    return music::song_ref(*music_module, viewer, track_id);
  });
  // "Add to Music App" into services the listener linked (another Subsonic server).
  auto links_key = music::AppPasswords::load_or_create_key(data / "keys" / "app-passwords.key");
  if (!links_key) return links_key.status().with_context("music links");
  net::ClientOptions link_http;
  link_http.allow_private = config.music_links_allow_private;
  p->music_links = std::make_unique<music::MusicLinks>(*p->db, *p->ids, p->clock, *links_key,
                                                       link_http);
  music::mount_song_routes(p->router, *p->music, *p->sounds, *p->music_links, config.public_url);
  // Money: the ledger every movement posts into.
  p->ledger = std::make_unique<ledger::LedgerModule>(*p->db, *p->ids, p->clock);
  p->ledger->mount(p->router);
  // Its reclaim pass also requeues other kinds' expired jobs: same hook as the main worker.
  jobs::WorkerOptions payments_worker_options;
  payments_worker_options.concurrency = 2;
  payments_worker_options.after_reclaim = worker_options.after_reclaim;
  p->payments_worker = std::make_unique<jobs::Worker>(*p->queue, payments_worker_options);
  auto made_payments = payments::PaymentsModule::create(
      *p->db, *p->ids, p->clock, *p->queue, *p->payments_worker, *p->ledger,
      {config.payments_webhook_secret, data / "keys" / "payments-webhook.key",
       config.payments_webhook_tolerance_seconds});
  if (!made_payments) return made_payments.status().with_context("payments");
  p->payments = std::move(made_payments).value();
  p->payments->mount(p->router);
  // Shops and catalogs; logos and product images under <data_dir>/media/shop.
  p->shop = std::make_unique<shop::ShopModule>(
      *p->db, *p->ids, p->clock,
      shop::ShopOptions{data / "media", std::int64_t{config.attribution_window_days} * 86'400'000});
  p->shop->mount(p->router);
  // Carts, checkout and orders: jobs on the payments worker, payments booked from its webhooks.
  orders::OrdersOptions orders_options;
  orders_options.checkout.payment_timeout_ms = std::int64_t{config.payment_timeout_seconds} * 1000;
  orders_options.checkout.platform_fee_bps = config.platform_fee_bps;
  auto tax = orders::TaxTable::parse(config.tax_rates);
  if (!tax) return tax.status().with_context("shop.tax_rates");
  orders_options.checkout.tax = std::move(tax).value();
  orders_options.lifecycle.settlement_delay_ms = std::int64_t{config.settlement_days} * 86'400'000;
  orders_options.lifecycle.return_window_ms = std::int64_t{config.return_window_days} * 86'400'000;
  orders_options.lifecycle.return_response_ms =
      std::int64_t{config.return_response_days} * 86'400'000;
  p->orders = std::make_unique<orders::OrdersModule>(
      *p->db, *p->ids, p->clock, *p->queue, *p->payments_worker, *p->shop, *p->payments,
      *p->ledger, *p->notifications, std::move(orders_options));
  p->orders->mount(p->router);
  // Brand ads: budgets funded by card, sponsored videos in For You.
  ads::AdsModuleOptions ads_options;
  ads_options.ads.every_n = config.ads_every_n;
  ads_options.ads.frequency_cap = config.ads_frequency_cap;
  ads_options.key_file = data / "keys" / "ads-token.key";
  auto made_ads = ads::AdsModule::create(*p->db, *p->ids, p->clock, *p->payments, *p->ledger,
                                         p->engagement->feed(), ads_options);
  if (!made_ads) return made_ads.status().with_context("ads");
  p->ads = std::move(made_ads).value();
  p->ads->mount(p->router);
  return std::unique_ptr<App>(new App(std::move(p)));
}

int App::import_music(const std::string& dir, bool transcode) {
  auto& p = *parts_;
  music::ImportCommand cmd;
  cmd.dir = dir;
  cmd.music_dir = fs::path(p.config.data_dir) / "music";
  cmd.transcode = transcode;
  cmd.sounds_dir = fs::path(p.config.data_dir) / "sounds";  // where SoundService keeps sound audio
  cmd.sound_clip_ms = std::int64_t{p.config.sound_clip_seconds} * 1000;
  cmd.jobs = media_jobs(p.config);
  cmd.limits = {p.config.media_job_cpu_seconds, std::int64_t{p.config.media_job_memory_mb} << 20,
                p.config.media_job_timeout_seconds};
  return music::run_import_command(*p.db, *p.ids, p.clock, cmd);
}

int App::music_charts(const std::string& week) {
  return music::run_charts_command(parts_->music->charts(), week);
}

int App::ledger_verify() { return ledger::run_verify_command(*parts_->ledger); }

int App::ledger_balances(std::optional<Id> owner) {
  return ledger::run_balances_command(*parts_->ledger, owner);
}

std::vector<std::string> App::route_table() const {
  std::vector<std::string> out;
  for (const auto& r : parts_->router.routes()) {
    out.push_back(std::string(net::method_name(r->method)) + " " + r->pattern);
  }
  return out;
}

Status App::create_admin(const std::string& handle, const std::string& email,
                         const std::string& password) {
  auto user = parts_->accounts->create_user({handle, email, password, std::nullopt},
                                            accounts::Role::kAdmin);
  return user.status();
}

int App::serve() {
  auto& p = *parts_;
  // Signals become a byte on a pipe that one thread waits on and then asks
  // the server to stop. Threads started from here on also block them, so
  // they are not interrupted (EINTR) by the handler.
  if (g_signal_pipe[0] < 0 && ::pipe2(g_signal_pipe, O_CLOEXEC) != 0) {
    std::cerr << "riffd: cannot create the signal pipe\n";
    return 1;
  }
  struct sigaction stop_action {};
  stop_action.sa_handler = on_stop_signal;
  sigemptyset(&stop_action.sa_mask);
  stop_action.sa_flags = SA_RESTART;
  for (int sig : {SIGINT, SIGTERM}) {
    struct sigaction current {};
    ::sigaction(sig, nullptr, &current);
    // A shell starts background jobs with SIGINT ignored; keep that.
    if (current.sa_handler != SIG_IGN) ::sigaction(sig, &stop_action, nullptr);
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  net::ServerOptions opts;
  opts.host = p.config.host();
  opts.port = p.config.port();
  opts.io_threads = p.config.io_threads;
  opts.worker_threads = p.config.worker_threads;
  opts.max_body_bytes = static_cast<std::size_t>(p.config.max_body_bytes);
  opts.header_timeout_ms = p.config.header_timeout_ms;
  opts.idle_timeout_ms = p.config.idle_timeout_ms;
  opts.static_mounts.push_back({"/media/", fs::path(p.config.data_dir) / "media", false, false});
  opts.static_mounts.push_back({"/", fs::path(p.config.web_dir), true, true});

  bool seed_demo_videos = false;  // only into the database the demo users were just seeded into
  if (p.config.demo) {
    auto seeded = seed_demo(*p.accounts, *p.social);
    if (!seeded) {
      std::cerr << "riffd: demo content: " << seeded.status().message() << "\n";
      return 1;
    }
    seed_demo_videos = *seeded;
  }
  net::Server server(opts, p.router, p.metrics);
  server.set_authenticator(p.authenticator.get());
  server.set_rate_limiter(&p.limiter);
  server.set_access_log(p.config.access_log);
  try {
    server.bind();
  } catch (const std::exception& e) {
    std::cerr << "riffd: cannot listen on " << p.config.listen << ": " << e.what() << "\n";
    return 1;
  }
  std::string host = opts.host == "0.0.0.0" ? "127.0.0.1" : opts.host;
  std::cout << "riff listening on http://" << host << ":" << server.port() << std::endl;
  if (p.config.demo) {
    std::cout << "Open http://localhost:" << server.port() << " and log in as " << kDemoLogin
              << " / " << kDemoPassword << std::endl;
  }

  // Housekeeping on a timer until shutdown. Every node may run it: each
  // task is an idempotent DELETE/UPDATE.
  std::mutex housekeeping_mu;
  std::condition_variable housekeeping_cv;
  bool stopping = false;
  std::thread housekeeping([&] {
    // Uploads left by a previous run need not wait for the first hour.
    if (auto n = p.uploads->expire(); n && *n > 0)
      spdlog::info("housekeeping: expired {} uploads", *n);
    // Music charts of the weeks that ended (each stored once, whichever node gets there first).
    auto compute_charts = [&p] {
      if (auto n = p.music->charts().compute_due(); !n) {
        spdlog::warn("charts: {}", n.status().message());
      } else if (*n > 0) {
        spdlog::info("charts: stored {} weeks", *n);
      }
    };
    compute_charts();
    std::unique_lock lock(housekeeping_mu);
    while (!housekeeping_cv.wait_for(lock, std::chrono::hours(1), [&] { return stopping; })) {
      lock.unlock();
      if (auto n = p.accounts->delete_expired_sessions(); n && *n > 0) {
        spdlog::info("housekeeping: deleted {} expired sessions", *n);
      }
      if (auto n = p.uploads->expire(); n && *n > 0)
        spdlog::info("housekeeping: expired {} uploads", *n);
      // A safety net: checkout releases its own holds when an order times out.
      if (auto n = p.shop->stock().expire_due(); n && *n > 0)
        spdlog::info("housekeeping: released {} expired stock reservations", *n);
      compute_charts();
      lock.lock();
    }
  });

  // Trending: views replayed from the event log, then uses recounted on a timer.
  std::thread trending([&] {
    // A week of events replayed at start-up: behind requests. (Threads that
    // hold locks requests wait for, like the SQLite writer's or the For You
    // index's, keep their priority: lowering it would make those waits long.)
    lower_this_thread_priority(kBackgroundNice);
    if (auto n = p.trending->replay(*p.events); !n) {
      spdlog::warn("trending: replay of the event log failed: {}", n.status().message());
    }
    std::unique_lock lock(housekeeping_mu);
    std::int64_t last_expiry_ms = 0;
    do {
      lock.unlock();
      if (auto st = p.trending->refresh(); !st)
        spdlog::warn("trending: refresh failed: {}", st.message());
      if (const auto now = p.clock.now_ms(); now - last_expiry_ms >= 3'600'000) {
        last_expiry_ms = now;
        (void)p.events->expire_batches(now -
                                       24 * 3'600'000);  // retries of a batch come within a day
      }
      lock.lock();
    } while (!housekeeping_cv.wait_for(
        lock, std::chrono::seconds(p.config.trending_refresh_seconds), [&] { return stopping; }));
  });

  // Ledger: settlements that fell due are posted (each exactly once, whichever node gets there).
  std::thread settler([&] {
    std::unique_lock lock(housekeeping_mu);
    do {
      lock.unlock();
      if (auto n = p.ledger->settlements().settle_due(1000); !n) {
        spdlog::warn("ledger: settling failed: {}", n.status().message());
      } else if (*n > 0) {
        spdlog::info("ledger: posted {} settlements", *n);
      }
      lock.lock();
    } while (!housekeeping_cv.wait_for(
        lock, std::chrono::seconds(p.config.ledger_settle_interval_seconds),
        [&] { return stopping; }));
  });

  // For You: learning and the model's snapshots or deltas (ForYouNode).
  p.foryou->start();

  p.worker->start();
  p.payments_worker->start();
  // Demo videos are made and processed while the server already serves.
  std::unique_ptr<DemoVideoSeeder> demo_videos;
  if (seed_demo_videos) {
    const media::ChildLimits limits{p.config.media_job_cpu_seconds,
                                    std::int64_t{p.config.media_job_memory_mb} << 20,
                                    p.config.media_job_timeout_seconds};
    demo_videos = std::make_unique<DemoVideoSeeder>(DemoVideoDeps{
        *p.accounts, *p.uploads, *p.videos, fs::temp_directory_path(),
        DemoMusicDeps{*p.db, *p.ids, p.clock, *p.accounts, *p.music,
                      fs::path(p.config.data_dir) / "music", fs::path(p.config.data_dir) / "sounds",
                      limits, media_jobs(p.config)}});
  }
  std::thread signal_thread([&server, signals] {
    // The one thread that takes the signals (the handler runs here, unless
    // a library's own thread has them unblocked).
    pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
    unsigned char sig = 0;
    while (::read(g_signal_pipe[0], &sig, 1) < 0 && errno == EINTR) {
    }
    if (sig != 0) spdlog::info("signal {}: finishing in-flight requests", int{sig});
    server.stop();
  });
  server.run();
  // run() returned on its own only when stop() was called; wake the waiter if not.
  const unsigned char wake = 0;
  [[maybe_unused]] auto woke = ::write(g_signal_pipe[1], &wake, 1);
  signal_thread.join();
  demo_videos.reset();  // stops seeding before the worker and the services go away
  {
    std::lock_guard lock(housekeeping_mu);
    stopping = true;
  }
  housekeeping_cv.notify_all();
  housekeeping.join();
  trending.join();
  settler.join();
  p.foryou->stop();
  p.payments_worker->stop();
  p.worker->stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace riff::app
