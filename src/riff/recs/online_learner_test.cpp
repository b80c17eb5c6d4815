#include "riff/recs/online_learner.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace riff::recs {
namespace {

ModelOptions small() {
  ModelOptions o;
  o.dim = 8;
  o.batch_size = 16;
  o.negatives = 4;
  return o;
}

/// Ten viewers finishing twenty videos.
std::vector<Event> watches(Id first_viewer) {
  std::vector<Event> events;
  for (Id u = first_viewer; u < first_viewer + 10; ++u)
    for (Id v = 100; v < 120; v += 1 + u % 3)
      events.push_back({u, v, EventKind::kWatch, 10'000, 10'000, 1});
  return events;
}

MapItemFeatures features() {
  MapItemFeatures f;
  for (Id v = 100; v < 120; ++v) f.put(v, {v % 3 + 1, 0, {v % 2 + 50}});
  return f;
}

TEST(OnlineLearner, ServingScoresLikeTheLearnerOnceItsDeltaIsApplied) {
  Model learner(small()), serving(small());
  const MapItemFeatures f = features();
  SystemClock clock;
  std::vector<LearnedDelta> published;
  OnlineLearner ol(learner, f, clock, {},
                   [&](LearnedDelta d) { published.push_back(std::move(d)); });

  const std::uint64_t first = ol.submit(watches(1));
  const std::uint64_t second = ol.submit(watches(20));
  EXPECT_EQ(first, 1u);
  EXPECT_EQ(second, 2u);
  const std::vector<Id> videos = {100, 101, 105, 119};
  // Nothing is learned before the learner runs: serving and learner agree.
  EXPECT_EQ(learner.score(3, videos, f), serving.score(3, videos, f));

  ol.run_once();
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].learned_through, 2u);
  EXPECT_FALSE(published[0].delta.embeddings.keys.empty());
  EXPECT_NE(learner.score(3, videos, f), serving.score(3, videos, f));
  ASSERT_TRUE(serving.apply_delta(published[0].delta));
  EXPECT_EQ(learner.score(3, videos, f), serving.score(3, videos, f));
  EXPECT_EQ(learner.user_vector(25), serving.user_vector(25));
}

TEST(OnlineLearner, DropsBatchesBeyondItsQueueButStillNumbersThem) {
  Model learner(small());
  const MapItemFeatures f = features();
  SystemClock clock;
  std::vector<LearnedDelta> published;
  OnlineLearner::Options o;
  o.max_queued = watches(1).size() + 5;  // room for one batch, not two
  OnlineLearner ol(learner, f, clock, o,
                   [&](LearnedDelta d) { published.push_back(std::move(d)); });
  ol.submit(watches(1));
  const std::uint64_t dropped = ol.submit(watches(20));
  EXPECT_EQ(ol.dropped(), static_cast<std::int64_t>(watches(20).size()));

  ol.run_once();
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].learned_through, dropped);
  // Viewer 25 was only in the dropped batch: the model never saw them.
  const std::vector<float> zeros(8, 0.0f);
  EXPECT_EQ(learner.user_vector(25), zeros);
  EXPECT_NE(learner.user_vector(3), zeros);
}

TEST(OnlineLearner, ExpiredRowsReachServingAsRemovedInTheNextPublication) {
  ModelOptions o = small();
  o.expire_after_ms = 1'000;
  Model learner(o), serving(o);
  const MapItemFeatures f = features();
  SystemClock clock;
  std::vector<LearnedDelta> published;
  OnlineLearner ol(learner, f, clock, {},
                   [&](LearnedDelta d) { published.push_back(std::move(d)); });
  ol.submit(watches(1));  // every event at 1 ms
  ol.run_once();
  ASSERT_TRUE(serving.apply_delta(published.back().delta));
  const std::vector<float> zeros(8, 0.0f);
  ASSERT_NE(serving.user_vector(3), zeros);

  ol.expire(10'000);  // the thread is not running: at once
  ol.run_once();
  EXPECT_FALSE(published.back().delta.embeddings.removed.empty());
  ASSERT_TRUE(serving.apply_delta(published.back().delta));
  EXPECT_EQ(serving.user_vector(3), zeros);
  EXPECT_EQ(learner.user_vector(3), zeros);
}

TEST(OnlineLearner, ItsThreadLearnsAtALowerPriorityAndPublishesOnStop) {
  Model learner(small());
  const MapItemFeatures f = features();
  SystemClock clock;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<LearnedDelta> published;
  std::atomic<int> learner_nice{-100};
  OnlineLearner::Options o;
  o.publish_ms = 20;
  OnlineLearner ol(learner, f, clock, o, [&](LearnedDelta d) {
    learner_nice = getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
    std::lock_guard lock(mu);
    published.push_back(std::move(d));
    cv.notify_all();
  });
  const int before = getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
  ol.start();
  const std::uint64_t seq = ol.submit(watches(1));
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] {
      return !published.empty() && published.back().learned_through >= seq;
    }));
  }
  EXPECT_EQ(learner_nice.load(), std::min(19, before + o.nice));
  // The caller's own priority is untouched.
  EXPECT_EQ(getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid))), before);

  std::size_t rows = 0;
  {
    std::lock_guard lock(mu);
    for (const auto& d : published) rows += d.delta.embeddings.keys.size();
  }
  EXPECT_GT(rows, 0u);
  const std::size_t count = [&] {
    std::lock_guard lock(mu);
    return published.size();
  }();
  ol.stop();
  std::lock_guard lock(mu);
  EXPECT_EQ(published.size(), count + 1);  // the last publication, at stop()
}

}  // namespace
}  // namespace riff::recs
