#pragma once
// VideoService: posting a video from a finished upload, reading one as a
// viewer may see it, changing and deleting it (author only), and duets.
//
// Posting validates everything, then in one transaction consumes the upload,
// stores the video with its hashtags and mentions, and queues the "transcode"
// job that the pipeline (pipeline.hpp) runs. The video is the author's alone
// until the pipeline marks it ready. Videos come back as cards (render.hpp),
// which read the viewer's like: the database needs engagement_migrations() too.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/jobs/queue.hpp"
#include "riff/video/model.hpp"
#include "riff/video/render.hpp"
#include "riff/video/uploads.hpp"

namespace riff::video {

inline constexpr std::size_t kMaxCaptionChars = 2200;
inline constexpr std::string_view kTranscodeJob = "transcode";

struct PostInput {
  Id upload_id = 0;
  std::string caption;
  std::optional<Id> sound_id;
  std::int64_t sound_offset_ms = 0;
  std::optional<SoundMode> sound_mode;  // replace when a sound is given and this is unset
  Visibility visibility = Visibility::kPublic;
  CommentPolicy comments = CommentPolicy::kEveryone;
  bool allow_duet = true;
  std::optional<Id> duet_of;
};

struct VideoPatch {
  std::optional<std::string> caption;
  std::optional<Visibility> visibility;
  std::optional<CommentPolicy> comments;
  std::optional<bool> allow_duet;
};

/// A page of videos as cards (render.hpp), newest or best first.
struct VideoPage {
  std::vector<VideoCard> items;
  std::optional<std::string> next_cursor;
};

/// Where a video's media files live: `<videos_dir>/<id>/`.
struct VideoPaths {
  std::filesystem::path videos_dir;
  std::filesystem::path dir_of(Id video_id) const { return videos_dir / id_to_string(video_id); }
};

class VideoService {
 public:
  /// `on_enqueued` (may be empty) runs after a posting commits, to wake the
  /// local worker.
  VideoService(db::Database& db, IdGenerator& ids, const Clock& clock, UploadService& uploads,
               jobs::JobQueue& queue, VideoPaths paths, std::function<void()> on_enqueued = {});

  Result<VideoCard> post(Id author_id, const PostInput& in);
  /// The video as `viewer` may see it; kNotFound when they may not.
  Result<VideoCard> get(std::optional<Id> viewer, Id video_id);
  Result<VideoCard> update(Id author_id, Id video_id, const VideoPatch& patch);
  /// Soft-deletes, fixes the counters it contributed to and removes its media.
  Status remove(Id author_id, Id video_id);
  /// Visible duets of a video the viewer may see, newest first.
  Result<VideoPage> duets(std::optional<Id> viewer, Id video_id, int limit,
                          const std::optional<std::string>& cursor);

  const VideoPaths& paths() const { return paths_; }

 private:
  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  UploadService& uploads_;
  jobs::JobQueue& queue_;
  VideoPaths paths_;
  std::function<void()> on_enqueued_;
};

}  // namespace riff::video
