#pragma once
// How a track is rendered on /api/v1 (defined in routes.cpp), shared with
// the chart routes so a chart entry's track reads like any other.

#include <boost/json.hpp>

#include "riff/music/model.hpp"

namespace riff::music {

/// id, title, album, artists, qualities, stream and HLS URLs, loudness,
/// replay gain, play count and the track's sound id.
boost::json::object track_json(const Track& t);

}  // namespace riff::music
