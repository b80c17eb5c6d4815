#pragma once
// Static files: path resolution under a mount, ETag/If-None-Match, single
// byte ranges, gzip for text, an in-memory cache for small files. No sockets:
// serve() turns a request into a Response (small bodies in memory, large ones
// as a FileBody slice for sendfile), so it can be tested directly.
//
// Thread-safe: the caches are guarded; any I/O thread may call serve().

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "riff/net/http.hpp"
#include "riff/net/server.hpp"

namespace riff::net {

class StaticFiles {
 public:
  explicit StaticFiles(std::vector<StaticMount> mounts);

  /// The response for a GET/HEAD of `req.path`, or nullopt when no mount has it.
  std::optional<Response> serve(const Request& req);

  static std::string_view content_type_for(std::string_view path);

 private:
  struct Cached {
    std::string etag;
    std::string body;
    std::string gzip_body;  // empty when not compressible or not yet made
    bool compressible = false;
  };
  std::optional<Response> serve_file(const Request& req, const StaticMount& m, const std::string& file,
                                     bool revalidate_index);
  std::shared_ptr<const Cached> cached(const std::string& file, const std::string& etag, std::uint64_t size);

  std::vector<StaticMount> mounts_;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const Cached>> cache_;
  std::size_t cache_bytes_ = 0;
};

/// gzip-compresses `in` (zlib, level 6).
std::string gzip_compress(std::string_view in);

}  // namespace riff::net
