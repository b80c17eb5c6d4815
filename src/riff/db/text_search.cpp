#include "riff/db/text_search.hpp"

#include <algorithm>
#include <cctype>

namespace riff::db {
namespace {

constexpr std::size_t kMaxWords = 8;
constexpr std::size_t kMaxWordBytes = 64;

bool word_byte(unsigned char c) {
  return std::isalnum(c) || c >= 0x80;
}

}  // namespace

std::vector<std::string> search_words(std::string_view q) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < q.size() && out.size() < kMaxWords) {
    while (i < q.size() && !word_byte(static_cast<unsigned char>(q[i]))) ++i;
    std::size_t j = i;
    while (j < q.size() && word_byte(static_cast<unsigned char>(q[j]))) ++j;
    if (j > i) {
      std::string w(q.substr(i, std::min(j - i, kMaxWordBytes)));
      for (auto& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.push_back(std::move(w));
    }
    i = j;
  }
  return out;
}

std::string prefix_query(Dialect dialect, const std::vector<std::string>& words) {
  std::string q;
  for (const auto& w : words) {
    if (dialect == Dialect::kPostgres) {
      if (!q.empty()) q += " & ";
      q += w + ":*";
    } else {
      if (!q.empty()) q += " AND ";
      q += "\"" + w + "\"*";  // words hold no quotes (search_words)
    }
  }
  return q;
}

}  // namespace riff::db
