#include "riff/app/demo_music.hpp"

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <string>

#include "riff/accounts/service.hpp"
#include "riff/app/demo_media.hpp"
#include "riff/app/demo_videos.hpp"
#include "riff/db/database.hpp"
#include "riff/music/importer.hpp"
#include "riff/music/module.hpp"

namespace riff::app {
namespace {

namespace fs = std::filesystem;

/// The lead voice's waveform.
enum class Voice { kSine, kTriangle, kBell, kReed };

/// One demo song: its tags and how its tune is made. The tune walks a
/// pentatonic scale from `root_hz`, `step` degrees per beat, over a bass
/// that moves every bar, optionally with a kick on every beat.
struct DemoSong {
  const char* title;
  const char* artist;
  const char* album;
  int track_no;
  int year;
  const char* genre;
  const char* isrc;
  double root_hz;
  int bpm;
  int step;
  Voice voice;
  bool kick;
  int seconds;
  const char* cover;  // a lavfi image source, 600x600
  int listeners;      // demo users who play it once
};

const std::vector<DemoSong>& demo_songs() {
  static const std::vector<DemoSong> songs = {
      {"Bedroom Loop No. 1", "Leo Beats", "Bedroom Loops", 1, 2026, "Electronic", "QZRFD2600001", 220.0,
       120, 2, Voice::kSine, true, 34, "gradients=s=600x600:c0=0x1b0f3a:c1=0xfe2c55:seed=11", 7},
      {"Night Bus", "Leo Beats", "Bedroom Loops", 2, 2026, "Electronic", "QZRFD2600002", 196.0, 96, 3,
       Voice::kTriangle, true, 31, "gradients=s=600x600:c0=0x1b0f3a:c1=0xfe2c55:seed=11", 5},
      {"Tape Hiss Sunrise", "Leo Beats", "Bedroom Loops", 3, 2026, "Electronic", "QZRFD2600003", 261.63,
       84, 1, Voice::kBell, false, 30, "gradients=s=600x600:c0=0x1b0f3a:c1=0xfe2c55:seed=11", 2},
      {"Friday Choreo", "Maya", "Friday Choreo", 1, 2025, "Dance", "QZRFD2500004", 293.66, 128, 2,
       Voice::kReed, true, 36, "mandelbrot=s=600x600:start_scale=0.4:end_pts=1", 6},
      {"Warm-Up Count", "Maya", "Friday Choreo", 2, 2025, "Dance", "QZRFD2500005", 329.63, 110, 4,
       Voice::kSine, true, 30, "mandelbrot=s=600x600:start_scale=0.4:end_pts=1", 3},
      {"Kiln Glow", "Glaze Trio", "Kiln Sessions", 1, 2024, "Jazz", "QZRFD2400006", 174.61, 72, 3,
       Voice::kBell, false, 33, "gradients=s=600x600:c0=0xd9822b:c1=0x3d1f0f:seed=5", 4},
      {"Slow Glaze", "Glaze Trio", "Kiln Sessions", 2, 2024, "Jazz", "QZRFD2400007", 146.83, 66, 2,
       Voice::kTriangle, false, 30, "gradients=s=600x600:c0=0xd9822b:c1=0x3d1f0f:seed=5", 1},
      {"Keepy Uppy", "Kofi", "Keepy Uppy", 1, 2026, "Afrobeats", "QZRFD2600008", 246.94, 104, 3,
       Voice::kReed, true, 32, "gradients=s=600x600:c0=0x25f4ee:c1=0x0b3d2e:seed=23", 5},
  };
  return songs;
}

/// The song as an aevalsrc expression (commas escaped for lavfi).
std::string tune(const DemoSong& s) {
  const double beat = 60.0 / s.bpm;
  // Beat number, time within the beat, and the melody's pentatonic degree
  // (0,2,4,7,9 semitones = floor(degree * 2.4)), an octave up every 4 bars.
  const std::string n = fmt::format("floor(t/{:.6f})", beat);
  const std::string local = fmt::format("mod(t\\,{:.6f})", beat);
  const std::string semis =
      fmt::format("(floor(mod({n}*{step}+floor({n}/8)\\,5)*2.4)+12*mod(floor({n}/16)\\,2))",
                  fmt::arg("n", n), fmt::arg("step", s.step));
  const std::string phase = fmt::format("2*PI*{:.2f}*pow(2\\,{}/12)*{}", s.root_hz, semis, local);
  std::string lead;
  switch (s.voice) {
    case Voice::kSine: lead = fmt::format("sin({})", phase); break;
    case Voice::kTriangle: lead = fmt::format("0.64*asin(sin({}))", phase); break;
    case Voice::kBell: lead = fmt::format("(sin({0})+0.3*sin(2*{0})+0.12*sin(3*{0}))/1.4", phase); break;
    case Voice::kReed: lead = fmt::format("(sin({0})+0.4*sin(3*{0})+0.2*sin(5*{0}))/1.6", phase); break;
  }
  // The bass follows the bar (4 beats): root, fourth, fifth or sixth below.
  const std::string bass =
      fmt::format("0.16*sin(2*PI*{:.2f}*pow(2\\,floor(mod(floor({}/4)*3\\,5)*2.4)/12)*t)", s.root_hz / 2, n);
  std::string expr = fmt::format("0.3*{}*exp(-3*{})+{}", lead, local, bass);
  if (s.kick) expr += fmt::format("+0.3*sin(2*PI*55*{0})*exp(-25*{0})", local);
  return "aevalsrc=" + expr + ":s=44100";
}

/// The song as a tagged FLAC with its cover embedded, in `out`; the cover
/// and ffmpeg's log go to `work`.
Status make_song(const DemoSong& s, const fs::path& work, const fs::path& out, int index) {
  const fs::path cover = work / ("cover-" + std::to_string(index) + ".png");
  const fs::path log = work / ("song-" + std::to_string(index) + ".log");
  RIFF_RETURN_IF_ERROR(
      run_ffmpeg({"-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", s.cover, "-frames:v", "1",
                  cover.string()},
                 log));
  const auto tag = [](const char* key, const std::string& value) { return std::string(key) + "=" + value; };
  return run_ffmpeg({"-nostdin", "-v", "error", "-y", "-f", "lavfi", "-t", std::to_string(s.seconds), "-i",
                     tune(s), "-i", cover.string(), "-map", "0:a", "-map", "1:v", "-c:a", "flac", "-c:v", "png",
                     "-disposition:v", "attached_pic", "-metadata", tag("title", s.title), "-metadata",
                     tag("artist", s.artist), "-metadata", tag("album_artist", s.artist), "-metadata",
                     tag("album", s.album), "-metadata", tag("track", std::to_string(s.track_no)),
                     "-metadata", tag("date", std::to_string(s.year)), "-metadata", tag("genre", s.genre),
                     "-metadata", tag("ISRC", s.isrc),
                     (out / fmt::format("{:02d} {}.flac", index + 1, s.title)).string()},
                    log);
}

/// Demo users listen: song i is played once (30 s, a counted play) by its
/// first `listeners` demo users, through the listening service.
Status play_songs(const DemoMusicDeps& deps, const std::vector<Id>& tracks) {
  static const char* const kListeners[] = {"demo", "maya.moves", "leo_beats", "ana.cooks",
                                           "kofi", "yuki.draws", "sunrise.store"};
  std::vector<Id> users;
  for (const char* handle : kListeners) {
    RIFF_ASSIGN_OR_RETURN(accounts::User u, deps.accounts.user_by_handle(handle));
    users.push_back(u.id);
  }
  const auto& songs = demo_songs();
  for (std::size_t i = 0; i < songs.size(); ++i) {
    if (tracks[i] == 0) continue;
    for (int u = 0; u < songs[i].listeners && u < static_cast<int>(users.size()); ++u) {
      RIFF_RETURN_IF_ERROR(deps.music.listening().report_play(users[u], tracks[i], 30'000, "demo").status());
    }
  }
  return Status::ok();
}

/// One audio ad for the free tier, so a demo listener hears an ad break: a
/// short jingle made with ffmpeg, uploaded through the same probe as any ad.
Status seed_demo_ad(const DemoMusicDeps& deps, const fs::path& work) {
  const fs::path jingle = work / "demo-ad.flac";
  RIFF_RETURN_IF_ERROR(run_ffmpeg(
      {"-nostdin", "-v", "error", "-y", "-f", "lavfi", "-t", "5", "-i",
       "aevalsrc=0.3*sin(2*PI*(523.25+262*floor(mod(t*4\\,4))/4)*t)*exp(-4*mod(t\\,0.25)):s=44100",
       jingle.string()},
      work / "demo-ad.log"));
  music::AudioAdFields f;
  f.title = "Sunrise Store ceramics: 10% off this week";
  f.advertiser = "Sunrise Store";
  f.click_url = "https://riff.example/shop/sunrise.store";
  RIFF_ASSIGN_OR_RETURN(music::AudioAd ad, deps.music.audio_ads().create(0, f));
  return deps.music.audio_ads().attach_audio(ad.id, jingle).status();
}

}  // namespace

int demo_song_count() { return static_cast<int>(demo_songs().size()); }

Result<std::vector<std::optional<Id>>> seed_demo_music(const DemoMusicDeps& deps, const fs::path& work_dir,
                                                       ProgressBar& bar,
                                                       const std::function<bool()>& keep_going) {
  const auto& songs = demo_songs();
  const int total = static_cast<int>(songs.size());
  RIFF_ASSIGN_OR_RETURN(TempDir dir, TempDir::make(work_dir, "demo-songs-"));
  const fs::path library = dir.path() / "library";
  fs::create_directories(library);
  for (int i = 0; i < total; ++i) {
    bar.update("making demo songs", i, total);
    RIFF_RETURN_IF_ERROR(make_song(songs[i], dir.path(), library, i));
    if (!keep_going()) return std::vector<std::optional<Id>>(songs.size());
  }
  bar.update("making demo songs", total, total);
  bar.finish();

  // The real importer: a probe child per file, loudness, AAC tiers, sounds.
  music::Importer importer(deps.db, deps.ids, deps.clock,
                           music::child_probe_runner("/proc/self/exe", deps.limits),
                           music::ImportOptions{deps.music_dir, true, deps.jobs, deps.sounds_dir});
  RIFF_ASSIGN_OR_RETURN(music::ImportReport report,
                        importer.run(library, [&bar](std::int64_t done, std::int64_t all, const std::string&) {
                          bar.update("importing demo songs", static_cast<int>(done), static_cast<int>(all));
                        }));
  bar.finish();
  for (const auto& f : report.failures) {
    spdlog::warn("demo: song {} not imported: {} ({})", f.path, f.message, f.reason);
  }

  std::vector<Id> tracks(songs.size(), 0);
  std::vector<std::optional<Id>> sounds(songs.size());
  for (std::size_t i = 0; i < songs.size(); ++i) {
    RIFF_ASSIGN_OR_RETURN(auto rows, deps.db.query("SELECT t.id, s.id FROM music_tracks t"
                                                   " LEFT JOIN sounds s ON s.catalog_track_id = t.id"
                                                   " WHERE t.isrc = $1",
                                                   {std::string(songs[i].isrc)}));
    if (rows.empty()) continue;
    tracks[i] = rows[0].i64(0);
    sounds[i] = rows[0].opt_i64(1);
  }
  if (Status st = seed_demo_ad(deps, dir.path()); !st) {
    spdlog::warn("demo: audio ad not made: {}", st.message());
  }
  RIFF_RETURN_IF_ERROR(play_songs(deps, tracks));
  spdlog::info("demo: imported {} songs", report.imported);
  return sounds;
}

}  // namespace riff::app
