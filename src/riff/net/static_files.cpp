#include "riff/net/static_files.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <zlib.h>

#include <fstream>

#include "riff/net/url_codec.hpp"
#include "riff/net/validators.hpp"

namespace riff::net {
namespace {

constexpr std::uint64_t kCacheFileLimit = 256 * 1024;       // files up to this are kept in memory
constexpr std::size_t kCacheTotalLimit = 64 * 1024 * 1024;  // all cached bytes

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_text_type(std::string_view ct) {
  return ct.starts_with("text/") || ct.starts_with("application/javascript") || ct.starts_with("application/json") ||
         ct.starts_with("image/svg") || ct.starts_with("application/vnd.apple.mpegurl") ||
         ct.starts_with("application/manifest");
}

// A request path is safe when no segment is "..", "." or hidden, and it has no NUL.
bool safe_relative(std::string_view rel) {
  if (rel.find('\0') != std::string_view::npos || rel.find('\\') != std::string_view::npos) return false;
  std::size_t i = 0;
  while (i <= rel.size()) {
    auto j = rel.find('/', i);
    if (j == std::string_view::npos) j = rel.size();
    std::string_view seg = rel.substr(i, j - i);
    if (seg == ".." || seg == "." || (!seg.empty() && seg.front() == '.')) return false;
    i = j + 1;
  }
  return true;
}

bool accepts_gzip(const Request& req) {
  auto ae = req.header("Accept-Encoding");
  return ae && ae->find("gzip") != std::string_view::npos;
}

}  // namespace

std::string gzip_compress(std::string_view in) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, in.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

StaticFiles::StaticFiles(std::vector<StaticMount> mounts) : mounts_(std::move(mounts)) {
  // Longest prefix first, so /media/ wins over /.
  std::sort(mounts_.begin(), mounts_.end(),
            [](const auto& a, const auto& b) { return a.url_prefix.size() > b.url_prefix.size(); });
}

std::string_view StaticFiles::content_type_for(std::string_view p) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "application/javascript; charset=utf-8"},
      {".mjs", "application/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".webp", "image/webp"},
      {".gif", "image/gif"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".woff2", "font/woff2"},
      {".m3u8", "application/vnd.apple.mpegurl"},
      {".m4s", "video/iso.segment"},
      {".mp4", "video/mp4"},
      {".m4a", "audio/mp4"},
      {".mp3", "audio/mpeg"},
      {".ts", "video/mp2t"},
      {".vtt", "text/vtt"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (ends_with(p, ext)) return type;
  }
  return "application/octet-stream";
}

std::optional<Response> StaticFiles::serve(const Request& req) {
  for (const auto& m : mounts_) {
    if (!req.path.starts_with(m.url_prefix) && req.path + "/" != m.url_prefix) continue;
    std::string rel = req.path.size() > m.url_prefix.size() ? req.path.substr(m.url_prefix.size()) : "";
    if (!safe_relative(rel)) return std::nullopt;
    bool index = rel.empty() || rel.back() == '/';
    std::string file = (m.dir / (index ? rel + "index.html" : rel)).string();
    if (auto r = serve_file(req, m, file, index)) return r;
    // SPA: a client-side route (no extension) gets the app shell.
    auto last_slash = rel.rfind('/');
    std::string_view last = last_slash == std::string::npos ? std::string_view(rel) : std::string_view(rel).substr(last_slash + 1);
    // A browser navigation asks for HTML even when the route has a dot (/@john.doe).
    auto accept = req.header("Accept");
    bool wants_html = accept && accept->find("text/html") != std::string_view::npos;
    if (m.spa_fallback && (last.find('.') == std::string_view::npos || wants_html)) {
      return serve_file(req, m, (m.dir / "index.html").string(), true);
    }
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<Response> StaticFiles::serve_file(const Request& req, const StaticMount& m, const std::string& file,
                                                bool is_index) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  const auto size = static_cast<std::uint64_t>(st.st_size);
  std::string etag = file_etag(size, static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000ull +
                                           static_cast<std::uint64_t>(st.st_mtim.tv_nsec));
  const std::string_view ctype = content_type_for(file);

  Response r;
  r.headers.add("Content-Type", std::string(ctype));
  r.headers.add("ETag", etag);
  r.headers.add("Accept-Ranges", "bytes");
  if (is_index || ends_with(file, "index.html")) {
    r.headers.add("Cache-Control", "no-cache");
  } else if (m.immutable_assets && req.path.find("/assets/") != std::string::npos) {
    r.headers.add("Cache-Control", "public, max-age=31536000, immutable");
  } else {
    r.headers.add("Cache-Control", "public, max-age=60");
  }
  const bool compressible = is_text_type(ctype) && size >= 256;
  if (compressible) r.headers.add("Vary", "Accept-Encoding");

  if (auto inm = req.header("If-None-Match"); inm && etag_matches(*inm, etag)) {
    r.status = 304;
    return r;
  }

  auto range_h = req.header("Range");
  std::optional<ByteRange> range;
  if (range_h) {
    // If-Range with a different validator means: send the whole new file.
    auto if_range = req.header("If-Range");
    if (!if_range || *if_range == etag) range = parse_byte_range(*range_h, size);
  }
  if (range && range->first > range->last) {
    r.status = 416;
    r.headers.add("Content-Range", fmt::format("bytes */{}", size));
    return r;
  }

  if (size <= kCacheFileLimit) {
    auto c = cached(file, etag, size);
    if (!c) return std::nullopt;
    if (range) {
      r.status = 206;
      r.headers.add("Content-Range", fmt::format("bytes {}-{}/{}", range->first, range->last, size));
      r.body = c->body.substr(range->first, range->last - range->first + 1);
    } else if (c->compressible && accepts_gzip(req)) {
      r.headers.add("Content-Encoding", "gzip");
      r.body = c->gzip_body;
    } else {
      r.body = c->body;
    }
    return r;
  }

  // Large files go out with sendfile, never through memory.
  if (range) {
    r.status = 206;
    r.headers.add("Content-Range", fmt::format("bytes {}-{}/{}", range->first, range->last, size));
    r.file = FileBody{file, range->first, range->last - range->first + 1};
  } else {
    r.file = FileBody{file, 0, size};
  }
  return r;
}

std::shared_ptr<const StaticFiles::Cached> StaticFiles::cached(const std::string& file, const std::string& etag,
                                                               std::uint64_t size) {
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(file);
    if (it != cache_.end() && it->second->etag == etag) return it->second;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return nullptr;
  auto c = std::make_shared<Cached>();
  c->etag = etag;
  c->body.resize(size);
  in.read(c->body.data(), static_cast<std::streamsize>(size));
  c->body.resize(static_cast<std::size_t>(in.gcount()));
  c->compressible = is_text_type(content_type_for(file)) && c->body.size() >= 256;
  if (c->compressible) c->gzip_body = gzip_compress(c->body);

  std::lock_guard lock(mu_);
  auto& slot = cache_[file];
  if (slot) cache_bytes_ -= slot->body.size() + slot->gzip_body.size();
  if (cache_bytes_ + c->body.size() > kCacheTotalLimit) {
    // Simple bound: start over rather than track recency; static sets are small.
    cache_.clear();
    cache_bytes_ = 0;
  }
  cache_[file] = c;
  cache_bytes_ += c->body.size() + c->gzip_body.size();
  return c;
}

}  // namespace riff::net
