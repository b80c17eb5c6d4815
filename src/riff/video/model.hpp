#pragma once
// Plain types of the short-video module. Shared by uploads, posting, the
// media pipeline, engagement, search and feeds.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riff/core/ids.hpp"

namespace riff::video {

enum class VideoStatus { kProcessing = 0, kReady = 1, kFailed = 2, kDeleted = 3 };
enum class Visibility { kPublic = 0, kFollowers = 1, kPrivate = 2 };
enum class CommentPolicy { kEveryone = 0, kFollowers = 1, kNoOne = 2 };
enum class SoundMode { kOriginal = 0, kReplace = 1, kMix = 2 };
enum class SoundKind { kOriginal = 0, kCatalog = 1 };

std::string_view to_string(VideoStatus s);
std::string_view to_string(Visibility v);
std::string_view to_string(CommentPolicy p);
std::string_view to_string(SoundMode m);
std::optional<Visibility> parse_visibility(std::string_view s);
std::optional<CommentPolicy> parse_comment_policy(std::string_view s);
std::optional<SoundMode> parse_sound_mode(std::string_view s);

struct Video {
  Id id = 0;
  Id author_id = 0;
  std::string caption;
  VideoStatus status = VideoStatus::kProcessing;
  std::string failure_reason;   // machine reason ("too_long"), empty unless failed
  std::string failure_message;  // for the author
  Visibility visibility = Visibility::kPublic;
  CommentPolicy comment_policy = CommentPolicy::kEveryone;
  bool allow_duet = true;
  std::optional<Id> sound_id;   // the sound the video uses (its own original sound once ready)
  std::int64_t sound_offset_ms = 0;
  SoundMode sound_mode = SoundMode::kOriginal;
  std::optional<Id> duet_of;    // the original this video duets with
  std::int64_t duration_ms = 0;
  int width = 0, height = 0;
  double progress = 0;          // 0..1 while processing
  std::int64_t like_count = 0, comment_count = 0, share_count = 0, view_count = 0, duet_count = 0;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct Sound {
  Id id = 0;
  SoundKind kind = SoundKind::kOriginal;
  std::string title;
  std::optional<Id> creator_id;       // original sounds: the uploader
  std::optional<Id> source_video_id;  // original sounds: the video it came from
  std::optional<Id> catalog_track_id; // catalog songs (the music issue)
  std::int64_t duration_ms = 0;
  bool reusable = true;
  std::int64_t use_count = 0;
  std::int64_t created_at = 0;
  // Catalog sounds: the window of the song the sound's audio holds.
  std::optional<std::int64_t> clip_start_ms;
  std::optional<std::int64_t> clip_duration_ms;
};

struct Hashtag {
  Id id = 0;
  std::string tag;  // lowercase, without '#'
  std::int64_t use_count = 0;
};

/// Hashtags (#tag) and mentions (@handle) found in a caption, lowercase,
/// de-duplicated, in order of first appearance.
struct CaptionEntities {
  std::vector<std::string> hashtags;
  std::vector<std::string> mentions;
};
CaptionEntities parse_caption(std::string_view caption);

}  // namespace riff::video
