#pragma once
// How tracks, albums and artists are rendered on /api/v1 (defined in
// routes.cpp), shared with the chart and library routes so an item reads
// the same everywhere.

#include <boost/json.hpp>

#include "riff/music/listening.hpp"
#include "riff/music/model.hpp"
#include "riff/net/http.hpp"

namespace riff::music {

/// id, title, album, artists, qualities, stream and HLS URLs, loudness,
/// replay gain, play count and the track's sound id.
boost::json::object track_json(const Track& t);
/// id, title, artist, year, genre, counts, cover URL and loudness.
boost::json::object album_json(const Album& a);
/// id, name and counts.
boost::json::object artist_json(const Artist& a);

/// Sets "saved" on each rendered item of `items` (objects with an "id") to
/// whether the signed-in requester has it in their library (one query);
/// leaves them alone for anonymous requests. Defined in library_routes.cpp.
void mark_saved(Listening& listening, const net::Request& req, StarKind kind,
                boost::json::array& items);
void mark_saved(Listening& listening, const net::Request& req, StarKind kind,
                boost::json::object& item);

}  // namespace riff::music
