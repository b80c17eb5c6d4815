#include "riff/core/thread_priority.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <thread>

namespace riff {
namespace {

int nice_of_this_thread() {
  return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)));
}

TEST(ThreadPriority, LowersOnlyTheCallingThread) {
  const int before = nice_of_this_thread();
  int inside = 0;
  bool lowered_ok = false;
  std::thread t([&] {
    lowered_ok = lower_this_thread_priority(3);
    inside = nice_of_this_thread();
  });
  t.join();
  EXPECT_TRUE(lowered_ok);
  EXPECT_EQ(inside, std::min(before + 3, 19));
  EXPECT_EQ(nice_of_this_thread(), before);
}

}  // namespace
}  // namespace riff
