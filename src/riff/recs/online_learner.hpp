#pragma once
// OnlineLearner: Monolith's training/serving split inside one process.
//
// The learner trains its own Model from the event batches it is given, on
// its own thread at a lower CPU priority, and every `publish_ms` hands the
// rows it changed (Model::take_delta) to a callback, which applies them to
// the serving Model. Requests score from the serving model only, so they
// never wait for a lock the learner holds: the learner may be preempted at
// any moment (it runs at nice +10 beside interactive work) without making
// a request wait for it. (It does take read locks of its ItemFeatures, as
// requests do; a writer of those may wait for it.) Serving lags learning
// by one publication, also when the learner is behind its queue.
//
// The same deltas feed other nodes (app/foryou_node.cpp writes them to the
// shared DeltaLog); the learner's model is what gets snapshotted.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/recs/event.hpp"
#include "riff/recs/model.hpp"

namespace riff::recs {

/// One publication: the rows changed since the previous one, and the last
/// batch (submit()'s number) whose learning they include.
struct LearnedDelta {
  ModelDelta delta;
  std::uint64_t learned_through = 0;
};

class OnlineLearner {
 public:
  struct Options {
    std::int64_t publish_ms = 1'000;
    /// Events waiting to be learned at most; a batch that would go past it
    /// is dropped (and counted): the events are stored, a replay can relearn
    /// them, and memory stays bounded when the learner falls behind.
    std::size_t max_queued = 1'000'000;
    /// How much lower the learner thread's CPU priority is (thread_priority.hpp).
    int nice = 10;
  };
  /// Called on the learner's thread (or run_once()'s caller) with each
  /// publication; must not block for long.
  using Publish = std::function<void(LearnedDelta)>;

  /// `model` is the learner's own (nobody else may learn into it or take its
  /// deltas); `features` must allow concurrent calls. All must outlive this.
  OnlineLearner(Model& model, const ItemFeatures& features, const Clock& clock, Options options,
                Publish publish);
  ~OnlineLearner();
  OnlineLearner(const OnlineLearner&) = delete;
  OnlineLearner& operator=(const OnlineLearner&) = delete;

  /// Queues a batch to learn; returns its number (1, 2, ...), which a later
  /// publication's learned_through reaches once the batch is learned (or
  /// dropped). Cheap: any thread.
  std::uint64_t submit(std::vector<Event> batch);

  /// Starts the learner's thread.
  void start();
  /// Stops it after the batch in hand, then publishes what it learned. The
  /// batches still queued are not learned.
  void stop();
  /// Learns everything queued and publishes, on the calling thread (tests,
  /// and engines stepped by hand). Not while the thread runs.
  void run_once();
  /// Removes the model's rows untouched since `now_ms` minus its expiry
  /// (Model::expire), on the learner's thread before its next publication
  /// (at once when the thread is not running), so that serving removes them
  /// in order with the learner's other changes.
  void expire(std::int64_t now_ms);

  /// Events dropped because too many were waiting.
  std::int64_t dropped() const;
  Model& model() { return model_; }

 private:
  /// Learns the queue batch by batch; with `until_ms`, returns early at
  /// stop() or once the clock reaches it.
  void learn_pending(std::optional<std::int64_t> until_ms);
  void publish();

  Model& model_;
  const ItemFeatures& features_;
  const Clock& clock_;
  Options options_;
  Publish publish_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<std::uint64_t, std::vector<Event>>> queue_;
  std::size_t queued_events_ = 0;
  std::uint64_t submitted_ = 0;
  std::uint64_t learned_ = 0;  // learner thread (or run_once) only
  std::int64_t dropped_ = 0;
  std::int64_t expire_at_ = 0;  // an expire() for the thread (0: none)
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace riff::recs
