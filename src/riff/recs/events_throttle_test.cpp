#include "riff/recs/events_throttle.hpp"

#include <gtest/gtest.h>

namespace riff::recs {
namespace {

TEST(EventThrottle, GrantsTheBurstThenOnlyWhatRefilled) {
  ManualClock clock(1'000'000);
  EventThrottle t(clock, /*per_minute=*/60, /*burst=*/100);
  EXPECT_EQ(t.take(1, 80), 80);
  EXPECT_EQ(t.take(1, 80), 20);  // the rest of the burst
  EXPECT_EQ(t.take(1, 5), 0);
  clock.advance_ms(10'000);  // 10 s at 1 per second
  EXPECT_EQ(t.take(1, 50), 10);
  clock.advance_ms(3'600'000);  // never more than the burst
  EXPECT_EQ(t.take(1, 500), 100);
}

TEST(EventThrottle, KeysHaveTheirOwnBuckets) {
  ManualClock clock(0);
  EventThrottle t(clock, 60, 10);
  EXPECT_EQ(t.take(1, 10), 10);
  EXPECT_EQ(t.take(1, 1), 0);
  EXPECT_EQ(t.take(2, 10), 10);
  EXPECT_EQ(t.take(-5, 3), 3);
  EXPECT_EQ(t.take(1, 0), 0);
}

}  // namespace
}  // namespace riff::recs
