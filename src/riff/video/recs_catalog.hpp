#pragma once
// RecsCatalog: video's answers to what the For You engine's event ingestion
// and trending ask (recs::VideoCatalog), under the visibility rule of
// access.hpp and the sound rule of sounds.hpp. "Public" means visible to an
// anonymous viewer.
//
// visible() asks a PublicVideoMemo first when one is set (the For You
// engine's in-memory catalog): event batches name a few hundred videos, and
// looking each up with the visibility rule was most of their cost. What
// the memo has not caught up with is read from the visibility_restrictions
// log, which names every video and account restricted, in commit order.
//
// Thread-safe: holds no state but the memo, set at start-up.

#include <cstdint>
#include <optional>
#include <unordered_set>

#include "riff/recs/event_catalog.hpp"

namespace riff::video {

/// A position in the visibility_restrictions log (migration 229): the
/// number of a restriction and its row's token. n = 0 is the empty log;
/// n < 0 is no position.
struct RestrictionMark {
  std::int64_t n = -1;
  std::int64_t token = 0;
};

/// Public videos (ready, public, of a public account) held in memory,
/// with the visibility restrictions applied up to a mark of the log.
/// Implementations must be thread-safe.
class PublicVideoMemo {
 public:
  struct Video {
    Id author = 0;
    std::int64_t duration_ms = 0;
  };
  virtual ~PublicVideoMemo() = default;
  /// The video if the memo holds it as public: it was public when loaded,
  /// and no restriction up to restrictions_applied() named it or its author.
  virtual std::optional<Video> public_video(Id id) const = 0;
  /// The mark the memo has applied every restriction up to (n < 0: not
  /// loaded yet, and nothing is taken from it). It moves only once the
  /// restrictions are applied.
  virtual RestrictionMark restrictions_applied() const = 0;
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

  /// The last visibility restriction committed.
  static Result<RestrictionMark> latest_restriction(db::Conn& c);
  struct Restricted {
    RestrictionMark upto;
    std::unordered_set<Id> videos, users;
  };
  /// Whom the restrictions after `after` up to `upto` (read first, with
  /// latest_restriction) name. None when the log no longer continues from
  /// `after`: trimmed past it, or rewound (a restore, a failover).
  static Result<std::optional<Restricted>> restricted_between(db::Conn& c, RestrictionMark after,
                                                              RestrictionMark upto);

 private:
  /// visible() by the visibility rule in SQL, one video at a time.
  Result<std::vector<recs::VideoFacts>> visible_in_db(db::Conn& c, std::optional<Id> viewer,
                                                      std::span<const Id> ids);

  const PublicVideoMemo* memo_ = nullptr;
};

}  // namespace riff::video
