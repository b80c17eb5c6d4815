#include "riff/recs/baselines.hpp"

#include <cblas.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>
#include <random>
#include <thread>

extern "C" {
// LAPACK in OpenBLAS (Fortran calling convention).
void spotrf_(const char* uplo, const int* n, float* a, const int* lda, int* info);
void spotri_(const char* uplo, const int* n, float* a, const int* lda, int* info);
}

namespace riff::recs {

namespace {
float sigmoid(float x) {
  return 1.0f / (1.0f + std::exp(-x));
}

template <class F>
void parallel(int threads, F fn) {
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(fn, t);
  fn(0);
  for (auto& t : pool) t.join();
}
}  // namespace

BprMf::BprMf(const Interactions& train, std::int32_t items, BprOptions options)
    : train_(train), items_(items), options_(options) {
  std::mt19937_64 rng(options_.seed);
  std::normal_distribution<float> normal(0.0f, 0.1f);
  p_.resize(static_cast<std::size_t>(train.users()) * options_.dim);
  q_.resize(static_cast<std::size_t>(items) * options_.dim);
  for (float& x : p_) x = normal(rng);
  for (float& x : q_) x = normal(rng);
}

double BprMf::train_epoch(int epoch) {
  std::vector<std::pair<std::int32_t, std::int32_t>> pairs;
  pairs.reserve(train_.count);
  for (std::int32_t u = 0; u < train_.users(); ++u)
    for (std::int32_t i : train_.items_of[u]) pairs.emplace_back(u, i);
  std::mt19937_64 shuffle_rng(options_.seed + epoch);
  std::shuffle(pairs.begin(), pairs.end(), shuffle_rng);

  const int d = options_.dim, threads = std::max(1, options_.threads);
  const float lr = options_.learning_rate, l2 = options_.l2;
  std::vector<double> losses(threads, 0.0);
  // Hogwild: threads update shared rows without locks; collisions are rare
  // and harmless to SGD.
  parallel(threads, [&](int t) {
    std::mt19937_64 rng(options_.seed * 31 + epoch * 7 + t);
    std::uniform_int_distribution<std::int32_t> any_item(0, items_ - 1);
    std::vector<float> pu(d);
    double loss = 0.0;
    for (std::size_t n = t; n < pairs.size(); n += threads) {
      const auto [u, i] = pairs[n];
      const auto& seen = train_.items_of[u];
      std::int32_t j;
      do j = any_item(rng);
      while (std::binary_search(seen.begin(), seen.end(), j));
      float* p = &p_[static_cast<std::size_t>(u) * d];
      float* qi = &q_[static_cast<std::size_t>(i) * d];
      float* qj = &q_[static_cast<std::size_t>(j) * d];
      float x = 0.0f;
      for (int k = 0; k < d; ++k) x += p[k] * (qi[k] - qj[k]);
      const float g = sigmoid(-x);
      loss += std::log1p(std::exp(-x));
      std::copy(p, p + d, pu.begin());
      for (int k = 0; k < d; ++k) {
        p[k] += lr * (g * (qi[k] - qj[k]) - l2 * p[k]);
        qi[k] += lr * (g * pu[k] - l2 * qi[k]);
        qj[k] += lr * (-g * pu[k] - l2 * qj[k]);
      }
    }
    losses[t] = loss;
  });
  return std::accumulate(losses.begin(), losses.end(), 0.0) /
         std::max<std::size_t>(1, pairs.size());
}

void BprMf::score(std::span<const std::int32_t> users, std::vector<float>& scores) const {
  const int d = options_.dim, n = static_cast<int>(users.size());
  std::vector<float> block(static_cast<std::size_t>(n) * d);
  for (int r = 0; r < n; ++r)
    std::copy_n(&p_[static_cast<std::size_t>(users[r]) * d], d,
                &block[static_cast<std::size_t>(r) * d]);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, items_, d, 1.0f, block.data(), d,
              q_.data(), d, 0.0f, scores.data(), items_);
}

Ease::Ease(const Interactions& train, std::int32_t items, EaseOptions options)
    : train_(train), items_(items), options_(options) {}

Status Ease::fit() {
  std::vector<int> count(items_, 0);
  for (const auto& its : train_.items_of)
    for (std::int32_t i : its) ++count[i];
  dense_of_.assign(items_, -1);
  kept_.clear();
  for (std::int32_t i = 0; i < items_; ++i)
    if (count[i] >= options_.min_item_count) {
      dense_of_[i] = static_cast<std::int32_t>(kept_.size());
      kept_.push_back(i);
    }
  const int n = static_cast<int>(kept_.size());
  const std::size_t nn = static_cast<std::size_t>(n) * n;
  // Gram matrix X^T X + lambda I, lower triangle, column-major.
  b_.assign(nn, 0.0f);
  std::vector<std::int32_t> dense;
  for (const auto& its : train_.items_of) {
    dense.clear();
    for (std::int32_t i : its)
      if (dense_of_[i] >= 0) dense.push_back(dense_of_[i]);
    for (std::size_t a = 0; a < dense.size(); ++a)
      for (std::size_t b = 0; b <= a; ++b)  // dense is ascending: row >= column
        b_[static_cast<std::size_t>(dense[b]) * n + dense[a]] += 1.0f;
  }
  for (int i = 0; i < n; ++i) b_[static_cast<std::size_t>(i) * n + i] += options_.lambda;

  openblas_set_num_threads(std::max(1, options_.threads));
  int info = 0;
  spotrf_("L", &n, b_.data(), &n, &info);
  if (info != 0) return Status::internal("Cholesky failed (" + std::to_string(info) + ")");
  spotri_("L", &n, b_.data(), &n, &info);
  if (info != 0) return Status::internal("inverse failed (" + std::to_string(info) + ")");
  openblas_set_num_threads(1);

  // P is symmetric with its lower triangle filled; column i of the result
  // holds row i of B: B(i, j) = -P(i, j) / P(j, j), B(i, i) = 0.
  std::vector<float> diag(n);
  for (int i = 0; i < n; ++i) diag[i] = b_[static_cast<std::size_t>(i) * n + i];
  for (int c = 0; c < n; ++c)
    for (int r = 0; r < c; ++r)
      b_[static_cast<std::size_t>(c) * n + r] = b_[static_cast<std::size_t>(r) * n + c];
  const int threads = std::max(1, options_.threads);
  parallel(threads, [&](int t) {
    for (int i = t; i < n; i += threads) {
      float* col = &b_[static_cast<std::size_t>(i) * n];
      for (int j = 0; j < n; ++j) col[j] = -col[j] / diag[j];
      col[i] = 0.0f;
    }
  });
  return Status::ok();
}

void Ease::score(std::span<const std::int32_t> users, std::vector<float>& scores) const {
  const int n = static_cast<int>(kept_.size());
  std::vector<float> dense_scores(n);
  for (std::size_t r = 0; r < users.size(); ++r) {
    std::fill(dense_scores.begin(), dense_scores.end(), 0.0f);
    for (std::int32_t i : train_.items_of[users[r]]) {
      if (dense_of_[i] < 0) continue;
      const float* row = &b_[static_cast<std::size_t>(dense_of_[i]) * n];
      for (int j = 0; j < n; ++j) dense_scores[j] += row[j];
    }
    float* out = &scores[r * items_];
    std::fill(out, out + items_, -1e30f);
    for (int j = 0; j < n; ++j) out[kept_[j]] = dense_scores[j];
  }
}

}  // namespace riff::recs
