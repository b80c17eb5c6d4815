#include "riff/jobs/queue.hpp"

#include <algorithm>

namespace riff::jobs {
namespace {

constexpr std::string_view kJobColumns =
    "id, kind, payload, state, attempts, max_attempts, run_at, lease_owner, lease_until, progress, "
    "last_error";

Job job_from(const db::Row& r) {
  Job j;
  j.id = r.i64(0);
  j.kind = r.str(1);
  j.payload = r.str(2);
  j.state = static_cast<JobState>(r.i64(3));
  j.attempts = static_cast<int>(r.i64(4));
  j.max_attempts = static_cast<int>(r.i64(5));
  j.run_at = r.i64(6);
  j.lease_token = r.str(7);
  j.lease_until = r.i64(8);
  j.progress = r.f64(9);
  j.last_error = r.str(10);
  return j;
}

}  // namespace

JobQueue::JobQueue(db::Database& db, IdGenerator& ids, const Clock& clock, QueueOptions options)
    : db_(db), ids_(ids), clock_(clock), options_(options) {}

Result<Id> JobQueue::enqueue(db::Conn& c, std::string_view kind, std::string_view payload,
                             std::int64_t run_at, int max_attempts, std::optional<Id> subject_id) {
  const Id id = ids_.next();
  const std::int64_t now = clock_.now_ms();
  if (run_at == 0) run_at = now;
  if (max_attempts <= 0) max_attempts = options_.default_max_attempts;
  RIFF_RETURN_IF_ERROR(
      c.exec("INSERT INTO jobs (id, kind, payload, state, attempts, max_attempts, run_at,"
             " created_at, updated_at, subject_id) VALUES ($1, $2, $3, 0, 0, $4, $5, $6, $6, $7)",
             {id, kind, payload, max_attempts, run_at, now, subject_id})
          .status()
          .with_context("enqueue job"));
  return id;
}

Result<Id> JobQueue::enqueue(std::string_view kind, std::string_view payload, std::int64_t run_at,
                             int max_attempts) {
  return db_.transact_result(
      [&](db::Conn& c) { return enqueue(c, kind, payload, run_at, max_attempts); });
}

Result<std::optional<Job>> JobQueue::claim(std::string_view kind) {
  const std::int64_t now = clock_.now_ms();
  const std::string token = id_to_string(ids_.next());
  auto rows = db_.transact_result([&](db::Conn& c) {
    return c.query(
        std::string(
            "UPDATE jobs SET state = 1, attempts = attempts + 1, lease_owner = $1,"
            " lease_until = $2, updated_at = $3"
            " WHERE id = (SELECT id FROM jobs WHERE state = 0 AND kind = $4 AND run_at <= $3"
            " ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING ") +
            std::string(kJobColumns),
        {token, now + options_.lease_ms, now, kind});
  });
  if (!rows) return rows.status().with_context("claim job");
  if (rows->empty()) return std::optional<Job>();
  return std::optional<Job>(job_from((*rows)[0]));
}

Status JobQueue::heartbeat(const Job& job) {
  auto n =
      db_.exec("UPDATE jobs SET lease_until = $1 WHERE id = $2 AND state = 1 AND lease_owner = $3",
               {clock_.now_ms() + options_.lease_ms, job.id, job.lease_token});
  if (!n) return n.status().with_context("job heartbeat");
  if (*n == 0)
    return Status::conflict("job " + id_to_string(job.id) + " is no longer held by this claim");
  return Status::ok();
}

Status JobQueue::set_progress(const Job& job, double progress) {
  progress = std::clamp(progress, 0.0, 1.0);
  auto n = db_.exec(
      "UPDATE jobs SET progress = $1, lease_until = $2 WHERE id = $3 AND state = 1 AND lease_owner "
      "= $4",
      {progress, clock_.now_ms() + options_.lease_ms, job.id, job.lease_token});
  if (!n) return n.status().with_context("job progress");
  if (*n == 0)
    return Status::conflict("job " + id_to_string(job.id) + " is no longer held by this claim");
  return Status::ok();
}

Status JobQueue::complete(const Job& job) {
  auto n = db_.exec(
      "UPDATE jobs SET state = 2, progress = 1, lease_owner = '', updated_at = $1"
      " WHERE id = $2 AND state = 1 AND lease_owner = $3",
      {clock_.now_ms(), job.id, job.lease_token});
  if (!n) return n.status().with_context("complete job");
  if (*n == 0)
    return Status::conflict("job " + id_to_string(job.id) + " is no longer held by this claim");
  return Status::ok();
}

std::int64_t JobQueue::backoff_ms(int attempt) const {
  std::int64_t d = options_.backoff_base_ms;
  for (int i = 1; i < attempt && d < options_.backoff_max_ms; ++i) d *= 2;
  return std::min(d, options_.backoff_max_ms);
}

Result<JobState> JobQueue::fail(const Job& job, std::string_view error, bool permanent) {
  const std::int64_t now = clock_.now_ms();
  const bool final = permanent || job.attempts >= job.max_attempts;
  const JobState next = final ? JobState::kFailed : JobState::kQueued;
  auto n = db_.exec(
      "UPDATE jobs SET state = $1, run_at = $2, last_error = $3, lease_owner = '', lease_until = 0,"
      " updated_at = $4 WHERE id = $5 AND state = 1 AND lease_owner = $6",
      {static_cast<int>(next), final ? job.run_at : now + backoff_ms(job.attempts), error, now,
       job.id, job.lease_token});
  if (!n) return n.status().with_context("fail job");
  if (*n == 0)
    return Status::conflict("job " + id_to_string(job.id) + " is no longer held by this claim");
  return next;
}

Result<std::int64_t> JobQueue::reclaim_expired() {
  const std::int64_t now = clock_.now_ms();
  return db_.transact_result([&](db::Conn& c) -> Result<std::int64_t> {
    RIFF_ASSIGN_OR_RETURN(
        std::int64_t failed,
        c.exec("UPDATE jobs SET state = 3, lease_owner = '', last_error = $1, updated_at = $2"
               " WHERE state = 1 AND lease_until < $2 AND attempts >= max_attempts",
               {"lease expired on the last attempt", now}));
    RIFF_ASSIGN_OR_RETURN(
        std::int64_t requeued,
        c.exec("UPDATE jobs SET state = 0, lease_owner = '', run_at = $1, updated_at = $1,"
               " last_error = 'lease expired' WHERE state = 1 AND lease_until < $1",
               {now}));
    return failed + requeued;
  });
}

Result<Job> JobQueue::get(Id id) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query("SELECT " + std::string(kJobColumns) + " FROM jobs WHERE id = $1", {id}));
  if (rows.empty()) return Status::not_found("no job " + id_to_string(id));
  return job_from(rows[0]);
}

}  // namespace riff::jobs
