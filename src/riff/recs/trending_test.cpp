#include "riff/recs/trending.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "riff/recs/events_test_support.hpp"

namespace riff::recs {
namespace {

using testing_support::FakeCatalog;
using testing_support::TempDb;

constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kNow = 1'800'000'000'000;

TEST(DecayedCount, HalvesEveryHalfLife) {
  DecayedCount c;
  c.add(8, 0, kHour);
  EXPECT_DOUBLE_EQ(c.value(0, kHour), 8);
  EXPECT_DOUBLE_EQ(c.value(kHour, kHour), 4);
  EXPECT_DOUBLE_EQ(c.value(3 * kHour, kHour), 1);
  c.add(1, 3 * kHour, kHour);
  EXPECT_DOUBLE_EQ(c.value(3 * kHour, kHour), 2);
}

TEST(DecayedCount, OutOfOrderAddsWeighByTheirOwnTime) {
  DecayedCount in_order, out_of_order;
  in_order.add(1, 0, kHour);
  in_order.add(1, 2 * kHour, kHour);
  out_of_order.add(1, 2 * kHour, kHour);
  out_of_order.add(1, 0, kHour);
  EXPECT_NEAR(in_order.value(5 * kHour, kHour), out_of_order.value(5 * kHour, kHour), 1e-12);
  EXPECT_NEAR(in_order.value(2 * kHour, kHour), 1.25, 1e-12);
}

class TrendingTest : public ::testing::Test {
 protected:
  TrendingTest() : clock_(kNow) {
    options_.half_life_ms = 24 * kHour;
    options_.rising_half_life_ms = 2 * kHour;
    options_.view_weight = 0.1;
    options_.view_dedupe_slots = 1024;
    trending_ = std::make_unique<Trending>(*db_, catalog_, clock_, options_);
  }
  void watch(Id viewer, Id video, std::int64_t at, std::int32_t ms = 5000) {
    const Event e{viewer, video, EventKind::kWatch, ms, 10'000, at};
    trending_->on_events(std::span<const Event>(&e, 1));
  }
  std::vector<std::string> tags(Result<std::vector<TrendingItem>> r) {
    EXPECT_TRUE(r) << r.status().message();
    std::vector<std::string> out;
    if (r) {
      for (const auto& t : *r)
        out.push_back(t.sound ? "sound:" + std::to_string(t.sound->id) : t.tag);
    }
    return out;
  }

  TempDb db_;
  ManualClock clock_;
  FakeCatalog catalog_;
  TrendingOptions options_;
  std::unique_ptr<Trending> trending_;
};

TEST_F(TrendingTest, UsesCountWithDecayAndOnlyFromPublicVideos) {
  catalog_.put(1, {.sound = Id{500}, .tags = {"cats", "fun"}, .created_at = kNow});
  catalog_.put(2, {.tags = {"cats"}, .created_at = kNow - 24 * kHour});
  catalog_.put(
      3, {.is_public = false, .sound = Id{501}, .tags = {"secret", "cats"}, .created_at = kNow});
  ASSERT_TRUE(trending_->refresh());
  auto r = trending_->hashtags(10);
  ASSERT_TRUE(r);
  ASSERT_EQ(tags(trending_->hashtags(10)), (std::vector<std::string>{"cats", "fun"}));
  EXPECT_DOUBLE_EQ((*r)[0].uses, 1.5);  // one use now, one a half-life ago
  EXPECT_EQ(tags(trending_->sounds(10)), std::vector<std::string>{"sound:500"});
}

TEST_F(TrendingTest, ViewsCountOncePerViewerAndOnlyRealWatches) {
  catalog_.put(1, {.tags = {"a"}, .created_at = kNow - 48 * kHour});
  catalog_.put(2, {.tags = {"b"}, .created_at = kNow - 48 * kHour});
  ASSERT_TRUE(trending_->refresh());
  for (int i = 0; i < 5; ++i) watch(7, 1, kNow);  // one viewer looping: one view
  watch(8, 1, kNow);
  for (Id v = 10; v < 14; ++v) watch(v, 2, kNow);
  watch(20, 2, kNow, 100);  // a fast skip is not a view
  auto r = trending_->hashtags(10);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].tag, "b");
  EXPECT_DOUBLE_EQ((*r)[0].views, 4);
  EXPECT_DOUBLE_EQ((*r)[1].views, 2);
}

TEST_F(TrendingTest, ViewsOfPrivateVideosDoNotCount) {
  catalog_.put(1, {.is_public = false, .tags = {"hidden"}, .created_at = kNow});
  ASSERT_TRUE(trending_->refresh());
  for (Id v = 1; v < 50; ++v) watch(v, 1, kNow);
  EXPECT_TRUE(tags(trending_->hashtags(10)).empty());
  EXPECT_TRUE(tags(trending_->rising(10)).empty());
}

TEST_F(TrendingTest, ABurstRisesAndSteadyActivityDoesNot) {
  // "steady": a use every hour for four days; "burst": uses in the last hour.
  for (int h = 0; h < 96; ++h) {
    catalog_.put(1000 + h, {.tags = {"steady"}, .created_at = kNow - h * kHour});
  }
  for (int i = 0; i < 6; ++i)
    catalog_.put(2000 + i, {.tags = {"burst"}, .created_at = kNow - i * 60'000});
  catalog_.put(3000, {.tags = {"lonely"}, .created_at = kNow});  // below the minimum count
  ASSERT_TRUE(trending_->refresh());
  auto rising = trending_->rising(10);
  ASSERT_TRUE(rising);
  ASSERT_EQ(tags(trending_->rising(10)), std::vector<std::string>{"burst"});
  EXPECT_GT((*rising)[0].ratio, options_.rising_factor);
  // Trending (long-term) still puts the steady tag first.
  EXPECT_EQ(tags(trending_->hashtags(1)), std::vector<std::string>{"steady"});
  // A day later with nothing new the burst has stopped rising.
  clock_.advance_ms(24 * kHour);
  EXPECT_TRUE(tags(trending_->rising(10)).empty());
}

TEST_F(TrendingTest, AVideoMadePrivateStopsCountingAtTheNextRefresh) {
  catalog_.put(1, {.tags = {"soon-private"}, .created_at = kNow});
  ASSERT_TRUE(trending_->refresh());
  EXPECT_EQ(tags(trending_->hashtags(10)), std::vector<std::string>{"soon-private"});
  catalog_.put(1, {.is_public = false, .tags = {"soon-private"}, .created_at = kNow});
  // Hidden at once (lists check what is public now), and forgotten at refresh.
  EXPECT_TRUE(tags(trending_->hashtags(10)).empty());
  ASSERT_TRUE(trending_->refresh());
  EXPECT_TRUE(tags(trending_->hashtags(10)).empty());
}

TEST_F(TrendingTest, ReplayRebuildsViewsFromTheLog) {
  IdGenerator ids(clock_);
  EventStore store(*db_, ids);
  catalog_.put(1, {.tags = {"replayed"}, .created_at = kNow - 90 * 24 * kHour});
  std::vector<Event> events;
  for (Id v = 1; v <= 3; ++v)
    events.push_back({v, 1, EventKind::kWatch, 5000, 10'000, kNow - kHour});
  events.push_back(
      {9, 1, EventKind::kWatch, 5000, 10'000, kNow - 30 * 24 * kHour});  // outside the window
  ASSERT_TRUE(store.append(events));
  auto n = trending_->replay(store);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 3);
  auto r = trending_->hashtags(10);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 1u);
  EXPECT_NEAR((*r)[0].views, 3 * std::exp2(-1.0 / 24), 0.01);
}

}  // namespace
}  // namespace riff::recs
