#pragma once
// Baselines for `riffd eval-recs`, scored in the same harness as riff's
// Model: matrix factorization trained with BPR (Rendle et al., 2009) and
// EASE (Steck, 2019), the closed-form item-item model. Offline only.

#include <cstdint>
#include <span>
#include <vector>

#include "riff/core/status.hpp"
#include "riff/recs/interactions.hpp"

namespace riff::recs {

struct BprOptions {
  int dim = 64;
  int epochs = 30;
  float learning_rate = 0.05f;
  float l2 = 3e-3f;
  int threads = 2;
  std::uint64_t seed = 42;
};

/// MF-BPR over dense user and item matrices, trained with Hogwild SGD.
class BprMf {
 public:
  BprMf(const Interactions& train, std::int32_t items, BprOptions options);
  /// One pass over the training interactions, each with one uniformly
  /// sampled negative. Returns the mean BPR loss.
  double train_epoch(int epoch);
  /// scores (users.size() x items) = P[users] Q^T. Thread-safe once trained.
  void score(std::span<const std::int32_t> users, std::vector<float>& scores) const;

 private:
  const Interactions& train_;
  std::int32_t items_;
  BprOptions options_;
  std::vector<float> p_, q_;  // users x dim, items x dim
};

struct EaseOptions {
  float lambda = 500.0f;
  /// Keep only items with at least this many training interactions (the
  /// others score lowest); 1 keeps every item.
  int min_item_count = 1;
  int threads = 2;
};

/// EASE: B = I - P / diag(P), P = (X^T X + lambda I)^-1, with the diagonal
/// of B forced to zero; a user's scores are the sum of B's rows of their items.
class Ease {
 public:
  Ease(const Interactions& train, std::int32_t items, EaseOptions options);
  /// Builds the Gram matrix and inverts it (Cholesky, OpenBLAS).
  Status fit();
  void score(std::span<const std::int32_t> users, std::vector<float>& scores) const;
  std::int32_t kept_items() const { return static_cast<std::int32_t>(kept_.size()); }

 private:
  const Interactions& train_;
  std::int32_t items_;
  EaseOptions options_;
  std::vector<std::int32_t> kept_;      // dense index -> item
  std::vector<std::int32_t> dense_of_;  // item -> dense index or -1
  std::vector<float> b_;                // n x n; column i is row i of B
};

}  // namespace riff::recs
