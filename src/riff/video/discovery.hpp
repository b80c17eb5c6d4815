#pragma once
// DiscoveryService: hashtag pages and profile grids.
//
// - A hashtag page counts the tag's use and the views of the videos the
//   viewer may see with it; its video list holds only those videos, most
//   liked first.
// - A profile grid lists an author's videos the viewer may see, newest
//   first; the author also sees their processing and failed videos. A user
//   who blocks the viewer (or whom the viewer blocks) is kNotFound, like
//   their profile.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <optional>
#include <string>
#include <string_view>

#include "riff/accounts/model.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/video/render.hpp"

namespace riff::video {

struct HashtagPage {
  std::string tag;
  std::int64_t use_count = 0;
  std::int64_t view_count = 0;
};

class DiscoveryService {
 public:
  explicit DiscoveryService(db::Database& db);

  /// `tag` with or without '#', any case. kNotFound for an unknown tag.
  Result<HashtagPage> hashtag(std::string_view tag, std::optional<Id> viewer);
  Result<accounts::Page<VideoCard>> hashtag_videos(std::string_view tag, std::optional<Id> viewer,
                                                   const accounts::PageRequest& page);
  Result<accounts::Page<VideoCard>> user_videos(std::string_view handle, std::optional<Id> viewer,
                                                const accounts::PageRequest& page);

 private:
  db::Database& db_;
};

}  // namespace riff::video
