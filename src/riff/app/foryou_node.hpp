#pragma once
// The For You engine's life on one node: the model (restored from the last
// snapshot), its index, the engine, and the node's part in learning:
//
//   both     one node: learns from its own events as they are ingested,
//            snapshots the model every few minutes and at shutdown.
//   learner  of several nodes, exactly one: learns from every node's stored
//            events (tailing the event log a few seconds behind), publishes
//            the touched parameters as deltas (recs::DeltaLog) every
//            delta_seconds, snapshots with a mark of what it covers.
//   serving  the others: keep their viewers' recent state from their own
//            events, take the model from the learner's snapshot and deltas.
//
// A single node (both) holds two models of the same shape: the learner's,
// trained by a recs::OnlineLearner on its own low-priority thread, and the
// serving copy requests score from, which takes the learner's delta every
// second. Requests then never wait for the learner, and learning yields the
// CPU to them. (The learner of several nodes learns on the engine's thread
// into the one model it publishes from; the serving nodes serve.)
//
// The model's files live in the shared data dir (<data_dir>/recs).

#include <array>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "riff/core/clock.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"

namespace riff {
class Metrics;
}

namespace riff::recs {
class AnnIndex;
class DeltaLog;
class EventIngest;
class EventStore;
class Model;
class OnlineLearner;
struct ModelDelta;
}  // namespace riff::recs

namespace riff::video {
class ForYouEngine;
}

namespace riff::app {

struct ForYouNodeOptions {
  std::string role = "both";  // both, learner, serving
  std::filesystem::path dir;  // <data_dir>/recs: model/ and deltas/
  int dim = 64;
  int expire_days = 30;
  int snapshot_seconds = 300;
  int delta_seconds = 60;
  int admit_after = 1;
  std::array<float, 3> head_weights = {1.0f, 1.0f, 1.0f};  // completion, like, share
};

class ForYouNode {
 public:
  /// Restores the model (a bad or missing snapshot starts a fresh one, with a
  /// warning) and loads the engine's catalog; in roles both and serving the
  /// engine becomes a sink of `ingest`.
  static Result<std::unique_ptr<ForYouNode>> create(db::Database& db, const Clock& clock,
                                                    recs::EventStore& events,
                                                    recs::EventIngest& ingest,
                                                    ForYouNodeOptions options);
  ~ForYouNode();

  video::ForYouEngine& engine() { return *engine_; }

  /// riff_foryou_* gauges: the catalog, the index, the model's memory and
  /// the events the learner dropped. `metrics` must not outlive this.
  void add_gauges(Metrics& metrics);

  /// Starts the engine's thread and this role's sync thread.
  void start();
  /// Stops them; a learning node (both, learner) snapshots one last time.
  void stop();

 private:
  ForYouNode(db::Database& db, const Clock& clock, recs::EventStore& events,
             ForYouNodeOptions options);
  void run();           // the sync thread: the role's periodic work
  void snapshot();      // both, learner
  void publish();       // learner
  void tail_events();   // learner
  void apply_deltas();  // serving

  db::Database& db_;
  const Clock& clock_;
  recs::EventStore& events_;
  ForYouNodeOptions options_;
  std::unique_ptr<recs::Model> model_;    // what learns and is snapshotted (or the only one)
  std::unique_ptr<recs::Model> serving_;  // both: what requests score from
  std::unique_ptr<recs::AnnIndex> ann_;
  std::unique_ptr<video::ForYouEngine> engine_;
  // both. After engine_, which it learns through and publishes to, so that
  // it is destroyed first.
  std::unique_ptr<recs::OnlineLearner> learner_;
  std::unique_ptr<recs::DeltaLog> deltas_;
  std::unique_ptr<recs::ModelDelta> unpublished_;  // learner: a delta that could not be written yet
  std::uint64_t delta_seq_ = 0;                    // learner: last published; serving: last applied
  std::int64_t event_cursor_ = 0;  // learner: last stored event handed to the engine

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace riff::app
