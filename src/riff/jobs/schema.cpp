#include "riff/jobs/schema.hpp"

namespace riff::jobs {

// state: 0 queued, 1 running (leased), 2 done, 3 failed for good.
// lease_owner holds the token of the claim that runs the job.
std::vector<db::Migration> migrations() {
  return {
      {50, "jobs", R"sql(
CREATE TABLE jobs (
  id BIGINT PRIMARY KEY,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL DEFAULT '{}',
  state INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 5,
  run_at BIGINT NOT NULL,
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_until BIGINT NOT NULL DEFAULT 0,
  progress DOUBLE PRECISION NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX jobs_due ON jobs (state, kind, run_at);
CREATE INDEX jobs_lease ON jobs (state, lease_until))sql",
       std::nullopt},
      // What a job is about (a video for "transcode"), so that its owner can
      // find jobs that failed for good without parsing payloads.
      {51, "jobs_subject", R"sql(
ALTER TABLE jobs ADD COLUMN subject_id BIGINT;
CREATE INDEX jobs_subject ON jobs (kind, state, subject_id))sql",
       std::nullopt},
  };
}

}  // namespace riff::jobs
