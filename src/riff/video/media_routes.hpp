#pragma once
// Video and sound media behind the visibility rule: GET
// /api/v1/videos/{id}/media/{file*} and /api/v1/sounds/{id}/audio serve
// files only to viewers who may see the video (access.hpp). The decision
// is cached for a few seconds per (viewer, video) so that a player's burst
// of segment requests costs one check. Video files are never under a public
// static mount.

#include <chrono>
#include <memory>

#include "riff/net/router.hpp"

namespace riff::video {

class VideoService;
class SoundService;

/// Adds the routes. The services must outlive the router.
void mount_media_routes(net::Router& router, VideoService& videos, SoundService& sounds,
                        std::chrono::milliseconds decision_ttl = std::chrono::seconds(5));

}  // namespace riff::video
