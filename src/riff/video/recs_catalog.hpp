#pragma once
// RecsCatalog: video's answers to what the For You engine's event ingestion
// and trending ask (recs::VideoCatalog), under the visibility rule of
// access.hpp and the sound rule of sounds.hpp. "Public" means visible to an
// anonymous viewer.
//
// Thread-safe: holds no state.

#include "riff/recs/event_catalog.hpp"

namespace riff::video {

class RecsCatalog final : public recs::VideoCatalog {
 public:
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
};

}  // namespace riff::video
