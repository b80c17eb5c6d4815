#pragma once
// EventIngest: takes events in, judges them, stores them, then hands the
// accepted ones to every registered EventSink (the learner, trending).
//
// Two doors:
// - ingest(): a client batch (POST /api/v1/events). Each item is judged
//   alone and the answer lists an outcome per item; valid items are stored
//   even when others are rejected. Rules, in order:
//     * the kind must be one a client may report; likes, unlikes, comments
//       and shares are rejected here because the server records them itself
//       (server_events()), so they are never counted twice; `follow` needs
//       a signed-in viewer;
//     * watch_ms must not be negative (and kWatch needs it); at_ms is
//       clamped into [now - kMaxBackdateMs, now];
//     * the viewer's token bucket (and for anonymous viewers the address's
//       bucket) takes what it can; the rest are dropped and only counted;
//     * the video must exist and be visible to the viewer (VideoCatalog);
//     * duration_ms is the catalog's, never the client's; a kWatch watch_ms
//       is capped at duration x kMaxReplaysInOneWatch ("capped").
//   A batch id already answered for this viewer gets the same answer again
//   and stores nothing (the id and the events commit in one transaction).
// - server_events(): an EventSink for what the server itself did (likes,
//   comments, shares, counted watch time). Throttled like client events,
//   stored, then handed on.
//
// Sinks are added at start-up, before any event arrives; they are called
// after the events committed, on the ingesting thread.
//
// Thread-safe after start-up.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/core/metrics.hpp"
#include "riff/core/status.hpp"
#include "riff/recs/event.hpp"
#include "riff/recs/event_catalog.hpp"
#include "riff/recs/event_store.hpp"
#include "riff/recs/events_throttle.hpp"

namespace riff::recs {

inline constexpr std::size_t kMaxBatchItems = 500;
inline constexpr std::size_t kMaxBatchIdLength = 64;
/// How far back a client may date an event (a player that was offline).
inline constexpr std::int64_t kMaxBackdateMs = 24LL * 3'600'000;
/// A watch of a video of unknown length counts at most this long.
inline constexpr std::int64_t kUnknownDurationCapMs = 3'600'000;

/// One item of a client batch, as the HTTP layer read it.
struct ClientEvent {
  std::string kind;            // as sent
  std::optional<Id> video_id;  // nullopt when missing or not an id
  std::optional<std::int64_t> watch_ms;
  std::optional<std::int64_t> at_ms;  // by the client's clock; nullopt = now
  std::string malformed;              // set by the HTTP layer: what is wrong with the item's shape
};

/// Who sent a batch.
struct EventViewer {
  std::optional<Id> user_id;  // signed in
  Id id = 0;                  // user_id, or anonymous_viewer_id(session key)
  std::string address;        // the client's address: anonymous viewers share its bucket
};

struct ClientBatch {
  EventViewer viewer;
  std::string batch_id;
  std::vector<ClientEvent> items;
};

enum class ItemOutcome : char {
  kAccepted = 'a',
  kCapped = 'c',        // accepted with watch_ms lowered
  kInvalid = 'i',       // bad kind, missing or negative fields
  kUnknownVideo = 'u',  // no such video, deleted, or not visible to the viewer
  kThrottled = 't',     // over the viewer's event rate: dropped
};
bool is_stored(ItemOutcome o);
std::string_view to_string(ItemOutcome o);

struct ItemResult {
  ItemOutcome outcome = ItemOutcome::kAccepted;
  std::string detail;
};

struct BatchResult {
  bool duplicate = false;  // this batch id was answered before; nothing was stored now
  std::vector<ItemResult> items;
  int stored() const;
  int count(ItemOutcome o) const;
};

struct IngestOptions {
  double events_per_minute = 600;  // per viewer
  double burst = 1000;             // per viewer
  double address_factor = 10;      // anonymous viewers of one address share factor x the above
};

class EventIngest {
 public:
  /// `metrics` may be null.
  EventIngest(db::Database& db, EventStore& store, VideoCatalog& catalog, const Clock& clock,
              IngestOptions options, Metrics* metrics = nullptr);

  /// Registers a consumer of accepted events. Start-up only; `sink` must
  /// outlive this.
  void add_sink(EventSink* sink) { sinks_.push_back(sink); }

  /// Judges and stores a client batch. Fails (kInvalid) only for a bad
  /// batch as a whole: no or bad batch_id, no items, too many items.
  Result<BatchResult> ingest(const ClientBatch& batch);

  /// The door for the server's own actions (see above). Never fails the
  /// caller: a store error is logged and the events are lost to the model only.
  EventSink& server_events() { return server_sink_; }

 private:
  class ServerSink final : public EventSink {
   public:
    explicit ServerSink(EventIngest& in) : in_(in) {}
    void on_events(std::span<const Event> events) override;

   private:
    EventIngest& in_;
  };

  int take_tokens(const EventViewer& viewer, int n);
  void publish(std::span<const Event> events);
  void count(const BatchResult& r);

  db::Database& db_;
  EventStore& store_;
  VideoCatalog& catalog_;
  const Clock& clock_;
  EventThrottle viewers_;
  EventThrottle addresses_;
  std::vector<EventSink*> sinks_;
  ServerSink server_sink_{*this};
  Counter* accepted_ = nullptr;
  Counter* rejected_ = nullptr;
  Counter* dropped_ = nullptr;
  Counter* duplicates_ = nullptr;
};

/// The compact form of per-item outcomes kept for duplicate batches.
std::string encode_results(const std::vector<ItemResult>& items);
std::vector<ItemResult> decode_results(std::string_view encoded);

}  // namespace riff::recs
