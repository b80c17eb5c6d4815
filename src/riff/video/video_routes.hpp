#pragma once
// The HTTP mapping of posting, reading, changing and deleting videos,
// duets and sounds. Handlers parse, call a service and render (render.hpp).

#include <string>

#include "riff/net/router.hpp"
#include "riff/video/service.hpp"

namespace riff::video {

class SoundService;

struct VideoRouteDeps {
  VideoService& videos;
  SoundService& sounds;
  std::string public_url;  // prefix of share links ("" = relative)
};

/// Adds the routes. The services must outlive the router.
void mount_video_routes(net::Router& router, const VideoRouteDeps& deps);

}  // namespace riff::video
