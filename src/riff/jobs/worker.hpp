#pragma once
// Runs queued jobs on threads of its own: up to `concurrency` at once, each
// claimed with a lease that a heartbeat thread keeps extending while the
// handler runs. stop() lets running handlers finish (they can watch
// JobContext::stopping()) and joins every thread.
//
// A handler returns the job's outcome; an exception from a handler counts as
// a retryable failure. Leases that expire (a node died) are reclaimed by the
// worker's poll loop, so any node resumes them.
//
// Thread-safe: start(), stop() and wake() may be called from any thread.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "riff/jobs/queue.hpp"

namespace riff::jobs {

/// What a handler made of its job.
struct JobOutcome {
  enum class Kind { kDone, kRetry, kFailPermanently };
  Kind kind = Kind::kDone;
  std::string error;

  static JobOutcome done() { return {}; }
  static JobOutcome retry(std::string e) { return {Kind::kRetry, std::move(e)}; }
  static JobOutcome fail(std::string e) { return {Kind::kFailPermanently, std::move(e)}; }
};

/// Given to a handler while it runs its job.
class JobContext {
 public:
  JobContext(JobQueue& queue, const Job& job, const std::atomic<bool>& stopping)
      : queue_(queue), job_(job), stopping_(stopping) {}
  const Job& job() const { return job_; }
  /// Records progress (0..1); also extends the lease.
  void progress(double p) { (void)queue_.set_progress(job_, p); }
  /// True once the worker is shutting down; a long handler may give up (and
  /// return retry) so that another run resumes the job.
  bool stopping() const { return stopping_.load(); }

 private:
  JobQueue& queue_;
  const Job& job_;
  const std::atomic<bool>& stopping_;
};

using JobHandler = std::function<JobOutcome(JobContext&)>;

struct WorkerOptions {
  int concurrency = 0;            // 0 = one per core
  std::int64_t poll_ms = 1'000;   // how often idle threads look for due jobs
  std::int64_t heartbeat_ms = 0;  // 0 = a third of the lease
  /// Runs after reclaim_expired() touched jobs (some may have run out of
  /// attempts), so owners can react to jobs that failed for good that way.
  std::function<void()> after_reclaim;
};

class Worker {
 public:
  Worker(JobQueue& queue, WorkerOptions options = {});
  ~Worker();  // stops

  /// Registers the handler of a kind. Before start() only.
  void handle(std::string kind, JobHandler handler);
  void start();
  /// Asks the threads to stop and waits for the running handlers.
  void stop();
  /// Wakes idle threads now (after enqueue on this node).
  void wake();

 private:
  void run_loop();
  void heartbeat_loop();
  bool run_one();

  JobQueue& queue_;
  WorkerOptions options_;
  std::map<std::string, JobHandler> handlers_;
  std::vector<std::thread> threads_;
  std::thread heartbeat_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<Id, Job> running_;  // guarded by mu_
  // Set by wake(), cleared by the idle thread it wakes (guarded by mu_): a
  // wake that comes while no thread is waiting yet is not lost.
  bool wake_pending_ = false;
  std::atomic<std::int64_t> next_reclaim_ms_{
      0};  // steady-clock ms; reclaim is a write, so not on every poll
  bool started_ = false;
};

}  // namespace riff::jobs
