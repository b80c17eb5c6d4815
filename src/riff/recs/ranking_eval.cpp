#include "riff/recs/ranking_eval.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <mutex>
#include <queue>
#include <thread>

namespace riff::recs {

namespace {
bool held(std::span<const std::int32_t> sorted, std::int32_t item) {
  return std::binary_search(sorted.begin(), sorted.end(), item);
}
}  // namespace

double recall_at_k(std::span<const std::int32_t> ranked, std::span<const std::int32_t> held_out,
                   int k) {
  if (held_out.empty()) return 0.0;
  int hits = 0;
  for (int i = 0; i < k && i < static_cast<int>(ranked.size()); ++i)
    hits += held(held_out, ranked[i]);
  return static_cast<double>(hits) / held_out.size();
}

double ndcg_at_k(std::span<const std::int32_t> ranked, std::span<const std::int32_t> held_out,
                 int k) {
  if (held_out.empty()) return 0.0;
  double dcg = 0.0, idcg = 0.0;
  for (int i = 0; i < k && i < static_cast<int>(ranked.size()); ++i)
    if (held(held_out, ranked[i])) dcg += 1.0 / std::log2(i + 2.0);
  const int ideal = std::min<int>(k, static_cast<int>(held_out.size()));
  for (int i = 0; i < ideal; ++i) idcg += 1.0 / std::log2(i + 2.0);
  return dcg / idcg;
}

std::vector<std::int32_t> top_k(std::span<const float> scores,
                                std::span<const std::int32_t> exclude, int k) {
  // A min-heap of the best k so far: most items lose one comparison to its top.
  using Entry = std::pair<float, std::int32_t>;
  auto worse = [](const Entry& a, const Entry& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  };
  std::vector<Entry> heap;
  heap.reserve(k + 1);
  std::size_t next_excluded = 0;
  for (std::int32_t item = 0; item < static_cast<std::int32_t>(scores.size()); ++item) {
    while (next_excluded < exclude.size() && exclude[next_excluded] < item) ++next_excluded;
    if (next_excluded < exclude.size() && exclude[next_excluded] == item) continue;
    const float s =
        std::isnan(scores[item]) ? -std::numeric_limits<float>::infinity() : scores[item];
    if (static_cast<int>(heap.size()) < k) {
      heap.emplace_back(s, item);
      std::push_heap(heap.begin(), heap.end(), worse);
    } else if (s > heap.front().first) {
      std::pop_heap(heap.begin(), heap.end(), worse);
      heap.back() = {s, item};
      std::push_heap(heap.begin(), heap.end(), worse);
    }
  }
  std::sort_heap(heap.begin(), heap.end(), worse);
  std::vector<std::int32_t> out;
  out.reserve(heap.size());
  for (const auto& e : heap) out.push_back(e.second);
  return out;
}

RankingResult evaluate_ranking(const Interactions& train, const Interactions& test,
                               std::int32_t items, const ScoreBlock& score, int k, int threads,
                               int block) {
  std::vector<std::int32_t> users;
  for (std::int32_t u = 0; u < test.users(); ++u)
    if (!test.items_of[u].empty()) users.push_back(u);
  static const std::vector<std::int32_t> kNone;

  std::atomic<std::size_t> next{0};
  std::mutex mu;
  double recall_sum = 0.0, ndcg_sum = 0.0;
  auto work = [&] {
    std::vector<float> scores;
    double recall = 0.0, ndcg = 0.0;
    for (;;) {
      const std::size_t start = next.fetch_add(block);
      if (start >= users.size()) break;
      const std::size_t n = std::min<std::size_t>(block, users.size() - start);
      std::span<const std::int32_t> batch(users.data() + start, n);
      scores.resize(n * items);
      score(batch, scores);
      for (std::size_t i = 0; i < n; ++i) {
        const std::int32_t u = batch[i];
        const auto& seen = u < train.users() ? train.items_of[u] : kNone;
        const auto ranked =
            top_k(std::span<const float>(scores.data() + i * items, items), seen, k);
        recall += recall_at_k(ranked, test.items_of[u], k);
        ndcg += ndcg_at_k(ranked, test.items_of[u], k);
      }
    }
    std::lock_guard lock(mu);
    recall_sum += recall;
    ndcg_sum += ndcg;
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();

  RankingResult r;
  r.users = static_cast<int>(users.size());
  if (r.users > 0) {
    r.recall = recall_sum / r.users;
    r.ndcg = ndcg_sum / r.users;
  }
  return r;
}

}  // namespace riff::recs
