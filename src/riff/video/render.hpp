#pragma once
// The one way a video is shown: loading "cards" (a video with its author,
// hashtags, mentions, sound and the viewer's like) and their JSON form, the
// Video schema of docs/api/openapi.yaml. Every route that returns a video
// (post, get, patch, duets, sound pages, feeds, search, hashtag and profile
// grids) renders through video_json(). Loading never checks visibility:
// callers pass ids they already filtered with access.hpp.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/video/model.hpp"

namespace riff::video {

struct CardAuthor {
  Id id = 0;
  std::string handle;
  std::string display_name;
  std::optional<std::string> avatar_path;
};

struct CardSound {
  Id id = 0;
  std::string title;
  std::optional<Id> creator_id;
  bool reusable = true;
  std::optional<std::string> creator_handle;
};

struct VideoCard {
  Video video;
  std::string media_dir;  // relative to <data_dir>/media; empty until ready
  CardAuthor author;
  std::vector<std::string> hashtags;
  std::vector<std::string> mentions;
  std::optional<CardSound> sound;
  bool viewer_liked = false;
  bool is_author = false;  // the viewer wrote it (sees progress and failures)
  /// Members added by card extensions (key, value), rendered by video_json().
  std::vector<std::pair<std::string, boost::json::value>> extras;
};

/// A module above video that adds a member to every card (the shop's
/// "products"). The loader gets a page of video ids with the page's
/// connection and returns a value per video (videos left out get `empty`);
/// it runs once per page, so it must load the whole page in a few queries.
struct CardExtension {
  std::string key;
  std::function<Result<std::unordered_map<Id, boost::json::value>>(db::Conn&,
                                                                   const std::vector<Id>&)>
      load;
  boost::json::value empty;
};

/// Adds `extension` to every card load_video_cards() makes while the
/// returned registration lives (the composition root holds it). Register at
/// start-up, before serving; thread-safe either way.
class CardExtensionRegistration {
 public:
  explicit CardExtensionRegistration(CardExtension extension);
  ~CardExtensionRegistration();
  CardExtensionRegistration(const CardExtensionRegistration&) = delete;
  CardExtensionRegistration& operator=(const CardExtensionRegistration&) = delete;

 private:
  std::string key_;
};

/// The columns video_from_row() reads, for `SELECT <video_columns("v")> FROM videos v`.
std::string video_columns(const std::string& alias);
/// Number of columns video_columns() yields.
inline constexpr std::size_t kVideoColumnCount = 25;
/// Reads a Video from `row` starting at column `first`; `media_dir` when given.
Video video_from_row(const db::Row& row, std::size_t first = 0, std::string* media_dir = nullptr);

/// One video by id (any status); nullopt when there is none.
Result<std::optional<Video>> find_video(db::Conn& c, Id id);

/// Cards for `ids`, in that order; unknown ids are skipped.
Result<std::vector<VideoCard>> load_video_cards(db::Conn& c, const std::vector<Id>& ids,
                                                std::optional<Id> viewer);

/// "/v/<id>": the web client's page for a video.
std::string share_url(Id video_id);
/// The URL of one of a ready video's media files ("master.m3u8", "video.mp4",
/// "poster.jpg"). Must match what the media routes serve.
std::string card_media_url(Id video_id, std::string_view file);

/// A video as JSON. Progress and failures are shown only to the author;
/// share_url is `public_url` + share_url(id) ("" = a relative link).
boost::json::object video_json(const VideoCard& card, std::string_view public_url);
boost::json::object author_json(const CardAuthor& a);

}  // namespace riff::video
