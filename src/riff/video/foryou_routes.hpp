#pragma once
// GET /api/v1/videos/{id}/why: why a video is (or would be) in the
// viewer's For You, for the "why this video" sheet.

#include "riff/net/router.hpp"

namespace riff::video {

class ForYouEngine;
class VideoService;

/// Adds the routes. The engine and the service must outlive the router.
void mount_foryou_routes(net::Router& router, ForYouEngine& engine, VideoService& videos);

}  // namespace riff::video
