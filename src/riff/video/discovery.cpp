#include "riff/video/discovery.hpp"

#include <cctype>

#include "riff/accounts/cursor.hpp"
#include "riff/video/access.hpp"

namespace riff::video {
namespace {

using accounts::Page;
using accounts::PageRequest;

std::string normal_tag(std::string_view tag) {
  if (!tag.empty() && tag.front() == '#') tag.remove_prefix(1);
  std::string out(tag.substr(0, 100));
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Result<accounts::CursorKey> cursor_key(const PageRequest& page) {
  if (!page.cursor) return accounts::kFirstPage;
  auto k = accounts::decode_cursor(*page.cursor);
  if (!k) return Status::invalid("/cursor", "cursor is not valid");
  return *k;
}

}  // namespace

DiscoveryService::DiscoveryService(db::Database& db) : db_(db) {}

Result<HashtagPage> DiscoveryService::hashtag(std::string_view tag, std::optional<Id> viewer) {
  const std::string t = normal_tag(tag);
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query(
          "SELECT h.tag, h.use_count, (SELECT COALESCE(SUM(v.view_count), 0) FROM video_hashtags vh"
          " JOIN videos v ON v.id = vh.video_id WHERE vh.hashtag_id = h.id AND v.status = 1 AND " +
              visible_sql("v", 1) + ") FROM hashtags h WHERE h.tag = $2",
          {viewer.value_or(0), t}));
  if (rows.empty()) return Status::not_found("no such hashtag");
  return HashtagPage{rows[0].str(0), rows[0].i64(1), rows[0].i64(2)};
}

Result<Page<VideoCard>> DiscoveryService::hashtag_videos(std::string_view tag,
                                                         std::optional<Id> viewer,
                                                         const PageRequest& page) {
  RIFF_ASSIGN_OR_RETURN(accounts::CursorKey key, cursor_key(page));
  const std::string t = normal_tag(tag);
  Page<VideoCard> out;
  auto st = db_.read([&](db::Conn& c) -> Result<db::Rows> {
    RIFF_ASSIGN_OR_RETURN(db::Rows h, c.query("SELECT id FROM hashtags WHERE tag = $1", {t}));
    if (h.empty()) return Status::not_found("no such hashtag");
    RIFF_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.query(
            "SELECT v.id, v.like_count FROM video_hashtags vh JOIN videos v ON v.id = vh.video_id"
            " WHERE vh.hashtag_id = $2 AND v.status = 1 AND " +
                visible_sql("v", 1) +
                " AND (v.like_count < $3 OR (v.like_count = $3 AND v.id < $4))"
                " ORDER BY v.like_count DESC, v.id DESC LIMIT $5",
            {viewer.value_or(0), h[0].i64(0), key.time, key.id, page.limit + 1}));
    std::vector<Id> ids;
    for (const auto& r : rows) ids.push_back(r.i64(0));
    if (static_cast<int>(ids.size()) > page.limit) {
      const auto& last = rows[static_cast<std::size_t>(page.limit) - 1];
      out.next_cursor = accounts::encode_cursor({last.i64(1), last.i64(0)});
      ids.resize(static_cast<std::size_t>(page.limit));
    }
    RIFF_ASSIGN_OR_RETURN(out.items, load_video_cards(c, ids, viewer));
    return db::Rows{};
  });
  if (!st) return st.status();
  return out;
}

Result<Page<VideoCard>> DiscoveryService::user_videos(std::string_view handle,
                                                      std::optional<Id> viewer,
                                                      const PageRequest& page) {
  RIFF_ASSIGN_OR_RETURN(accounts::CursorKey key, cursor_key(page));
  std::string h(handle);
  for (auto& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  Page<VideoCard> out;
  auto st = db_.read([&](db::Conn& c) -> Result<db::Rows> {
    RIFF_ASSIGN_OR_RETURN(
        db::Rows u,
        c.query(
            "SELECT u.id FROM users u WHERE u.handle = $2 AND NOT EXISTS (SELECT 1 FROM blocks b"
            " WHERE (b.blocker_id = u.id AND b.blocked_id = $1) OR (b.blocker_id = $1 AND "
            "b.blocked_id = u.id))",
            {viewer.value_or(0), h}));
    if (u.empty()) return Status::not_found("no such user");
    RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                          c.query("SELECT v.id FROM videos v WHERE v.author_id = $2 AND v.status "
                                  "<> 3 AND v.id < $3 AND " +
                                      visible_sql("v", 1) + " ORDER BY v.id DESC LIMIT $4",
                                  {viewer.value_or(0), u[0].i64(0), key.id, page.limit + 1}));
    std::vector<Id> ids;
    for (const auto& r : rows) ids.push_back(r.i64(0));
    if (static_cast<int>(ids.size()) > page.limit) {
      ids.resize(static_cast<std::size_t>(page.limit));
      out.next_cursor = accounts::encode_cursor({IdGenerator::time_of(ids.back()), ids.back()});
    }
    RIFF_ASSIGN_OR_RETURN(out.items, load_video_cards(c, ids, viewer));
    return db::Rows{};
  });
  if (!st) return st.status();
  return out;
}

}  // namespace riff::video
