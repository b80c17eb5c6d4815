#include "riff/jobs/worker.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace riff::jobs {

Worker::Worker(JobQueue& queue, WorkerOptions options) : queue_(queue), options_(options) {
  if (options_.concurrency <= 0)
    options_.concurrency = std::max(1u, std::thread::hardware_concurrency());
  if (options_.heartbeat_ms <= 0)
    options_.heartbeat_ms = std::max<std::int64_t>(queue.options().lease_ms / 3, 10);
}

Worker::~Worker() {
  stop();
}

void Worker::handle(std::string kind, JobHandler handler) {
  handlers_[std::move(kind)] = std::move(handler);
}

void Worker::start() {
  std::lock_guard lock(mu_);
  if (started_) return;
  started_ = true;
  for (int i = 0; i < options_.concurrency; ++i) threads_.emplace_back([this] { run_loop(); });
  heartbeat_ = std::thread([this] { heartbeat_loop(); });
}

void Worker::stop() {
  {
    std::lock_guard lock(mu_);
    if (!started_ || stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
  heartbeat_.join();
  threads_.clear();
}

void Worker::wake() {
  {
    std::lock_guard lock(mu_);
    wake_pending_ = true;
  }
  cv_.notify_all();
}

void Worker::run_loop() {
  while (!stopping_) {
    bool worked = false;
    try {
      worked = run_one();
    } catch (const std::exception& e) {
      spdlog::error("jobs: worker loop: {}", e.what());
    }
    if (worked) continue;
    std::unique_lock lock(mu_);
    // The predicate must see the wake: a notify whose predicate is still
    // false only puts the thread back to sleep until the poll timeout.
    cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms),
                 [this] { return stopping_.load() || wake_pending_; });
    wake_pending_ = false;
  }
}

bool Worker::run_one() {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                       .count();
  std::int64_t due = next_reclaim_ms_.load();
  const std::int64_t every =
      std::max<std::int64_t>(options_.poll_ms, queue_.options().lease_ms / 4);
  if (now >= due && next_reclaim_ms_.compare_exchange_strong(due, now + every)) {
    if (auto n = queue_.reclaim_expired(); n && *n > 0) {
      spdlog::info("jobs: reclaimed {} expired leases", *n);
      if (options_.after_reclaim) options_.after_reclaim();
    }
  }
  for (const auto& [kind, handler] : handlers_) {
    if (stopping_) return false;
    auto claimed = queue_.claim(kind);
    if (!claimed) {
      spdlog::warn("jobs: claim {}: {}", kind, claimed.status().message());
      continue;
    }
    if (!*claimed) continue;
    Job job = std::move(**claimed);
    {
      std::lock_guard lock(mu_);
      running_[job.id] = job;
    }
    JobOutcome outcome;
    try {
      JobContext ctx(queue_, job, stopping_);
      outcome = handler(ctx);
    } catch (const std::exception& e) {
      outcome = JobOutcome::retry(std::string("handler threw: ") + e.what());
    }
    {
      std::lock_guard lock(mu_);
      running_.erase(job.id);
    }
    if (outcome.kind == JobOutcome::Kind::kDone) {
      if (auto st = queue_.complete(job); !st)
        spdlog::warn("jobs: complete {}: {}", job.id, st.message());
    } else {
      auto st = queue_.fail(job, outcome.error, outcome.kind == JobOutcome::Kind::kFailPermanently);
      if (!st) {
        spdlog::warn("jobs: fail {}: {}", job.id, st.status().message());
      } else {
        spdlog::info("jobs: {} {} attempt {} failed ({}): {}", kind, job.id, job.attempts,
                     *st == JobState::kFailed ? "final" : "will retry", outcome.error);
      }
    }
    return true;
  }
  return false;
}

void Worker::heartbeat_loop() {
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(options_.heartbeat_ms),
                       [this] { return stopping_.load(); })) {
    std::vector<Job> held;
    for (const auto& [id, job] : running_) held.push_back(job);
    lock.unlock();
    for (const auto& job : held) {
      if (auto st = queue_.heartbeat(job); !st)
        spdlog::warn("jobs: heartbeat {}: {}", job.id, st.message());
    }
    lock.lock();
  }
}

}  // namespace riff::jobs
