#include "riff/recs/ranking_eval.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace riff::recs {
namespace {

TEST(RankingMetrics, RecallAndNdcgMatchAHandComputedCase) {
  const std::vector<std::int32_t> ranked = {5, 3, 9, 1};
  const std::vector<std::int32_t> held_out = {1, 3, 7};  // sorted
  // Hits at ranks 2 and 4 of 4.
  EXPECT_DOUBLE_EQ(recall_at_k(ranked, held_out, 4), 2.0 / 3.0);
  const double dcg = 1 / std::log2(3.0) + 1 / std::log2(5.0);
  const double idcg = 1 + 1 / std::log2(3.0) + 1 / std::log2(4.0);  // min(3 held out, k=4) = 3
  EXPECT_NEAR(ndcg_at_k(ranked, held_out, 4), dcg / idcg, 1e-12);
  EXPECT_NEAR(ndcg_at_k(ranked, held_out, 4), 0.4981, 1e-4);
  // At k = 2 the ideal has only two hits to place.
  EXPECT_DOUBLE_EQ(recall_at_k(ranked, held_out, 2), 1.0 / 3.0);
  EXPECT_NEAR(ndcg_at_k(ranked, held_out, 2), (1 / std::log2(3.0)) / (1 + 1 / std::log2(3.0)),
              1e-12);
  EXPECT_DOUBLE_EQ(ndcg_at_k(held_out, held_out, 20), 1.0);
}

TEST(RankingMetrics, TopKLeavesOutTrainingItemsAndSortsBestFirst) {
  const std::vector<float> scores = {0.1f, 0.9f, 0.5f, 0.7f, 0.3f};
  EXPECT_EQ(top_k(scores, std::vector<std::int32_t>{1}, 3), (std::vector<std::int32_t>{3, 2, 4}));
  EXPECT_EQ(top_k(scores, {}, 10).size(), 5u);
}

TEST(RankingMetrics, EvaluateAveragesOverUsersWithHeldOutItems) {
  Interactions train, test;
  train.items_of = {{0}, {1}, {2}};
  test.items_of = {{1}, {3}, {}};  // user 2 has nothing held out: not counted
  // Every user scores item i as i: ranking 3, 2, 1, 0 minus their training item.
  auto score = [](std::span<const std::int32_t> users, std::vector<float>& scores) {
    for (std::size_t r = 0; r < users.size(); ++r)
      for (int i = 0; i < 4; ++i) scores[r * 4 + i] = static_cast<float>(i);
  };
  RankingResult r = evaluate_ranking(train, test, 4, score, /*k=*/1, /*threads=*/2, /*block=*/1);
  EXPECT_EQ(r.users, 2);
  EXPECT_DOUBLE_EQ(r.recall, 0.5);  // user 1 gets item 3 first; user 0 does not get item 1
  EXPECT_DOUBLE_EQ(r.ndcg, 0.5);
}

}  // namespace
}  // namespace riff::recs
