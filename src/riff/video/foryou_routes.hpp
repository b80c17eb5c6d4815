#pragma once
// GET /api/v1/videos/{id}/why: why a video is (or would be) in the
// viewer's For You, for the "why this video" sheet; GET and PUT
// /api/v1/me/interests: the hashtags picked for a cold start.

#include "riff/net/router.hpp"

namespace riff::video {

class ForYouEngine;
class InterestService;
class VideoService;

/// Adds the routes. The engine and the services must outlive the router.
void mount_foryou_routes(net::Router& router, ForYouEngine& engine, VideoService& videos,
                         InterestService& interests);

}  // namespace riff::video
