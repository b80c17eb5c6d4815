#pragma once
// Trending: time-decayed counts of hashtag and sound uses and of views, and
// the "rising" list, kept in memory and rebuilt from the database.
//
// - A use is a public video (VideoCatalog::public_videos_since) with the
//   hashtag or sound, dated by its creation. Uses are recounted from the
//   videos table by refresh(), so a video made private or deleted stops
//   counting at the next refresh.
// - A view is a kWatch event of at least min(1 s, a quarter of the video)
//   on a public video, counted once per (viewer, video) and half-life
//   period; it adds `view_weight` to each of the video's hashtags and its
//   sound. Views arrive through on_events() (registered with EventIngest) and
//   are rebuilt at start-up by replaying the event log (replay()).
// - Each count decays exponentially: a use or view t ms ago weighs
//   2^(-t / half_life). An item's score is uses + view_weight x views.
// - Rising: items whose rate over the short half-life is at least
//   `rising_factor` times their rate over the long one (a decayed count C
//   with half-life h estimates the rate C x ln2 / h), with a short-window
//   count of at least `rising_min`. A new burst rises; steady items do not.
// - Lists show only what anyone may see now: hashtags with at least one
//   public video, sounds anyone may see (VideoCatalog), so a private video's
//   hashtags never appear.
//
// Memory: one entry per hashtag and sound seen in the window, a bounded
// cache of video topics and a fixed table for de-duplicating views.
//
// Thread-safe: on_events(), refresh() and the lists may run concurrently.

#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/db/database.hpp"
#include "riff/recs/event.hpp"
#include "riff/recs/event_catalog.hpp"
#include "riff/recs/event_store.hpp"

namespace riff::recs {

/// An exponentially decayed count: each add(w, t) weighs w x 2^(-(now-t)/h)
/// at value(now). Adds may come out of time order. Plain value; not locked.
class DecayedCount {
 public:
  void add(double weight, std::int64_t at_ms, std::int64_t half_life_ms);
  double value(std::int64_t now_ms, std::int64_t half_life_ms) const;

 private:
  double value_ = 0;
  std::int64_t at_ms_ = 0;  // value_ is as of this time
};

struct TrendingOptions {
  std::int64_t half_life_ms = 24LL * 3'600'000;
  std::int64_t rising_half_life_ms = 2LL * 3'600'000;
  double rising_factor = 3.0;
  double rising_min = 3.0;
  double view_weight = 0.1;
  /// Uses and views older than this are not counted (and not replayed).
  std::int64_t window_ms = 4LL * 24 * 3'600'000;
  /// At most this many of the newest public videos are counted as uses.
  int max_videos = 200'000;
  /// Slots of the table that de-duplicates views (8 bytes each).
  std::size_t view_dedupe_slots = std::size_t{1} << 20;
};

struct TrendingItem {
  std::string tag;                  // hashtags
  std::optional<SoundFacts> sound;  // sounds
  double score = 0;                 // uses + view_weight x views, long half-life
  double uses = 0;
  double views = 0;
  double recent = 0;  // score over the rising half-life
  double ratio = 0;   // recent rate / long rate
};

class Trending final : public EventSink {
 public:
  Trending(db::Database& db, VideoCatalog& catalog, const Clock& clock,
           TrendingOptions options = {});

  /// Counts the views among `events` (EventSink).
  void on_events(std::span<const Event> events) override;

  /// Recounts uses from the videos table. Call at start-up and then every
  /// few minutes (app/ does).
  Status refresh();
  /// Replays the last window of the event log into the view counts.
  /// Returns how many events were read.
  Result<std::int64_t> replay(EventStore& store);

  Result<std::vector<TrendingItem>> hashtags(int limit);
  Result<std::vector<TrendingItem>> sounds(int limit);
  /// Rising hashtags and sounds, the largest ratio first.
  Result<std::vector<TrendingItem>> rising(int limit);

  const TrendingOptions& options() const { return options_; }

 private:
  struct Heat {
    DecayedCount uses, views;                // long half-life
    DecayedCount recent_uses, recent_views;  // rising half-life
  };
  struct Cached {
    std::optional<VideoTopics> topics;  // nullopt: not public
    std::int64_t fetched_ms = 0;
  };
  struct Scored {
    std::string tag;
    Id sound = 0;
    TrendingItem item;
  };

  bool first_view(Id viewer, Id video, std::int64_t at_ms);  // requires mu_
  void add_view(const VideoTopics& t, std::int64_t at_ms);   // requires mu_
  TrendingItem score(const Heat& h, std::int64_t now) const;
  std::vector<Scored> ranked(bool hashtags, bool by_ratio, std::size_t n);
  Result<std::vector<TrendingItem>> visible(std::vector<Scored> ranked, int limit);

  db::Database& db_;
  VideoCatalog& catalog_;
  const Clock& clock_;
  const TrendingOptions options_;

  std::mutex mu_;
  std::unordered_map<std::string, Heat> tags_;
  std::unordered_map<Id, Heat> sounds_;
  std::unordered_map<Id, Cached> topics_;
  std::vector<std::uint64_t> seen_views_;
};

}  // namespace riff::recs
