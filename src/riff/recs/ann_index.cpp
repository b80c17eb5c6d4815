#include "riff/recs/ann_index.hpp"

#include <hnswlib/hnswlib.h>

#include <shared_mutex>
#include <unordered_set>

namespace riff::recs {
namespace fs = std::filesystem;

struct AnnIndex::Impl {
  explicit Impl(int dim) : space(static_cast<std::size_t>(dim)) {}
  hnswlib::InnerProductSpace space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph;
  // Searches share `mu`; writes hold it alone. hnswlib's own concurrent
  // inserts can leave a search stranded at a half-linked entry point, and
  // writes are rare next to reads (vectors are refreshed in batches).
  mutable std::shared_mutex mu;
  std::unordered_set<Id> removed;  // marked deleted in the graph
  std::size_t removed_count = 0;
};

AnnIndex::AnnIndex(int dim, AnnOptions options)
    : dim_(dim), options_(options), impl_(std::make_unique<Impl>(dim)) {
  impl_->graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(
      &impl_->space, options.initial_capacity, options.m, options.ef_construction);
  impl_->graph->setEf(options.ef_search);
}

AnnIndex::~AnnIndex() = default;

void AnnIndex::upsert(Id item, std::span<const float> vec) {
  if (static_cast<int>(vec.size()) != dim_) return;  // a caller's bug; never corrupt the graph
  std::unique_lock lock(impl_->mu);
  auto& g = *impl_->graph;
  if (g.cur_element_count >= g.max_elements_) g.resizeIndex(g.max_elements_ * 2);
  g.addPoint(vec.data(), static_cast<hnswlib::labeltype>(item));
  if (impl_->removed.erase(item)) --impl_->removed_count;
}

void AnnIndex::remove(Id item) {
  std::unique_lock lock(impl_->mu);
  if (impl_->removed.count(item)) return;
  try {
    impl_->graph->markDelete(static_cast<hnswlib::labeltype>(item));
  } catch (const std::runtime_error&) {
    return;  // never added
  }
  impl_->removed.insert(item);
  ++impl_->removed_count;
}

std::vector<std::pair<Id, float>> AnnIndex::search(std::span<const float> query,
                                                   std::size_t k) const {
  std::vector<std::pair<Id, float>> out;
  if (static_cast<int>(query.size()) != dim_ || k == 0) return out;
  std::shared_lock lock(impl_->mu);
  auto found = impl_->graph->searchKnn(query.data(), k);
  out.resize(found.size());
  // The queue pops the worst first; inner-product distance is 1 - dot.
  for (std::size_t i = found.size(); i-- > 0; found.pop()) {
    out[i] = {static_cast<Id>(found.top().second), 1.0f - found.top().first};
  }
  return out;
}

std::vector<float> AnnIndex::vector_of(Id item) const {
  std::shared_lock lock(impl_->mu);
  if (impl_->removed.count(item)) return {};
  try {
    return impl_->graph->getDataByLabel<float>(static_cast<hnswlib::labeltype>(item));
  } catch (const std::runtime_error&) {
    return {};  // never added
  }
}

std::size_t AnnIndex::size() const {
  std::shared_lock lock(impl_->mu);
  return impl_->graph->cur_element_count - impl_->removed_count;
}

std::size_t AnnIndex::memory_bytes() const {
  std::shared_lock lock(impl_->mu);
  const auto& g = *impl_->graph;
  // Level 0 holds every element; upper levels hold about 1/m of them.
  return g.max_elements_ * g.size_data_per_element_ +
         g.cur_element_count * (g.size_links_per_element_ / std::max<std::size_t>(1, options_.m) +
                                sizeof(void*) + 2 * sizeof(std::size_t));
}

Status AnnIndex::save(const fs::path& path) const {
  const fs::path tmp = path.string() + ".tmp";
  try {
    std::shared_lock lock(impl_->mu);
    impl_->graph->saveIndex(tmp.string());
  } catch (const std::exception& e) {
    return Status::internal("save " + path.string() + ": " + e.what());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return Status::internal("rename " + tmp.string() + ": " + ec.message());
  return Status::ok();
}

Result<std::unique_ptr<AnnIndex>> AnnIndex::load(const fs::path& path, int dim,
                                                 AnnOptions options) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::not_found(path.string() + " does not exist");
  auto index = std::make_unique<AnnIndex>(dim, options);
  try {
    index->impl_->graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        &index->impl_->space, path.string(), false, 0);
  } catch (const std::exception& e) {
    return Status::invalid("", "cannot load " + path.string() + ": " + e.what());
  }
  auto& g = *index->impl_->graph;
  // The vector size the file was written with (hnswlib takes the space's).
  if (g.label_offset_ - g.offsetData_ != static_cast<std::size_t>(dim) * sizeof(float)) {
    return Status::invalid("", path.string() + " holds vectors of another size");
  }
  g.setEf(options.ef_search);
  for (hnswlib::tableint i = 0; i < g.cur_element_count; ++i) {
    if (g.isMarkedDeleted(i)) {
      index->impl_->removed.insert(static_cast<Id>(g.getExternalLabel(i)));
      ++index->impl_->removed_count;
    }
  }
  return index;
}

}  // namespace riff::recs
