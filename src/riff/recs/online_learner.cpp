#include "riff/recs/online_learner.hpp"

#include <utility>

#include "riff/core/thread_priority.hpp"

namespace riff::recs {

OnlineLearner::OnlineLearner(Model& model, const ItemFeatures& features, const Clock& clock,
                             Options options, Publish publish)
    : model_(model),
      features_(features),
      clock_(clock),
      options_(options),
      publish_(std::move(publish)) {}

OnlineLearner::~OnlineLearner() {
  stop();
}

std::uint64_t OnlineLearner::submit(std::vector<Event> batch) {
  std::lock_guard lock(mu_);
  const std::uint64_t seq = ++submitted_;
  if (queued_events_ + batch.size() > options_.max_queued) {
    // Learned by nobody, but still numbered: a publication's learned_through
    // passes it, so whoever waits on it is not kept waiting.
    dropped_ += static_cast<std::int64_t>(batch.size());
    queue_.emplace_back(seq, std::vector<Event>{});
  } else {
    queued_events_ += batch.size();
    queue_.emplace_back(seq, std::move(batch));
  }
  cv_.notify_one();
  return seq;
}

std::int64_t OnlineLearner::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

void OnlineLearner::learn_pending(std::optional<std::int64_t> until_ms) {
  for (;;) {
    std::pair<std::uint64_t, std::vector<Event>> next;
    {
      std::lock_guard lock(mu_);
      if (queue_.empty() || (until_ms && (stopping_ || clock_.now_ms() >= *until_ms))) return;
      next = std::move(queue_.front());
      queue_.pop_front();
      queued_events_ -= next.second.size();
    }
    if (!next.second.empty()) model_.learn(next.second, features_);
    learned_ = next.first;
  }
}

void OnlineLearner::expire(std::int64_t now_ms) {
  {
    std::lock_guard lock(mu_);
    if (thread_.joinable()) {
      expire_at_ = now_ms;
      cv_.notify_one();
      return;
    }
  }
  (void)model_.expire(now_ms);
}

void OnlineLearner::publish() {
  LearnedDelta out;
  out.delta = model_.take_delta();
  out.learned_through = learned_;
  publish_(std::move(out));
}

void OnlineLearner::run_once() {
  learn_pending(std::nullopt);
  publish();
}

void OnlineLearner::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    // Requests read the serving model only, which the publication's
    // receiver writes: none of them waits for a lock this thread holds.
    (void)lower_this_thread_priority(options_.nice);
    std::int64_t next_publish = clock_.now_ms() + options_.publish_ms;
    std::unique_lock lock(mu_);
    while (!stopping_) {
      const std::int64_t wait = std::max<std::int64_t>(0, next_publish - clock_.now_ms());
      cv_.wait_for(lock, std::chrono::milliseconds(wait),
                   [&] { return stopping_ || !queue_.empty() || expire_at_ != 0; });
      if (stopping_) break;
      const std::int64_t expire_at = std::exchange(expire_at_, 0);
      lock.unlock();
      // A learner behind its queue still publishes every publish_ms: serving
      // keeps moving, and the engine's list of unpublished batches stays short.
      learn_pending(next_publish);
      // Expiry here, not on the caller's thread: a row erased while this
      // thread re-creates it would reach serving as removed after the
      // delta that set it.
      if (expire_at != 0) (void)model_.expire(expire_at);
      if (expire_at != 0 || clock_.now_ms() >= next_publish) {
        publish();
        next_publish = clock_.now_ms() + options_.publish_ms;
      }
      lock.lock();
    }
  });
}

void OnlineLearner::stop() {
  std::thread t;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    t = std::move(thread_);
  }
  cv_.notify_all();
  if (!t.joinable()) return;
  t.join();
  publish();
}

}  // namespace riff::recs
