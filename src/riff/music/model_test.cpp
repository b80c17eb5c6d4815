#include "riff/music/model.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "riff/music/listening.hpp"

namespace riff::music {
namespace {

TEST(MusicTiers, FreeListenersAreCappedAt160) {
  const std::vector<int> all{96, 160, 320};
  EXPECT_EQ(choose_tier(Plan::kFree, 0, all), 160);
  EXPECT_EQ(choose_tier(Plan::kFree, 320, all), 160);
  EXPECT_EQ(choose_tier(Plan::kFree, 96, all), 96);
  EXPECT_EQ(choose_tier(Plan::kPremium, 0, all), 320);
  EXPECT_EQ(choose_tier(Plan::kPremium, 200, all), 160);
}

TEST(MusicTiers, AskingBelowTheLowestTierGetsTheLowest) {
  EXPECT_EQ(choose_tier(Plan::kFree, 64, {96, 160, 320}), 96);
}

TEST(MusicTiers, NoTierWhenNothingWasTranscodedOrOnlyPremiumExists) {
  EXPECT_EQ(choose_tier(Plan::kPremium, 0, {}), std::nullopt);
  EXPECT_EQ(choose_tier(Plan::kFree, 0, {320}), std::nullopt);
}

TEST(MusicTiers, TextRoundTripSortsAndDropsJunk) {
  EXPECT_EQ(tiers_from_text("320,96,x,160,"), (std::vector<int>{96, 160, 320}));
  EXPECT_EQ(tiers_to_text({96, 160, 320}), "96,160,320");
  EXPECT_TRUE(tiers_from_text("").empty());
}

TEST(MusicLoudness, GainBringsTrackToMinus14Lufs) {
  EXPECT_DOUBLE_EQ(gain_to_target(-20.0), 6.0);
  EXPECT_DOUBLE_EQ(gain_to_target(-9.5), -4.5);
}

TEST(MusicLoudness, CombinedLoudnessIsTheDurationWeightedEnergyMean) {
  EXPECT_NEAR(combined_loudness({{-14, 1000}, {-14, 3000}}), -14, 1e-9);
  // Equal durations at -10 and -20 LUFS: 10*log10((0.1 + 0.01)/2) = -12.596.
  EXPECT_NEAR(combined_loudness({{-10, 1000}, {-20, 1000}}), -12.596, 1e-3);
  // A long quiet track pulls the album down more than a short one.
  EXPECT_LT(combined_loudness({{-10, 1000}, {-20, 9000}}),
            combined_loudness({{-10, 9000}, {-20, 1000}}));
  EXPECT_FALSE(std::isfinite(combined_loudness({})));
}

TEST(MusicPlays, CountAtThirtySecondsOrAtTheEnd) {
  EXPECT_FALSE(counts_as_play(29'999, 200'000));
  EXPECT_TRUE(counts_as_play(30'000, 200'000));
  EXPECT_TRUE(counts_as_play(12'000, 13'000));  // within the end slack of a short track
  EXPECT_FALSE(counts_as_play(5'000, 13'000));
  EXPECT_FALSE(counts_as_play(0, 0));
  EXPECT_FALSE(counts_as_play(-1, 1000));
}

TEST(MusicPlans, NamesRoundTrip) {
  EXPECT_EQ(parse_plan("premium"), Plan::kPremium);
  EXPECT_EQ(parse_plan(plan_name(Plan::kFree)), Plan::kFree);
  EXPECT_EQ(parse_plan("gold"), std::nullopt);
  EXPECT_EQ(max_tier(Plan::kFree), 160);
  EXPECT_EQ(max_tier(Plan::kPremium), 320);
}

}  // namespace
}  // namespace riff::music
