#include "riff/db/sql_rewrite.hpp"

#include <cctype>
#include <charconv>
#include <vector>

namespace riff::db {
namespace {

/// A word or a single punctuation character of SQL, with its byte range.
/// Literals, quoted identifiers and comments are skipped by the tokenizer, so
/// keywords inside them are never seen.
struct Token {
  std::size_t begin;
  std::size_t end;
  std::string_view text;
};

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$' ||
         (static_cast<unsigned char>(c) & 0x80) != 0;
}

/// Skips a literal or comment starting at `i`, returning the index after it,
/// or `i` when nothing is to be skipped there.
std::size_t skip_opaque(std::string_view s, std::size_t i) {
  const std::size_t n = s.size();
  const char c = s[i];
  if (c == '\'' || c == '"' || c == '`') {
    // A doubled quote inside stays inside: 'it''s'.
    std::size_t j = i + 1;
    while (j < n) {
      if (s[j] == c) {
        if (j + 1 < n && s[j + 1] == c) {
          j += 2;
          continue;
        }
        return j + 1;
      }
      ++j;
    }
    return n;
  }
  if (c == '[') {
    const std::size_t close = s.find(']', i + 1);
    return close == std::string_view::npos ? n : close + 1;
  }
  if (c == '-' && i + 1 < n && s[i + 1] == '-') {
    const std::size_t eol = s.find('\n', i + 2);
    return eol == std::string_view::npos ? n : eol + 1;
  }
  if (c == '/' && i + 1 < n && s[i + 1] == '*') {
    const std::size_t close = s.find("*/", i + 2);
    return close == std::string_view::npos ? n : close + 2;
  }
  return i;
}

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t skipped = skip_opaque(s, i);
    if (skipped != i) {
      // An opaque part is a token of its own so that "FOR 'x' UPDATE" never matches.
      out.push_back({i, skipped, std::string_view()});
      i = skipped;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(s[i])) != 0) {
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    if (is_word_char(s[i])) {
      while (j < s.size() && is_word_char(s[j])) ++j;
    }
    out.push_back({i, j, s.substr(i, j - i)});
    i = j;
  }
  return out;
}

bool keyword_is(const Token& t, std::string_view kw) {
  if (t.text.size() != kw.size()) return false;
  for (std::size_t i = 0; i < kw.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(t.text[i])) != kw[i]) return false;
  }
  return true;
}

bool is_identifier(const Token& t) {
  return t.text.empty() ? false : is_word_char(t.text.front());
}

/// If a locking clause starts at token `i`, returns the index one past it.
std::size_t match_lock_clause(const std::vector<Token>& toks, std::size_t i) {
  auto at = [&](std::size_t k, std::string_view kw) {
    return k < toks.size() && keyword_is(toks[k], kw);
  };
  if (!at(i, "FOR")) return i;
  std::size_t k = i + 1;
  if (at(k, "UPDATE") || at(k, "SHARE")) {
    k += 1;
  } else if (at(k, "NO") && at(k + 1, "KEY") && at(k + 2, "UPDATE")) {
    k += 3;
  } else if (at(k, "KEY") && at(k + 1, "SHARE")) {
    k += 2;
  } else {
    return i;
  }
  if (at(k, "OF")) {
    ++k;
    // table [, table ...], each possibly schema-qualified or quoted.
    while (k < toks.size() && (is_identifier(toks[k]) || toks[k].text.empty())) {
      ++k;
      while (k + 1 < toks.size() && toks[k].text == "." &&
             (is_identifier(toks[k + 1]) || toks[k + 1].text.empty())) {
        k += 2;
      }
      if (k < toks.size() && toks[k].text == ",") {
        ++k;
        continue;
      }
      break;
    }
  }
  if (at(k, "NOWAIT")) {
    ++k;
  } else if (at(k, "SKIP") && at(k + 1, "LOCKED")) {
    k += 2;
  }
  return k;
}

}  // namespace

std::string strip_row_locks(std::string_view sql) {
  const std::vector<Token> toks = tokenize(sql);
  std::string out;
  std::size_t copied = 0;  // bytes of `sql` already handled
  for (std::size_t i = 0; i < toks.size();) {
    const std::size_t end = match_lock_clause(toks, i);
    if (end == i) {
      ++i;
      continue;
    }
    // Drop the clause together with the whitespace before it.
    std::size_t cut = toks[i].begin;
    while (cut > copied && std::isspace(static_cast<unsigned char>(sql[cut - 1])) != 0) --cut;
    out.append(sql.substr(copied, cut - copied));
    copied = toks[end - 1].end;
    i = end;
  }
  if (copied == 0) return std::string(sql);
  out.append(sql.substr(copied));
  return out;
}

std::optional<int> placeholder_number(std::string_view name) {
  if (name.size() < 2 || name.front() != '$') return std::nullopt;
  int n = 0;
  const char* first = name.data() + 1;
  const char* last = name.data() + name.size();
  auto [ptr, ec] = std::from_chars(first, last, n);
  if (ec != std::errc() || ptr != last || n <= 0) return std::nullopt;
  return n;
}

bool is_blank_sql(std::string_view rest) {
  std::size_t i = 0;
  while (i < rest.size()) {
    const char c = rest[i];
    if (std::isspace(static_cast<unsigned char>(c)) != 0 || c == ';') {
      ++i;
      continue;
    }
    if ((c == '-' || c == '/') && i + 1 < rest.size()) {
      const std::size_t skipped = skip_opaque(rest, i);
      if (skipped != i) {
        i = skipped;
        continue;
      }
    }
    return false;
  }
  return true;
}

}  // namespace riff::db
