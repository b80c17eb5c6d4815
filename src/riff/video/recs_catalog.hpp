#pragma once
// RecsCatalog: video's answers to what the For You engine's event ingestion
// and trending ask (recs::VideoCatalog), under the visibility rule of
// access.hpp and the sound rule of sounds.hpp. "Public" means visible to an
// anonymous viewer.
//
// visible() asks a PublicVideoMemo first when one is set (the For You
// engine's in-memory catalog): event batches name a few hundred videos, and
// looking each up with the visibility rule was most of their cost.
//
// Thread-safe: holds no state but the memo, set at start-up.

#include <cstdint>
#include <optional>

#include "riff/recs/event_catalog.hpp"

namespace riff::video {

/// Public videos (ready, public, of a public account) held in memory,
/// refreshed from videos.updated_at. Implementations must be thread-safe.
class PublicVideoMemo {
 public:
  struct Video {
    Id author = 0;
    std::int64_t duration_ms = 0;
  };
  virtual ~PublicVideoMemo() = default;
  /// The video as of the last refresh, if it was public then.
  virtual std::optional<Video> public_video(Id id) const = 0;
  /// The newest videos.updated_at the memo has taken in (0: not loaded yet,
  /// and nothing is taken from it). Whether a held video and its author are
  /// still public is read from the database each time.
  virtual std::int64_t synced_until_ms() const = 0;
};

class RecsCatalog final : public recs::VideoCatalog {
 public:
  /// Start-up only, before events arrive; `memo` must outlive this.
  void use_memo(const PublicVideoMemo* memo) { memo_ = memo; }

  Result<std::vector<recs::VideoFacts>> visible(db::Conn& c, std::optional<Id> viewer,
                                                std::span<const Id> ids) override;
  Result<std::vector<recs::VideoTopics>> public_topics(db::Conn& c,
                                                       std::span<const Id> ids) override;
  Result<std::vector<recs::VideoTopics>> public_videos_since(db::Conn& c, std::int64_t since_ms,
                                                             int limit) override;
  Result<std::vector<std::string>> public_hashtags(db::Conn& c,
                                                   std::span<const std::string> tags) override;
  Result<std::vector<recs::SoundFacts>> public_sounds(db::Conn& c,
                                                      std::span<const Id> ids) override;

 private:
  /// visible() by the visibility rule in SQL, one video at a time.
  Result<std::vector<recs::VideoFacts>> visible_in_db(db::Conn& c, std::optional<Id> viewer,
                                                      std::span<const Id> ids);

  const PublicVideoMemo* memo_ = nullptr;
};

}  // namespace riff::video
