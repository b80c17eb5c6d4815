// The create side's rules without HTTP: uploads (offsets, checksums, limits,
// owners, expiry), posting (validation, hashtags, duets, sounds), the
// pipeline's outcomes with a fake media processor, and deletion.

#include "riff/video/service.hpp"

#include <fcntl.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <fstream>

#include "riff/accounts/test_support.hpp"
#include "riff/jobs/queue.hpp"
#include "riff/jobs/schema.hpp"
#include "riff/video/engagement_schema.hpp"
#include "riff/video/pipeline.hpp"
#include "riff/video/schema.hpp"
#include "riff/video/sounds.hpp"
#include "riff/video/uploads.hpp"

namespace riff::video {
namespace {

using accounts::testing_support::Backend;
using accounts::testing_support::unwrap;
namespace fs = std::filesystem;

/// Writes the files a real processor would and answers what it is told to.
class FakeProcessor final : public MediaProcessor {
 public:
  MediaJobResult next = ok();
  int runs = 0;
  static MediaJobResult ok() {
    MediaJobResult r;
    r.width = 360;
    r.height = 640;
    r.duration_ms = 2000;
    r.has_audio = true;
    return r;
  }
  MediaJobResult run(const MediaJobSpec& spec, const std::function<void(double)>& progress,
                     const std::function<bool()>&) override {
    ++runs;
    last_spec = spec;
    progress(0.5);
    if (next.kind == MediaJobResult::Kind::kOk) {
      for (const char* f : {"master.m3u8", "video.mp4", "poster.jpg", "preview.jpg", "sound.m4a"}) {
        std::ofstream(spec.out_dir / f) << "x";
      }
    }
    return next;
  }
  MediaJobSpec last_spec;
};

class CreateSideTest : public accounts::testing_support::AccountsTest {
 protected:
  void SetUp() override {
    AccountsTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    std::vector<db::Migration> m = jobs::migrations();
    for (auto& x : video::migrations()) m.push_back(std::move(x));
    // Cards (render.hpp) read the viewer's like from the engagement tables.
    for (auto& x : video::engagement_migrations()) m.push_back(std::move(x));
    ASSERT_TRUE(db_->migrate(m));
    queue_ = std::make_unique<jobs::JobQueue>(*db_, ids_, clock_);
    UploadOptions uo;
    uo.dir = dir_ / "uploads";
    uo.max_bytes = 1000;
    uo.quota_bytes_per_day = 2500;
    uploads_ = std::make_unique<UploadService>(*db_, ids_, clock_, uo);
    videos_ = std::make_unique<VideoService>(*db_, ids_, clock_, *uploads_, *queue_,
                                             VideoPaths{dir_ / "videos"});
    sounds_ = std::make_unique<SoundService>(*db_, dir_ / "sounds");
    pipeline_ =
        std::make_unique<Pipeline>(*db_, ids_, clock_, *uploads_, *sounds_, processor_,
                                   &notifications(), PipelineOptions{dir_ / "videos", 600'000});
  }
  void TearDown() override {
    pipeline_.reset();
    sounds_.reset();
    videos_.reset();
    uploads_.reset();
    queue_.reset();
    AccountsTest::TearDown();
  }

  /// A complete upload of `n` bytes.
  Id full_upload(Id user, std::size_t n = 100) {
    Upload u = unwrap(uploads_->create(user, static_cast<std::int64_t>(n), ""));
    auto a = unwrap(uploads_->begin_append(user, u.id, 0, std::nullopt));
    EXPECT_TRUE(a->write(std::string(n, 'v')));
    EXPECT_EQ(unwrap(a->finish(true)).upload.state, UploadState::kComplete);
    return u.id;
  }

  /// Runs the queued transcode job through the pipeline; returns the job's state.
  jobs::JobState run_job() {
    auto job = unwrap(queue_->claim(kTranscodeJob));
    EXPECT_TRUE(job.has_value());
    std::atomic<bool> stop{false};
    jobs::JobContext ctx(*queue_, *job, stop);
    jobs::JobOutcome out = pipeline_->handle(ctx);
    if (out.kind == jobs::JobOutcome::Kind::kDone) {
      EXPECT_TRUE(queue_->complete(*job));
      return jobs::JobState::kDone;
    }
    return unwrap(
        queue_->fail(*job, out.error, out.kind == jobs::JobOutcome::Kind::kFailPermanently));
  }

  VideoCard ready_video(Id author, PostInput in = {}) {
    in.upload_id = full_upload(author);
    VideoCard v = unwrap(videos_->post(author, in));
    EXPECT_EQ(run_job(), jobs::JobState::kDone);
    return unwrap(videos_->get(author, v.video.id));
  }

  std::unique_ptr<jobs::JobQueue> queue_;
  std::unique_ptr<UploadService> uploads_;
  std::unique_ptr<VideoService> videos_;
  std::unique_ptr<SoundService> sounds_;
  FakeProcessor processor_;
  std::unique_ptr<Pipeline> pipeline_;
};

TEST_P(CreateSideTest, UploadLimitsQuotaAndOwnership) {
  auto ana = make_user("ana"), ben = make_user("ben");
  EXPECT_EQ(uploads_->create(ana.id, 1001, "").status().code(), Code::kTooLarge);
  Upload u = unwrap(uploads_->create(ana.id, 1000, "filename eA=="));
  unwrap(uploads_->create(ana.id, 1000, ""));
  EXPECT_EQ(uploads_->create(ana.id, 600, "").status().code(),
            Code::kTooLarge);  // 2600 > 2500 a day
  clock_.advance_ms(24LL * 3600 * 1000 + 1);
  EXPECT_TRUE(uploads_->create(ana.id, 600, "").is_ok());  // the quota is per 24 hours
  EXPECT_EQ(uploads_->get(ben.id, u.id).status().code(), Code::kNotFound);
  EXPECT_EQ(uploads_->begin_append(ben.id, u.id, 0, std::nullopt).status().code(), Code::kNotFound);
  EXPECT_EQ(uploads_->terminate(ben.id, u.id).code(), Code::kNotFound);
}

TEST_P(CreateSideTest, AppendsKeepWhatArrivedAndDiscardBadChecksums) {
  auto ana = make_user("ana");
  Upload u = unwrap(uploads_->create(ana.id, 300, ""));
  EXPECT_EQ(uploads_->begin_append(ana.id, u.id, 5, std::nullopt).status().code(), Code::kConflict);
  {
    auto a = unwrap(uploads_->begin_append(ana.id, u.id, 0, std::nullopt));
    // One append at a time.
    EXPECT_EQ(uploads_->begin_append(ana.id, u.id, 0, std::nullopt).status().code(),
              Code::kConflict);
    EXPECT_TRUE(a->write(std::string(100, 'a')));
    EXPECT_EQ(unwrap(a->finish(false)).upload.offset, 100);  // cut midway: kept
  }
  {
    unsigned char d[SHA_DIGEST_LENGTH];
    std::string other(100, 'z');
    SHA1(reinterpret_cast<const unsigned char*>(other.data()), other.size(), d);
    auto a = unwrap(uploads_->begin_append(ana.id, u.id, 100,
                                           std::string(reinterpret_cast<char*>(d), sizeof d)));
    EXPECT_TRUE(a->write(std::string(100, 'b')));
    auto out = unwrap(a->finish(true));
    EXPECT_TRUE(out.checksum_mismatch);
    EXPECT_EQ(out.upload.offset, 100);
  }
  EXPECT_EQ(fs::file_size(uploads_->part_path(u.id)), 100u);
  {
    auto a = unwrap(uploads_->begin_append(ana.id, u.id, 100, std::nullopt));
    EXPECT_FALSE(a->write(std::string(250, 'c')));  // past Upload-Length
    auto out = unwrap(a->finish(false));
    EXPECT_EQ(out.upload.offset, 300);
    EXPECT_EQ(out.upload.state, UploadState::kComplete);
  }
}

TEST_P(CreateSideTest, ExpiredUploadsVanishWithTheirFiles) {
  auto ana = make_user("ana");
  Upload u = unwrap(uploads_->create(ana.id, 10, ""));
  EXPECT_TRUE(fs::exists(uploads_->part_path(u.id)));
  clock_.advance_ms(24LL * 3600 * 1000);
  EXPECT_EQ(uploads_->get(ana.id, u.id).status().code(), Code::kNotFound);
  EXPECT_EQ(unwrap(uploads_->expire()), 1);
  EXPECT_FALSE(fs::exists(uploads_->part_path(u.id)));
}

TEST_P(CreateSideTest, PostingValidatesUploadCaptionSoundAndDuet) {
  auto ana = make_user("ana"), ben = make_user("ben");
  PostInput in;
  in.upload_id = unwrap(uploads_->create(ana.id, 10, "")).id;  // not complete
  EXPECT_EQ(videos_->post(ana.id, in).status().code(), Code::kInvalid);
  in.upload_id = full_upload(ben.id);  // someone else's
  EXPECT_EQ(videos_->post(ana.id, in).status().code(), Code::kInvalid);
  in.upload_id = full_upload(ana.id);
  in.caption = std::string(2201, 'x');
  EXPECT_EQ(videos_->post(ana.id, in).status().code(), Code::kInvalid);
  in.caption = "ok";
  in.sound_id = 12345;
  EXPECT_EQ(videos_->post(ana.id, in).status().fields().at(0).pointer, "/sound_id");
  in.sound_id.reset();
  in.duet_of = 999;
  EXPECT_EQ(videos_->post(ana.id, in).status().fields().at(0).pointer, "/duet_of");
  EXPECT_EQ(count("videos"), 0);
  EXPECT_EQ(count("jobs"), 0);
  // The upload was not consumed by the failed attempts.
  in.duet_of.reset();
  EXPECT_TRUE(videos_->post(ana.id, in).is_ok());
  EXPECT_EQ(count("jobs"), 1);
}

TEST_P(CreateSideTest, ProcessingIsTheAuthorsAloneUntilReady) {
  auto ana = make_user("ana"), ben = make_user("ben");
  PostInput in;
  in.upload_id = full_upload(ana.id);
  in.caption = "hi #Tag @ben @nobody";
  VideoCard v = unwrap(videos_->post(ana.id, in));
  EXPECT_EQ(v.video.status, VideoStatus::kProcessing);
  EXPECT_EQ(v.hashtags, std::vector<std::string>{"tag"});
  EXPECT_EQ(v.mentions, std::vector<std::string>{"ben"});
  EXPECT_EQ(videos_->get(ben.id, v.video.id).status().code(), Code::kNotFound);
  EXPECT_EQ(run_job(), jobs::JobState::kDone);
  VideoCard ready = unwrap(videos_->get(ben.id, v.video.id));
  EXPECT_EQ(ready.video.status, VideoStatus::kReady);
  ASSERT_TRUE(ready.sound);
  EXPECT_EQ(ready.sound->title, "original sound - @ana");
  EXPECT_EQ(unwrap(sounds_->get(ben.id, ready.sound->id)).sound.use_count, 1);
  EXPECT_TRUE(fs::exists(videos_->paths().dir_of(v.video.id) / "master.m3u8"));
  // ben was mentioned and may see it: notified once the video is ready.
  auto inbox = unwrap(notifications().list(ben.id, {}));
  ASSERT_EQ(inbox.page.items.size(), 1u);
  EXPECT_EQ(inbox.page.items[0].kind, "mention");
}

TEST_P(CreateSideTest, RejectedFilesFailForGoodAndCrashesRetry) {
  auto ana = make_user("ana");
  PostInput in;
  in.upload_id = full_upload(ana.id);
  Id bad = unwrap(videos_->post(ana.id, in)).video.id;
  processor_.next = {MediaJobResult::Kind::kRejected, "no_video_stream",
                     "This file has sound but no picture."};
  EXPECT_EQ(run_job(), jobs::JobState::kFailed);
  Video v = unwrap(videos_->get(ana.id, bad)).video;
  EXPECT_EQ(v.status, VideoStatus::kFailed);
  EXPECT_EQ(v.failure_reason, "no_video_stream");

  in.upload_id = full_upload(ana.id);
  Id flaky = unwrap(videos_->post(ana.id, in)).video.id;
  processor_.next = {MediaJobResult::Kind::kCrashed, "", "signal 9"};
  EXPECT_EQ(run_job(), jobs::JobState::kQueued);
  EXPECT_EQ(unwrap(videos_->get(ana.id, flaky)).video.status, VideoStatus::kProcessing);
  clock_.advance_ms(queue_->backoff_ms(1));
  processor_.next = FakeProcessor::ok();
  EXPECT_EQ(run_job(), jobs::JobState::kDone);
  EXPECT_EQ(unwrap(videos_->get(ana.id, flaky)).video.status, VideoStatus::kReady);
}

TEST_P(CreateSideTest, AVideoWhoseJobRanOutOfLeasesFailsInsteadOfStayingProcessing) {
  auto ana = make_user("ana");
  PostInput in;
  in.upload_id = full_upload(ana.id);
  Id id = unwrap(videos_->post(ana.id, in)).video.id;
  for (int i = 0; i < queue_->options().default_max_attempts; ++i) {
    ASSERT_TRUE(unwrap(queue_->claim(kTranscodeJob)).has_value());  // a node takes it and dies
    clock_.advance_ms(queue_->options().lease_ms + 1);
    unwrap(queue_->reclaim_expired());
  }
  EXPECT_EQ(unwrap(pipeline_->fail_abandoned()), 1);
  Video v = unwrap(videos_->get(ana.id, id)).video;
  EXPECT_EQ(v.status, VideoStatus::kFailed);
  EXPECT_EQ(v.failure_reason, "processing_failed");
}

TEST_P(CreateSideTest, SoundsDuetsAndDeletionKeepCountersExact) {
  auto ana = make_user("ana"), ben = make_user("ben");
  VideoCard original = ready_video(ana.id);
  const Id sound = original.sound->id;

  PostInput uses;
  uses.sound_id = sound;
  uses.sound_offset_ms = 1500;
  VideoCard second = ready_video(ben.id, uses);
  EXPECT_EQ(processor_.last_spec.audio_mode, media::AudioMode::kReplace);
  EXPECT_EQ(processor_.last_spec.sound_offset_ms, 1500);
  EXPECT_EQ(second.sound->id, sound);
  EXPECT_EQ(unwrap(sounds_->get(std::nullopt, sound)).sound.use_count, 2);
  EXPECT_EQ(unwrap(sounds_->videos(std::nullopt, sound, 10, std::nullopt)).items.size(), 2u);

  PostInput duet;
  duet.duet_of = original.video.id;
  VideoCard d = ready_video(ben.id, duet);
  EXPECT_TRUE(processor_.last_spec.duet_with.has_value());
  EXPECT_EQ(unwrap(videos_->get(ben.id, original.video.id)).video.duet_count, 1);
  EXPECT_EQ(unwrap(videos_->duets(std::nullopt, original.video.id, 10, std::nullopt)).items.size(),
            1u);

  // Only the author deletes; deleting undoes the counts.
  EXPECT_EQ(videos_->remove(ana.id, second.video.id).code(), Code::kForbidden);
  EXPECT_TRUE(videos_->remove(ben.id, second.video.id));
  EXPECT_TRUE(videos_->remove(ben.id, d.video.id));
  EXPECT_EQ(unwrap(sounds_->get(std::nullopt, sound)).sound.use_count, 1);
  EXPECT_EQ(unwrap(videos_->get(ana.id, original.video.id)).video.duet_count, 0);
  EXPECT_FALSE(fs::exists(videos_->paths().dir_of(second.video.id)));
  EXPECT_EQ(videos_->get(ben.id, second.video.id).status().code(), Code::kNotFound);

  // Reuse off: others cannot use it, the creator alone may change it.
  EXPECT_EQ(sounds_->set_reusable(ben.id, sound, false).status().code(), Code::kForbidden);
  EXPECT_FALSE(unwrap(sounds_->set_reusable(ana.id, sound, false)).sound.reusable);
  PostInput again;
  again.upload_id = full_upload(ben.id);
  again.sound_id = sound;
  EXPECT_EQ(videos_->post(ben.id, again).status().code(), Code::kInvalid);
}

TEST_P(CreateSideTest, PrivateVideosHideTheirSoundsAndDuetsFromOthers) {
  auto ana = make_user("ana"), ben = make_user("ben");
  PostInput in;
  in.visibility = Visibility::kPrivate;
  VideoCard v = ready_video(ana.id, in);
  EXPECT_EQ(videos_->get(ben.id, v.video.id).status().code(), Code::kNotFound);
  EXPECT_EQ(sounds_->get(ben.id, v.sound->id).status().code(), Code::kNotFound);
  EXPECT_TRUE(sounds_->get(ana.id, v.sound->id).is_ok());
  PostInput duet;
  duet.upload_id = full_upload(ben.id);
  duet.duet_of = v.video.id;
  EXPECT_EQ(videos_->post(ben.id, duet).status().code(), Code::kInvalid);
  VideoPatch p;
  p.caption = "mine";
  EXPECT_EQ(videos_->update(ben.id, v.video.id, p).status().code(), Code::kNotFound);
}

RIFF_ACCOUNTS_ON_EVERY_BACKEND(CreateSideTest);

}  // namespace
}  // namespace riff::video
