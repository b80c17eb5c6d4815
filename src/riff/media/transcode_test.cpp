#include "riff/media/transcode.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "riff/media/child.hpp"
#include "riff/media/job.hpp"

namespace riff::media {
namespace {
namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Width, height and duration of a file's first video stream, by ffprobe.
struct Probed {
  int width = 0, height = 0;
  double duration = 0;
  bool has_audio = false;
};

class TranscodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("riff-media-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// Makes a clip with ffmpeg's lavfi sources (media is made at test time).
  fs::path make(const std::string& name, const std::string& args) {
    const fs::path out = dir_ / name;
    const std::string cmd = "ffmpeg -nostdin -v error -y " + args + " '" + out.string() + "'";
    if (std::system(cmd.c_str()) != 0) ADD_FAILURE() << "could not run: " << cmd;
    return out;
  }
  fs::path clip(int w, int h, double seconds, bool audio = true, const std::string& extra = "") {
    std::string args = "-f lavfi -i testsrc2=size=" + std::to_string(w) + "x" + std::to_string(h) +
                       ":rate=30";
    if (audio) args += " -f lavfi -i sine=frequency=440";
    args += " -t " + std::to_string(seconds) + " -c:v libx264 -preset ultrafast -pix_fmt yuv420p";
    if (audio) args += " -c:a aac";
    args += " " + extra;
    return make("clip-" + std::to_string(w) + "x" + std::to_string(h) + "-" +
                    std::to_string(counter_++) + ".mp4",
                args);
  }

  Probed probe(const fs::path& f) {
    const fs::path out = dir_ / "probe.txt";
    const std::string cmd =
        "ffprobe -v error -show_entries stream=codec_type,width,height:format=duration -of "
        "default=nw=1 '" +
        f.string() + "' > '" + out.string() + "'";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    Probed p;
    std::istringstream in(read_file(out));
    std::string line;
    while (std::getline(in, line)) {
      if (line == "codec_type=audio") p.has_audio = true;
      if (line.rfind("width=", 0) == 0 && p.width == 0) p.width = std::stoi(line.substr(6));
      if (line.rfind("height=", 0) == 0 && p.height == 0) p.height = std::stoi(line.substr(7));
      if (line.rfind("duration=", 0) == 0) p.duration = std::stod(line.substr(9));
    }
    return p;
  }

  JobResult run(JobSpec spec) {
    spec.out_dir = dir_ / ("out-" + std::to_string(counter_++));
    fs::create_directories(spec.out_dir);
    out_ = spec.out_dir;
    progress_.clear();
    return transcode(spec, [this](double p) { progress_.push_back(p); });
  }

  fs::path dir_, out_;
  std::vector<double> progress_;
  int counter_ = 0;
};

TEST_F(TranscodeTest, MakesTheLadderTheMp4TheStillsAndTheSound) {
  JobSpec spec;
  spec.input = clip(1080, 1920, 3);
  const JobResult r = run(spec);
  ASSERT_EQ(r.kind, JobResult::Kind::kOk) << r.reason << ": " << r.message;
  EXPECT_EQ(r.width, 720);
  EXPECT_EQ(r.height, 1280);
  EXPECT_NEAR(r.duration_ms, 3000, 100);
  EXPECT_TRUE(r.has_audio);

  const std::string master = read_file(out_ / "master.m3u8");
  EXPECT_NE(master.find("RESOLUTION=720x1280"), std::string::npos) << master;
  EXPECT_NE(master.find("RESOLUTION=480x854"), std::string::npos) << master;
  EXPECT_NE(master.find("CODECS=\"avc1.64"), std::string::npos) << master;
  EXPECT_NE(master.find(",mp4a.40.2\""), std::string::npos) << master;
  for (const char* rendition : {"v720", "v480"}) {
    const std::string playlist = read_file(out_ / rendition / "index.m3u8");
    EXPECT_NE(playlist.find("#EXT-X-MAP:URI=\"init.mp4\""), std::string::npos) << playlist;
    EXPECT_NE(playlist.find("#EXT-X-ENDLIST"), std::string::npos) << playlist;
    EXPECT_TRUE(fs::exists(out_ / rendition / "init.mp4"));
    EXPECT_TRUE(fs::exists(out_ / rendition / "seg001.m4s")) << "2 s segments of a 3 s clip";
  }
  const Probed mp4 = probe(out_ / "video.mp4");
  EXPECT_EQ(mp4.width, 720);
  EXPECT_EQ(mp4.height, 1280);
  EXPECT_TRUE(mp4.has_audio);
  EXPECT_NEAR(mp4.duration, 3.0, 0.1);
  // Faststart: the movie header comes before the media data.
  const std::string head = read_file(out_ / "video.mp4").substr(0, 4096);
  EXPECT_NE(head.find("moov"), std::string::npos);
  EXPECT_EQ(probe(out_ / "poster.jpg").width, 720);
  EXPECT_EQ(probe(out_ / "preview.jpg").width, 180);
  EXPECT_TRUE(probe(out_ / "sound.m4a").has_audio);

  ASSERT_FALSE(progress_.empty());
  EXPECT_TRUE(std::is_sorted(progress_.begin(), progress_.end()));
  EXPECT_GT(progress_.back(), 0.9);
}

TEST_F(TranscodeTest, KeepsLandscapeAndSmallPicturesAsTheyAre) {
  JobSpec spec;
  spec.input = clip(640, 360, 1, false);
  const JobResult r = run(spec);
  ASSERT_EQ(r.kind, JobResult::Kind::kOk) << r.message;
  EXPECT_EQ(r.width, 640);
  EXPECT_EQ(r.height, 360);
  EXPECT_FALSE(r.has_audio);
  EXPECT_FALSE(fs::exists(out_ / "sound.m4a")) << "no audio, no sound";
  EXPECT_EQ(read_file(out_ / "master.m3u8").find("mp4a"), std::string::npos);
}

TEST_F(TranscodeTest, StandsARotatedPhoneClipUpright) {
  JobSpec spec;
  // Stored landscape with a 90 degree display matrix, as phones record.
  const fs::path stored = clip(640, 360, 1, false);
  spec.input = make("rotated.mp4", "-i '" + stored.string() + "' -c copy -metadata:s:v:0 rotate=90");
  const JobResult r = run(spec);
  ASSERT_EQ(r.kind, JobResult::Kind::kOk) << r.message;
  EXPECT_EQ(r.width, 360);
  EXPECT_EQ(r.height, 640);
}

TEST_F(TranscodeTest, ReplacesTheAudioWithASoundFromItsOffset) {
  const fs::path sound = make("song.m4a", "-f lavfi -i sine=frequency=220 -t 10 -c:a aac");
  JobSpec spec;
  spec.input = clip(360, 640, 2, false);
  spec.sound_audio = sound;
  spec.sound_offset_ms = 7000;
  spec.audio_mode = AudioMode::kReplace;
  const JobResult r = run(spec);
  ASSERT_EQ(r.kind, JobResult::Kind::kOk) << r.message;
  EXPECT_TRUE(r.has_audio) << "a silent clip gets the sound";
  const Probed m4a = probe(out_ / "sound.m4a");
  EXPECT_TRUE(m4a.has_audio);
  // 2 s of the 10 s song, from 7 s: cut to the clip, not the song.
  EXPECT_NEAR(m4a.duration, 2.0, 0.15);
}

TEST_F(TranscodeTest, MixesASoundUnderTheClipsOwnAudio) {
  const fs::path sound = make("beat.m4a", "-f lavfi -i sine=frequency=880 -t 1 -c:a aac");
  JobSpec spec;
  spec.input = clip(360, 640, 2);
  spec.sound_audio = sound;
  spec.audio_mode = AudioMode::kMix;
  const JobResult r = run(spec);
  ASSERT_EQ(r.kind, JobResult::Kind::kOk) << r.message;
  EXPECT_TRUE(r.has_audio);
  // The mix lasts as long as the clip's own audio, not the shorter sound.
  EXPECT_NEAR(probe(out_ / "sound.m4a").duration, 2.0, 0.15);
}

TEST_F(TranscodeTest, ComposesADuetSideBySide) {
  const fs::path original = clip(360, 640, 2);
  const fs::path reply = clip(360, 640, 3);
  JobSpec spec;
  spec.input = reply;
  spec.duet_with = original;
  const JobResult r = run(spec);
  ASSERT_EQ(r.kind, JobResult::Kind::kOk) << r.message;
  // Two 540x960 halves make 1080x960, fitted to 720 on the short side.
  EXPECT_EQ(r.width, 810);
  EXPECT_EQ(r.height, 720);
  EXPECT_NEAR(r.duration_ms, 2000, 150) << "a duet ends with the shorter video";
  EXPECT_TRUE(r.has_audio);
}

TEST_F(TranscodeTest, RejectsWhatIsNotAVideoWithAReason) {
  struct Case {
    std::string name, bytes, reason;
  };
  const std::string clip_bytes = read_file(clip(360, 640, 2));
  const std::string tone = read_file(make("tone.m4a", "-f lavfi -i sine -t 1 -c:a aac"));
  for (const Case& c : std::vector<Case>{
           {"zero bytes", "", "empty_file"},
           {"text", std::string(300, 'x'), "not_a_video"},
           {"audio only", tone, "no_video_stream"},
       }) {
    const fs::path f = dir_ / "bad.mp4";
    std::ofstream(f, std::ios::binary | std::ios::trunc) << c.bytes;
    JobSpec spec;
    spec.input = f;
    const JobResult r = run(spec);
    EXPECT_EQ(r.kind, JobResult::Kind::kRejected) << c.name;
    EXPECT_EQ(r.reason, c.reason) << c.name << ": " << r.message;
    EXPECT_FALSE(r.message.empty()) << c.name;
  }
}

TEST_F(TranscodeTest, RejectsAVideoOverTheLengthLimit) {
  JobSpec spec;
  spec.input = clip(360, 640, 3, false);
  spec.max_duration_ms = 1000;
  const JobResult r = run(spec);
  EXPECT_EQ(r.kind, JobResult::Kind::kRejected);
  EXPECT_EQ(r.reason, "too_long") << r.message;
}

TEST(JobJson, RoundTripsASpecAndAResult) {
  JobSpec s;
  s.input = "/in/clip.mp4";
  s.out_dir = "/out";
  s.sound_audio = "/sounds/1.m4a";
  s.sound_offset_ms = 1500;
  s.audio_mode = AudioMode::kMix;
  s.duet_with = "/videos/9/video.mp4";
  s.max_duration_ms = 60'000;
  auto back = spec_from_json(to_json(s));
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(back->input, s.input);
  EXPECT_EQ(back->sound_audio, s.sound_audio);
  EXPECT_EQ(back->sound_offset_ms, 1500);
  EXPECT_EQ(back->audio_mode, AudioMode::kMix);
  EXPECT_EQ(back->duet_with, s.duet_with);
  EXPECT_EQ(back->max_duration_ms, 60'000);

  JobResult r = rejected("too_long", "The video is 700 s long.");
  auto r2 = result_from_json(to_json(r));
  ASSERT_TRUE(r2.is_ok());
  EXPECT_EQ(r2->kind, JobResult::Kind::kRejected);
  EXPECT_EQ(r2->reason, "too_long");
  EXPECT_EQ(r2->message, r.message);
}

TEST(JobJson, RefusesABadSpec) {
  EXPECT_FALSE(spec_from_json("not json").is_ok());
  EXPECT_FALSE(spec_from_json(R"({"out_dir":"/o"})").is_ok()) << "no input";
  EXPECT_FALSE(spec_from_json(R"({"input":"/i","out_dir":"/o","audio_mode":7})").is_ok());
  EXPECT_FALSE(spec_from_json(R"({"input":"/i","out_dir":"/o","sound_offset_ms":-1})").is_ok());
  EXPECT_FALSE(result_from_json(R"({"result":{"kind":"maybe"}})").is_ok());
}

/// A stand-in for `riffd` that ignores its arguments and runs `body`.
fs::path fake_riffd(const fs::path& dir, const std::string& body) {
  const fs::path p = dir / "fake-riffd";
  std::ofstream(p) << "#!/bin/sh\n" << body << "\n";
  fs::permissions(p, fs::perms::owner_all);
  return p;
}

TEST_F(TranscodeTest, AChildOverItsTimeLimitIsACrashToRetryNotAVerdict) {
  ChildLimits limits;
  limits.wall_seconds = 1;
  const JobResult r = run_job_in_child(fake_riffd(dir_, "exec sleep 30"), JobSpec{}, limits,
                                       [](double) {}, [] { return false; });
  EXPECT_EQ(r.kind, JobResult::Kind::kCrashed);
  EXPECT_NE(r.message.find("time limit"), std::string::npos) << r.message;
}

TEST_F(TranscodeTest, ACrashedChildIsACrashAndItsProgressStillArrives) {
  std::vector<double> seen;
  const JobResult r = run_job_in_child(
      fake_riffd(dir_, "echo '{\"progress\":0.25}'; kill -SEGV $$"), JobSpec{}, ChildLimits{},
      [&](double p) { seen.push_back(p); }, [] { return false; });
  EXPECT_EQ(r.kind, JobResult::Kind::kCrashed);
  EXPECT_NE(r.message.find("signal 11"), std::string::npos) << r.message;
  EXPECT_EQ(seen, std::vector<double>{0.25});
}

TEST_F(TranscodeTest, AChildsResultLineIsTheVerdict) {
  const JobResult r = run_job_in_child(
      fake_riffd(dir_, "echo '" + to_json(rejected("too_long", "Too long.")) + "'"), JobSpec{},
      ChildLimits{}, [](double) {}, [] { return false; });
  EXPECT_EQ(r.kind, JobResult::Kind::kRejected);
  EXPECT_EQ(r.reason, "too_long");
}

}  // namespace
}  // namespace riff::media
