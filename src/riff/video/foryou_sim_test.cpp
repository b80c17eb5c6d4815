#include "riff/video/foryou_sim.hpp"

#include <gtest/gtest.h>

namespace riff::video {
namespace {

TEST(ForYouSimTest, RiffFinishesMoreThanRandomForTheSameViewers) {
  // A small world: eight topics, viewers who each care about three of them,
  // 120 swipes each. Riff's exploration is random, so the margin is wide
  // (over repeated runs riff finished 1.4-1.6x as many as random).
  ForYouSimOptions o;
  o.videos = 400;
  o.creators = 40;
  o.topics = 8;
  o.viewers = 30;
  o.sessions = 3;
  o.pages = 4;
  o.dim = 16;
  o.seed = 7;
  o.policies = "riff,random";
  auto report = run_foryou_sim(o);
  ASSERT_TRUE(report.is_ok()) << report.status().message();
  ASSERT_EQ(report->policies.size(), 2u);
  const ForYouSimPolicy& riff = report->policies[0];
  const ForYouSimPolicy& random = report->policies[1];
  EXPECT_GE(riff.impressions, random.impressions * 95 / 100) << "riff fills (nearly) every page";
  EXPECT_GT(riff.rate(), random.rate() * 1.2)
      << "riff " << riff.rate() << " vs random " << random.rate();
}

}  // namespace
}  // namespace riff::video
