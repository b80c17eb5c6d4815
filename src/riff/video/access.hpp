#pragma once
// Who may see a video: the one rule every route that shows videos applies
// (feeds, profile grids, sound and hashtag pages, search, direct URLs and
// media files).
//
// A viewer sees a video when it is theirs, or when all of these hold:
//  - it is ready (processing and failed videos are the author's alone);
//  - neither has blocked the other;
//  - visibility allows it: public (and, for a private account, the viewer is
//    an approved follower), followers (the viewer follows the author), never
//    private.

#include <optional>
#include <string>

#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/video/model.hpp"

namespace riff::video {

/// True when `viewer` (nullopt = anonymous) may see `v`. Reads follows and
/// blocks through `c`.
Result<bool> can_view(db::Conn& c, std::optional<Id> viewer, const Video& v);

/// A SQL condition, for lists, on a query where `alias` names the videos row
/// and parameter `$<viewer_param>` holds the viewer id (0 when anonymous).
/// Example: `WHERE v.status = 1 AND ` + visible_sql("v", 1).
std::string visible_sql(const std::string& alias, int viewer_param);

}  // namespace riff::video
