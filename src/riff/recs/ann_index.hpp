#pragma once
// Approximate nearest neighbours by inner product over item vectors (HNSW,
// Debian's hnswlib): the "videos near this viewer" and "videos near this
// video" candidate sources of For You. Items are added or moved as their
// vectors change and removed when they stop being recommendable.
//
// Thread-safe: any number of searches run at once;
// a write briefly excludes them. hnswlib stays out of this header.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"

namespace riff::recs {

struct AnnOptions {
  std::size_t initial_capacity = 1 << 14;  // doubles as needed
  std::size_t m = 16;                      // graph degree
  std::size_t ef_construction = 100;
  std::size_t ef_search = 64;  // candidates examined per search (at least k)
};

class AnnIndex {
 public:
  AnnIndex(int dim, AnnOptions options = {});
  ~AnnIndex();
  AnnIndex(const AnnIndex&) = delete;
  AnnIndex& operator=(const AnnIndex&) = delete;

  int dim() const { return dim_; }
  /// Adds `item` or moves it to `vec` (dim() floats).
  void upsert(Id item, std::span<const float> vec);
  /// Leaves `item` out of later searches (until it is upserted again).
  void remove(Id item);
  /// The `k` items with the largest inner product with `query`, best first,
  /// with that inner product.
  std::vector<std::pair<Id, float>> search(std::span<const float> query, std::size_t k) const;
  /// The vector `item` is searched by; empty when it is not in the index.
  std::vector<float> vector_of(Id item) const;

  std::size_t size() const;  // items searchable
  std::size_t memory_bytes() const;

  /// Saves to `path` (via a temp file and a rename) and loads back.
  Status save(const std::filesystem::path& path) const;
  static Result<std::unique_ptr<AnnIndex>> load(const std::filesystem::path& path, int dim,
                                                AnnOptions options = {});

 private:
  struct Impl;
  int dim_;
  AnnOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace riff::recs
