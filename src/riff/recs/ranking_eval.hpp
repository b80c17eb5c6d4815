#pragma once
// Offline ranking evaluation (the LightGCN protocol): for every user with
// held-out items, rank ALL items except that user's training items and
// measure the top k against the held-out items.

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "riff/recs/interactions.hpp"

namespace riff::recs {

/// hits in ranked[0..k) / |held_out|. `held_out` sorted.
double recall_at_k(std::span<const std::int32_t> ranked, std::span<const std::int32_t> held_out,
                   int k);
/// DCG of ranked[0..k) with binary relevance over the ideal DCG of
/// min(|held_out|, k) hits at the top. `held_out` sorted.
double ndcg_at_k(std::span<const std::int32_t> ranked, std::span<const std::int32_t> held_out,
                 int k);

/// The k best items of `scores` (one per item id), best first, leaving out
/// the items in `exclude` (sorted).
std::vector<std::int32_t> top_k(std::span<const float> scores,
                                std::span<const std::int32_t> exclude, int k);

/// Fills `scores` (users.size() x items, row-major) with every item's score
/// for each user. Called from several threads at once.
using ScoreBlock =
    std::function<void(std::span<const std::int32_t> users, std::vector<float>& scores)>;

struct RankingResult {
  double recall = 0.0;
  double ndcg = 0.0;
  int users = 0;  // users with held-out items
};

/// Evaluates `score` on `test` (held-out) given `train`, over items
/// [0, items), on `threads` threads, `block` users per scoring call.
RankingResult evaluate_ranking(const Interactions& train, const Interactions& test,
                               std::int32_t items, const ScoreBlock& score, int k = 20,
                               int threads = 2, int block = 256);

}  // namespace riff::recs
