#include "riff/core/ids.hpp"

#include <charconv>
#include <thread>

#include "riff/core/clock.hpp"

namespace riff {

IdGenerator::IdGenerator(const Clock& clock, int node_id)
    : clock_(clock), node_(node_id & 0x3FF) {}

Id IdGenerator::next() {
  std::lock_guard lock(mu_);
  std::int64_t ms = clock_.now_ms() - kEpochMs;
  // A clock that steps back must not produce a duplicate: stay on the last ms.
  if (ms < last_ms_) ms = last_ms_;
  if (ms == last_ms_) {
    if (++seq_ > 0xFFF) {
      // 4096 ids in one ms on one node: borrow the next millisecond.
      ++ms;
      seq_ = 0;
    }
  } else {
    seq_ = 0;
  }
  last_ms_ = ms;
  return (ms << 22) | (node_ << 12) | seq_;
}

std::string id_to_string(Id id) { return std::to_string(id); }

std::optional<Id> parse_id(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  Id v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

}  // namespace riff
