#include "riff/net/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace riff::net {
namespace {

TEST(InMemoryRateLimiter, AllowsTheCapacityThenAsksToWait) {
  InMemoryRateLimiter l;
  l.add_bucket("signup", 3, 1.0 / 60);
  EXPECT_EQ(l.acquire("signup", "1.2.3.4"), 0);
  EXPECT_EQ(l.acquire("signup", "1.2.3.4"), 0);
  EXPECT_EQ(l.acquire("signup", "1.2.3.4"), 0);
  int wait = l.acquire("signup", "1.2.3.4");
  EXPECT_GT(wait, 0);
  EXPECT_LE(wait, 60);
  // Another address has its own bucket; unknown buckets are unlimited.
  EXPECT_EQ(l.acquire("signup", "5.6.7.8"), 0);
  EXPECT_EQ(l.acquire("other", "1.2.3.4"), 0);
}

}  // namespace
}  // namespace riff::net
