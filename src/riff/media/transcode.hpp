#pragma once
// The transcoder, in process, on FFmpeg's libraries: probes the upload and
// rejects what riff will not take, then in one decoding pass composes the
// picture (scaled, rotated upright, side by side for a duet) and the audio
// (the clip's own, a chosen sound from an offset, or both mixed), encodes
// H.264 (yuv420p) at 720 and 480 on the short side plus AAC once, and muxes
// those packets into the HLS ladder (CMAF fMP4), a faststart MP4 (the 720
// packets again, not a second encode) and sound.m4a, grabbing the poster and
// preview from the decoded frames on the way.
//
// Only `riffd media-job` calls this: it decodes untrusted input, so it runs
// in a child process with limits (see child.hpp). Not thread-safe (FFmpeg's
// log callback is process-wide).

#include <functional>

#include "riff/media/job.hpp"

namespace riff::media {

/// Runs `spec` to the end; `progress` gets 0..1 now and then.
JobResult transcode(const JobSpec& spec, const std::function<void(double)>& progress);

}  // namespace riff::media
