#include "riff/accounts/cursor.hpp"

#include <charconv>

#include "riff/accounts/tokens.hpp"

namespace riff::accounts {
namespace {

constexpr std::string_view kVersion = "c1";

bool parse_i64(std::string_view s, std::int64_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::string encode_cursor(CursorKey key) {
  return base64url(std::string(kVersion) + ":" + std::to_string(key.time) + ":" +
                   std::to_string(key.id));
}

std::optional<CursorKey> decode_cursor(std::string_view text) {
  if (text.size() > 128) return std::nullopt;
  auto raw = from_base64url(text);
  if (!raw) return std::nullopt;
  std::string_view s = *raw;
  if (s.substr(0, kVersion.size() + 1) != std::string(kVersion) + ":") return std::nullopt;
  s.remove_prefix(kVersion.size() + 1);
  auto colon = s.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  CursorKey key;
  if (!parse_i64(s.substr(0, colon), key.time) || !parse_i64(s.substr(colon + 1), key.id)) {
    return std::nullopt;
  }
  return key;
}

}  // namespace riff::accounts
