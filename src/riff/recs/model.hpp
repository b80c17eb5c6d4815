#pragma once
// The For You ranking model, trained online from the event stream.
//
// A two-tower model over hashed ids in one collisionless EmbeddingTable:
//   viewer vector u = E[viewer] / |E[viewer]| + taste_weight * taste(viewer)
//   video vector  v = E[video] + E[creator] + E[sound] + mean(E[hashtag])
// both L2-normalized, so their inner product is a cosine c in [-1, 1]. The
// towers learn with a cosine contrastive loss (SimpleX, arXiv 2109.12613):
// pull c(u, positive) to 1, push c(u, negative) below a margin, with many
// negatives sampled per batch and shared by its positives, plus the
// viewer's own skips and "not interested" as hard negatives.
//
// Three heads turn c into probabilities of completion, like and share:
//   p_h = sigmoid(alpha_h * c + beta_h + bias_h[video])
// and the ranking score is sum_h weight_h * p_h (weights tunable). The heads
// are trained by logistic loss on the events' labels, with the sampled
// negatives as zeros; they do not move the towers.
//
// Learning and scoring share the tables, so an update is visible to the
// next score() on the same process. Every public member is thread-safe:
// learn() calls may run on several threads at once (lock-free in the
// Hogwild sense: each row update is atomic, a batch is not).

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/recs/embedding_table.hpp"
#include "riff/recs/event.hpp"

namespace riff::recs {

/// What the model knows of a video besides its id.
struct VideoFeatures {
  Id creator = 0;  // 0: unknown
  Id sound = 0;    // 0: none
  std::vector<Id> hashtags;
};

/// Looks up videos' features. Implementations must allow concurrent calls.
class ItemFeatures {
 public:
  virtual ~ItemFeatures() = default;
  virtual std::optional<VideoFeatures> find(Id video) const = 0;
};

/// Videos are only their ids (the Gowalla evaluation).
class NoItemFeatures final : public ItemFeatures {
 public:
  std::optional<VideoFeatures> find(Id) const override { return std::nullopt; }
};

/// Features held in a map: filled first, then only read (tests, offline runs).
class MapItemFeatures final : public ItemFeatures {
 public:
  void put(Id video, VideoFeatures f) { map_[video] = std::move(f); }
  std::optional<VideoFeatures> find(Id video) const override {
    auto it = map_.find(video);
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::unordered_map<Id, VideoFeatures> map_;
};

enum class Head : int { kCompletion = 0, kLike = 1, kShare = 2 };
inline constexpr int kHeads = 3;

struct ModelOptions {
  int dim = 64;
  /// Admission and expiry of the embedding rows (see EmbeddingTable).
  int admit_after = 1;
  std::int64_t expire_after_ms = 0;
  std::size_t sketch_width = std::size_t{1} << 22;
  float init_stddev = 0.1f;

  /// Row-wise Adagrad on the embeddings.
  float learning_rate = 0.05f;
  float l2 = 0.0f;
  /// learn() cuts its input into batches of this many events; each batch
  /// shares `negatives` videos sampled uniformly from the videos seen so far
  /// (or, for `popular_negative_share` of them, from recent positives).
  int batch_size = 1024;
  int negatives = 256;
  float popular_negative_share = 0.0f;
  /// Cosine contrastive loss: a negative costs relu(c - margin), weighted
  /// by negative_weight / negatives per positive; a hard negative (skip,
  /// not interested) costs relu(c - hard_negative_margin) x hard_negative_weight:
  /// a rejected video is pushed further away than an unseen one.
  float margin = 0.7f;
  float negative_weight = 20.0f;
  float hard_negative_margin = 0.0f;
  float hard_negative_weight = 1.0f;

  /// The viewer tower adds taste_weight x the viewer's taste: a running mean
  /// (over about taste_window positives) of the unit vectors of the videos
  /// they engaged with, kept as a row of the table and not trained. It moves
  /// with the first likes of a new viewer, before their own row has learned.
  float taste_weight = 0.0f;
  int taste_window = 50;

  float head_learning_rate = 0.02f;
  std::array<float, kHeads> head_weights = {1.0f, 1.0f, 1.0f};
  std::uint64_t seed = 42;
};

/// Video vectors and head biases for a fixed list of videos, ready to be
/// scored against many viewers at once (candidate ranking, offline evaluation).
struct ItemMatrix {
  std::vector<Id> videos;
  std::vector<float> vectors;  // videos.size() x dim, row-major, unit length (or zero)
  std::vector<float> biases;   // videos.size() x kHeads
};

/// Everything that changed since the last take_delta(), for serving replicas.
struct ModelDelta {
  EmbeddingDelta embeddings;
  EmbeddingDelta head_biases;
  std::array<float, kHeads> alpha{};
  std::array<float, kHeads> beta{};
};

class Model {
 public:
  explicit Model(ModelOptions options);
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const ModelOptions& options() const { return options_; }
  int dim() const { return options_.dim; }

  /// Learns from events as they come (any order, any mix of viewers).
  /// Videos whose features `features` does not know learn by id alone.
  void learn(std::span<const Event> events, const ItemFeatures& features);

  /// Ranking scores of `videos` for `viewer` (higher is better), in order.
  std::vector<float> score(Id viewer, std::span<const Id> videos,
                           const ItemFeatures& features) const;
  /// The three heads' probabilities for one (viewer, video).
  std::array<float, kHeads> predict(Id viewer, Id video, const ItemFeatures& features) const;

  /// Unit-length viewer and video vectors (zeros when unknown): their inner
  /// product is the model's similarity, for nearest-neighbour candidates.
  std::vector<float> user_vector(Id viewer) const;
  std::vector<float> item_vector(Id video, const ItemFeatures& features) const;

  ItemMatrix item_matrix(std::span<const Id> videos, const ItemFeatures& features) const;
  /// Scores of every video in `items` for viewers whose unit vectors are the
  /// rows of `users` (n x dim, row-major): returns n x items.videos.size().
  std::vector<float> score_matrix(std::span<const float> users, const ItemMatrix& items) const;
  /// The same into `out` (n x items.videos.size()), without allocating.
  void score_matrix(std::span<const float> users, const ItemMatrix& items,
                    std::span<float> out) const;

  /// Videos seen in events (and not expired): what negatives are drawn from.
  std::vector<Id> known_videos() const;

  /// Removes rows untouched for expire_after_ms; returns how many.
  std::size_t expire(std::int64_t now_ms);
  std::size_t bytes_used() const;

  ModelDelta take_delta();
  Status apply_delta(const ModelDelta& delta);

  /// Writes the model under `dir` (created): each file via temp + rename.
  Status snapshot(const std::filesystem::path& dir) const;
  /// Loads what snapshot() wrote; refuses (and keeps the current state)
  /// when a file is missing, corrupt, or of another dim.
  Status restore(const std::filesystem::path& dir);

 private:
  struct Impl;
  ModelOptions options_;
  std::unique_ptr<Impl> impl_;
};

/// Feeds a Model from the event stream: what ingestion calls after storing
/// events. The model and the features must outlive the sink.
class ModelLearner final : public EventSink {
 public:
  ModelLearner(Model& model, const ItemFeatures& features) : model_(model), features_(features) {}
  void on_events(std::span<const Event> events) override { model_.learn(events, features_); }

 private:
  Model& model_;
  const ItemFeatures& features_;
};

}  // namespace riff::recs
