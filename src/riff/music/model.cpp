#include "riff/music/model.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace riff::music {

std::string_view plan_name(Plan p) {
  return p == Plan::kPremium ? "premium" : "free";
}

std::optional<Plan> parse_plan(std::string_view s) {
  if (s == "free") return Plan::kFree;
  if (s == "premium") return Plan::kPremium;
  return std::nullopt;
}

int max_tier(Plan p) {
  return p == Plan::kPremium ? 320 : 160;
}

std::optional<int> choose_tier(Plan plan, int requested, const std::vector<int>& available) {
  int cap = max_tier(plan);
  if (requested > 0) cap = std::min(cap, requested);
  std::optional<int> best;
  for (int t : available) {
    if (t <= cap && (!best || t > *best)) best = t;
  }
  // A client asking for less than the lowest tier still gets the lowest.
  if (!best && requested > 0 && requested < max_tier(plan)) {
    for (int t : available) {
      if (t <= max_tier(plan) && (!best || t < *best)) best = t;
    }
  }
  return best;
}

double gain_to_target(double lufs) {
  return kTargetLufs - lufs;
}

double combined_loudness(const std::vector<std::pair<double, std::int64_t>>& lufs_and_ms) {
  double energy = 0, total = 0;
  for (const auto& [lufs, ms] : lufs_and_ms) {
    if (ms <= 0 || !std::isfinite(lufs)) continue;
    energy += static_cast<double>(ms) * std::pow(10.0, lufs / 10.0);
    total += static_cast<double>(ms);
  }
  if (total <= 0 || energy <= 0) return -HUGE_VAL;
  return 10.0 * std::log10(energy / total);
}

std::string tiers_to_text(const std::vector<int>& tiers) {
  std::string out;
  for (int t : tiers) {
    if (!out.empty()) out += ',';
    out += std::to_string(t);
  }
  return out;
}

std::vector<int> tiers_from_text(std::string_view text) {
  std::vector<int> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto part = text.substr(0, comma);
    int v = 0;
    if (std::from_chars(part.data(), part.data() + part.size(), v).ec == std::errc() && v > 0) {
      out.push_back(v);
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<double> Track::track_gain_db() const {
  if (!loudness_lufs) return std::nullopt;
  return gain_to_target(*loudness_lufs);
}

std::optional<double> Track::album_gain_db() const {
  if (!album_loudness_lufs) return std::nullopt;
  return gain_to_target(*album_loudness_lufs);
}

std::string gapless_to_text(const std::vector<TierGapless>& tiers) {
  std::string out;
  for (const auto& g : tiers) {
    if (!out.empty()) out += ',';
    out += std::to_string(g.kbps) + ":" + std::to_string(g.encoder_delay_samples) + ":" +
           std::to_string(g.padding_samples);
  }
  return out;
}

std::vector<TierGapless> gapless_from_text(std::string_view text) {
  std::vector<TierGapless> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    std::int64_t v[3] = {};
    bool ok = true;
    for (int i = 0; i < 3 && ok; ++i) {
      const auto colon = part.find(':');
      const std::string_view num = part.substr(0, colon);
      ok = std::from_chars(num.data(), num.data() + num.size(), v[i]).ec == std::errc() &&
           v[i] >= 0 && (i == 2) == (colon == std::string_view::npos);
      part = colon == std::string_view::npos ? std::string_view() : part.substr(colon + 1);
    }
    if (ok && v[0] > 0) out.push_back({static_cast<int>(v[0]), v[1], v[2]});
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace riff::music
