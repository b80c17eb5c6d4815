#include "riff/recs/event.hpp"

#include <array>
#include <utility>

namespace riff::recs {
namespace {

constexpr std::array<std::pair<EventKind, std::string_view>, 11> kNames = {{
    {EventKind::kImpression, "impression"},
    {EventKind::kWatch, "watch"},
    {EventKind::kReplay, "replay"},
    {EventKind::kLike, "like"},
    {EventKind::kUnlike, "unlike"},
    {EventKind::kComment, "comment"},
    {EventKind::kShare, "share"},
    {EventKind::kFollow, "follow"},
    {EventKind::kProfileVisit, "profile_visit"},
    {EventKind::kSkip, "skip"},
    {EventKind::kNotInterested, "not_interested"},
}};

}  // namespace

std::string_view to_string(EventKind k) {
  for (const auto& [kind, name] : kNames) {
    if (kind == k) return name;
  }
  return "unknown";
}

std::optional<EventKind> parse_event_kind(std::string_view s) {
  for (const auto& [kind, name] : kNames) {
    if (name == s) return kind;
  }
  return std::nullopt;
}

Id anonymous_viewer_id(std::string_view session_key) {
  // FNV-1a: stable across processes and builds (std::hash is not).
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : session_key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return -static_cast<Id>(1 + (h & 0x3fff'ffff'ffff'ffffull));
}

}  // namespace riff::recs
