#include "riff/recs/ingest.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_map>

namespace riff::recs {
namespace {

/// What a client may report; the rest the server records itself.
bool client_may_report(EventKind k) {
  switch (k) {
    case EventKind::kLike:
    case EventKind::kUnlike:
    case EventKind::kComment:
    case EventKind::kShare:
      return false;
    default:
      return true;
  }
}

bool valid_batch_id(std::string_view id) {
  return !id.empty() && id.size() <= kMaxBatchIdLength &&
         std::all_of(id.begin(), id.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':';
         });
}

/// An item that passed the checks needing no database.
struct Candidate {
  std::size_t index;
  Event event;
};

}  // namespace

bool is_stored(ItemOutcome o) {
  return o == ItemOutcome::kAccepted || o == ItemOutcome::kCapped;
}

std::string_view to_string(ItemOutcome o) {
  switch (o) {
    case ItemOutcome::kAccepted:
      return "accepted";
    case ItemOutcome::kCapped:
      return "capped";
    case ItemOutcome::kInvalid:
      return "invalid";
    case ItemOutcome::kUnknownVideo:
      return "unknown_video";
    case ItemOutcome::kThrottled:
      return "throttled";
  }
  return "invalid";
}

int BatchResult::stored() const {
  return static_cast<int>(std::count_if(items.begin(), items.end(),
                                        [](const ItemResult& r) { return is_stored(r.outcome); }));
}

int BatchResult::count(ItemOutcome o) const {
  return static_cast<int>(std::count_if(items.begin(), items.end(),
                                        [o](const ItemResult& r) { return r.outcome == o; }));
}

std::string encode_results(const std::vector<ItemResult>& items) {
  std::string out;
  for (const auto& r : items) {
    out += static_cast<char>(r.outcome);
    for (char c : r.detail) out += c == '\n' ? ' ' : c;
    out += '\n';
  }
  return out;
}

std::vector<ItemResult> decode_results(std::string_view encoded) {
  std::vector<ItemResult> out;
  while (!encoded.empty()) {
    const std::size_t nl = encoded.find('\n');
    const std::string_view line = encoded.substr(0, nl);
    if (!line.empty())
      out.push_back({static_cast<ItemOutcome>(line[0]), std::string(line.substr(1))});
    if (nl == std::string_view::npos) break;
    encoded.remove_prefix(nl + 1);
  }
  return out;
}

EventIngest::EventIngest(db::Database& db, EventStore& store, VideoCatalog& catalog,
                         const Clock& clock, IngestOptions options, Metrics* metrics)
    : db_(db),
      store_(store),
      catalog_(catalog),
      clock_(clock),
      viewers_(clock, options.events_per_minute, options.burst),
      addresses_(clock, options.events_per_minute * options.address_factor,
                 options.burst * options.address_factor) {
  if (metrics) {
    const std::string name = "riff_events_total";
    const std::string help = "Events received, by what became of them";
    accepted_ = &metrics->counter(name, help, "outcome=\"stored\"");
    rejected_ = &metrics->counter(name, help, "outcome=\"rejected\"");
    dropped_ = &metrics->counter(name, help, "outcome=\"throttled\"");
    duplicates_ = &metrics->counter("riff_event_batches_duplicate_total",
                                    "Event batches answered again without storing");
  }
}

int EventIngest::take_tokens(const EventViewer& viewer, int n) {
  int granted = viewers_.take(viewer.id, n);
  if (!viewer.user_id && granted > 0) {
    granted = addresses_.take(anonymous_viewer_id("ip:" + viewer.address), granted);
  }
  return granted;
}

void EventIngest::count(const BatchResult& r) {
  if (!accepted_) return;
  if (r.duplicate) {
    duplicates_->inc();
    return;
  }
  const int stored = r.stored(), throttled = r.count(ItemOutcome::kThrottled);
  accepted_->inc(static_cast<std::uint64_t>(stored));
  dropped_->inc(static_cast<std::uint64_t>(throttled));
  rejected_->inc(r.items.size() - static_cast<std::size_t>(stored + throttled));
}

Result<BatchResult> EventIngest::ingest(const ClientBatch& batch) {
  if (!valid_batch_id(batch.batch_id)) {
    return Status::invalid(
        "/batch_id", "batch_id must be 1 to 64 letters, digits or - _ . : (unique per batch)");
  }
  if (batch.items.empty()) return Status::invalid("/items", "items must not be empty");
  if (batch.items.size() > kMaxBatchItems) {
    return Status::invalid("/items",
                           "at most " + std::to_string(kMaxBatchItems) + " items at once");
  }
  const Id viewer = batch.viewer.id;
  BatchResult result;

  // A retry of a batch already answered: answer the same, take no tokens.
  std::optional<std::string> answer;
  RIFF_RETURN_IF_ERROR(db_.read([&](db::Conn& c) -> Result<db::Rows> {
                            RIFF_ASSIGN_OR_RETURN(answer,
                                                  store_.find_batch(c, viewer, batch.batch_id));
                            return db::Rows{};
                          })
                           .status());
  if (answer) {
    result.duplicate = true;
    result.items = decode_results(*answer);
    count(result);
    return result;
  }

  const std::int64_t now = clock_.now_ms();
  result.items.resize(batch.items.size());
  std::vector<Candidate> candidates;
  candidates.reserve(batch.items.size());
  for (std::size_t i = 0; i < batch.items.size(); ++i) {
    const ClientEvent& in = batch.items[i];
    ItemResult& out = result.items[i];
    auto invalid = [&](std::string detail) { out = {ItemOutcome::kInvalid, std::move(detail)}; };
    if (!in.malformed.empty()) {
      invalid(in.malformed);
      continue;
    }
    auto kind = parse_event_kind(in.kind);
    if (!kind) {
      invalid("kind is not a known event kind");
      continue;
    }
    if (!client_may_report(*kind)) {
      invalid("kind " + in.kind + " is recorded by the server itself; use its route");
      continue;
    }
    if (*kind == EventKind::kFollow && !batch.viewer.user_id) {
      invalid("follow needs a signed-in viewer");
      continue;
    }
    if (!in.video_id) {
      invalid("video_id is required");
      continue;
    }
    if (in.watch_ms && *in.watch_ms < 0) {
      invalid("watch_ms must not be negative");
      continue;
    }
    if (*kind == EventKind::kWatch && !in.watch_ms) {
      invalid("watch needs watch_ms");
      continue;
    }
    Event e;
    e.viewer = viewer;
    e.video = *in.video_id;
    e.kind = *kind;
    // Clamped to int32 range here; the real cap (by duration) comes below.
    e.watch_ms =
        static_cast<std::int32_t>(std::min<std::int64_t>(in.watch_ms.value_or(0), INT32_MAX));
    e.at_ms = std::clamp(in.at_ms.value_or(now), now - kMaxBackdateMs, now);
    candidates.push_back({i, e});
    if (in.watch_ms && *in.watch_ms > INT32_MAX) out = {ItemOutcome::kCapped, ""};
  }

  // The flood cap: the first events of the batch get the tokens there are.
  const int granted = take_tokens(batch.viewer, static_cast<int>(candidates.size()));
  for (std::size_t k = static_cast<std::size_t>(granted); k < candidates.size(); ++k) {
    result.items[candidates[k].index] = {ItemOutcome::kThrottled,
                                         "over the event rate limit; dropped"};
  }
  candidates.resize(static_cast<std::size_t>(granted));

  std::vector<Id> ids;
  ids.reserve(candidates.size());
  for (const auto& c : candidates) ids.push_back(c.event.video);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());

  // Which videos the viewer may see, read before the write transaction:
  // SQLite has one writer, and 500 lookups held it for most of a batch's
  // time. A video hidden in between may get events: they only teach the
  // model, and every list filters by visibility when it is read.
  std::unordered_map<Id, std::int64_t> durations;
  if (!ids.empty()) {
    auto read = db_.read([&](db::Conn& c) -> Result<db::Rows> {
      RIFF_ASSIGN_OR_RETURN(auto facts, catalog_.visible(c, batch.viewer.user_id, ids));
      for (const auto& f : facts) durations.emplace(f.id, f.duration_ms);
      return db::Rows{};
    });
    if (!read) return read.status().with_context("store events");
  }

  std::vector<Event> stored;
  auto st = db_.transact([&](db::Conn& c) -> Status {
    stored.clear();
    std::vector<ItemResult> items = result.items;
    for (const Candidate& cand : candidates) {
      ItemResult& out = items[cand.index];
      auto it = durations.find(cand.event.video);
      if (it == durations.end()) {
        out = {ItemOutcome::kUnknownVideo, "no such video"};
        continue;
      }
      Event e = cand.event;
      e.duration_ms = static_cast<std::int32_t>(std::min<std::int64_t>(it->second, INT32_MAX));
      if (e.kind == EventKind::kWatch) {
        const std::int64_t cap =
            it->second > 0 ? it->second * kMaxReplaysInOneWatch : kUnknownDurationCapMs;
        if (e.watch_ms > cap) {
          e.watch_ms = static_cast<std::int32_t>(std::min<std::int64_t>(cap, INT32_MAX));
          out = {ItemOutcome::kCapped, "watch_ms lowered to " + std::to_string(e.watch_ms)};
        }
      }
      stored.push_back(e);
    }
    RIFF_ASSIGN_OR_RETURN(
        bool first, store_.claim_batch(c, viewer, batch.batch_id, encode_results(items), now));
    if (!first) {
      // A concurrent request with the same batch id committed first.
      RIFF_ASSIGN_OR_RETURN(auto answer, store_.find_batch(c, viewer, batch.batch_id));
      result.duplicate = true;
      result.items = decode_results(answer.value_or(""));
      stored.clear();
      return Status::ok();
    }
    RIFF_RETURN_IF_ERROR(store_.append(c, stored));
    result.items = std::move(items);
    return Status::ok();
  });
  if (!st) return st.with_context("store events");
  count(result);
  publish(stored);
  return result;
}

void EventIngest::publish(std::span<const Event> events) {
  if (events.empty()) return;
  for (EventSink* s : sinks_) s->on_events(events);
}

void EventIngest::ServerSink::on_events(std::span<const Event> events) {
  if (events.empty()) return;
  // Server events come one action at a time, from one viewer.
  std::vector<Event> kept;
  kept.reserve(events.size());
  for (const Event& e : events) {
    if (in_.viewers_.take(e.viewer, 1) == 1) {
      kept.push_back(e);
    } else if (in_.dropped_) {
      in_.dropped_->inc();
    }
  }
  if (kept.empty()) return;
  if (auto st = in_.store_.append(kept); !st) {
    spdlog::warn("events: could not store {} server events: {}", kept.size(), st.message());
    return;
  }
  if (in_.accepted_) in_.accepted_->inc(kept.size());
  in_.publish(kept);
}

}  // namespace riff::recs
