#include "riff/core/ids.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "riff/core/clock.hpp"

namespace riff {
namespace {

TEST(IdGenerator, IdsAreUniqueAndIncreasingEvenWithinOneMillisecond) {
  ManualClock clock(1'800'000'000'000);
  IdGenerator gen(clock, 7);
  Id prev = 0;
  for (int i = 0; i < 10'000; ++i) {  // more than 4096: borrows the next ms
    Id id = gen.next();
    ASSERT_GT(id, prev);
    prev = id;
  }
}

TEST(IdGenerator, ClockSteppingBackDoesNotRepeatIds) {
  ManualClock clock(1'800'000'000'000);
  IdGenerator gen(clock);
  Id a = gen.next();
  clock.advance_ms(-5000);
  EXPECT_GT(gen.next(), a);
}

TEST(IdGenerator, EncodesCreationTime) {
  ManualClock clock(1'800'000'000'123);
  IdGenerator gen(clock);
  EXPECT_EQ(IdGenerator::time_of(gen.next()), 1'800'000'000'123);
}

TEST(IdGenerator, UniqueAcrossThreads) {
  SystemClock clock;
  IdGenerator gen(clock);
  std::vector<std::vector<Id>> per(4);
  std::vector<std::thread> ts;
  for (auto& v : per) ts.emplace_back([&] { for (int i = 0; i < 5000; ++i) v.push_back(gen.next()); });
  for (auto& t : ts) t.join();
  std::set<Id> all;
  for (auto& v : per) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), 20'000u);
}

TEST(ParseId, AcceptsOnlyPositiveDecimalIntegers) {
  EXPECT_EQ(parse_id("12345"), 12345);
  EXPECT_FALSE(parse_id(""));
  EXPECT_FALSE(parse_id("-1"));
  EXPECT_FALSE(parse_id("0"));
  EXPECT_FALSE(parse_id("12a"));
  EXPECT_FALSE(parse_id("99999999999999999999"));
}

TEST(Rfc3339, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(to_rfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(to_rfc3339(1'795'000'000'042), "2026-11-18T11:06:40.042Z");
}

}  // namespace
}  // namespace riff
