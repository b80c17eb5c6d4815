#include "riff/net/file_response.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include "riff/net/static_files.hpp"
#include "riff/net/validators.hpp"

namespace riff::net {

std::optional<Response> file_response(const Request& req, const std::string& path,
                                      std::string_view cache_control) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  const auto size = static_cast<std::uint64_t>(st.st_size);
  const std::string etag = file_etag(size, static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000ull +
                                                 static_cast<std::uint64_t>(st.st_mtim.tv_nsec));
  Response r;
  r.headers.add("Content-Type", std::string(StaticFiles::content_type_for(path)));
  r.headers.add("ETag", etag);
  r.headers.add("Accept-Ranges", "bytes");
  r.headers.add("Cache-Control", std::string(cache_control));
  if (auto inm = req.header("If-None-Match"); inm && etag_matches(*inm, etag)) {
    r.status = 304;
    return r;
  }
  std::optional<ByteRange> range;
  if (auto h = req.header("Range")) {
    auto if_range = req.header("If-Range");
    if (!if_range || *if_range == etag) range = parse_byte_range(*h, size);
  }
  if (range && range->first > range->last) {
    r.status = 416;
    r.headers.add("Content-Range", fmt::format("bytes */{}", size));
    return r;
  }
  if (range) {
    r.status = 206;
    r.headers.add("Content-Range", fmt::format("bytes {}-{}/{}", range->first, range->last, size));
    r.file = FileBody{path, range->first, range->last - range->first + 1};
  } else {
    r.file = FileBody{path, 0, size};
  }
  return r;
}

}  // namespace riff::net
