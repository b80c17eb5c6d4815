#include "riff/recs/model_sync.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

namespace riff::recs {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'R', 'I', 'F', 'F', 'D', 'L', 'T', '1'};
constexpr std::uint32_t kVersion = 1;

class Writer {
 public:
  template <typename T>
  void put(const T& v) {
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  template <typename T>
  void put_all(const std::vector<T>& v) {
    put(static_cast<std::uint64_t>(v.size()));
    out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  void table(const EmbeddingDelta& d) {
    put(static_cast<std::int32_t>(d.dim));
    put_all(d.keys);
    put_all(d.weights);
    put_all(d.touched_ms);
    put_all(d.removed);
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  template <typename T>
  bool get(T& v) {
    if (b_.size() - at_ < sizeof v) return false;
    std::memcpy(&v, b_.data() + at_, sizeof v);
    at_ += sizeof v;
    return true;
  }
  template <typename T>
  bool get_all(std::vector<T>& v) {
    std::uint64_t n = 0;
    if (!get(n) || n > (b_.size() - at_) / sizeof(T)) return false;
    v.resize(n);
    std::memcpy(v.data(), b_.data() + at_, n * sizeof(T));
    at_ += n * sizeof(T);
    return true;
  }
  bool table(EmbeddingDelta& d) {
    std::int32_t dim = 0;
    if (!get(dim) || dim <= 0 || !get_all(d.keys) || !get_all(d.weights) ||
        !get_all(d.touched_ms) || !get_all(d.removed))
      return false;
    d.dim = dim;
    return d.weights.size() == d.keys.size() * static_cast<std::size_t>(dim) &&
           d.touched_ms.size() == d.keys.size();
  }
  bool done() const { return at_ == b_.size(); }

 private:
  std::string_view b_;
  std::size_t at_ = 0;
};

std::uint32_t crc_of(std::string_view b) {
  return static_cast<std::uint32_t>(
      crc32_z(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(b.data()), b.size()));
}

Status write_file(const fs::path& path, std::string_view bytes) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec)
    return Status::unavailable(ec.message()).with_context("create " + path.parent_path().string());
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) return Status::unavailable("write failed").with_context("write " + tmp.string());
  }
  fs::rename(tmp, path, ec);
  if (ec) return Status::unavailable(ec.message()).with_context("rename " + tmp.string());
  return Status::ok();
}

}  // namespace

std::string encode_delta(const ModelDelta& delta) {
  Writer w;
  w.bytes().append(kMagic, sizeof kMagic);
  w.put(kVersion);
  w.table(delta.embeddings);
  w.table(delta.head_biases);
  for (float a : delta.alpha) w.put(a);
  for (float b : delta.beta) w.put(b);
  const std::uint32_t crc = crc_of(w.bytes());
  w.put(crc);
  return std::move(w.bytes());
}

Result<ModelDelta> decode_delta(std::string_view bytes) {
  if (bytes.size() < sizeof kMagic + 8 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    return Status::invalid("/", "not a model delta");
  std::uint32_t crc = 0;
  std::memcpy(&crc, bytes.data() + bytes.size() - 4, 4);
  const std::string_view body = bytes.substr(0, bytes.size() - 4);
  if (crc != crc_of(body)) return Status::invalid("/", "model delta checksum mismatch");
  Reader r(body.substr(sizeof kMagic));
  std::uint32_t version = 0;
  ModelDelta d;
  if (!r.get(version) || version != kVersion)
    return Status::invalid("/version", "model delta of another version");
  bool ok = r.table(d.embeddings) && r.table(d.head_biases);
  for (float& a : d.alpha) ok = ok && r.get(a);
  for (float& b : d.beta) ok = ok && r.get(b);
  if (!ok || !r.done()) return Status::invalid("/", "model delta is malformed");
  return d;
}

fs::path DeltaLog::path_of(std::uint64_t seq) const {
  char name[32];
  std::snprintf(name, sizeof name, "%020llu.delta", static_cast<unsigned long long>(seq));
  return dir_ / name;
}

Result<std::uint64_t> DeltaLog::publish(const ModelDelta& delta) {
  const std::uint64_t seq = last() + 1;
  RIFF_RETURN_IF_ERROR(write_file(path_of(seq), encode_delta(delta)));
  return seq;
}

Result<std::vector<std::uint64_t>> DeltaLog::after(std::uint64_t seq) const {
  std::vector<std::uint64_t> out;
  std::error_code ec;
  if (!fs::exists(dir_, ec)) return out;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() != 26 || !name.ends_with(".delta")) continue;  // also skips *.tmp
    const std::uint64_t n = std::strtoull(name.c_str(), nullptr, 10);
    if (n > seq) out.push_back(n);
  }
  if (ec) return Status::unavailable(ec.message()).with_context("list " + dir_.string());
  std::sort(out.begin(), out.end());
  return out;
}

Result<ModelDelta> DeltaLog::read(std::uint64_t seq) const {
  std::ifstream in(path_of(seq), std::ios::binary);
  if (!in) return Status::not_found("no such delta").with_context(path_of(seq).string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  auto d = decode_delta(bytes.str());
  if (!d) return d.status().with_context(path_of(seq).string());
  return d;
}

std::uint64_t DeltaLog::last() const {
  auto all = after(0);
  return all && !all->empty() ? all->back() : 0;
}

std::size_t DeltaLog::prune(std::uint64_t seq) {
  std::size_t n = 0;
  auto all = after(0);
  if (!all) return 0;
  for (std::uint64_t s : *all) {
    if (s > seq) break;
    std::error_code ec;
    n += fs::remove(path_of(s), ec) ? 1 : 0;
  }
  return n;
}

Status write_sync_mark(const fs::path& model_dir, const SyncMark& mark) {
  return write_file(model_dir / "sync_mark",
                    std::to_string(mark.delta_seq) + " " + std::to_string(mark.event_id) + "\n");
}

Result<SyncMark> read_sync_mark(const fs::path& model_dir) {
  std::ifstream in(model_dir / "sync_mark");
  SyncMark mark;
  if (!in) return mark;
  if (!(in >> mark.delta_seq >> mark.event_id))
    return Status::invalid("/", "malformed sync mark")
        .with_context((model_dir / "sync_mark").string());
  return mark;
}

}  // namespace riff::recs
