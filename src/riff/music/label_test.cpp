// Label uploads, sound clips and gapless data: the clip window rule, a clip
// cut without re-encoding (checked with ffprobe), the tiers' encoder delay
// and padding against their edit lists, who may change a track, and a
// label's upload imported by its job (or failed, leaving nothing) on SQLite
// and PostgreSQL (when RIFF_TEST_PG_URL is set). Media is made at test time
// with ffmpeg; the probe runs in this process.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "riff/db/test_support.hpp"
#include "riff/jobs/queue.hpp"
#include "riff/music/availability.hpp"
#include "riff/music/catalog.hpp"
#include "riff/music/clip_cut.hpp"
#include "riff/music/labels.hpp"
#include "riff/music/probe_job.hpp"
#include "riff/music/test_support.hpp"

namespace riff::music {
namespace {

namespace fs = std::filesystem;

/// Standard output of a shell command.
std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  ::pclose(p);
  return out;
}

/// `ffprobe` value of one stream entry ("duration_ts", "codec_name", ...).
std::string stream_entry(const fs::path& file, const std::string& entry) {
  std::string v = run("ffprobe -v error -select_streams a:0 -show_entries stream=" + entry +
                      " -of default=nw=1:nk=1 '" + file.string() + "'");
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.pop_back();
  return v;
}

/// The sizes of a file's audio packets, in order, as ffprobe reads them.
std::vector<long> packet_sizes(const fs::path& file) {
  // Packets may carry side data (the priming packet's skip samples): keep only size=.
  std::istringstream in(
      run("ffprobe -v error -select_streams a:0 -show_entries packet=size"
          " -of default=nw=1 '" +
          file.string() + "'"));
  std::vector<long> out;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("size=", 0) == 0) out.push_back(std::stol(line.substr(5)));
  }
  return out;
}

bool contains_box(const fs::path& file, std::string_view box) {
  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return bytes.find(box) != std::string::npos;
}

class MusicMediaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("riff-label-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "out");
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// A sine tone; louder from `loud_from` seconds on when given.
  fs::path tone(double seconds, double loud_from = -1) {
    const fs::path out = dir_ / "tone.flac";
    std::string src = "sine=frequency=440:sample_rate=44100:duration=" + std::to_string(seconds);
    std::string filter;
    if (loud_from >= 0) {
      filter = " -af \"volume='if(lt(t," + std::to_string(loud_from) + "),0.05,1)':eval=frame\"";
    }
    const std::string cmd =
        "ffmpeg -nostdin -v error -y -f lavfi -i " + src + filter + " '" + out.string() + "'";
    if (std::system(cmd.c_str()) != 0) ADD_FAILURE() << "could not run: " << cmd;
    return out;
  }

  fs::path dir_;
};

TEST(MusicClipWindow, ShortSongsAreWholeAndWindowsStayInsideTheSong) {
  EXPECT_EQ(choose_clip_window(30'000, 60'000, -1, {}).start_ms, 0);
  EXPECT_EQ(choose_clip_window(30'000, 60'000, 10'000, {}).duration_ms, 30'000)
      << "a song shorter than the clip is its own clip";
  const ClipWindow w = choose_clip_window(200'000, 60'000, 180'000, {});
  EXPECT_EQ(w.start_ms, 140'000) << "moved back to end with the song";
  EXPECT_EQ(w.duration_ms, 60'000);
  EXPECT_EQ(choose_clip_window(200'000, 60'000, 15'000, {}).start_ms, 15'000);
}

TEST(MusicClipWindow, WithoutAChoiceTheLoudestStretchWins) {
  std::vector<double> energy(100, 0.01);
  for (int i = 40; i < 50; ++i) energy[i] = 1.0;
  const ClipWindow w = choose_clip_window(100'000, 10'000, -1, energy);
  EXPECT_EQ(w.start_ms, 40'000);
  EXPECT_EQ(w.duration_ms, 10'000);
  std::vector<double> flat(100, 0.5);
  EXPECT_EQ(choose_clip_window(100'000, 10'000, -1, flat).start_ms, 0) << "earliest on a tie";
}

TEST_F(MusicMediaTest, TiersCarryGaplessDataAndAnEditListThatTrimsIt) {
  const ProbeResult r = run_probe({tone(3.0), dir_ / "out", true});
  ASSERT_EQ(r.kind, ProbeResult::Kind::kOk) << r.message;
  EXPECT_EQ(r.duration_samples, 3 * 44100);
  ASSERT_EQ(r.gapless.size(), 3u);
  for (const TierGapless& g : r.gapless) {
    const fs::path file = dir_ / "out" / ("a" + std::to_string(g.kbps) + ".m4a");
    SCOPED_TRACE(file.filename().string());
    EXPECT_EQ(g.encoder_delay_samples, 1024) << "FFmpeg's AAC encoder primes one frame";
    const auto packets = static_cast<std::int64_t>(packet_sizes(file).size());
    EXPECT_EQ(g.padding_samples, packets * 1024 - 1024 - r.duration_samples);
    EXPECT_GE(g.padding_samples, 0);
    EXPECT_LT(g.padding_samples, 1024);
    EXPECT_TRUE(contains_box(file, "elst")) << "the MP4 has an edit list";
    // The edit list presents exactly the song: the priming and padding are trimmed.
    EXPECT_EQ(stream_entry(file, "duration_ts"), std::to_string(r.duration_samples));
    EXPECT_EQ(stream_entry(file, "sample_rate"), "44100");
  }
}

TEST_F(MusicMediaTest, TheSoundClipIsTheWindowsPacketsRemuxed) {
  ProbeSpec spec{tone(8.0), dir_ / "out", true};
  spec.clip_ms = 3000;
  spec.clip_start_ms = 2000;
  const ProbeResult r = run_probe(spec);
  ASSERT_EQ(r.kind, ProbeResult::Kind::kOk) << r.message;
  ASSERT_EQ(r.clip_file, "clip.m4a");
  EXPECT_EQ(r.clip_start_ms, 2000);
  EXPECT_EQ(r.clip_duration_ms, 3000);
  const fs::path clip = dir_ / "out" / "clip.m4a";
  EXPECT_EQ(stream_entry(clip, "codec_name"), "aac");
  EXPECT_EQ(stream_entry(clip, "duration_ts"), std::to_string(3 * 44100))
      << "the edit list trims the pre-roll and the tail to exactly the window";
  EXPECT_TRUE(contains_box(clip, "elst"));
  // Not re-encoded: the clip's packets are a run of the 160 tier's packets.
  const std::vector<long> tier = packet_sizes(dir_ / "out" / "a160.m4a");
  const std::vector<long> cut = packet_sizes(clip);
  ASSERT_GE(cut.size(), 3u * 44100 / 1024);
  EXPECT_LE(cut.size(), 3u * 44100 / 1024 + 3);
  // The last packet may be cut short by the window, so compare all but it.
  const std::vector<long> body(cut.begin(), cut.end() - 1);
  EXPECT_NE(std::search(tier.begin(), tier.end(), body.begin(), body.end()), tier.end());
  // Starting at 2 s: the pre-roll packet is the one just before 2 s of song.
  const std::size_t at = static_cast<std::size_t>(
      std::search(tier.begin(), tier.end(), body.begin(), body.end()) - tier.begin());
  EXPECT_EQ(at, static_cast<std::size_t>((2 * 44100 + 1024) / 1024 - 1));
}

TEST_F(MusicMediaTest, WithoutAChoiceTheClipStartsWhereTheSongIsLoud) {
  // Loud from 5.5 s: seconds 6 to 9 are the loudest; the earliest 3 s of them wins.
  ProbeSpec spec{tone(10.0, 5.5), dir_ / "out", true};
  spec.clip_ms = 3000;
  const ProbeResult r = run_probe(spec);
  ASSERT_EQ(r.kind, ProbeResult::Kind::kOk) << r.message;
  EXPECT_EQ(r.clip_start_ms, 6000);
  EXPECT_EQ(r.clip_duration_ms, 3000);
}

TEST(MusicLabelRules, OnlyTheOwningActiveLabelOrAnAdminMayManageATrack) {
  Label mine{7, 70, "Seven", true, 0, 0};
  Label other{8, 80, "Eight", true, 0, 0};
  Label revoked{7, 70, "Seven", false, 0, 0};
  EXPECT_TRUE(may_manage_track(false, mine, 7));
  EXPECT_FALSE(may_manage_track(false, other, 7));
  EXPECT_FALSE(may_manage_track(false, revoked, 7)) << "a revoked label changes nothing";
  EXPECT_FALSE(may_manage_track(false, std::nullopt, 7)) << "not a label";
  EXPECT_FALSE(may_manage_track(false, mine, std::nullopt)) << "catalog tracks are the operator's";
  EXPECT_TRUE(may_manage_track(true, std::nullopt, std::nullopt));
  EXPECT_TRUE(may_manage_track(true, std::nullopt, 7));
}

TEST(MusicLabelRules, MetadataIsCheckedAndTerritoriesUseTheRightsParser) {
  UploadMetadata m;
  m.title = "  Song\tOne ";
  m.isrc = "us-rc1-76-07839";
  m.territories = "WORLD -CN";
  ASSERT_TRUE(check_upload_metadata(m).is_ok());
  EXPECT_EQ(*m.title, "Song One");
  EXPECT_EQ(*m.isrc, "USRC17607839");
  EXPECT_EQ(*m.territories, "WW,-CN");
  UploadMetadata bad;
  bad.isrc = "nope";
  bad.territories = "US,XX1";
  bad.clip_start_ms = -5;
  const Status st = check_upload_metadata(bad);
  ASSERT_EQ(st.code(), Code::kInvalid);
  EXPECT_EQ(st.fields().size(), 3u);
  UploadMetadata round;
  round.title = "T";
  round.artists = {"A", "B"};
  round.territories = "US,GB";
  round.clip_start_ms = 1500;
  const UploadMetadata back = metadata_from_json(metadata_to_json(round));
  EXPECT_EQ(back.title, round.title);
  EXPECT_EQ(back.artists, round.artists);
  EXPECT_EQ(back.territories, round.territories);
  EXPECT_EQ(back.clip_start_ms, round.clip_start_ms);
  EXPECT_FALSE(back.album);
}

using db::testing_support::Backend;

class MusicLabelUploadTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    scratch_.open(GetParam(), "labels", 4);
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::move(scratch_.db);
    Status st = db_->migrate(testing_support::music_test_migrations());
    ASSERT_TRUE(st.is_ok()) << st.message();
    for (Id id : {1, 2, 3}) {
      const std::string sid = std::to_string(id);
      ASSERT_TRUE(db_->exec("INSERT INTO users (id, handle, email, password_hash, created_at,"
                            " updated_at) VALUES ($1, $2, $3, 'x', 0, 0)",
                            {id, "u" + sid, "u" + sid + "@example.com"})
                      .is_ok());
    }
    dir_ = fs::temp_directory_path() /
           ("riff-labels-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    catalog_ = std::make_unique<Catalog>(*db_, dir_ / "music");
    queue_ = std::make_unique<jobs::JobQueue>(*db_, ids_, clock_);
    ImportOptions import{dir_ / "music", true, 1, dir_ / "sounds", 2000};
    labels_ =
        std::make_unique<Labels>(*db_, ids_, clock_, *catalog_, queue_.get(), nullptr,
                                 LabelOptions{dir_ / "music" / "label-sources", import,
                                              [](const ProbeSpec& s) { return run_probe(s); }});
  }

  void TearDown() override {
    labels_.reset();
    queue_.reset();
    catalog_.reset();
    db_.reset();
    scratch_.close();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string tone_bytes(double seconds) {
    const fs::path out = dir_ / "upload.flac";
    const std::string cmd = "ffmpeg -nostdin -v error -y -f lavfi -i sine=frequency=330:duration=" +
                            std::to_string(seconds) + " '" + out.string() + "'";
    if (std::system(cmd.c_str()) != 0) ADD_FAILURE() << "could not run: " << cmd;
    std::ifstream in(out, std::ios::binary);
    return {(std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()};
  }

  /// Claims and runs the next label import job.
  void run_job() {
    auto job = queue_->claim(kLabelImportJob);
    ASSERT_TRUE(job.is_ok()) << job.status().message();
    ASSERT_TRUE(job->has_value());
    std::atomic<bool> stopping{false};
    jobs::JobContext ctx(*queue_, **job, stopping);
    const jobs::JobOutcome out = labels_->handle(ctx);
    EXPECT_EQ(out.kind, jobs::JobOutcome::Kind::kDone) << out.error;
    ASSERT_TRUE(queue_->complete(**job).is_ok());
  }

  std::int64_t count(const std::string& sql) {
    auto rows = db_->query(sql);
    EXPECT_TRUE(rows.is_ok());
    return rows.is_ok() ? (*rows)[0].i64(0) : -1;
  }

  db::testing_support::ScratchDatabase scratch_;
  std::unique_ptr<db::Database> db_;
  ManualClock clock_{1'800'000'000'000};
  IdGenerator ids_{clock_};
  fs::path dir_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<jobs::JobQueue> queue_;
  std::unique_ptr<Labels> labels_;
};

TEST_P(MusicLabelUploadTest, ALabelsUploadIsImportedWithItsRightsAndAClip) {
  ASSERT_EQ(labels_->start_upload(1, {}, "x.flac", "abc").status().code(), Code::kForbidden)
      << "not a label yet";
  ASSERT_TRUE(labels_->grant("u1", "Sine Records").is_ok());
  ASSERT_TRUE(labels_->grant("u2", "Other Records").is_ok());
  UploadMetadata m;
  m.title = "Sine Song";
  m.artists = {"The Tones"};
  m.territories = "US,GB";
  m.clip_start_ms = 1000;
  auto up = labels_->start_upload(1, m, "song.flac", tone_bytes(5.0));
  ASSERT_TRUE(up.is_ok()) << up.status().message();
  EXPECT_EQ(up->status, UploadStatus::kQueued);
  EXPECT_EQ(labels_->upload(2, false, up->id).status().code(), Code::kNotFound)
      << "another label cannot see it";
  run_job();
  auto done = labels_->upload(1, false, up->id);
  ASSERT_TRUE(done.is_ok());
  ASSERT_EQ(done->status, UploadStatus::kDone) << done->error;
  ASSERT_TRUE(done->track_id);
  auto t = catalog_->track(*done->track_id);
  ASSERT_TRUE(t.is_ok());
  EXPECT_EQ(t->title, "Sine Song");
  EXPECT_EQ(t->artist_name, "The Tones");
  EXPECT_EQ(t->territories, "GB,US");
  ASSERT_TRUE(t->label_id);
  EXPECT_EQ(t->duration_samples, 5 * 44100);
  ASSERT_EQ(t->gapless.size(), 3u);
  EXPECT_EQ(catalog_->track(t->id, Region{"BR", true, false}).status().code(), Code::kForbidden);
  EXPECT_TRUE(catalog_->track(t->id, Region{"US", true, false}).is_ok());
  // The song's sound is a 2 s clip from 1 s.
  ASSERT_TRUE(t->sound_id);
  auto snd = db_->query(
      "SELECT clip_start_ms, clip_duration_ms, duration_ms, audio_path FROM"
      " sounds WHERE id = $1",
      {*t->sound_id});
  ASSERT_TRUE(snd.is_ok() && snd->size() == 1u);
  EXPECT_EQ((*snd)[0].i64(0), 1000);
  EXPECT_EQ((*snd)[0].i64(1), 2000);
  EXPECT_EQ((*snd)[0].i64(2), 2000);
  EXPECT_EQ(stream_entry((*snd)[0].str(3), "duration_ts"), std::to_string(2 * 44100));

  auto listed = labels_->tracks(1, 0, 10);
  ASSERT_TRUE(listed.is_ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_TRUE(labels_->tracks(2, 0, 10)->empty());
  EXPECT_EQ(labels_->tracks(3, 0, 10).status().code(), Code::kForbidden);

  // Rights: the owner and admins; not another label, not a revoked one.
  EXPECT_EQ(labels_->set_territories(2, false, t->id, "BR").status().code(), Code::kForbidden);
  EXPECT_EQ(labels_->set_territories(3, false, t->id, "BR").status().code(), Code::kForbidden);
  EXPECT_EQ(*labels_->set_territories(1, false, t->id, "WORLD -CN"), "WW,-CN");
  EXPECT_EQ(*labels_->set_territories(3, true, t->id, "BR"), "BR");
  // The label moves the clip: re-cut from the tier.
  auto moved = labels_->set_clip_start(1, false, t->id, 2500);
  ASSERT_TRUE(moved.is_ok()) << moved.status().message();
  snd = db_->query("SELECT clip_start_ms, clip_duration_ms FROM sounds WHERE id = $1",
                   {*t->sound_id});
  EXPECT_EQ((*snd)[0].i64(0), 2500);
  EXPECT_EQ((*snd)[0].i64(1), 2000);
  ASSERT_TRUE(labels_->revoke("u1").is_ok());
  EXPECT_EQ(labels_->set_territories(1, false, t->id, "US").status().code(), Code::kForbidden);
}

TEST_P(MusicLabelUploadTest, ACorruptUploadFailsAndLeavesNothingBehind) {
  ASSERT_TRUE(labels_->grant("u1", "Sine Records").is_ok());
  std::string bytes = "fLaC";  // a FLAC magic, then garbage: mislabelled
  bytes += std::string(4000, '\x7f');
  auto up = labels_->start_upload(1, {}, "broken.flac", bytes);
  ASSERT_TRUE(up.is_ok()) << up.status().message();
  run_job();
  auto failed = labels_->upload(1, false, up->id);
  ASSERT_TRUE(failed.is_ok());
  EXPECT_EQ(failed->status, UploadStatus::kFailed);
  EXPECT_EQ(failed->error_reason, "not_audio");
  EXPECT_FALSE(failed->error.empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM music_tracks"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sounds"), 0);
  std::error_code ec;
  EXPECT_TRUE(fs::is_empty(dir_ / "music" / "label-sources", ec)) << "the source is removed";
  EXPECT_TRUE(!fs::exists(dir_ / "music" / "tracks") || fs::is_empty(dir_ / "music" / "tracks"));
  EXPECT_TRUE(!fs::exists(dir_ / "sounds") || fs::is_empty(dir_ / "sounds"));
}

INSTANTIATE_TEST_SUITE_P(Db, MusicLabelUploadTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         db::testing_support::backend_name);

}  // namespace
}  // namespace riff::music
