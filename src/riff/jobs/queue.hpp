#pragma once
// A durable job queue in the database, shared by every node.
//
// A job is queued with a kind, a JSON payload and a time to run. A node claims
// the oldest due job of a kind with a lease (`FOR UPDATE SKIP LOCKED` on
// PostgreSQL, so several nodes never claim the same job); it extends the lease
// while it works (heartbeat), then completes or fails the job. A failure is
// retried with exponential backoff until max_attempts, then the job is failed
// for good. A job whose lease ran out (its node died) is queued again by
// reclaim_expired(), which any node may call.
//
// Every call that changes a claimed job names the claim's lease token, so a
// node whose lease was taken over cannot complete or fail the job under the
// new owner.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <cstdint>
#include <optional>
#include <string>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"

namespace riff::jobs {

enum class JobState { kQueued = 0, kRunning = 1, kDone = 2, kFailed = 3 };

struct Job {
  Id id = 0;
  std::string kind;
  std::string payload;  // JSON text
  JobState state = JobState::kQueued;
  int attempts = 0;  // claims so far, including the current one
  int max_attempts = 0;
  std::int64_t run_at = 0;
  std::string lease_token;  // set on a claimed job
  std::int64_t lease_until = 0;
  double progress = 0;
  std::string last_error;
};

struct QueueOptions {
  std::int64_t lease_ms = 60'000;
  std::int64_t backoff_base_ms = 5'000;  // first retry after this; doubles each time
  std::int64_t backoff_max_ms = 600'000;
  int default_max_attempts = 5;
};

class JobQueue {
 public:
  JobQueue(db::Database& db, IdGenerator& ids, const Clock& clock, QueueOptions options = {});

  /// Queues a job in the caller's transaction (so it exists iff the caller's
  /// change commits). `run_at` 0 means now. `subject_id` names what the job
  /// is about, for the caller's own queries on the jobs table.
  Result<Id> enqueue(db::Conn& c, std::string_view kind, std::string_view payload,
                     std::int64_t run_at = 0, int max_attempts = 0,
                     std::optional<Id> subject_id = std::nullopt);
  /// enqueue() in its own transaction.
  Result<Id> enqueue(std::string_view kind, std::string_view payload, std::int64_t run_at = 0,
                     int max_attempts = 0);

  /// Claims the oldest due queued job of `kind` with a fresh lease, or nullopt.
  Result<std::optional<Job>> claim(std::string_view kind);
  /// Extends a claimed job's lease; kConflict when the claim was lost.
  Status heartbeat(const Job& job);
  /// Records progress (0..1) and extends the lease.
  Status set_progress(const Job& job, double progress);
  Status complete(const Job& job);
  /// A failure: queued again after a backoff unless `permanent` or out of
  /// attempts, in which case the job is failed for good. Returns the new state.
  Result<JobState> fail(const Job& job, std::string_view error, bool permanent);
  /// Queues again (or fails, when out of attempts) every running job whose
  /// lease expired. Returns how many it touched.
  Result<std::int64_t> reclaim_expired();

  Result<Job> get(Id id);
  /// The delay before retry number `attempt` (1 = after the first failure).
  std::int64_t backoff_ms(int attempt) const;
  const QueueOptions& options() const { return options_; }

 private:
  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  QueueOptions options_;
};

}  // namespace riff::jobs
