#pragma once
// tus 1.0.0 at /api/v1/uploads (creation, termination, expiration,
// checksum with sha1). PATCH bodies are streamed to disk, never buffered.
// Every answer carries Tus-Resumable: 1.0.0.

#include "riff/net/router.hpp"

namespace riff::video {

class UploadService;

/// Adds the upload routes. `uploads` must outlive the router.
void mount_tus_routes(net::Router& router, UploadService& uploads);

}  // namespace riff::video
