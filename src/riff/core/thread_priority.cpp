#include "riff/core/thread_priority.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace riff {

bool lower_this_thread_priority(int nice) {
  // On Linux, PRIO_PROCESS with a thread id sets that thread's nice value
  // alone (NPTL threads do not share it).
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  errno = 0;
  const int current = ::getpriority(PRIO_PROCESS, tid);
  if (current == -1 && errno != 0) return false;
  return ::setpriority(PRIO_PROCESS, tid, current + nice) == 0;
}

}  // namespace riff
