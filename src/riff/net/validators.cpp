#include "riff/net/validators.hpp"

#include <fmt/format.h>

namespace riff::net {

std::optional<ByteRange> parse_byte_range(std::string_view h, std::uint64_t size) {
  if (!h.starts_with("bytes=")) return std::nullopt;
  h.remove_prefix(6);
  if (h.find(',') != std::string_view::npos) return std::nullopt;  // multi-range: send it all
  auto dash = h.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto num = [](std::string_view s) -> std::optional<std::uint64_t> {
    if (s.empty() || s.size() > 19) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
  };
  auto a = h.substr(0, dash), b = h.substr(dash + 1);
  if (a.empty()) {  // suffix range: last N bytes
    auto n = num(b);
    if (!n) return std::nullopt;
    if (*n == 0 || size == 0) return ByteRange{1, 0};
    return ByteRange{size - std::min(*n, size), size - 1};
  }
  auto first = num(a);
  if (!first) return std::nullopt;
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!b.empty()) {
    auto l = num(b);
    if (!l || *l < *first) return std::nullopt;
    last = std::min(*l, last);
  }
  if (*first >= size) return ByteRange{1, 0};
  return ByteRange{*first, last};
}

bool etag_matches(std::string_view inm, std::string_view etag) {
  if (inm == "*") return true;
  std::size_t i = 0;
  while (i < inm.size()) {
    auto j = inm.find(',', i);
    if (j == std::string_view::npos) j = inm.size();
    auto t = inm.substr(i, j - i);
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    if (t.starts_with("W/")) t.remove_prefix(2);
    auto e = etag.starts_with("W/") ? etag.substr(2) : etag;
    if (t == e) return true;
    i = j + 1;
  }
  return false;
}

std::string file_etag(std::uint64_t size, std::uint64_t mtime_ns) {
  return fmt::format("\"{:x}-{:x}\"", size, mtime_ns);
}

}  // namespace riff::net
