#include "riff/video/search.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "riff/accounts/cursor.hpp"
#include "riff/db/text_search.hpp"
#include "riff/video/access.hpp"

namespace riff::video {
namespace {

using accounts::Page;
using accounts::PageRequest;

constexpr int kMaxNameHits = 200;       // prefix + fuzzy matches kept for paging
constexpr int kFuzzyCandidates = 2000;  // names compared by edit distance

class SqliteFts5Index final : public VideoTextIndex {
 public:
  std::string match_sql(int p) const override {
    return "v.id IN (SELECT rowid FROM video_fts WHERE video_fts MATCH $" + std::to_string(p) + ")";
  }
  std::string query_text(const std::vector<std::string>& words) const override {
    return db::prefix_query(db::Dialect::kSqlite, words);
  }
};

class PostgresTsIndex final : public VideoTextIndex {
 public:
  std::string match_sql(int p) const override {
    return "v.search_tsv @@ to_tsquery('simple', $" + std::to_string(p) + ")";
  }
  std::string query_text(const std::vector<std::string>& words) const override {
    return db::prefix_query(db::Dialect::kPostgres, words);
  }
};

std::string like_prefix(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '%' || c == '_') out += '\\';
    out += c;
  }
  return out + "%";
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// The query as a name: lowercase, trimmed, without a leading '@' or '#'.
std::string name_query(std::string_view q) {
  while (!q.empty() && std::isspace(static_cast<unsigned char>(q.front()))) q.remove_prefix(1);
  while (!q.empty() && std::isspace(static_cast<unsigned char>(q.back()))) q.remove_suffix(1);
  if (!q.empty() && (q.front() == '@' || q.front() == '#')) q.remove_prefix(1);
  return lower(q.substr(0, 100));
}

int max_edits_for(std::string_view q) {
  return q.size() >= 6 ? 2 : 1;
}

Result<std::int64_t> offset_of(const PageRequest& page) {
  if (!page.cursor) return 0;
  auto k = accounts::decode_cursor(*page.cursor);
  if (!k || k->time < 0 || k->id != 0) return Status::invalid("/cursor", "cursor is not valid");
  return k->time;
}

template <class T>
Page<T> slice(std::vector<T> all, std::int64_t offset, int limit) {
  Page<T> page;
  const auto n = static_cast<std::int64_t>(all.size());
  for (std::int64_t i = offset; i < n && i < offset + limit; ++i)
    page.items.push_back(std::move(all[i]));
  if (offset + limit < n) page.next_cursor = accounts::encode_cursor({offset + limit, 0});
  return page;
}

constexpr const char* kNotBlocked =
    " NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.blocker_id = u.id AND b.blocked_id = $1)"
    " OR (b.blocker_id = $1 AND b.blocked_id = u.id))";

}  // namespace

std::unique_ptr<VideoTextIndex> make_video_text_index(db::Dialect dialect) {
  if (dialect == db::Dialect::kPostgres) return std::make_unique<PostgresTsIndex>();
  return std::make_unique<SqliteFts5Index>();
}

int edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

bool fuzzy_prefix(std::string_view q, std::string_view name, int max_edits) {
  // Compare q with the starts of `name` whose length is within max_edits of q's.
  const std::size_t lo = q.size() > static_cast<std::size_t>(max_edits) ? q.size() - max_edits : 0;
  for (std::size_t len = lo; len <= q.size() + max_edits && len <= name.size(); ++len) {
    if (edit_distance(q, name.substr(0, len)) <= max_edits) return true;
  }
  return false;
}

SearchService::SearchService(db::Database& db)
    : db_(db), index_(make_video_text_index(db.dialect())) {}

Result<Page<VideoCard>> SearchService::videos(std::string_view q, std::optional<Id> viewer,
                                              const PageRequest& page) {
  RIFF_ASSIGN_OR_RETURN(std::int64_t offset, offset_of(page));
  const std::vector<std::string> words = db::search_words(q);
  Page<VideoCard> out;
  if (words.empty()) return out;
  const std::string text = index_->query_text(words);
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT v.id FROM videos v WHERE v.status = 1 AND " +
                                      index_->match_sql(2) + " AND " + visible_sql("v", 1) +
                                      " ORDER BY v.like_count DESC, v.id DESC LIMIT $3 OFFSET $4",
                                  {viewer.value_or(0), text, page.limit + 1, offset}));
  std::vector<Id> ids;
  for (const auto& r : rows) ids.push_back(r.i64(0));
  const bool more = static_cast<int>(ids.size()) > page.limit;
  if (more) ids.resize(static_cast<std::size_t>(page.limit));
  auto cards = db_.read([&](db::Conn& c) -> Result<db::Rows> {
    RIFF_ASSIGN_OR_RETURN(out.items, load_video_cards(c, ids, viewer));
    return db::Rows{};
  });
  if (!cards) return cards.status();
  if (more) out.next_cursor = accounts::encode_cursor({offset + page.limit, 0});
  return out;
}

Result<Page<UserHit>> SearchService::users(std::string_view q, std::optional<Id> viewer,
                                           const PageRequest& page) {
  RIFF_ASSIGN_OR_RETURN(std::int64_t offset, offset_of(page));
  const std::string name = name_query(q);
  if (name.empty()) return Page<UserHit>{};
  const std::string cols =
      "SELECT u.id, u.handle, u.display_name, u.avatar_path, u.follower_count, u.is_private FROM "
      "users u";
  auto hit = [](const db::Row& r) {
    return UserHit{{r.i64(0), r.str(1), r.str(2), r.opt_str(3)}, r.i64(4), r.boolean(5)};
  };
  RIFF_ASSIGN_OR_RETURN(
      db::Rows prefix,
      db_.query(
          cols +
              " WHERE (u.handle LIKE $2 ESCAPE '\\' OR lower(u.display_name) LIKE $2 ESCAPE '\\')"
              " AND " +
              kNotBlocked + " ORDER BY u.follower_count DESC, u.handle LIMIT $3",
          {viewer.value_or(0), like_prefix(name), kMaxNameHits}));
  std::vector<UserHit> all;
  std::unordered_set<Id> seen;
  for (const auto& r : prefix) {
    all.push_back(hit(r));
    seen.insert(all.back().user.id);
  }
  if (name.size() >= 3 && static_cast<int>(all.size()) < kMaxNameHits) {
    RIFF_ASSIGN_OR_RETURN(
        db::Rows cands,
        db_.query(cols +
                      " WHERE (substr(u.handle, 1, 1) = $2 OR substr(u.handle, 2, 1) = $3) AND " +
                      kNotBlocked + " ORDER BY u.follower_count DESC, u.handle LIMIT $4",
                  {viewer.value_or(0), name.substr(0, 1), name.substr(1, 1), kFuzzyCandidates}));
    const int edits = max_edits_for(name);
    for (const auto& r : cands) {
      if (static_cast<int>(all.size()) >= kMaxNameHits) break;
      UserHit h = hit(r);
      if (seen.count(h.user.id) || !fuzzy_prefix(name, h.user.handle, edits)) continue;
      seen.insert(h.user.id);
      all.push_back(std::move(h));
    }
  }
  return slice(std::move(all), offset, page.limit);
}

Result<Page<HashtagHit>> SearchService::hashtags(std::string_view q, const PageRequest& page) {
  RIFF_ASSIGN_OR_RETURN(std::int64_t offset, offset_of(page));
  const std::string name = name_query(q);
  if (name.empty()) return Page<HashtagHit>{};
  RIFF_ASSIGN_OR_RETURN(
      db::Rows prefix, db_.query("SELECT tag, use_count FROM hashtags WHERE tag LIKE $1 ESCAPE '\\'"
                                 " ORDER BY use_count DESC, tag LIMIT $2",
                                 {like_prefix(name), kMaxNameHits}));
  std::vector<HashtagHit> all;
  std::unordered_set<std::string> seen;
  for (const auto& r : prefix) {
    all.push_back({r.str(0), r.i64(1)});
    seen.insert(all.back().tag);
  }
  if (name.size() >= 3 && static_cast<int>(all.size()) < kMaxNameHits) {
    RIFF_ASSIGN_OR_RETURN(
        db::Rows cands,
        db_.query("SELECT tag, use_count FROM hashtags WHERE substr(tag, 1, 1) = $1"
                  " OR substr(tag, 2, 1) = $2 ORDER BY use_count DESC, tag LIMIT $3",
                  {name.substr(0, 1), name.substr(1, 1), kFuzzyCandidates}));
    const int edits = max_edits_for(name);
    for (const auto& r : cands) {
      if (static_cast<int>(all.size()) >= kMaxNameHits) break;
      std::string tag = r.str(0);
      if (seen.count(tag) || !fuzzy_prefix(name, tag, edits)) continue;
      seen.insert(tag);
      all.push_back({std::move(tag), r.i64(1)});
    }
  }
  return slice(std::move(all), offset, page.limit);
}

Result<Page<SoundHit>> SearchService::sounds(std::string_view q, std::optional<Id> viewer,
                                             const PageRequest& page) {
  RIFF_ASSIGN_OR_RETURN(std::int64_t offset, offset_of(page));
  const std::string name = name_query(q);
  Page<SoundHit> out;
  if (name.empty()) return out;
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query(
          "SELECT s.id, s.title, s.creator_id, s.reusable, s.use_count, s.duration_ms, cu.handle"
          " FROM sounds s LEFT JOIN users cu ON cu.id = s.creator_id WHERE lower(s.title) LIKE $2 "
          "ESCAPE '\\'"
          " AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.blocker_id = s.creator_id AND "
          "b.blocked_id = $1)"
          "   OR (b.blocker_id = $1 AND b.blocked_id = s.creator_id))"
          " AND (s.source_video_id IS NULL OR EXISTS (SELECT 1 FROM videos v"
          "   WHERE v.id = s.source_video_id AND v.status = 1 AND " +
              visible_sql("v", 1) +
              "))"
              " ORDER BY s.use_count DESC, s.id DESC LIMIT $3 OFFSET $4",
          {viewer.value_or(0), "%" + like_prefix(name), page.limit + 1, offset}));
  for (const auto& r : rows) {
    out.items.push_back(
        {{r.i64(0), r.str(1), r.opt_i64(2), r.boolean(3), r.opt_str(6)}, r.i64(4), r.i64(5)});
  }
  if (static_cast<int>(out.items.size()) > page.limit) {
    out.items.resize(static_cast<std::size_t>(page.limit));
    out.next_cursor = accounts::encode_cursor({offset + page.limit, 0});
  }
  return out;
}

}  // namespace riff::video
