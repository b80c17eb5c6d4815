#pragma once
// What viewers do, as the For You engine sees it: the contract between the
// event ingestion (POST /api/v1/events and the server's own actions), the
// append-only event store, trending, and the online learner.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "riff/core/ids.hpp"

namespace riff::recs {

/// Stored as its number: never renumber, only add.
enum class EventKind : std::uint8_t {
  kImpression = 1,     // the video was shown (feed item on screen)
  kWatch = 2,          // watch_ms of duration_ms watched in one play (completion = ratio)
  kReplay = 3,         // played again from the start
  kLike = 4,
  kUnlike = 5,
  kComment = 6,
  kShare = 7,
  kFollow = 8,         // followed the video's creator from the video
  kProfileVisit = 9,   // opened the creator's profile from the video
  kSkip = 10,          // swiped away within the first moments
  kNotInterested = 11, // "not interested" on the video
};

/// A kWatch report's watch_ms is capped at duration_ms x this (loops of a short video).
inline constexpr std::int32_t kMaxReplaysInOneWatch = 4;

/// "impression", "watch", "replay", "like", "unlike", "comment", "share",
/// "follow", "profile_visit", "skip", "not_interested".
std::string_view to_string(EventKind k);
/// The kind named by to_string(); nullopt for anything else.
std::optional<EventKind> parse_event_kind(std::string_view s);

/// The viewer id of an anonymous viewer: a negative number derived from its
/// session key (the For You `session`, sent as X-Riff-Session or the riff_vk
/// cookie), so it never collides with a user id (always positive) and stays
/// the same for the same key on every node.
Id anonymous_viewer_id(std::string_view session_key);
inline bool is_anonymous_viewer(Id viewer) { return viewer < 0; }

struct Event {
  Id viewer = 0;   // the user, or for an anonymous viewer a stable id derived from its session
  Id video = 0;
  EventKind kind = EventKind::kImpression;
  std::int32_t watch_ms = 0;     // kWatch: capped at duration_ms x kMaxReplaysInOneWatch
  std::int32_t duration_ms = 0;  // kWatch: the video's duration
  std::int64_t at_ms = 0;        // when it happened (server time when stored)
};

/// Whoever wants events as they arrive (the learner, trending). Called after
/// the events are stored, from the ingesting thread; must not block for long.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_events(std::span<const Event> events) = 0;
};

}  // namespace riff::recs
