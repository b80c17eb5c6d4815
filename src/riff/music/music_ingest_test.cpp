// Ingest on files made at test time with ffmpeg: tags, cover, loudness and
// tiers from the probe, hostile tags cleaned, broken files rejected, and the
// importer's incremental re-import.

#include <gtest/gtest.h>
#include <taglib/fileref.h>
#include <taglib/tag.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "riff/accounts/schema.hpp"
#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/jobs/schema.hpp"
#include "riff/music/importer.hpp"
#include "riff/music/probe_job.hpp"
#include "riff/music/schema.hpp"
#include "riff/music/tags.hpp"
#include "riff/video/schema.hpp"

namespace riff::music {
namespace {
namespace fs = std::filesystem;

class MusicIngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("riff-music-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "lib");
    fs::create_directories(dir_ / "out");
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// A sine tone (amplitude 1/8, so -18 dBFS peaks) made by ffmpeg.
  fs::path tone(const std::string& name, double seconds, const std::string& extra = "") {
    const fs::path out = dir_ / "lib" / name;
    const std::string cmd = "ffmpeg -nostdin -v error -y -f lavfi -i sine=frequency=440:duration=" +
                            std::to_string(seconds) + " " + extra + " '" + out.string() + "'";
    if (std::system(cmd.c_str()) != 0) ADD_FAILURE() << "could not run: " << cmd;
    return out;
  }

  ProbeResult probe(const fs::path& input, bool transcode = true) {
    fs::remove_all(dir_ / "out");
    fs::create_directories(dir_ / "out");
    return run_probe({input, dir_ / "out", transcode});
  }

  fs::path dir_;
};

TEST(MusicTags, CleanTagDropsControlCharactersAndBadUtf8AndBoundsLength) {
  EXPECT_EQ(clean_tag("  Hello\tWorld\n "), "Hello World");
  EXPECT_EQ(clean_tag("a\x01"
                      "b"),
            "a b");
  EXPECT_EQ(clean_tag("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(clean_tag("bad\xff\xfe"
                      "byte"),
            "badbyte");
  EXPECT_EQ(clean_tag("\xed\xa0\x80surrogate"), "surrogate");
  EXPECT_EQ(clean_tag(std::string(10'000, 'x')).size(), kMaxTagBytes);
  // A cut never splits a character.
  std::string wide;
  for (int i = 0; i < 300; ++i) wide += "\xc3\xa9";
  const std::string cut = clean_tag(wide);
  EXPECT_LE(cut.size(), kMaxTagBytes);
  EXPECT_EQ(cut.size() % 2, 0u);
}

TEST(MusicTags, NumbersYearsIsrcsAndArtistLists) {
  EXPECT_EQ(leading_number("3/12"), 3);
  EXPECT_EQ(leading_number(" 07 "), 7);
  EXPECT_EQ(leading_number("x"), 0);
  EXPECT_EQ(leading_number("99999999999999999999"), 0);
  EXPECT_EQ(year_of("1999-05-01"), 1999);
  EXPECT_EQ(year_of("12"), 0);
  EXPECT_EQ(normalize_isrc("us-rc1-76-07839"), "USRC17607839");
  EXPECT_EQ(normalize_isrc("USRC1760783"), "");
  EXPECT_EQ(normalize_isrc("12RC17607839"), "");
  EXPECT_EQ(split_artists("Ada; Ben feat. Cy;Ada"), (std::vector<std::string>{"Ada", "Ben", "Cy"}));
  EXPECT_EQ(sniff_image("\xff\xd8\xff\xe0"), "image/jpeg");
  EXPECT_EQ(sniff_image("GIF89a...."), "");
}

TEST_F(MusicIngestTest, ProbeReadsTagsMeasuresLoudnessAndWritesTheTiers) {
  const auto f =
      tone("a.flac", 5,
           "-metadata title='First' -metadata artist='Ada; Ben' -metadata album=Sines "
           "-metadata track=3/9 -metadata disc=1 -metadata date=2021-04-01 -metadata genre=Test "
           "-metadata ISRC=USRC17607839");
  const ProbeResult r = probe(f);
  ASSERT_EQ(r.kind, ProbeResult::Kind::kOk) << r.message;
  EXPECT_EQ(r.tags.title, "First");
  EXPECT_EQ(r.tags.artists, (std::vector<std::string>{"Ada", "Ben"}));
  EXPECT_EQ(r.tags.album, "Sines");
  EXPECT_EQ(r.tags.track_no, 3);
  EXPECT_EQ(r.tags.disc_no, 1);
  EXPECT_EQ(r.tags.year, 2021);
  EXPECT_EQ(r.tags.genre, "Test");
  EXPECT_EQ(r.tags.isrc, "USRC17607839");
  EXPECT_EQ(r.codec, "flac");
  EXPECT_NEAR(r.duration_ms, 5000, 50);
  // A 440 Hz sine at -18 dBFS peak, played on both channels: about -18.7 LUFS.
  ASSERT_TRUE(r.loudness_lufs);
  EXPECT_NEAR(*r.loudness_lufs, -18.7, 0.5);
  ASSERT_TRUE(r.true_peak_dbtp);
  EXPECT_NEAR(*r.true_peak_dbtp, -18.06, 0.3);
  EXPECT_EQ(r.tiers, (std::vector<int>{96, 160, 320}));
  for (int k : r.tiers) {
    std::ifstream in(dir_ / "out" / ("a" + std::to_string(k) + ".m4a"), std::ios::binary);
    char head[8] = {};
    in.read(head, 8);
    EXPECT_EQ(std::string(head + 4, 4), "ftyp") << k;
  }
  for (int k : r.tiers) {
    EXPECT_TRUE(fs::exists(dir_ / "out" / ("hls" + std::to_string(k)) / "index.m3u8")) << k;
    EXPECT_TRUE(fs::exists(dir_ / "out" / ("hls" + std::to_string(k)) / "init.mp4")) << k;
    EXPECT_TRUE(fs::exists(dir_ / "out" / ("hls" + std::to_string(k)) / "seg000.m4s")) << k;
  }
  // Higher tiers are bigger files.
  EXPECT_LT(fs::file_size(dir_ / "out" / "a96.m4a"), fs::file_size(dir_ / "out" / "a320.m4a"));
}

TEST_F(MusicIngestTest, LouderAudioMeasuresLouder) {
  const auto quiet = probe(tone("q.wav", 3));
  const auto loud = probe(tone("l.wav", 3, "-af volume=12dB"));
  ASSERT_TRUE(quiet.loudness_lufs && loud.loudness_lufs);
  EXPECT_NEAR(*loud.loudness_lufs - *quiet.loudness_lufs, 12.0, 0.2);
}

TEST_F(MusicIngestTest, NoTranscodeWritesNoTiers) {
  const ProbeResult r = probe(tone("a.mp3", 2), false);
  ASSERT_EQ(r.kind, ProbeResult::Kind::kOk) << r.message;
  EXPECT_TRUE(r.tiers.empty());
  EXPECT_FALSE(fs::exists(dir_ / "out" / "a160.m4a"));
  EXPECT_TRUE(r.loudness_lufs);
}

TEST_F(MusicIngestTest, CorruptAndEmptyFilesAreRejected) {
  {
    std::ofstream out(dir_ / "lib" / "bad.mp3", std::ios::binary);
    for (int i = 0; i < 4096; ++i) out.put(static_cast<char>((i * 7919) & 0xff));
  }
  std::ofstream(dir_ / "lib" / "empty.flac").close();
  const auto bad = probe(dir_ / "lib" / "bad.mp3");
  EXPECT_EQ(bad.kind, ProbeResult::Kind::kRejected);
  EXPECT_EQ(bad.reason, "not_audio");
  const auto empty = probe(dir_ / "lib" / "empty.flac");
  EXPECT_EQ(empty.kind, ProbeResult::Kind::kRejected);
  EXPECT_EQ(empty.reason, "empty");
}

TEST_F(MusicIngestTest, HostileTagsAreCleaned) {
  const auto f = tone("h.mp3", 1);
  {
    TagLib::FileRef ref(f.c_str());
    ASSERT_FALSE(ref.isNull());
    ref.tag()->setTitle(TagLib::String("evil\x01\x1b[31mtitle\n", TagLib::String::UTF8));
    ref.tag()->setArtist(TagLib::String(std::string(100'000, 'A'), TagLib::String::UTF8));
    ref.tag()->setAlbum(TagLib::String("\t\t", TagLib::String::UTF8));
    ASSERT_TRUE(ref.save());
  }
  const ProbeResult r = probe(f, false);
  ASSERT_EQ(r.kind, ProbeResult::Kind::kOk) << r.message;
  EXPECT_EQ(r.tags.title, "evil [31mtitle");
  ASSERT_EQ(r.tags.artists.size(), 1u);
  EXPECT_EQ(r.tags.artists[0].size(), kMaxTagBytes);
  EXPECT_EQ(r.tags.album, "");
  // What crosses the process boundary survives the JSON round trip.
  auto back = probe_result_from_json(to_json(r));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->tags.title, r.tags.title);
  EXPECT_EQ(back->loudness_lufs, r.loudness_lufs);
}

class MusicImporterTest : public MusicIngestTest {
 protected:
  void SetUp() override {
    MusicIngestTest::SetUp();
    auto db = db::open_sqlite({.path = (dir_ / "riff.db").string()});
    ASSERT_TRUE(db) << db.status().message();
    db_ = std::move(db).value();
    auto m = jobs::migrations();
    for (auto& x : accounts::migrations()) m.push_back(std::move(x));
    for (auto& x : video::migrations())
      m.push_back(std::move(x));  // sounds: tracks become catalog sounds
    for (auto& x : music::migrations()) m.push_back(std::move(x));
    ASSERT_TRUE(db_->migrate(m)) << "migrate";
  }

  Result<ImportReport> import(int* probes = nullptr, int jobs = 1,
                              std::int64_t clip_ms = 60'000) {
    Importer importer(
        *db_, ids_, clock_,
        [probes](const ProbeSpec& spec) {
          if (probes) ++*probes;
          return run_probe(spec);
        },
        ImportOptions{dir_ / "music", true, jobs, dir_ / "sounds", clip_ms});
    return importer.run(dir_ / "lib");
  }

  std::int64_t count(const std::string& sql) { return (*db_->query(sql))[0].i64(0); }

  ManualClock clock_{1'790'000'000'000};
  IdGenerator ids_{clock_, 1};
  std::unique_ptr<db::Database> db_;
};

TEST_F(MusicImporterTest, ReimportSkipsUnchangedFilesAndRereadsChangedOnes) {
  tone("one.flac", 2, "-metadata title=One -metadata artist=Ada -metadata album=Sines");
  tone("two.mp3", 2, "-metadata title=Two -metadata artist=Ada -metadata album=Sines");
  std::ofstream(dir_ / "lib" / "broken.ogg") << "not audio at all";
  std::ofstream(dir_ / "lib" / "notes.txt") << "ignored";

  auto first = import();
  ASSERT_TRUE(first) << first.status().message();
  EXPECT_EQ(first->files, 3);
  EXPECT_EQ(first->imported, 2);
  ASSERT_EQ(first->failures.size(), 1u);
  EXPECT_EQ(first->failures[0].reason, "not_audio");
  EXPECT_EQ(count("SELECT COUNT(*) FROM music_tracks"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM music_albums"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM music_albums WHERE loudness_lufs IS NOT NULL"), 1);
  EXPECT_TRUE(fs::exists(dir_ / "music" / "tracks"));
  // Each track is a catalog sound with its 160 tier as the audio.
  EXPECT_EQ(count("SELECT COUNT(*) FROM sounds WHERE kind = 1 AND catalog_track_id IS NOT NULL"),
            2);
  const auto sound = count("SELECT MIN(id) FROM sounds");
  EXPECT_TRUE(fs::exists(dir_ / "sounds" / (id_to_string(sound) + ".m4a")));

  int probes = 0;
  auto second = import(&probes);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->unchanged, 2);
  EXPECT_EQ(probes, 1) << "only the broken file is probed again";

  // Touched but identical: hashed, not probed.
  fs::last_write_time(dir_ / "lib" / "one.flac",
                      fs::last_write_time(dir_ / "lib" / "one.flac") + std::chrono::hours(1));
  probes = 0;
  auto third = import(&probes);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->unchanged, 2);
  EXPECT_EQ(probes, 1);

  // New content under the same path: re-read, same track id, new title.
  const auto id_before = count("SELECT id FROM music_tracks WHERE source_path LIKE '%one.flac'");
  tone("one.flac", 3, "-metadata title=Uno -metadata artist=Ada -metadata album=Sines");
  auto fourth = import();
  ASSERT_TRUE(fourth);
  EXPECT_EQ(fourth->updated, 1);
  EXPECT_EQ(count("SELECT id FROM music_tracks WHERE title = 'Uno'"), id_before);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sounds"), 2) << "a re-read track keeps its sound";
  EXPECT_EQ(count("SELECT COUNT(*) FROM sounds WHERE title = 'Uno - Ada'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM music_tracks"), 2);
}

TEST_F(MusicImporterTest, AReimportGivesSoundsThatAreWholeSongsTheirClip) {
  tone("long.flac", 5, "-metadata title=Long -metadata artist=Ada -metadata album=Sines");
  // As before clips: the sound is the whole 160 tier.
  auto first = import(nullptr, 1, 0);
  ASSERT_TRUE(first) << first.status().message();
  EXPECT_EQ(first->imported, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sounds WHERE clip_duration_ms IS NULL"), 1);
  EXPECT_EQ(count("SELECT duration_ms FROM sounds"), 5000);
  const auto sound = count("SELECT id FROM sounds");
  // The same unchanged file, now with 2 s clips: read again, its sound cut.
  int probes = 0;
  auto second = import(&probes, 1, 2000);
  ASSERT_TRUE(second) << second.status().message();
  EXPECT_EQ(probes, 1) << "an unchanged track whose sound has no clip is probed again";
  EXPECT_EQ(second->updated, 1);
  EXPECT_EQ(count("SELECT id FROM sounds"), sound) << "the same sound";
  EXPECT_EQ(count("SELECT clip_duration_ms FROM sounds"), 2000);
  EXPECT_EQ(count("SELECT duration_ms FROM sounds"), 2000);
  EXPECT_GT(count("SELECT duration_samples FROM music_tracks"), 0);
  const fs::path audio = dir_ / "sounds" / (id_to_string(sound) + ".m4a");
  EXPECT_FALSE(fs::equivalent(audio, dir_ / "music" / "tracks" /
                                         id_to_string(count("SELECT id FROM music_tracks")) /
                                         "a160.m4a"))
      << "no longer the tier's hard link";
  EXPECT_LT(fs::file_size(audio), 50'000u);
  // And then it is unchanged.
  probes = 0;
  auto third = import(&probes, 1, 2000);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->unchanged, 1);
  EXPECT_EQ(probes, 0);
}

TEST_F(MusicImporterTest, ParallelImportRecordsEveryFileOnceAndMergesArtistsAndAlbums) {
  for (int i = 0; i < 6; ++i) {
    tone("t" + std::to_string(i) + ".mp3", 1,
         "-metadata title=T" + std::to_string(i) + " -metadata artist=A" + std::to_string(i % 2) +
             " -metadata album=Shared -metadata album_artist=Various");
  }
  std::ofstream(dir_ / "lib" / "z-broken.flac") << "junk";
  std::ofstream(dir_ / "lib" / "a-broken.flac") << "junk";
  auto r = import(nullptr, 3);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(r->imported, 6);
  ASSERT_EQ(r->failures.size(), 2u);
  EXPECT_LT(r->failures[0].path, r->failures[1].path) << "failures are reported in path order";
  EXPECT_EQ(count("SELECT COUNT(*) FROM music_tracks"), 6);
  EXPECT_EQ(count("SELECT COUNT(*) FROM music_albums"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM music_artists"), 3);  // A0, A1, Various
}

}  // namespace
}  // namespace riff::music
