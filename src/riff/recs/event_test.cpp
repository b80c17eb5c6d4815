#include "riff/recs/event.hpp"

#include <gtest/gtest.h>

namespace riff::recs {
namespace {

TEST(EventKind, EveryKindRoundTripsThroughItsName) {
  for (int k = 1; k <= 11; ++k) {
    const auto kind = static_cast<EventKind>(k);
    EXPECT_EQ(parse_event_kind(to_string(kind)), kind) << k;
  }
  EXPECT_EQ(parse_event_kind("not_interested"), EventKind::kNotInterested);
  EXPECT_FALSE(parse_event_kind("Like"));
  EXPECT_FALSE(parse_event_kind(""));
}

TEST(AnonymousViewer, IsNegativeStableAndDistinctPerKey) {
  const Id a = anonymous_viewer_id("session-a");
  EXPECT_LT(a, 0);
  EXPECT_TRUE(is_anonymous_viewer(a));
  EXPECT_EQ(a, anonymous_viewer_id("session-a"));
  EXPECT_NE(a, anonymous_viewer_id("session-b"));
  EXPECT_LT(anonymous_viewer_id(""), 0);
}

}  // namespace
}  // namespace riff::recs
