#include <cstdio>

#include "riff/media/child.hpp"
#include "riff/media/transcode.hpp"

namespace riff::media {

int media_job_main(std::string_view spec_json) {
  auto spec = spec_from_json(spec_json);
  if (!spec) {
    std::fprintf(stderr, "riffd media-job: bad --spec: %s\n", spec.status().message().c_str());
    return 2;
  }
  // One line per step of progress; the parent reads them as they come.
  auto progress = [](double p) {
    std::printf("{\"progress\":%.3f}\n", p);
    std::fflush(stdout);
  };
  const JobResult r = transcode(*spec, progress);
  std::printf("%s\n", to_json(r).c_str());
  std::fflush(stdout);
  return 0;
}

}  // namespace riff::media
