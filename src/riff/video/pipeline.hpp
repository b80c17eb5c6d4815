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
#include "riff/video/model.hpp"
#include "riff/video/service.hpp"
#include "riff/video/sounds.hpp"
#include "riff/video/uploads.hpp"

namespace riff::accounts {
class NotificationService;
}

namespace riff::video {

/// One media job: what to read and where to write.
struct MediaJobSpec {
  std::filesystem::path input;
  std::filesystem::path out_dir;  // exists and is empty
  std::optional<std::filesystem::path> sound_audio;
  std::int64_t sound_offset_ms = 0;
  SoundMode sound_mode = SoundMode::kOriginal;
  std::optional<std::filesystem::path> duet_with;  // the original's video.mp4
  std::int64_t max_duration_ms = 600'000;
};

/// Files a processor leaves in out_dir: master.m3u8 (+ rendition folders),
/// video.mp4, poster.jpg, preview.jpg and, when the result has audio, sound.m4a.
struct MediaJobResult {
  enum class Kind { kOk, kRejected, kCrashed };
  Kind kind = Kind::kOk;
  std::string reason;   // kRejected: stable slug ("not_a_video", "too_long", ...)
  std::string message;  // for the author (kRejected) or the log (kCrashed)
  int width = 0, height = 0;
  std::int64_t duration_ms = 0;
  bool has_audio = false;
};

class MediaProcessor {
 public:
  virtual ~MediaProcessor() = default;
  /// Runs one job to the end. `progress` gets 0..1; `cancelled` is polled and
  /// a true answer ends the job as kCrashed (it will be retried).
  virtual MediaJobResult run(const MediaJobSpec& spec, const std::function<void(double)>& progress,
                             const std::function<bool()>& cancelled) = 0;
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
