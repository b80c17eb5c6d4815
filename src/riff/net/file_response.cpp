#include "riff/net/file_response.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include "riff/net/static_files.hpp"

namespace riff::net {
namespace {

struct Slice {
  std::uint64_t first, last;  // inclusive; first > last means unsatisfiable
};

std::optional<std::uint64_t> number(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

// One "bytes=a-b" range; nullopt means ignore the header and send it all.
std::optional<Slice> range_of(std::string_view h, std::uint64_t size) {
  if (!h.starts_with("bytes=")) return std::nullopt;
  h.remove_prefix(6);
  if (h.find(',') != std::string_view::npos) return std::nullopt;
  auto dash = h.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto a = h.substr(0, dash), b = h.substr(dash + 1);
  if (a.empty()) {
    auto n = number(b);
    if (!n) return std::nullopt;
    if (*n == 0 || size == 0) return Slice{1, 0};
    return Slice{size - std::min(*n, size), size - 1};
  }
  auto first = number(a);
  if (!first) return std::nullopt;
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!b.empty()) {
    auto l = number(b);
    if (!l || *l < *first) return std::nullopt;
    last = std::min(*l, last);
  }
  if (*first >= size) return Slice{1, 0};
  return Slice{*first, last};
}

bool etag_listed(std::string_view inm, std::string_view etag) {
  if (inm == "*") return true;
  std::size_t i = 0;
  while (i < inm.size()) {
    auto j = inm.find(',', i);
    if (j == std::string_view::npos) j = inm.size();
    auto t = inm.substr(i, j - i);
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    if (t.starts_with("W/")) t.remove_prefix(2);
    if (t == etag) return true;
    i = j + 1;
  }
  return false;
}

}  // namespace

std::optional<Response> file_response(const Request& req, const std::string& path,
                                      std::string_view cache_control) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  const auto size = static_cast<std::uint64_t>(st.st_size);
  const std::string etag =
      fmt::format("\"{:x}-{:x}\"", size,
                  static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000ull +
                      static_cast<std::uint64_t>(st.st_mtim.tv_nsec));
  Response r;
  r.headers.add("Content-Type", std::string(StaticFiles::content_type_for(path)));
  r.headers.add("ETag", etag);
  r.headers.add("Accept-Ranges", "bytes");
  r.headers.add("Cache-Control", std::string(cache_control));
  if (auto inm = req.header("If-None-Match"); inm && etag_listed(*inm, etag)) {
    r.status = 304;
    return r;
  }
  std::optional<Slice> range;
  if (auto h = req.header("Range")) {
    auto if_range = req.header("If-Range");
    if (!if_range || *if_range == etag) range = range_of(*h, size);
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
