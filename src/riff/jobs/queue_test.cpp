// The job queue's promises: exclusive claims under concurrency, retries with
// backoff, reclaimed leases, and state that outlives the queue object.

#include "riff/jobs/queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "riff/jobs/schema.hpp"
#include "riff/jobs/worker.hpp"

namespace riff::jobs {
namespace {

enum class Backend { kSqlite, kPostgres };

/// On SQLite (a file), and on PostgreSQL in a schema of its own when
/// RIFF_TEST_PG_URL is set.
class JobQueueTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::random_device rd;
    const std::string suffix = std::to_string(rd()) + std::to_string(rd());
    dir_ = std::filesystem::temp_directory_path() / ("riff-jobs-test-" + suffix);
    std::filesystem::create_directories(dir_);
    if (GetParam() == Backend::kPostgres) {
      const char* url = std::getenv("RIFF_TEST_PG_URL");
      if (url == nullptr || *url == '\0') GTEST_SKIP() << "RIFF_TEST_PG_URL is not set";
      auto admin = db::open_postgres({.url = url, .pool_size = 1});
      ASSERT_TRUE(admin) << admin.status().message();
      admin_ = std::move(admin).value();
      schema_ = "riff_jobs_test_" + suffix;
      ASSERT_TRUE(admin_->exec("CREATE SCHEMA " + schema_));
      pg_url_ = std::string(url) + (std::string(url).find('?') == std::string::npos ? "?" : "&") +
                "options=-csearch_path%3D" + schema_;
    }
    open();
  }
  void TearDown() override {
    db_.reset();
    if (admin_) {
      EXPECT_TRUE(admin_->exec("DROP SCHEMA " + schema_ + " CASCADE"));
    }
    std::filesystem::remove_all(dir_);
  }
  void open() {
    auto db = GetParam() == Backend::kPostgres
                  ? db::open_postgres({.url = pg_url_, .pool_size = 8})
                  : db::open_sqlite({.path = (dir_ / "riff.db").string()});
    ASSERT_TRUE(db) << db.status().message();
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->migrate(migrations()));
  }
  std::unique_ptr<db::Database> admin_;
  std::string schema_, pg_url_;
  QueueOptions options() {
    QueueOptions o;
    o.lease_ms = 10'000;
    o.backoff_base_ms = 1'000;
    o.default_max_attempts = 3;
    return o;
  }

  std::filesystem::path dir_;
  std::unique_ptr<db::Database> db_;
  ManualClock clock_{1'790'000'000'000};
  IdGenerator ids_{clock_};
};

TEST_P(JobQueueTest, EachJobIsClaimedByExactlyOneOfManyThreads) {
  JobQueue q(*db_, ids_, clock_, options());
  constexpr int kJobs = 40;
  for (int i = 0; i < kJobs; ++i) ASSERT_TRUE(q.enqueue("t", "{}"));
  std::mutex mu;
  std::multiset<Id> claimed;
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (;;) {
        auto j = q.claim("t");
        ASSERT_TRUE(j) << j.status().message();
        if (!*j) return;
        std::lock_guard lock(mu);
        claimed.insert((*j)->id);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(claimed.size(), static_cast<std::size_t>(kJobs));
  for (Id id : claimed) EXPECT_EQ(claimed.count(id), 1u);
}

TEST_P(JobQueueTest, OnlyDueJobsOfTheKindAreClaimed) {
  JobQueue q(*db_, ids_, clock_, options());
  ASSERT_TRUE(q.enqueue("later", "{}", clock_.now_ms() + 5'000));
  ASSERT_TRUE(q.enqueue("other", "{}"));
  EXPECT_FALSE(*q.claim("later"));
  clock_.advance_ms(5'000);
  auto j = q.claim("later");
  ASSERT_TRUE(j && *j);
  EXPECT_EQ((*j)->kind, "later");
  EXPECT_EQ((*j)->attempts, 1);
}

TEST_P(JobQueueTest, FailureRetriesWithExponentialBackoffThenFailsForGood) {
  JobQueue q(*db_, ids_, clock_, options());
  Id id = *q.enqueue("t", R"({"a":1})");
  auto j1 = **q.claim("t");
  EXPECT_EQ(*q.fail(j1, "boom", false), JobState::kQueued);
  EXPECT_FALSE(*q.claim("t"));  // not before the backoff
  clock_.advance_ms(999);
  EXPECT_FALSE(*q.claim("t"));
  clock_.advance_ms(1);
  auto j2 = **q.claim("t");
  EXPECT_EQ(j2.attempts, 2);
  EXPECT_EQ(j2.payload, R"({"a":1})");
  EXPECT_EQ(*q.fail(j2, "boom", false), JobState::kQueued);
  clock_.advance_ms(1'999);
  EXPECT_FALSE(*q.claim("t"));  // the second wait is twice the first
  clock_.advance_ms(1);
  auto j3 = **q.claim("t");
  EXPECT_EQ(*q.fail(j3, "boom 3", false), JobState::kFailed);  // max_attempts = 3
  clock_.advance_ms(1'000'000);
  EXPECT_FALSE(*q.claim("t"));
  auto stored = q.get(id);
  EXPECT_EQ(stored->state, JobState::kFailed);
  EXPECT_EQ(stored->last_error, "boom 3");
}

TEST_P(JobQueueTest, PermanentFailureIsNotRetried) {
  JobQueue q(*db_, ids_, clock_, options());
  Id id = *q.enqueue("t", "{}");
  auto j = **q.claim("t");
  EXPECT_EQ(*q.fail(j, "not a video", true), JobState::kFailed);
  EXPECT_EQ(q.get(id)->state, JobState::kFailed);
}

TEST_P(JobQueueTest, ExpiredLeaseIsReclaimedAndTheOldClaimCanNoLongerFinish) {
  JobQueue q(*db_, ids_, clock_, options());
  Id id = *q.enqueue("t", "{}");
  auto dead = **q.claim("t");
  clock_.advance_ms(5'000);
  EXPECT_TRUE(q.heartbeat(dead));  // extends to now + 10 s
  clock_.advance_ms(9'000);
  EXPECT_EQ(*q.reclaim_expired(), 0);
  clock_.advance_ms(2'000);
  EXPECT_EQ(*q.reclaim_expired(), 1);
  auto again = **q.claim("t");
  EXPECT_EQ(again.id, id);
  EXPECT_EQ(again.attempts, 2);
  EXPECT_EQ(q.complete(dead).code(), Code::kConflict);
  EXPECT_TRUE(q.complete(again));
  EXPECT_EQ(q.get(id)->state, JobState::kDone);
}

TEST_P(JobQueueTest, QueuedAndLeasedJobsSurviveARestart) {
  Id queued, leased;
  {
    JobQueue q(*db_, ids_, clock_, options());
    queued = *q.enqueue("t", "{\"n\":1}", clock_.now_ms() + 1);
    leased = *q.enqueue("u", "{\"n\":2}");
    ASSERT_TRUE(q.claim("u")->has_value());
  }
  db_.reset();
  open();
  JobQueue q(*db_, ids_, clock_, options());
  clock_.advance_ms(11'000);
  EXPECT_EQ(*q.reclaim_expired(), 1);
  auto a = **q.claim("t");
  EXPECT_EQ(a.id, queued);
  auto b = **q.claim("u");
  EXPECT_EQ(b.id, leased);
  EXPECT_EQ(b.payload, "{\"n\":2}");
}

TEST_P(JobQueueTest, WorkerRunsJobsConcurrentlyUpToItsLimitAndStopsCleanly) {
  SystemClock real;
  IdGenerator ids(real);
  JobQueue q(*db_, ids, real, options());
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(q.enqueue("t", "{}"));
  std::atomic<int> active{0}, peak{0}, done{0};
  Worker w(q, {.concurrency = 3, .poll_ms = 20});
  w.handle("t", [&](JobContext& ctx) {
    int now = ++active;
    int p = peak.load();
    while (now > p && !peak.compare_exchange_weak(p, now)) {
    }
    ctx.progress(0.5);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    --active;
    ++done;
    return JobOutcome::done();
  });
  w.start();
  for (int i = 0; i < 500 && done < 8; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  w.stop();
  EXPECT_EQ(done.load(), 8);
  EXPECT_LE(peak.load(), 3);
  EXPECT_GE(peak.load(), 2);
  auto rows = db_->query("SELECT COUNT(*) FROM jobs WHERE state = 2");
  EXPECT_EQ((*rows)[0].i64(0), 8);
}

TEST_P(JobQueueTest, WakeRunsANewJobAtOnceWithoutWaitingForThePoll) {
  SystemClock real;
  IdGenerator ids(real);
  JobQueue q(*db_, ids, real, options());
  std::atomic<int> done{0};
  // A poll of ten minutes: only wake() can start the job within the test.
  Worker w(q, {.concurrency = 2, .poll_ms = 600'000});
  w.handle("t", [&](JobContext&) {
    ++done;
    return JobOutcome::done();
  });
  w.start();
  // Let both threads find the queue empty and go idle, then enqueue and wake.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_TRUE(q.enqueue("t", "{}"));
  w.wake();
  for (int i = 0; i < 1000 && done < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(done.load(), 1);
  w.stop();
}

INSTANTIATE_TEST_SUITE_P(Db, JobQueueTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& i) {
                           return i.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace riff::jobs
