#pragma once
// EmbeddingTable: Monolith's collisionless embedding table (arXiv 2209.07663).
//
// Float vectors keyed by 64-bit feature keys (feature_key.hpp) in a cuckoo
// hash map, so two ids never share a row. Memory stays bounded by two rules:
// an id gets a row only after it was seen `admit_after` times (counted in a
// count-min sketch, so one-off ids cost no row), and rows not touched for
// `expire_after_ms` are removed by expire(). Rows changed since the last
// take_delta() form the delta a learner publishes to serving replicas.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "riff/core/status.hpp"

namespace riff::recs {

/// A non-owning reference to a callable: update()'s callback without
/// std::function's allocation. Valid only while the referenced callable lives.
template <class Sig>
class FunctionRef;
template <class R, class... A>
class FunctionRef<R(A...)> {
 public:
  template <class F>
  FunctionRef(F& f)
      : obj_(&f), call_([](void* o, A... a) -> R { return (*static_cast<F*>(o))(a...); }) {}
  R operator()(A... a) const { return call_(obj_, a...); }

 private:
  void* obj_;
  R (*call_)(void*, A...);
};

/// Rows changed or removed since the previous take_delta(): what a learner
/// sends to serving replicas. Weights only; optimizer state stays with the learner.
struct EmbeddingDelta {
  int dim = 0;
  std::vector<std::uint64_t> keys;       // changed rows
  std::vector<float> weights;            // keys.size() x dim, row-major
  std::vector<std::int64_t> touched_ms;  // per changed row
  std::vector<std::uint64_t> removed;    // expired rows
};

/// Thread-safe: every member may be called concurrently with every other,
/// except restore(), which replaces the contents and is meant for start-up
/// (concurrent readers then see either old rows, no rows, or restored rows).
/// A row is read and updated under its bucket's lock, so a reader never sees
/// half an update.
class EmbeddingTable {
 public:
  struct Options {
    int dim = 64;
    /// Occurrences before an id gets a row (1: at first sight).
    int admit_after = 1;
    /// expire() removes rows untouched for this long; <= 0 never expires.
    std::int64_t expire_after_ms = 0;
    /// Standard deviation of a new row's random initial weights (0: zeros).
    float init_stddev = 0.1f;
    /// Count-min sketch: `sketch_depth` rows of `sketch_width` 8-bit counters.
    std::size_t sketch_width = std::size_t{1} << 20;
    int sketch_depth = 4;
    std::uint64_t seed = 42;
  };

  explicit EmbeddingTable(Options options);
  ~EmbeddingTable();
  EmbeddingTable(const EmbeddingTable&) = delete;
  EmbeddingTable& operator=(const EmbeddingTable&) = delete;

  int dim() const { return options_.dim; }
  const Options& options() const { return options_; }

  /// Copies the row of `key` into `out` (dim floats) and returns true, or
  /// fills `out` with zeros and returns false when the id has no row.
  bool read(std::uint64_t key, std::span<float> out) const;
  /// Adds `scale` times the row of `key` to `out` (dim floats) and returns
  /// true, or leaves `out` as it is and returns false when the id has no row.
  /// Scoring sums a few rows per video: this spares copying each one out.
  bool add_to(std::uint64_t key, float scale, std::span<float> out) const;
  bool contains(std::uint64_t key) const;

  /// Counts one occurrence of `key` towards admission and creates its row
  /// once admitted. Returns true when the key has a row (now or before).
  bool observe(std::uint64_t key, std::int64_t now_ms);

  /// Runs `fn(weights, accumulator)` on the row of `key` under its lock:
  /// `weights` has dim floats, `accumulator` is one float of optimizer state
  /// (row-wise Adagrad's sum of squared gradients). Marks the row touched
  /// for expiry and for the next delta. Returns false, without calling `fn`,
  /// when the key has no row: an id that is not admitted is not learned.
  bool update(std::uint64_t key, std::int64_t now_ms,
              FunctionRef<void(std::span<float> weights, float& accumulator)> fn);

  /// Sets a row's weights (creating the row), as a restore or a replica does.
  void put(std::uint64_t key, std::span<const float> weights, std::int64_t touched_ms);

  /// Removes rows untouched since `now_ms - expire_after_ms`; returns how many.
  std::size_t expire(std::int64_t now_ms);

  /// The rows changed and removed since the previous call, and starts a new interval.
  EmbeddingDelta take_delta();
  /// Applies a learner's delta on a serving replica: changed rows are set, removed rows erased.
  Status apply_delta(const EmbeddingDelta& delta);

  /// Every key with a row (a copy; the table may change meanwhile).
  std::vector<std::uint64_t> keys() const;

  /// Writes every row to `path` (binary, versioned, CRC-checked) through a
  /// temporary file renamed into place, so a crash leaves the old snapshot.
  Status snapshot(const std::filesystem::path& path) const;
  /// Replaces the contents with the snapshot at `path`. A file with a bad
  /// header, another dim, a short body or a checksum mismatch is refused and
  /// the table is left as it was.
  Status restore(const std::filesystem::path& path);

  std::size_t size() const;
  /// Approximate bytes held: rows (weights, state, key, slot overhead), the
  /// hash map's buckets, the sketch and the touched set.
  std::size_t bytes_used() const;

 private:
  struct Impl;
  Options options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace riff::recs
