#pragma once
// Running media work in a child process: untrusted files are decoded by
// `riffd media-job`, never inside the server. The child gets CPU-time and
// address-space limits, a wall-clock limit, and dies with its parent; a
// crash or a kill there costs one attempt of one job, not the node.
//
// Thread-safe: each call forks its own child.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "riff/media/job.hpp"

namespace riff::media {

struct ChildLimits {
  int cpu_seconds = 1800;
  std::int64_t address_space_bytes = 4LL << 30;
  int wall_seconds = 1800;
};

/// The outcome of a child process.
struct ChildRun {
  bool started = false;
  int exit_code = -1;  // when it exited
  int signal = 0;      // when a signal ended it (ours on timeout or cancel)
  bool timed_out = false;
  bool cancelled = false;
  std::string out;       // its standard output
  std::string err_tail;  // the last few KiB of its standard error
};

/// Runs `argv` (argv[0] looked up on PATH) with `limits`; `on_line` sees each
/// stdout line as it comes; `cancelled` is polled a few times a second.
ChildRun run_child(const std::vector<std::string>& argv, const ChildLimits& limits,
                   const std::function<void(std::string_view)>& on_line,
                   const std::function<bool()>& cancelled);

/// Runs one job as `<riffd> media-job --spec <json>` and reads its progress
/// lines and result. A child that crashes, is killed or runs out of time
/// gives kCrashed (the queue retries it).
JobResult run_job_in_child(const std::filesystem::path& riffd, const JobSpec& spec,
                           const ChildLimits& limits, const std::function<void(double)>& progress,
                           const std::function<bool()>& cancelled);

/// The body of `riffd media-job`: runs `spec_json` in this process, printing
/// `{"progress":x}` lines and then one `{"result":{...}}` line. Returns the
/// process exit code.
int media_job_main(std::string_view spec_json);

}  // namespace riff::media
