#include "riff/app/foryou_node.hpp"

#include <spdlog/spdlog.h>

#include "riff/core/ids.hpp"
#include "riff/core/metrics.hpp"
#include "riff/recs/ann_index.hpp"
#include "riff/recs/event_store.hpp"
#include "riff/recs/ingest.hpp"
#include "riff/recs/model.hpp"
#include "riff/recs/model_sync.hpp"
#include "riff/recs/online_learner.hpp"
#include "riff/video/foryou_engine.hpp"

namespace riff::app {

namespace fs = std::filesystem;

namespace {
constexpr std::int64_t kTailLagMs =
    5'000;  // events younger than this may still be committing elsewhere
constexpr std::int64_t kFirstTailMs =
    24 * 3'600'000LL;  // a learner without a snapshot starts a day back
constexpr std::int64_t kKeepDeltasMs =
    3'600'000;  // deltas covered by a snapshot are kept this long

void append(recs::EmbeddingDelta& to, const recs::EmbeddingDelta& more) {
  to.keys.insert(to.keys.end(), more.keys.begin(), more.keys.end());
  to.weights.insert(to.weights.end(), more.weights.begin(), more.weights.end());
  to.touched_ms.insert(to.touched_ms.end(), more.touched_ms.begin(), more.touched_ms.end());
  to.removed.insert(to.removed.end(), more.removed.begin(), more.removed.end());
}
}  // namespace

ForYouNode::ForYouNode(db::Database& db, const Clock& clock, recs::EventStore& events,
                       ForYouNodeOptions options)
    : db_(db), clock_(clock), events_(events), options_(std::move(options)) {}

ForYouNode::~ForYouNode() {
  stop();
}

Result<std::unique_ptr<ForYouNode>> ForYouNode::create(db::Database& db, const Clock& clock,
                                                       recs::EventStore& events,
                                                       recs::EventIngest& ingest,
                                                       ForYouNodeOptions options) {
  if (options.role != "both" && options.role != "learner" && options.role != "serving") {
    return Status::invalid("/recs/role", "role must be both, learner or serving");
  }
  std::unique_ptr<ForYouNode> n(new ForYouNode(db, clock, events, std::move(options)));
  const fs::path model_dir = n->options_.dir / "model";
  recs::ModelOptions mo;
  mo.dim = n->options_.dim;
  mo.expire_after_ms = std::int64_t{n->options_.expire_days} * 24 * 3'600'000;
  mo.admit_after = n->options_.admit_after;
  mo.head_weights = n->options_.head_weights;
  // One node learns into its own model and serves from a copy. The learner
  // of several nodes learns and serves from one: its deltas go to the
  // DeltaLog every delta_seconds, and the other nodes do the serving.
  const bool split = n->options_.role == "both";
  n->model_ = std::make_unique<recs::Model>(mo);
  if (split) n->serving_ = std::make_unique<recs::Model>(mo);
  n->deltas_ = std::make_unique<recs::DeltaLog>(n->options_.dir / "deltas");
  if (fs::exists(model_dir / "params.snap")) {
    if (auto st = n->model_->restore(model_dir); !st) {
      spdlog::warn("for you: starting with a fresh model; the snapshot in {} was not loaded: {}",
                   model_dir.string(), st.message());
    } else {
      if (n->serving_) {
        if (auto copy = n->serving_->restore(model_dir); !copy) {
          // Read once already: only a file changed meanwhile gets here.
          return copy.with_context("for you: the serving copy of the model");
        }
      }
      if (auto mark = recs::read_sync_mark(model_dir); mark) {
        n->delta_seq_ = mark->delta_seq;
        n->event_cursor_ = mark->event_id;
      }
    }
  }
  if (n->options_.role == "learner") {
    // Publish after what is on disk, whatever the snapshot covers.
    n->delta_seq_ = std::max(n->delta_seq_, n->deltas_->last());
    if (n->event_cursor_ == 0)
      n->event_cursor_ = IdGenerator::min_id_at(clock.now_ms() - kFirstTailMs);
  }
  n->ann_ = std::make_unique<recs::AnnIndex>(mo.dim);
  video::ForYouOptions eo;
  eo.learn = n->options_.role != "serving";
  n->engine_ = std::make_unique<video::ForYouEngine>(db, clock, split ? *n->serving_ : *n->model_,
                                                     *n->ann_, eo);
  if (split) {
    video::ForYouEngine* engine = n->engine_.get();
    n->learner_ = std::make_unique<recs::OnlineLearner>(
        *n->model_, *engine, clock, recs::OnlineLearner::Options{},
        [engine](recs::LearnedDelta learned) { engine->on_learned(std::move(learned)); });
    engine->attach_learner(*n->learner_);
  }
  if (n->options_.role == "serving") n->apply_deltas();  // catch up before the index is built
  if (auto st = n->engine_->load(); !st) return st.with_context("for you");
  // The learner takes every node's events from the log instead.
  if (n->options_.role != "learner") ingest.add_sink(n->engine_.get());
  return n;
}

void ForYouNode::add_gauges(Metrics& metrics) {
  metrics.gauge("riff_foryou_catalog_videos", "Videos For You may recommend (in memory)",
                [engine = engine_.get()] { return static_cast<double>(engine->catalog_size()); });
  metrics.gauge("riff_foryou_index_vectors", "Video vectors in For You's nearest-neighbour index",
                [ann = ann_.get()] { return static_cast<double>(ann->size()); });
  metrics.gauge("riff_foryou_index_bytes", "Memory of For You's nearest-neighbour index",
                [ann = ann_.get()] { return static_cast<double>(ann->memory_bytes()); });
  metrics.gauge(
      "riff_foryou_model_bytes", "Memory of the For You model's tables (with the serving copy)",
      [model = model_.get(), serving = serving_.get()] {
        return static_cast<double>(model->bytes_used() + (serving ? serving->bytes_used() : 0));
      });
  metrics.gauge("riff_foryou_events_dropped",
                "Events the For You learner dropped, being too far behind",
                [engine = engine_.get()] { return static_cast<double>(engine->events_dropped()); });
}

void ForYouNode::start() {
  engine_->start();
  if (learner_) learner_->start();
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void ForYouNode::stop() {
  {
    std::lock_guard lock(mu_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  engine_->stop();
  if (learner_) learner_->stop();  // before the snapshot: what it learned last
  if (options_.role == "learner") publish();
  if (options_.role != "serving") snapshot();
}

void ForYouNode::run() {
  const std::int64_t tick_ms =
      options_.role == "both" ? std::int64_t{options_.snapshot_seconds} * 1000 : 1000;
  std::int64_t last_snapshot = clock_.now_ms(), last_publish = clock_.now_ms();
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(tick_ms), [&] { return stopping_; })) {
    lock.unlock();
    const std::int64_t now = clock_.now_ms();
    if (options_.role == "learner") {
      tail_events();
      if (now - last_publish >= std::int64_t{options_.delta_seconds} * 1000) {
        publish();
        last_publish = now;
      }
    } else if (options_.role == "serving") {
      apply_deltas();
    }
    if (options_.role != "serving" &&
        now - last_snapshot >= std::int64_t{options_.snapshot_seconds} * 1000) {
      if (learner_) {
        learner_->expire(now);  // in order with the learner's deltas
      } else {
        model_->expire(now);
      }
      snapshot();
      last_snapshot = now;
    }
    lock.lock();
  }
}

void ForYouNode::snapshot() {
  const fs::path model_dir = options_.dir / "model";
  if (auto st = model_->snapshot(model_dir); !st) {
    spdlog::warn("for you: the model snapshot failed: {}", st.message());
    return;
  }
  if (options_.role != "learner") return;
  // The snapshot holds every parameter up to now, so it covers the deltas
  // published so far; serving nodes that start later skip them.
  if (auto st = recs::write_sync_mark(model_dir, {delta_seq_, event_cursor_}); !st) {
    spdlog::warn("for you: {}", st.message());
    return;
  }
  // Deltas the snapshot covers stay an hour for serving nodes still
  // catching up; a node further behind restores the snapshot instead.
  auto all = deltas_->after(0);
  if (!all) return;
  std::uint64_t old_enough = 0;
  for (std::uint64_t seq : *all) {
    std::error_code ec;
    const auto written = fs::last_write_time(deltas_->path_of(seq), ec);
    if (ec || seq > delta_seq_ ||
        fs::file_time_type::clock::now() - written < std::chrono::milliseconds(kKeepDeltasMs))
      break;
    old_enough = seq;
  }
  if (old_enough > 0) deltas_->prune(old_enough);
}

void ForYouNode::publish() {
  recs::ModelDelta delta = model_->take_delta();
  const bool empty = delta.embeddings.keys.empty() && delta.embeddings.removed.empty() &&
                     delta.head_biases.keys.empty();
  if (unpublished_) {
    // The last one could not be written: it goes first, so order holds.
    auto seq = deltas_->publish(*unpublished_);
    if (!seq) {
      spdlog::warn("for you: publishing a model delta failed again: {}", seq.status().message());
      // Rows are absolute values applied in order: appending keeps the newest.
      append(unpublished_->embeddings, delta.embeddings);
      append(unpublished_->head_biases, delta.head_biases);
      unpublished_->alpha = delta.alpha;
      unpublished_->beta = delta.beta;
      return;
    }
    delta_seq_ = *seq;
    unpublished_.reset();
  }
  if (empty) return;
  auto seq = deltas_->publish(delta);
  if (!seq) {
    spdlog::warn("for you: publishing a model delta failed: {}", seq.status().message());
    unpublished_ = std::make_unique<recs::ModelDelta>(std::move(delta));
    return;
  }
  delta_seq_ = *seq;
  spdlog::debug("for you: published model delta {} ({} rows)", *seq, delta.embeddings.keys.size());
}

void ForYouNode::tail_events() {
  const Id before = IdGenerator::min_id_at(clock_.now_ms() - kTailLagMs);
  auto last = events_.tail(event_cursor_, before, 5'000, [&](std::span<const recs::Event> page) {
    engine_->on_events(page);
    return !stopping_;
  });
  if (!last) {
    spdlog::warn("for you: reading the event log failed: {}", last.status().message());
    return;
  }
  if (*last != event_cursor_) spdlog::debug("for you: learning stored events up to {}", *last);
  event_cursor_ = *last;
}

void ForYouNode::apply_deltas() {
  auto seqs = deltas_->after(delta_seq_);
  if (!seqs) return;
  for (std::uint64_t seq : *seqs) {
    if (delta_seq_ != 0 && seq != delta_seq_ + 1) {
      // Missed some (pruned while this node was behind): the learner's
      // latest snapshot covers them.
      const fs::path model_dir = options_.dir / "model";
      auto mark = recs::read_sync_mark(model_dir);
      if (mark && mark->delta_seq >= delta_seq_ && model_->restore(model_dir)) {
        spdlog::info("for you: caught up from the learner's snapshot (delta {})", mark->delta_seq);
        delta_seq_ = mark->delta_seq;
        if (seq <= delta_seq_) continue;
      }
    }
    auto delta = deltas_->read(seq);
    if (!delta) {
      spdlog::warn("for you: {}", delta.status().message());
      return;  // retried on the next tick
    }
    if (auto st = engine_->apply_delta(*delta); !st) {
      spdlog::warn("for you: applying model delta {} failed: {}", seq, st.message());
      return;
    }
    delta_seq_ = seq;
    spdlog::debug("for you: applied model delta {}", seq);
  }
}

}  // namespace riff::app
