#include "riff/recs/interactions.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <string>

namespace riff::recs {

Result<Interactions> read_interactions(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return Status::not_found("cannot open " + path.string());
  Interactions out;
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    const char* p = line.data();
    const char* end = p + line.size();
    std::vector<std::int32_t> ids;
    while (p < end) {
      while (p < end && (*p == ' ' || *p == '\t' || *p == '\r')) ++p;
      if (p == end) break;
      std::int32_t v = 0;
      auto [next, ec] = std::from_chars(p, end, v);
      if (ec != std::errc() || v < 0)
        return Status::invalid("/",
                               path.string() + ":" + std::to_string(line_no) + ": not an id list");
      ids.push_back(v);
      p = next;
    }
    if (ids.empty()) continue;
    const std::int32_t user = ids.front();
    if (static_cast<std::size_t>(user) >= out.items_of.size()) out.items_of.resize(user + 1);
    auto& items = out.items_of[user];
    items.insert(items.end(), ids.begin() + 1, ids.end());
  }
  for (auto& items : out.items_of) {
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
    out.count += items.size();
    if (!items.empty()) out.max_item = std::max(out.max_item, items.back());
  }
  return out;
}

}  // namespace riff::recs
