#pragma once
// SearchService: GET /api/v1/search over videos (captions, hashtags), users,
// sounds and hashtags.
//
// - Videos: full-text, every word of the query as a prefix, through a
//   VideoTextIndex: SQLite FTS5 or PostgreSQL tsvector/GIN (migration 223),
//   chosen by the database's dialect. Only videos the viewer may see
//   (access.hpp), most liked first.
// - Users (handle or display name) and hashtags: prefix match on the
//   lowercase text, then, for queries of 3+ characters, a typo-tolerant
//   fallback: an edit distance (with transpositions) of at most 1 (2 for
//   queries of 6+ characters) against the start of each name, over a bounded
//   candidate set. Users blocked either way with the viewer are left out.
// - Sounds: title contains the query; sounds of videos the viewer cannot see
//   and of creators blocked either way are left out.
// Cursors are opaque offsets into these orders.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riff/accounts/model.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/video/render.hpp"

namespace riff::video {

/// One full-text engine. `match_sql` gives a condition on the videos row
/// `v` that holds when the text query in parameter `$<param>` matches;
/// `query_text` turns lowercase words into that engine's prefix query.
class VideoTextIndex {
 public:
  virtual ~VideoTextIndex() = default;
  virtual std::string match_sql(int param) const = 0;
  virtual std::string query_text(const std::vector<std::string>& words) const = 0;
};
std::unique_ptr<VideoTextIndex> make_video_text_index(db::Dialect dialect);

/// Edit distance with adjacent transpositions (optimal string alignment), on bytes.
int edit_distance(std::string_view a, std::string_view b);
/// True when `name` starts with `q` give or take `max_edits` edits.
bool fuzzy_prefix(std::string_view q, std::string_view name, int max_edits);

struct UserHit {
  CardAuthor user;
  std::int64_t follower_count = 0;
  bool is_private = false;
};

struct SoundHit {
  CardSound sound;
  std::int64_t use_count = 0;
  std::int64_t duration_ms = 0;
};

struct HashtagHit {
  std::string tag;
  std::int64_t use_count = 0;
};

class SearchService {
 public:
  explicit SearchService(db::Database& db);

  Result<accounts::Page<VideoCard>> videos(std::string_view q, std::optional<Id> viewer,
                                           const accounts::PageRequest& page);
  Result<accounts::Page<UserHit>> users(std::string_view q, std::optional<Id> viewer,
                                        const accounts::PageRequest& page);
  Result<accounts::Page<SoundHit>> sounds(std::string_view q, std::optional<Id> viewer,
                                          const accounts::PageRequest& page);
  Result<accounts::Page<HashtagHit>> hashtags(std::string_view q,
                                              const accounts::PageRequest& page);

 private:
  db::Database& db_;
  std::unique_ptr<VideoTextIndex> index_;
};

}  // namespace riff::video
