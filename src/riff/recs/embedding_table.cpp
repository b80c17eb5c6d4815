#include "riff/recs/embedding_table.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <libcuckoo/cuckoohash_map.hh>
#include <mutex>
#include <random>

#include "riff/recs/feature_key.hpp"

namespace riff::recs {

namespace {

struct KeyHash {
  std::size_t operator()(std::uint64_t k) const { return mix64(k); }
};

/// One row: dim weights followed by one float of optimizer state.
struct Row {
  std::unique_ptr<float[]> data;
  std::int64_t touched_ms = 0;
};

constexpr char kMagic[8] = {'R', 'I', 'F', 'F', 'E', 'M', 'B', '\0'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderBytes = sizeof(kMagic) + 4 + 4;  // magic, version, dim
constexpr std::size_t kTrailerBytes = 8 + 4;                  // row count, crc32

void put_u32(std::vector<unsigned char>& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<unsigned char>(v >> (8 * i)));
}
void put_u64(std::vector<unsigned char>& b, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<unsigned char>(v >> (8 * i)));
}
std::uint32_t get_u32(const unsigned char* p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= std::uint32_t{p[i]} << (8 * i);
  return v;
}
std::uint64_t get_u64(const unsigned char* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= std::uint64_t{p[i]} << (8 * i);
  return v;
}
void put_f32(std::vector<unsigned char>& b, float f) {
  std::uint32_t v;
  std::memcpy(&v, &f, 4);
  put_u32(b, v);
}
float get_f32(const unsigned char* p) {
  std::uint32_t v = get_u32(p);
  float f;
  std::memcpy(&f, &v, 4);
  return f;
}

/// Closes a file descriptor on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Status write_all(int fd, const std::vector<unsigned char>& b) {
  std::size_t off = 0;
  while (off < b.size()) {
    ssize_t n = ::write(fd, b.data() + off, b.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::internal(std::strerror(errno));
    }
    off += static_cast<std::size_t>(n);
  }
  return Status::ok();
}

}  // namespace

struct EmbeddingTable::Impl {
  libcuckoo::cuckoohash_map<std::uint64_t, Row, KeyHash> rows;
  libcuckoo::cuckoohash_map<std::uint64_t, char, KeyHash> touched;
  std::mutex removed_mu;
  std::vector<std::uint64_t> removed;
  std::vector<std::atomic<std::uint8_t>> sketch;

  explicit Impl(const Options& o)
      : sketch(o.admit_after > 1 ? o.sketch_width * static_cast<std::size_t>(o.sketch_depth) : 0) {}
};

EmbeddingTable::EmbeddingTable(Options options)
    : options_(options), impl_(std::make_unique<Impl>(options_)) {}

EmbeddingTable::~EmbeddingTable() = default;

bool EmbeddingTable::read(std::uint64_t key, std::span<float> out) const {
  const int d = options_.dim;
  bool found = impl_->rows.find_fn(
      key, [&](const Row& r) { std::copy(r.data.get(), r.data.get() + d, out.begin()); });
  if (!found) std::fill(out.begin(), out.end(), 0.0f);
  return found;
}

bool EmbeddingTable::add_to(std::uint64_t key, float scale, std::span<float> out) const {
  const int d = options_.dim;
  return impl_->rows.find_fn(key, [&](const Row& r) {
    const float* w = r.data.get();
    for (int i = 0; i < d; ++i) out[i] += scale * w[i];
  });
}

bool EmbeddingTable::contains(std::uint64_t key) const {
  return impl_->rows.contains(key);
}

bool EmbeddingTable::observe(std::uint64_t key, std::int64_t now_ms) {
  if (impl_->rows.contains(key)) return true;
  if (options_.admit_after > 1) {
    // Conservative update of a count-min sketch: only the smallest counters
    // grow, which keeps the over-count of colliding ids low.
    const std::size_t w = options_.sketch_width;
    std::size_t idx[16];
    const int depth = std::min(options_.sketch_depth, 16);
    std::uint8_t least = 255;
    for (int i = 0; i < depth; ++i) {
      idx[i] = i * w + mix64(key ^ (options_.seed + 0x9e3779b97f4a7c15ULL * (i + 1))) % w;
      least = std::min(least, impl_->sketch[idx[i]].load(std::memory_order_relaxed));
    }
    if (least < 255) {
      for (int i = 0; i < depth; ++i) {
        std::uint8_t v = least;
        impl_->sketch[idx[i]].compare_exchange_strong(v, static_cast<std::uint8_t>(least + 1),
                                                      std::memory_order_relaxed);
      }
      ++least;
    }
    if (least < options_.admit_after) return false;
  }
  const int d = options_.dim;
  Row row;
  row.data = std::make_unique<float[]>(d + 1);
  // Seeded by the key, so a row is born the same wherever it is admitted.
  std::mt19937_64 rng(mix64(key ^ options_.seed));
  if (options_.init_stddev > 0.0f) {
    std::normal_distribution<float> normal(0.0f, options_.init_stddev);
    for (int i = 0; i < d; ++i) row.data[i] = normal(rng);
  } else {
    std::fill(row.data.get(), row.data.get() + d, 0.0f);
  }
  row.data[d] = 0.0f;
  row.touched_ms = now_ms;
  if (impl_->rows.insert(key, std::move(row))) impl_->touched.insert(key, 1);
  return true;
}

bool EmbeddingTable::update(std::uint64_t key, std::int64_t now_ms,
                            FunctionRef<void(std::span<float>, float&)> fn) {
  const int d = options_.dim;
  bool found = impl_->rows.update_fn(key, [&](Row& r) {
    fn(std::span<float>(r.data.get(), d), r.data[d]);
    r.touched_ms = std::max(r.touched_ms, now_ms);
  });
  // Marked after the write: take_delta() then either sees the new weights
  // or leaves the key for the next delta; it never drops a change.
  if (found) impl_->touched.insert(key, 1);
  return found;
}

void EmbeddingTable::put(std::uint64_t key, std::span<const float> weights,
                         std::int64_t touched_ms) {
  const int d = options_.dim;
  auto assign = [&](Row& r) {
    std::copy(weights.begin(), weights.begin() + d, r.data.get());
    r.touched_ms = touched_ms;
  };
  Row fresh;
  fresh.data = std::make_unique<float[]>(d + 1);
  std::copy(weights.begin(), weights.begin() + d, fresh.data.get());
  fresh.data[d] = 0.0f;
  fresh.touched_ms = touched_ms;
  impl_->rows.upsert(key, assign, std::move(fresh));
}

std::size_t EmbeddingTable::expire(std::int64_t now_ms) {
  if (options_.expire_after_ms <= 0) return 0;
  const std::int64_t cutoff = now_ms - options_.expire_after_ms;
  std::vector<std::uint64_t> gone;
  for (std::uint64_t key : keys()) {
    bool erased = false;
    impl_->rows.erase_fn(key, [&](Row& r) { return erased = r.touched_ms < cutoff; });
    if (erased) gone.push_back(key);
  }
  std::lock_guard lock(impl_->removed_mu);
  impl_->removed.insert(impl_->removed.end(), gone.begin(), gone.end());
  return gone.size();
}

EmbeddingDelta EmbeddingTable::take_delta() {
  EmbeddingDelta delta;
  delta.dim = options_.dim;
  std::vector<std::uint64_t> changed;
  {
    auto locked = impl_->touched.lock_table();
    changed.reserve(locked.size());
    for (const auto& [key, unused] : locked) changed.push_back(key);
    locked.clear();
  }
  {
    std::lock_guard lock(impl_->removed_mu);
    delta.removed.swap(impl_->removed);
  }
  const int d = options_.dim;
  delta.keys.reserve(changed.size());
  delta.weights.reserve(changed.size() * d);
  for (std::uint64_t key : changed) {
    impl_->rows.find_fn(key, [&](const Row& r) {
      delta.keys.push_back(key);
      delta.weights.insert(delta.weights.end(), r.data.get(), r.data.get() + d);
      delta.touched_ms.push_back(r.touched_ms);
    });
  }
  return delta;
}

Status EmbeddingTable::apply_delta(const EmbeddingDelta& delta) {
  const int d = options_.dim;
  if (delta.dim != d) return Status::invalid("/dim", "delta has another dim than the table");
  if (delta.weights.size() != delta.keys.size() * static_cast<std::size_t>(d) ||
      delta.touched_ms.size() != delta.keys.size())
    return Status::invalid("/weights", "delta sizes do not match its keys");
  for (std::uint64_t key : delta.removed) impl_->rows.erase(key);
  for (std::size_t i = 0; i < delta.keys.size(); ++i)
    put(delta.keys[i], std::span<const float>(delta.weights.data() + i * d, d),
        delta.touched_ms[i]);
  return Status::ok();
}

std::vector<std::uint64_t> EmbeddingTable::keys() const {
  std::vector<std::uint64_t> out;
  auto& rows = const_cast<libcuckoo::cuckoohash_map<std::uint64_t, Row, KeyHash>&>(impl_->rows);
  auto locked = rows.lock_table();
  out.reserve(locked.size());
  for (const auto& [key, unused] : locked) out.push_back(key);
  return out;
}

Status EmbeddingTable::snapshot(const std::filesystem::path& path) const {
  const int d = options_.dim;
  const std::filesystem::path tmp = path.string() + ".tmp";
  Fd fd{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
  if (fd.fd < 0)
    return Status::internal(std::strerror(errno)).with_context("snapshot " + tmp.string());

  std::vector<unsigned char> buf;
  buf.insert(buf.end(), kMagic, kMagic + sizeof(kMagic));
  put_u32(buf, kVersion);
  put_u32(buf, static_cast<std::uint32_t>(d));
  uLong crc = crc32(0L, Z_NULL, 0);
  std::uint64_t count = 0;
  auto flush = [&]() -> Status {
    crc = crc32_z(crc, buf.data(), buf.size());
    Status st = write_all(fd.fd, buf);
    buf.clear();
    return st;
  };
  // Row by row under each row's lock rather than under a whole-table lock:
  // learning goes on while a snapshot is written; each row is consistent.
  for (std::uint64_t key : keys()) {
    impl_->rows.find_fn(key, [&](const Row& r) {
      put_u64(buf, key);
      put_u64(buf, static_cast<std::uint64_t>(r.touched_ms));
      for (int i = 0; i <= d; ++i) put_f32(buf, r.data[i]);
      ++count;
    });
    if (buf.size() >= (std::size_t{1} << 20)) {
      if (Status st = flush(); !st) return st.with_context("snapshot " + tmp.string());
    }
  }
  put_u64(buf, count);
  if (Status st = flush(); !st) return st.with_context("snapshot " + tmp.string());
  put_u32(buf, static_cast<std::uint32_t>(crc));
  if (Status st = write_all(fd.fd, buf); !st) return st.with_context("snapshot " + tmp.string());
  if (::fsync(fd.fd) != 0)
    return Status::internal(std::strerror(errno)).with_context("fsync snapshot");
  ::close(fd.fd);
  fd.fd = -1;
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::internal(ec.message()).with_context("rename snapshot");
  // Make the rename itself durable.
  std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
  Fd dfd{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (dfd.fd >= 0) ::fsync(dfd.fd);
  return Status::ok();
}

Status EmbeddingTable::restore(const std::filesystem::path& path) {
  const int d = options_.dim;
  const std::string where = "restore " + path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::not_found("no snapshot").with_context(where);
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
  if (bytes.size() < kHeaderBytes + kTrailerBytes ||
      std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0)
    return Status::invalid("/", "not an embedding snapshot").with_context(where);
  if (get_u32(bytes.data() + 8) != kVersion)
    return Status::invalid("/version", "unsupported snapshot version").with_context(where);
  if (get_u32(bytes.data() + 12) != static_cast<std::uint32_t>(d))
    return Status::invalid("/dim", "snapshot has another dim than the table").with_context(where);
  const std::size_t record = 16 + 4 * static_cast<std::size_t>(d + 1);
  const std::size_t body = bytes.size() - kHeaderBytes - kTrailerBytes;
  const std::uint64_t count = get_u64(bytes.data() + bytes.size() - kTrailerBytes);
  if (body % record != 0 || body / record != count)
    return Status::invalid("/", "snapshot is truncated").with_context(where);
  const uLong crc = crc32_z(crc32(0L, Z_NULL, 0), bytes.data(), bytes.size() - 4);
  if (static_cast<std::uint32_t>(crc) != get_u32(bytes.data() + bytes.size() - 4))
    return Status::invalid("/", "snapshot checksum mismatch").with_context(where);

  auto locked = impl_->rows.lock_table();
  locked.clear();
  locked.reserve(count);
  const unsigned char* p = bytes.data() + kHeaderBytes;
  for (std::uint64_t n = 0; n < count; ++n, p += record) {
    Row row;
    row.data = std::make_unique<float[]>(d + 1);
    row.touched_ms = static_cast<std::int64_t>(get_u64(p + 8));
    for (int i = 0; i <= d; ++i) row.data[i] = get_f32(p + 16 + 4 * i);
    locked.insert(get_u64(p), std::move(row));
  }
  return Status::ok();
}

std::size_t EmbeddingTable::size() const {
  return impl_->rows.size();
}

std::size_t EmbeddingTable::bytes_used() const {
  using RowMap = decltype(impl_->rows);
  using TouchedMap = decltype(impl_->touched);
  // A slot holds the key, the value and a partial-key byte; heap rows add
  // their floats and the allocator's header.
  const std::size_t slots = impl_->rows.bucket_count() * RowMap::slot_per_bucket();
  const std::size_t touched_slots = impl_->touched.bucket_count() * TouchedMap::slot_per_bucket();
  return slots * (sizeof(std::uint64_t) + sizeof(Row) + 2) +
         impl_->rows.size() * (sizeof(float) * (options_.dim + 1) + 16) +
         touched_slots * (sizeof(std::uint64_t) + 2 + 2) + impl_->sketch.size() + sizeof(*impl_);
}

}  // namespace riff::recs
