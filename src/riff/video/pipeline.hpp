#pragma once
// The media pipeline: runs "transcode" jobs from the job queue. Each job
// hands the upload to a MediaProcessor (which decodes untrusted media in a
// child process with limits), then publishes the outputs under
// `<videos_dir>/<id>/` (made in a temp dir and renamed into place), marks the
// video ready, creates its original sound, counts the sound's uses and the
// duet, and notifies mentioned users who may see the video.
//
// A rejected file (not a video, too long, ...) fails the video with a reason
// its author sees and is not retried; a crashed or killed child is retried
// by the queue; a job whose node died is resumed when its lease expires.
//
// Thread-safe: handle() may run on several worker threads at once.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/db/database.hpp"
#include "riff/jobs/worker.hpp"
#include "riff/media/child.hpp"
#include "riff/media/job.hpp"
#include "riff/video/model.hpp"
#include "riff/video/service.hpp"
#include "riff/video/sounds.hpp"
#include "riff/video/uploads.hpp"

namespace riff::accounts {
class NotificationService;
}

namespace riff::video {

/// One media job and its outcome: the contract with `riffd media-job`.
using MediaJobSpec = media::JobSpec;
using MediaJobResult = media::JobResult;

class MediaProcessor {
 public:
  virtual ~MediaProcessor() = default;
  /// Runs one job to the end. `progress` gets 0..1; `cancelled` is polled and
  /// a true answer ends the job as kCrashed (it will be retried).
  virtual MediaJobResult run(const MediaJobSpec& spec, const std::function<void(double)>& progress,
                             const std::function<bool()>& cancelled) = 0;
};

/// The processor riffd uses: each job runs as `riffd media-job` in a child
/// process with limits (FFmpeg's libraries, see media/transcode.hpp).
class ChildMediaProcessor final : public MediaProcessor {
 public:
  ChildMediaProcessor(std::filesystem::path riffd, media::ChildLimits limits)
      : riffd_(std::move(riffd)), limits_(limits) {}
  MediaJobResult run(const MediaJobSpec& spec, const std::function<void(double)>& progress,
                     const std::function<bool()>& cancelled) override {
    return media::run_job_in_child(riffd_, spec, limits_, progress, cancelled);
  }

 private:
  std::filesystem::path riffd_;
  media::ChildLimits limits_;
};

struct PipelineOptions {
  std::filesystem::path videos_dir;
  std::int64_t max_duration_ms = 600'000;
};

class Pipeline {
 public:
  /// `notifications` may be null (no mention notices).
  Pipeline(db::Database& db, IdGenerator& ids, const Clock& clock, UploadService& uploads,
           SoundService& sounds, MediaProcessor& processor,
           accounts::NotificationService* notifications, PipelineOptions options);

  /// The handler of kTranscodeJob jobs.
  jobs::JobOutcome handle(jobs::JobContext& ctx);
  /// Fails the videos whose transcode job failed for good without a verdict
  /// (its node died on the last attempt). Returns how many.
  Result<std::int64_t> fail_abandoned();

 private:
  Status mark_failed(Id video_id, const std::string& reason, const std::string& message);
  Status publish(const Video& v, const MediaJobResult& r, const std::filesystem::path& tmp);
  void notify_mentions(Id video_id);

  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  UploadService& uploads_;
  SoundService& sounds_;
  MediaProcessor& processor_;
  accounts::NotificationService* notifications_;
  PipelineOptions options_;
};

}  // namespace riff::video
