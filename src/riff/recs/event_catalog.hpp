#pragma once
// VideoCatalog: what the event ingestion and trending need to know about
// videos, asked of the module that owns videos and their visibility rules.
// recs sits below video in the module graph (video emits events into recs),
// so recs states its needs here and video implements them
// (video/recs_catalog.hpp); app/ wires the two.
//
// Implementations must be thread-safe.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"

namespace riff::recs {

/// A video as ingestion sees it.
struct VideoFacts {
  Id id = 0;
  Id author_id = 0;
  std::int64_t duration_ms = 0;
};

/// A video's topics, for trending. Only public videos have them.
struct VideoTopics {
  Id id = 0;
  std::int64_t created_at = 0;
  std::optional<Id> sound_id;
  std::vector<std::string> hashtags;  // normalised tags, without '#'
};

/// A sound as trending shows it.
struct SoundFacts {
  Id id = 0;
  std::string title;
  std::optional<std::string> creator_handle;
};

class VideoCatalog {
 public:
  virtual ~VideoCatalog() = default;

  /// Those of `ids` that `viewer` (nullopt = anonymous) may see right now;
  /// unknown, deleted, processing and hidden ones are left out.
  virtual Result<std::vector<VideoFacts>> visible(db::Conn& c, std::optional<Id> viewer,
                                                  std::span<const Id> ids) = 0;

  /// Topics of those of `ids` that anyone may see (public, ready, of a
  /// public account): only these count for trending.
  virtual Result<std::vector<VideoTopics>> public_topics(db::Conn& c, std::span<const Id> ids) = 0;

  /// Topics of the public videos created at or after `since_ms`, oldest
  /// first, at most `limit` (the uses trending counts).
  virtual Result<std::vector<VideoTopics>> public_videos_since(db::Conn& c, std::int64_t since_ms,
                                                               int limit) = 0;

  /// Of `tags`, those used by at least one public video (order kept).
  virtual Result<std::vector<std::string>> public_hashtags(db::Conn& c,
                                                           std::span<const std::string> tags) = 0;

  /// Of `ids`, the sounds anyone may see (order kept).
  virtual Result<std::vector<SoundFacts>> public_sounds(db::Conn& c, std::span<const Id> ids) = 0;
};

}  // namespace riff::recs
