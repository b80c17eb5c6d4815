#pragma once
// EventStore: the append-only event log in the `events` table, and the
// client batch ids already answered (`event_batches`).
//
// - append() adds rows and never changes one; ids come from the IdGenerator,
//   so (at_ms, id) orders every event.
// - scan() replays the log in (at_ms, id) order, in pages, on read
//   connections, for retraining and for rebuilding trending at start-up.
// - not_interested() is the hook the For You re-ranking uses to leave out
//   what a viewer said they do not want.
//
// Retention: events are kept; nothing deletes them except forget_viewer()
// and the trigger that removes a deleted account's events (events_schema).
// Batch ids are kept for expire_batches()'s window (a day by default), which
// bounds how late a retry can still be recognised.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/recs/event.hpp"

namespace riff::recs {

class EventStore {
 public:
  EventStore(db::Database& db, IdGenerator& ids);

  /// Appends `events` inside the caller's transaction.
  Status append(db::Conn& c, std::span<const Event> events);
  /// Appends `events` in one transaction of its own.
  Status append(std::span<const Event> events);

  /// Calls `fn` with successive pages (at most `batch` events each) of the
  /// events with from_ms <= at_ms < until_ms, in (at_ms, id) order, until the
  /// log is exhausted or `fn` returns false. Returns how many were delivered.
  /// Events appended during the scan may or may not be seen.
  Result<std::int64_t> scan(std::int64_t from_ms, int batch,
                            const std::function<bool(std::span<const Event>)>& fn,
                            std::int64_t until_ms = std::numeric_limits<std::int64_t>::max());

  /// Calls `fn` with successive pages of the events with
  /// after_id < id < before_id, in id (storage) order, until exhausted or
  /// `fn` returns false. Returns the id of the last event delivered
  /// (after_id when none): where the next call resumes. A tailing learner
  /// passes a before_id a few seconds in the past (IdGenerator::min_id_at),
  /// so that transactions still in flight on other nodes are not skipped.
  Result<Id> tail(Id after_id, Id before_id, int batch,
                  const std::function<bool(std::span<const Event>)>& fn);

  /// The videos `viewer` marked "not interested", most recent first (at most
  /// `limit`). One indexed read.
  Result<std::vector<Id>> not_interested(Id viewer, int limit = 500);

  /// Deletes every event of `viewer` (and its batch ids). Returns how many events.
  Result<std::int64_t> forget_viewer(Id viewer);

  /// The stored answer of a batch `viewer` already sent, if any.
  Result<std::optional<std::string>> find_batch(db::Conn& c, Id viewer, std::string_view batch_id);
  /// Records a batch id with its answer; false when it was already there
  /// (another request with the same id won the race).
  Result<bool> claim_batch(db::Conn& c, Id viewer, std::string_view batch_id,
                           std::string_view answer, std::int64_t now_ms);
  /// Forgets batch ids recorded before `before_ms`; returns how many.
  Result<std::int64_t> expire_batches(std::int64_t before_ms);

 private:
  db::Database& db_;
  IdGenerator& ids_;
};

}  // namespace riff::recs
