#include "riff/recs/ingest.hpp"

#include <gtest/gtest.h>

#include "riff/recs/events_test_support.hpp"

namespace riff::recs {
namespace {

using testing_support::FakeCatalog;
using testing_support::TempDb;

constexpr std::int64_t kNow = 1'800'000'000'000;

/// Remembers every event handed to it.
class RecordingSink final : public EventSink {
 public:
  void on_events(std::span<const Event> events) override {
    seen.insert(seen.end(), events.begin(), events.end());
  }
  std::vector<Event> seen;
};

class IngestTest : public ::testing::Test {
 protected:
  IngestTest() : clock_(kNow), ids_(clock_), store_(*db_, ids_) {
    catalog_.put(1, {.duration_ms = 10'000});
    catalog_.put(2, {.duration_ms = 0});
    catalog_.put(3, {.duration_ms = 5'000, .hidden_from = Id{42}});
    make_ingest({});
  }
  void make_ingest(IngestOptions o) {
    ingest_ = std::make_unique<EventIngest>(*db_, store_, catalog_, clock_, o);
    ingest_->add_sink(&sink_);
  }
  ClientBatch batch(std::string id, std::vector<ClientEvent> items, Id viewer = 7) {
    return {{viewer > 0 ? std::optional<Id>(viewer) : std::nullopt, viewer, "10.0.0.1"},
            std::move(id),
            std::move(items)};
  }
  std::vector<Event> stored() {
    std::vector<Event> out;
    EXPECT_TRUE(store_.scan(0, 1000, [&](std::span<const Event> p) {
      out.insert(out.end(), p.begin(), p.end());
      return true;
    }));
    return out;
  }

  TempDb db_;
  ManualClock clock_;
  IdGenerator ids_;
  EventStore store_;
  FakeCatalog catalog_;
  RecordingSink sink_;
  std::unique_ptr<EventIngest> ingest_;
};

ClientEvent watch(Id video, std::int64_t ms) {
  return {"watch", video, ms, std::nullopt, ""};
}

TEST_F(IngestTest, StoresValidItemsAndRejectsTheOthersOneByOne) {
  auto r = ingest_->ingest(
      batch("b1", {watch(1, 4000),
                   {"impression", 1, std::nullopt, std::nullopt, ""},
                   watch(99, 1000),                              // no such video
                   watch(1, -5),                                 // negative
                   {"like", 1, std::nullopt, std::nullopt, ""},  // server's own
                   {"dance", 1, std::nullopt, std::nullopt, ""},
                   {"watch", std::nullopt, 10, std::nullopt, ""},
                   {"skip", 1, std::nullopt, std::nullopt, "each item must be an object"}}));
  ASSERT_TRUE(r) << r.status().message();
  ASSERT_EQ(r->items.size(), 8u);
  EXPECT_FALSE(r->duplicate);
  EXPECT_EQ(r->items[0].outcome, ItemOutcome::kAccepted);
  EXPECT_EQ(r->items[1].outcome, ItemOutcome::kAccepted);
  EXPECT_EQ(r->items[2].outcome, ItemOutcome::kUnknownVideo);
  for (int i : {3, 4, 5, 6, 7}) EXPECT_EQ(r->items[i].outcome, ItemOutcome::kInvalid) << i;
  EXPECT_EQ(r->stored(), 2);

  auto events = stored();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].viewer, 7);
  EXPECT_EQ(events[0].duration_ms, 10'000);  // the catalog's, not the client's
  EXPECT_EQ(sink_.seen.size(), 2u);
}

TEST_F(IngestTest, ADuplicateBatchIsAnsweredTheSameAndStoredOnce) {
  auto first = ingest_->ingest(batch("same", {watch(1, 1000), watch(99, 1000)}));
  auto again = ingest_->ingest(batch("same", {watch(1, 1000), watch(99, 1000)}));
  ASSERT_TRUE(first && again);
  EXPECT_FALSE(first->duplicate);
  EXPECT_TRUE(again->duplicate);
  ASSERT_EQ(again->items.size(), 2u);
  EXPECT_EQ(again->items[0].outcome, ItemOutcome::kAccepted);
  EXPECT_EQ(again->items[1].outcome, ItemOutcome::kUnknownVideo);
  EXPECT_EQ(stored().size(), 1u);
  EXPECT_EQ(sink_.seen.size(), 1u);
  // The same batch id from another viewer is another batch.
  auto other = ingest_->ingest(batch("same", {watch(1, 1000)}, 8));
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->duplicate);
  EXPECT_EQ(stored().size(), 2u);
}

TEST_F(IngestTest, WatchTimeIsCappedByTheVideosDuration) {
  auto r = ingest_->ingest(
      batch("cap", {watch(1, 10'000'000), watch(2, 99'000'000'000), watch(1, 40'000)}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->items[0].outcome, ItemOutcome::kCapped);
  EXPECT_EQ(r->items[1].outcome, ItemOutcome::kCapped);
  EXPECT_EQ(r->items[2].outcome, ItemOutcome::kAccepted);  // exactly 4 x 10 s
  auto events = stored();
  ASSERT_EQ(events.size(), 3u);
  std::vector<std::int32_t> watched;
  for (const auto& e : events) watched.push_back(e.watch_ms);
  std::sort(watched.begin(), watched.end());
  EXPECT_EQ(watched, (std::vector<std::int32_t>{40'000, 40'000,
                                                static_cast<std::int32_t>(kUnknownDurationCapMs)}));
}

TEST_F(IngestTest, TimesAreClampedToTheServersClock) {
  auto r = ingest_->ingest(batch("t", {{"impression", 1, std::nullopt, kNow + 3'600'000, ""},
                                       {"impression", 1, std::nullopt, kNow - 7 * 86'400'000LL, ""},
                                       {"impression", 1, std::nullopt, kNow - 60'000, ""}}));
  ASSERT_TRUE(r);
  auto events = stored();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].at_ms, kNow - kMaxBackdateMs);
  EXPECT_EQ(events[1].at_ms, kNow - 60'000);
  EXPECT_EQ(events[2].at_ms, kNow);
}

TEST_F(IngestTest, AFloodFromOneViewerIsCappedAndNeverStored) {
  make_ingest({.events_per_minute = 60, .burst = 100, .address_factor = 10});
  std::vector<ClientEvent> items(150, watch(1, 2000));
  auto r = ingest_->ingest(batch("flood", items));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->stored(), 100);
  EXPECT_EQ(r->count(ItemOutcome::kThrottled), 50);
  EXPECT_EQ(r->items[149].outcome, ItemOutcome::kThrottled);
  EXPECT_EQ(stored().size(), 100u);
  EXPECT_EQ(sink_.seen.size(), 100u);
  // Another viewer is not affected; a minute later the first may send 60 more.
  auto other = ingest_->ingest(batch("other", {watch(1, 2000)}, 8));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->stored(), 1);
  clock_.advance_ms(60'000);
  auto later = ingest_->ingest(batch("later", items));
  ASSERT_TRUE(later);
  EXPECT_EQ(later->stored(), 60);
}

TEST_F(IngestTest, InvisibleVideosAreUnknownToThatViewerOnly) {
  auto hidden = ingest_->ingest(batch("h", {watch(3, 1000)}, 42));
  auto shown = ingest_->ingest(batch("h", {watch(3, 1000)}, 43));
  ASSERT_TRUE(hidden && shown);
  EXPECT_EQ(hidden->items[0].outcome, ItemOutcome::kUnknownVideo);
  EXPECT_EQ(shown->items[0].outcome, ItemOutcome::kAccepted);
}

TEST_F(IngestTest, AnonymousViewersMayNotFollowAndAreStoredUnderTheirId) {
  const Id anon = anonymous_viewer_id("tab-1");
  ClientBatch b{{std::nullopt, anon, "10.0.0.9"},
                "a1",
                {{"follow", 1, std::nullopt, std::nullopt, ""},
                 {"not_interested", 1, std::nullopt, std::nullopt, ""}}};
  auto r = ingest_->ingest(b);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->items[0].outcome, ItemOutcome::kInvalid);
  EXPECT_EQ(r->items[1].outcome, ItemOutcome::kAccepted);
  auto ni = store_.not_interested(anon);
  ASSERT_TRUE(ni);
  EXPECT_EQ(*ni, std::vector<Id>{1});
}

TEST_F(IngestTest, BadBatchesAreRefusedWhole) {
  EXPECT_EQ(ingest_->ingest(batch("", {watch(1, 1)})).status().code(), Code::kInvalid);
  EXPECT_EQ(ingest_->ingest(batch("has space", {watch(1, 1)})).status().code(), Code::kInvalid);
  EXPECT_EQ(ingest_->ingest(batch("empty", {})).status().code(), Code::kInvalid);
  std::vector<ClientEvent> many(kMaxBatchItems + 1, watch(1, 1));
  EXPECT_EQ(ingest_->ingest(batch("many", many)).status().code(), Code::kInvalid);
  EXPECT_TRUE(stored().empty());
}

TEST_F(IngestTest, ServerEventsAreStoredAndHandedOn) {
  const Event like{7, 1, EventKind::kLike, 0, 10'000, kNow};
  ingest_->server_events().on_events(std::span<const Event>(&like, 1));
  auto events = stored();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::kLike);
  ASSERT_EQ(sink_.seen.size(), 1u);
}

TEST_F(IngestTest, ScanReplaysInTimeOrderFromAGivenTime) {
  ASSERT_TRUE(ingest_->ingest(batch("s", {{"impression", 1, std::nullopt, kNow - 3000, ""},
                                          {"impression", 1, std::nullopt, kNow - 1000, ""},
                                          {"impression", 1, std::nullopt, kNow - 2000, ""}})));
  std::vector<std::int64_t> times;
  int pages = 0;
  auto n = store_.scan(kNow - 2500, 1, [&](std::span<const Event> page) {
    ++pages;
    for (const auto& e : page) times.push_back(e.at_ms);
    return true;
  });
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(pages, 2);
  EXPECT_EQ(times, (std::vector<std::int64_t>{kNow - 2000, kNow - 1000}));
}

TEST_F(IngestTest, DeletingAnAccountDeletesItsEvents) {
  ASSERT_TRUE(
      db_->exec("INSERT INTO users (id, handle, email, password_hash, created_at, updated_at)"
                " VALUES (7, 'seven', 's@example.com', 'x', 0, 0)"));
  ASSERT_TRUE(ingest_->ingest(batch("d", {watch(1, 1000)})));
  ASSERT_TRUE(ingest_->ingest(batch("e", {watch(1, 1000)}, 8)));
  ASSERT_TRUE(db_->exec("DELETE FROM users WHERE id = 7"));
  auto events = stored();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].viewer, 8);
}

}  // namespace
}  // namespace riff::recs
