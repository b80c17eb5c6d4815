// riffd: the riff server and its administrative commands.

#include <CLI/CLI.hpp>
#include <iostream>

#include "riff/app/app.hpp"
#include "riff/core/config_cli.hpp"
#include "riff/core/log.hpp"
#include "riff/media/child.hpp"
#include "riff/recs/eval_recs.hpp"
#include "riff/music/probe_job.hpp"
#include "riff/video/foryou_sim.hpp"

namespace {

int fail(const riff::Status& st) {
  std::cerr << "riffd: " << st.message() << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"riff: short videos, music, commerce. One server, riffd."};
  cli.require_subcommand(1);
  riff::ConfigSources sources;

  auto* serve = cli.add_subcommand("serve", "Serve the HTTP API, the web client and background work");
  riff::add_config_flags(*serve, sources);

  // `riffd --help` also lists serve's settings: that is what people look for.
  cli.footer([serve] { return "\nriffd serve settings:\n" + serve->help("", CLI::AppFormatMode::Sub); });

  auto* admin = cli.add_subcommand("admin", "Administrative commands");
  admin->require_subcommand(1);
  auto* admin_create = admin->add_subcommand("create", "Create an administrator account");
  std::string handle, email;
  bool password_stdin = false;
  admin_create->add_option("--handle", handle, "the new admin's handle")->required();
  admin_create->add_option("--email", email, "the new admin's email")->required();
  admin_create->add_flag("--password-stdin", password_stdin, "read the password from standard input")->required();
  riff::add_config_flags(*admin_create, sources);

  auto* routes = cli.add_subcommand("routes", "Print every HTTP route as METHOD PATTERN");
  riff::add_config_flags(*routes, sources);

  auto* media_job = cli.add_subcommand(
      "media-job", "Transcode one video (what the pipeline runs in a child process; also for benchmarks)");
  std::string spec_json;
  riff::media::JobSpec spec;
  std::string audio_mode = "original", sound, duet;
  media_job->add_option("--spec", spec_json, "the job as JSON (the pipeline passes this)");
  media_job->add_option("--input", spec.input, "the video to transcode");
  media_job->add_option("--out", spec.out_dir, "where to write the outputs (created; must be empty)");
  media_job->add_option("--sound", sound, "an audio file to use as the sound");
  media_job->add_option("--sound-offset-ms", spec.sound_offset_ms, "where in the sound to start");
  media_job->add_option("--audio-mode", audio_mode, "how the sound meets the clip's audio")
      ->check(CLI::IsMember({"original", "replace", "mix"}));
  media_job->add_option("--duet-with", duet, "an original video to place side by side");
  media_job->add_option("--max-duration-ms", spec.max_duration_ms, "longest video accepted");

  // riff Music: the catalog import, and the child it runs for each file.
  auto* music = cli.add_subcommand("music", "riff Music catalog commands");
  music->require_subcommand(1);
  auto* music_import = music->add_subcommand("import", "Import a folder of audio files into the catalog");
  std::string import_dir;
  bool no_transcode = false;
  music_import->add_option("DIR", import_dir, "the folder to scan (recursively)")->required();
  music_import->add_flag("--no-transcode", no_transcode, "read tags and loudness only; make no streaming tiers");
  riff::add_config_flags(*music_import, sources);
  auto* music_probe = music->add_subcommand("probe", "Probe and transcode one audio file (what import runs in a child)");
  riff::music::ProbeSpec probe_spec;
  bool probe_no_transcode = false;
  music_probe->add_option("--input", probe_spec.input, "the audio file")->required();
  music_probe->add_option("--out", probe_spec.out_dir, "an existing folder for the outputs")->required();
  music_probe->add_flag("--no-transcode", probe_no_transcode, "make no streaming tiers");
  music_probe->add_option("--clip-ms", probe_spec.clip_ms, "also cut a sound clip this long");
  music_probe->add_option("--clip-start-ms", probe_spec.clip_start_ms,
                          "where the clip starts (default: the loudest window)");
  auto* music_charts = music->add_subcommand(
      "charts", "Store the charts of ended weeks, or recompute one week and those after it");
  std::string chart_week;
  music_charts->add_option("--week", chart_week, "the week's Friday, YYYY-MM-DD (UTC)");
  riff::add_config_flags(*music_charts, sources);

  // Money: the ledger's invariants and balances.
  auto* ledger = cli.add_subcommand("ledger", "Ledger commands");
  ledger->require_subcommand(1);
  auto* ledger_verify = ledger->add_subcommand(
      "verify", "Check every ledger invariant; exit 1 when one is violated");
  riff::add_config_flags(*ledger_verify, sources);
  auto* ledger_balances = ledger->add_subcommand("balances", "Print every ledger account's balance");
  std::int64_t balances_owner = -1;
  ledger_balances->add_option("--owner", balances_owner, "only this owner's accounts (0: the platform's)");
  riff::add_config_flags(*ledger_balances, sources);

  // For You offline evaluation: the body lives in recs/eval_recs.cpp.
  auto* eval_recs = cli.add_subcommand(
      "eval-recs", "Train the For You model on user-item lists and measure Recall@k / NDCG@k");
  riff::recs::EvalRecsOptions eval_recs_options;
  riff::recs::add_eval_recs_flags(*eval_recs, eval_recs_options);
  // For You online simulation: the body lives in video/foryou_sim.cpp.
  auto* sim_foryou = cli.add_subcommand(
      "sim-foryou", "Play simulated viewers against the For You engine, random, popularity and an oracle");
  riff::video::ForYouSimOptions sim_foryou_options;
  riff::video::add_sim_foryou_flags(*sim_foryou, sim_foryou_options);

  CLI11_PARSE(cli, argc, argv);

  if (*eval_recs) return riff::recs::eval_recs_main(eval_recs_options);
  if (*sim_foryou) return riff::video::sim_foryou_main(sim_foryou_options);

  if (*media_job) {
    if (spec_json.empty()) {
      if (spec.input.empty() || spec.out_dir.empty()) {
        std::cerr << "riffd media-job: give --spec, or --input and --out\n";
        return 2;
      }
      std::error_code ec;
      std::filesystem::create_directories(spec.out_dir, ec);
      if (!sound.empty()) spec.sound_audio = sound;
      if (!duet.empty()) spec.duet_with = duet;
      spec.audio_mode = audio_mode == "mix"       ? riff::media::AudioMode::kMix
                        : audio_mode == "replace" ? riff::media::AudioMode::kReplace
                                                  : riff::media::AudioMode::kOriginal;
      spec_json = riff::media::to_json(spec);
    }
    return riff::media::media_job_main(spec_json);
  }

  if (*music_probe) {
    probe_spec.transcode = !probe_no_transcode;
    return riff::music::probe_main(probe_spec);
  }

  auto config = riff::resolve_config(sources);
  if (!config) return fail(config.status());
  riff::init_logging(config->log_level);

  if (*admin_create) {
    std::string password;
    std::getline(std::cin, password);
    auto app = riff::app::App::create(*config);
    if (!app) return fail(app.status());
    riff::Status st = (*app)->create_admin(handle, email, password);
    if (!st) {
      std::cerr << "riffd: " << st.message() << "\n";
      for (const auto& f : st.fields()) std::cerr << "  " << f.pointer << ": " << f.detail << "\n";
      return 1;
    }
    std::cout << "admin @" << handle << " created\n";
    return 0;
  }
  auto app = riff::app::App::create(*config);
  if (!app) return fail(app.status());
  if (*music_import) return (*app)->import_music(import_dir, !no_transcode);
  if (*music_charts) return (*app)->music_charts(chart_week);
  if (*ledger_verify) return (*app)->ledger_verify();
  if (*ledger_balances) {
    return (*app)->ledger_balances(balances_owner >= 0 ? std::optional<riff::Id>(balances_owner)
                                                       : std::nullopt);
  }
  if (*routes) {
    for (const auto& r : (*app)->route_table()) std::cout << r << "\n";
    return 0;
  }
  return (*app)->serve();
}
