#pragma once
// The demo catalog for a newcomer's first `make run`: a few synthesized songs
// (ffmpeg aevalsrc melodies, each with its own key, tempo, scale walk and
// timbre), tagged like a label would deliver them (title, artist, album,
// track number, year, genre, ISRC) with an embedded cover, and imported
// through the real catalog importer (probe children, loudness, AAC tiers,
// each track also a catalog sound). Demo users then report a few plays
// through the listening service, so the songs have counts; weekly charts
// come from those once their week has ended, like any other plays. One
// audio ad (a generated jingle through the ad upload path) is seeded too, so
// a free demo listener hears an ad break.
//
// Runs on the demo seeder's thread (demo_videos.hpp) before the clips, some
// of which use these songs as their sound.

#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/media/child.hpp"

namespace riff::accounts {
class AccountService;
}
namespace riff::db {
class Database;
}
namespace riff::music {
class MusicModule;
}

namespace riff::app {

class ProgressBar;

struct DemoMusicDeps {
  db::Database& db;
  IdGenerator& ids;
  const Clock& clock;
  accounts::AccountService& accounts;
  music::MusicModule& music;
  std::filesystem::path music_dir;   // <data_dir>/music
  std::filesystem::path sounds_dir;  // <data_dir>/sounds
  media::ChildLimits limits;         // for each probe child
  int jobs = 1;                      // songs probed at once
};

/// How many demo songs there are.
int demo_song_count();

/// Makes, imports and plays the demo songs; files are made under `work_dir`.
/// The result holds each song's catalog sound id, by song index (nullopt
/// for a song that did not import). `keep_going` is asked between steps.
Result<std::vector<std::optional<Id>>> seed_demo_music(const DemoMusicDeps& deps,
                                                       const std::filesystem::path& work_dir,
                                                       ProgressBar& bar,
                                                       const std::function<bool()>& keep_going);

}  // namespace riff::app
