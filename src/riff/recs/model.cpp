#include "riff/recs/model.hpp"

#include <cblas.h>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <Eigen/Dense>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <shared_mutex>
#include <unordered_set>

#include "riff/recs/feature_key.hpp"

namespace riff::recs {

namespace {

using Mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vec = Eigen::VectorXf;

/// c = a * b^T for row-major a (m x k) and b (n x k). OpenBLAS picks the
/// CPU's widest vector unit at run time, whatever riff was compiled for.
void gemm_abt(const float* a, int m, const float* b, int n, int k, float* c) {
  if (m == 0 || n == 0) return;
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0f, a, k, b, k, 0.0f, c, n);
}

float sigmoid(float x) {
  return 1.0f / (1.0f + std::exp(-x));
}

/// What one event teaches. weight > 0: the viewer wants the video (pull
/// the towers together); < 0: the viewer rejected it (a hard negative).
struct Lesson {
  Id viewer = 0;
  Id video = 0;
  float weight = 0.0f;
  std::array<float, kHeads> label{};
  std::array<bool, kHeads> has_label{};
};

std::optional<Lesson> lesson_of(const Event& e) {
  if (e.viewer == 0 || e.video == 0) return std::nullopt;
  Lesson l;
  l.viewer = e.viewer;
  l.video = e.video;
  auto set = [&](Head h, float y) {
    l.label[static_cast<int>(h)] = y;
    l.has_label[static_cast<int>(h)] = true;
  };
  switch (e.kind) {
    case EventKind::kWatch: {
      if (e.duration_ms <= 0) return std::nullopt;
      const float r = std::clamp(static_cast<float>(e.watch_ms) / e.duration_ms, 0.0f, 1.0f);
      set(Head::kCompletion, r >= 0.9f ? 1.0f : r);
      l.weight = r >= 0.5f ? r : (r < 0.2f ? -0.5f : 0.0f);
      break;
    }
    case EventKind::kReplay:
      set(Head::kCompletion, 1.0f);
      l.weight = 1.0f;
      break;
    case EventKind::kLike:
      set(Head::kLike, 1.0f);
      l.weight = 1.0f;
      break;
    case EventKind::kUnlike:
      set(Head::kLike, 0.0f);
      break;
    case EventKind::kShare:
      set(Head::kShare, 1.0f);
      l.weight = 1.5f;
      break;
    case EventKind::kComment:
    case EventKind::kFollow:
      l.weight = 1.0f;
      break;
    case EventKind::kProfileVisit:
      l.weight = 0.5f;
      break;
    case EventKind::kSkip:
      set(Head::kCompletion, 0.0f);
      l.weight = -1.0f;
      break;
    case EventKind::kNotInterested:
      for (int h = 0; h < kHeads; ++h) set(static_cast<Head>(h), 0.0f);
      l.weight = -2.0f;
      break;
    case EventKind::kImpression:
      return std::nullopt;
  }
  return l;
}

/// A video's vector is a weighted sum of feature rows: (key, weight) terms.
using Terms = std::vector<std::pair<std::uint64_t, float>>;

Terms terms_of(Id video, const ItemFeatures& features) {
  Terms t;
  t.reserve(8);
  t.emplace_back(feature_key(FeatureKind::kVideo, video), 1.0f);
  if (auto f = features.find(video)) {
    if (f->creator != 0) t.emplace_back(feature_key(FeatureKind::kCreator, f->creator), 1.0f);
    if (f->sound != 0) t.emplace_back(feature_key(FeatureKind::kSound, f->sound), 1.0f);
    const float share = f->hashtags.empty() ? 0.0f : 1.0f / f->hashtags.size();
    for (Id tag : f->hashtags) t.emplace_back(feature_key(FeatureKind::kHashtag, tag), share);
  }
  return t;
}

/// Row-wise Adagrad (one accumulator per row, as in DLRM's sparse
/// optimizers): half the state of per-coordinate Adagrad, same behaviour on
/// embedding rows whose coordinates see similar gradients.
struct AdagradStep {
  const float* grad;
  float scale;  // multiplies grad
  float lr;
  float l2;
  void operator()(std::span<float> w, float& acc) const {
    const std::size_t d = w.size();
    float sq = 0.0f;
    for (std::size_t i = 0; i < d; ++i) {
      const float g = scale * grad[i] + l2 * w[i];
      sq += g * g;
    }
    acc += sq / d;
    const float step = lr / (std::sqrt(acc) + 1e-8f);
    for (std::size_t i = 0; i < d; ++i) w[i] -= step * (scale * grad[i] + l2 * w[i]);
  }
};

constexpr char kParamsMagic[8] = {'R', 'I', 'F', 'F', 'M', 'D', 'L', '\0'};
constexpr std::uint32_t kParamsVersion = 1;

}  // namespace

struct Model::Impl {
  EmbeddingTable embeddings;
  EmbeddingTable head_biases;  // per video: one bias per head

  mutable std::mutex head_mu;
  std::array<float, kHeads> alpha{};
  std::array<float, kHeads> beta{};

  // The videos negatives are drawn from, and a ring of recent positives.
  mutable std::shared_mutex pool_mu;
  std::vector<Id> pool;
  std::unordered_set<Id> in_pool;
  std::vector<Id> recent;
  std::size_t recent_next = 0;

  std::atomic<std::uint64_t> batches{0};

  static EmbeddingTable::Options table_options(const ModelOptions& o, int dim, float stddev) {
    EmbeddingTable::Options t;
    t.dim = dim;
    t.admit_after = o.admit_after;
    t.expire_after_ms = o.expire_after_ms;
    t.init_stddev = stddev;
    t.sketch_width = o.sketch_width;
    t.seed = o.seed;
    return t;
  }

  explicit Impl(const ModelOptions& o)
      : embeddings(table_options(o, o.dim, o.init_stddev)),
        head_biases(table_options(o, kHeads, 0.0f)) {
    alpha.fill(5.0f);
    beta.fill(-2.0f);
  }

  void add_to_pool(std::span<const Id> videos, std::span<const Id> positives) {
    std::unique_lock lock(pool_mu);
    for (Id v : videos)
      if (in_pool.insert(v).second) pool.push_back(v);
    constexpr std::size_t kRecent = 1 << 16;
    for (Id v : positives) {
      if (recent.size() < kRecent) {
        recent.push_back(v);
      } else {
        recent[recent_next] = v;
        recent_next = (recent_next + 1) % kRecent;
      }
    }
  }

  std::vector<Id> sample(int n, float popular_share, std::mt19937_64& rng) const {
    std::shared_lock lock(pool_mu);
    std::vector<Id> out;
    if (pool.empty()) return out;
    out.reserve(n);
    std::uniform_real_distribution<float> coin(0.0f, 1.0f);
    for (int i = 0; i < n; ++i) {
      const bool popular = !recent.empty() && coin(rng) < popular_share;
      const auto& from = popular ? recent : pool;
      out.push_back(from[rng() % from.size()]);
    }
    return out;
  }

  /// Unit vector of a video into `out`, from its feature rows. Returns the
  /// raw vector's norm (0 when no feature has a row).
  float item_unit(const Terms& terms, float* out) const {
    const int d = embeddings.dim();
    std::fill(out, out + d, 0.0f);
    for (const auto& [key, a] : terms) embeddings.add_to(key, a, std::span<float>(out, d));
    return normalize(out, d);
  }

  /// Unit viewer vector into `out`; `e_unit` gets E[viewer]'s unit vector.
  /// Returns {|E[viewer]|, |E/|E| + taste_weight x taste|} (0: no row / zero).
  std::pair<float, float> user_unit(Id viewer, float taste_weight, float* out,
                                    float* e_unit) const {
    const int d = embeddings.dim();
    embeddings.read(feature_key(FeatureKind::kViewer, viewer), std::span<float>(e_unit, d));
    const float e_norm = normalize(e_unit, d);
    std::copy(e_unit, e_unit + d, out);
    if (taste_weight > 0)
      embeddings.add_to(feature_key(FeatureKind::kViewerTaste, viewer), taste_weight,
                        std::span<float>(out, d));
    return {e_norm, normalize(out, d)};
  }

  static float normalize(float* v, int d) {
    float n = 0.0f;
    for (int i = 0; i < d; ++i) n += v[i] * v[i];
    n = std::sqrt(n);
    if (n > 1e-12f)
      for (int i = 0; i < d; ++i) v[i] /= n;
    return n;
  }
};

Model::Model(ModelOptions options) : options_(options), impl_(std::make_unique<Impl>(options_)) {
  // The model's products are small and run on callers' threads (ingestion,
  // request handlers, evaluation workers): parallelism lives above BLAS.
  openblas_set_num_threads(1);
}

Model::~Model() = default;

void Model::learn(std::span<const Event> events, const ItemFeatures& features) {
  const std::size_t batch = std::max(1, options_.batch_size);
  for (std::size_t start = 0; start < events.size(); start += batch) {
    const auto chunk = events.subspan(start, std::min(batch, events.size() - start));
    const int d = options_.dim;
    Impl& m = *impl_;

    std::vector<Lesson> lessons;
    lessons.reserve(chunk.size());
    std::int64_t now = 0;
    for (const Event& e : chunk) {
      if (auto l = lesson_of(e)) lessons.push_back(*l);
      now = std::max(now, e.at_ms);
    }
    if (lessons.empty()) continue;

    // Index the batch's viewers and videos; count their features for admission.
    std::unordered_map<Id, int> user_at, item_at;
    std::vector<Id> users, items;
    std::vector<Terms> item_terms;
    std::vector<Id> seen, positives;
    auto index_item = [&](Id video) {
      auto [it, fresh] = item_at.try_emplace(video, static_cast<int>(items.size()));
      if (fresh) {
        items.push_back(video);
        item_terms.push_back(terms_of(video, features));
      }
      return it->second;
    };
    std::vector<std::pair<int, int>> at;  // lesson -> (user, item)
    at.reserve(lessons.size());
    for (const Lesson& l : lessons) {
      auto [ut, ufresh] = user_at.try_emplace(l.viewer, static_cast<int>(users.size()));
      if (ufresh) users.push_back(l.viewer);
      const int ii = index_item(l.video);
      at.emplace_back(ut->second, ii);
      m.embeddings.observe(feature_key(FeatureKind::kViewer, l.viewer), now);
      for (const auto& [key, a] : item_terms[ii]) m.embeddings.observe(key, now);
      m.head_biases.observe(feature_key(FeatureKind::kVideo, l.video), now);
      if (m.embeddings.contains(feature_key(FeatureKind::kVideo, l.video))) seen.push_back(l.video);
      if (l.weight > 0) positives.push_back(l.video);
    }
    m.add_to_pool(seen, positives);

    std::mt19937_64 rng(options_.seed ^ mix64(m.batches.fetch_add(1) + 1));
    const std::vector<Id> sampled =
        m.sample(options_.negatives, options_.popular_negative_share, rng);
    std::vector<int> neg_items;
    for (Id v : sampled) neg_items.push_back(index_item(v));

    // Gather unit vectors.
    const int nu = static_cast<int>(users.size()), ni = static_cast<int>(items.size());
    Mat U(nu, d), E(nu, d), V(ni, d);
    Vec enorm(nu), unorm(nu), vnorm(ni);
    for (int r = 0; r < nu; ++r) {
      const auto [en, un] =
          m.user_unit(users[r], options_.taste_weight, U.row(r).data(), E.row(r).data());
      enorm[r] = en;
      unorm[r] = un;
    }
    for (int r = 0; r < ni; ++r) vnorm[r] = m.item_unit(item_terms[r], V.row(r).data());

    Mat dU = Mat::Zero(nu, d), dV = Mat::Zero(ni, d);
    std::vector<float> cos_of(lessons.size());
    for (std::size_t i = 0; i < lessons.size(); ++i)
      cos_of[i] = U.row(at[i].first).dot(V.row(at[i].second));

    // Contrastive loss over the positives and the shared negatives.
    std::vector<int> pos;  // lesson indices
    for (std::size_t i = 0; i < lessons.size(); ++i)
      if (lessons[i].weight > 0 && unorm[at[i].first] > 0 && vnorm[at[i].second] > 0)
        pos.push_back(static_cast<int>(i));
    std::vector<int> negs;  // item indices of usable negatives
    for (int j : neg_items)
      if (vnorm[j] > 0) negs.push_back(j);
    const int B = static_cast<int>(pos.size()), N = static_cast<int>(negs.size());
    Mat C(B, N);
    Mat Ub(B, d), Vn(N, d);
    if (B > 0) {
      for (int b = 0; b < B; ++b) Ub.row(b) = U.row(at[pos[b]].first);
      for (int j = 0; j < N; ++j) Vn.row(j) = V.row(negs[j]);
      gemm_abt(Ub.data(), B, Vn.data(), N, d, C.data());
      Mat G = Mat::Zero(B, N);
      const float per_negative = N > 0 ? options_.negative_weight / N : 0.0f;
      for (int b = 0; b < B; ++b) {
        const Lesson& l = lessons[pos[b]];
        const int pi = at[pos[b]].second;
        for (int j = 0; j < N; ++j)
          if (C(b, j) > options_.margin && negs[j] != pi) G(b, j) = l.weight * per_negative;
        // The positive's pull: d(1 - c)/dc = -1.
        dU.row(at[pos[b]].first) -= l.weight * V.row(pi);
        dV.row(pi) -= l.weight * U.row(at[pos[b]].first);
      }
      if (N > 0) {
        Mat dUb(B, d), dVn(N, d);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, d, N, 1.0f, G.data(), N,
                    Vn.data(), d, 0.0f, dUb.data(), d);
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, N, d, B, 1.0f, G.data(), N, Ub.data(),
                    d, 0.0f, dVn.data(), d);
        for (int b = 0; b < B; ++b) dU.row(at[pos[b]].first) += dUb.row(b);
        for (int j = 0; j < N; ++j) dV.row(negs[j]) += dVn.row(j);
      }
    }
    // The viewer's own rejections.
    for (std::size_t i = 0; i < lessons.size(); ++i) {
      const Lesson& l = lessons[i];
      const auto [ui, ii] = at[i];
      if (l.weight >= 0 || unorm[ui] == 0 || vnorm[ii] == 0 ||
          cos_of[i] <= options_.hard_negative_margin)
        continue;
      const float g = -l.weight * options_.hard_negative_weight;
      dU.row(ui) += g * V.row(ii);
      dV.row(ii) += g * U.row(ui);
    }

    // Through the normalization (d unit(x)/dx = (I - x̂x̂ᵀ)/|x|), then Adagrad.
    const float lr = options_.learning_rate, l2 = options_.l2;
    Vec g(d);
    Vec dw(d);
    for (int r = 0; r < nu; ++r) {
      if (unorm[r] == 0 || enorm[r] == 0) continue;
      // u = unit(w), w = unit(E) + taste_weight x taste (taste is not trained).
      dw = (dU.row(r) - dU.row(r).dot(U.row(r)) * U.row(r)).transpose() / unorm[r];
      g = (dw.transpose() - dw.dot(E.row(r)) * E.row(r)).transpose() / enorm[r];
      if (g.squaredNorm() == 0) continue;
      AdagradStep step{g.data(), 1.0f, lr, l2};
      m.embeddings.update(feature_key(FeatureKind::kViewer, users[r]), now, step);
    }
    for (int r = 0; r < ni; ++r) {
      if (vnorm[r] == 0) continue;
      g = (dV.row(r) - dV.row(r).dot(V.row(r)) * V.row(r)).transpose() / vnorm[r];
      if (g.squaredNorm() == 0) continue;
      for (const auto& [key, a] : item_terms[r]) {
        AdagradStep step{g.data(), a, lr, l2};
        m.embeddings.update(key, now, step);
      }
    }

    // Tastes follow the videos each viewer engaged with.
    if (options_.taste_weight > 0) {
      const float window = static_cast<float>(std::max(1, options_.taste_window));
      for (std::size_t i = 0; i < lessons.size(); ++i) {
        const auto [ui, ii] = at[i];
        if (lessons[i].weight <= 0 || vnorm[ii] == 0) continue;
        const std::uint64_t key = feature_key(FeatureKind::kViewerTaste, lessons[i].viewer);
        if (!m.embeddings.observe(key, now)) continue;
        const float* v = V.row(ii).data();
        auto blend = [&](std::span<float> h, float& count) {
          const float a = std::max(1.0f / (count + 1.0f), 1.0f / window);
          for (int k = 0; k < d; ++k) h[k] += a * (v[k] - h[k]);
          count += 1.0f;
        };
        m.embeddings.update(key, now, blend);
      }
    }

    // Heads: logistic loss on the labels, sampled negatives as zeros.
    std::array<float, kHeads> alpha, beta;
    {
      std::lock_guard lock(m.head_mu);
      alpha = m.alpha;
      beta = m.beta;
    }
    Mat bias(ni, kHeads), dbias = Mat::Zero(ni, kHeads);
    for (int r = 0; r < ni; ++r)
      m.head_biases.read(feature_key(FeatureKind::kVideo, items[r]),
                         std::span<float>(bias.row(r).data(), kHeads));
    std::array<double, kHeads> dalpha{}, dbeta{};
    std::array<double, kHeads> terms{};
    auto logistic = [&](int h, float c, int item, float y, float w) {
      const float err = w * (sigmoid(alpha[h] * c + beta[h] + bias(item, h)) - y);
      dalpha[h] += err * c;
      dbeta[h] += err;
      dbias(item, h) += err;
      terms[h] += w;
    };
    for (std::size_t i = 0; i < lessons.size(); ++i)
      for (int h = 0; h < kHeads; ++h)
        if (lessons[i].has_label[h])
          logistic(h, cos_of[i], at[i].second, lessons[i].label[h], 1.0f);
    for (int b = 0; b < B && N > 0; ++b) {
      const Lesson& l = lessons[pos[b]];
      for (int h = 0; h < kHeads; ++h) {
        if (!l.has_label[h] || l.label[h] <= 0) continue;
        for (int j = 0; j < N; ++j) logistic(h, C(b, j), negs[j], 0.0f, 1.0f / N);
      }
    }
    const float hlr = options_.head_learning_rate;
    {
      std::lock_guard lock(m.head_mu);
      for (int h = 0; h < kHeads; ++h) {
        if (terms[h] == 0) continue;
        m.alpha[h] -= hlr * static_cast<float>(dalpha[h] / terms[h]);
        m.beta[h] -= hlr * static_cast<float>(dbeta[h] / terms[h]);
      }
    }
    for (int r = 0; r < ni; ++r) {
      if (dbias.row(r).squaredNorm() == 0) continue;
      auto step = [&](std::span<float> w, float&) {
        for (int h = 0; h < kHeads; ++h) w[h] -= hlr * dbias(r, h);
      };
      m.head_biases.update(feature_key(FeatureKind::kVideo, items[r]), now, step);
    }
  }
}

std::vector<float> Model::user_vector(Id viewer) const {
  std::vector<float> u(options_.dim), e(options_.dim);
  impl_->user_unit(viewer, options_.taste_weight, u.data(), e.data());
  return u;
}

std::vector<float> Model::item_vector(Id video, const ItemFeatures& features) const {
  std::vector<float> v(options_.dim);
  impl_->item_unit(terms_of(video, features), v.data());
  return v;
}

ItemMatrix Model::item_matrix(std::span<const Id> videos, const ItemFeatures& features) const {
  const int d = options_.dim;
  ItemMatrix out;
  out.videos.assign(videos.begin(), videos.end());
  out.vectors.resize(videos.size() * d);
  out.biases.resize(videos.size() * kHeads);
  for (std::size_t i = 0; i < videos.size(); ++i) {
    impl_->item_unit(terms_of(videos[i], features), out.vectors.data() + i * d);
    impl_->head_biases.read(feature_key(FeatureKind::kVideo, videos[i]),
                            std::span<float>(out.biases.data() + i * kHeads, kHeads));
  }
  return out;
}

void Model::score_matrix(std::span<const float> users, const ItemMatrix& items,
                         std::span<float> out) const {
  const int d = options_.dim;
  const int n = static_cast<int>(users.size() / d), k = static_cast<int>(items.videos.size());
  gemm_abt(users.data(), n, items.vectors.data(), k, d, out.data());
  std::array<float, kHeads> alpha, beta;
  {
    std::lock_guard lock(impl_->head_mu);
    alpha = impl_->alpha;
    beta = impl_->beta;
  }
  using Array = Eigen::Array<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<Array> S(out.data(), n, k);
  Eigen::Map<const Eigen::Array<float, Eigen::Dynamic, kHeads, Eigen::RowMajor>> bias(
      items.biases.data(), k, kHeads);
  // sigmoid(x) = (1 + tanh(x / 2)) / 2: Eigen's vectorized tanh is cheaper
  // than exp and a division, and this loop is most of an evaluation's time.
  thread_local Array total, z;
  total.setZero(n, k);
  z.resize(n, k);
  float constant = 0.0f;
  for (int h = 0; h < kHeads; ++h) {
    const float w = options_.head_weights[h];
    if (w == 0) continue;
    const Eigen::Array<float, 1, Eigen::Dynamic> offset =
        0.5f * (bias.col(h).transpose() + beta[h]);
    z = (0.5f * alpha[h]) * S;
    z.rowwise() += offset;
    total += (0.5f * w) * z.tanh();
    constant += 0.5f * w;
  }
  S = total + constant;
}

std::vector<float> Model::score_matrix(std::span<const float> users,
                                       const ItemMatrix& items) const {
  std::vector<float> out(users.size() / options_.dim * items.videos.size());
  score_matrix(users, items, out);
  return out;
}

std::vector<float> Model::score(Id viewer, std::span<const Id> videos,
                                const ItemFeatures& features) const {
  return score_matrix(user_vector(viewer), item_matrix(videos, features));
}

std::array<float, kHeads> Model::predict(Id viewer, Id video, const ItemFeatures& features) const {
  const std::vector<float> u = user_vector(viewer), v = item_vector(video, features);
  float c = 0.0f;
  for (int i = 0; i < options_.dim; ++i) c += u[i] * v[i];
  std::array<float, kHeads> bias{};
  impl_->head_biases.read(feature_key(FeatureKind::kVideo, video), bias);
  std::lock_guard lock(impl_->head_mu);
  std::array<float, kHeads> p;
  for (int h = 0; h < kHeads; ++h) p[h] = sigmoid(impl_->alpha[h] * c + impl_->beta[h] + bias[h]);
  return p;
}

std::vector<Id> Model::known_videos() const {
  std::shared_lock lock(impl_->pool_mu);
  return impl_->pool;
}

namespace {
/// The pool of negatives after rows came or went: the videos with a row.
void rebuild_pool(const EmbeddingTable& t, std::vector<Id>& pool, std::unordered_set<Id>& in_pool) {
  pool.clear();
  in_pool.clear();
  for (std::uint64_t key : t.keys())
    if (kind_of(key) == FeatureKind::kVideo) {
      pool.push_back(id_of(key));
      in_pool.insert(id_of(key));
    }
  std::sort(pool.begin(), pool.end());
}
}  // namespace

std::size_t Model::expire(std::int64_t now_ms) {
  const std::size_t n = impl_->embeddings.expire(now_ms);
  impl_->head_biases.expire(now_ms);
  if (n > 0) {
    std::unique_lock lock(impl_->pool_mu);
    rebuild_pool(impl_->embeddings, impl_->pool, impl_->in_pool);
    std::erase_if(impl_->recent, [&](Id v) { return !impl_->in_pool.contains(v); });
    impl_->recent_next = 0;
  }
  return n;
}

std::size_t Model::bytes_used() const {
  std::shared_lock lock(impl_->pool_mu);
  return impl_->embeddings.bytes_used() + impl_->head_biases.bytes_used() +
         impl_->pool.capacity() * sizeof(Id) + impl_->in_pool.size() * 32 +
         impl_->recent.capacity() * sizeof(Id);
}

ModelDelta Model::take_delta() {
  ModelDelta delta;
  delta.embeddings = impl_->embeddings.take_delta();
  delta.head_biases = impl_->head_biases.take_delta();
  std::lock_guard lock(impl_->head_mu);
  delta.alpha = impl_->alpha;
  delta.beta = impl_->beta;
  return delta;
}

Status Model::apply_delta(const ModelDelta& delta) {
  if (Status st = impl_->embeddings.apply_delta(delta.embeddings); !st) return st;
  if (Status st = impl_->head_biases.apply_delta(delta.head_biases); !st) return st;
  {
    std::lock_guard lock(impl_->head_mu);
    impl_->alpha = delta.alpha;
    impl_->beta = delta.beta;
  }
  std::unique_lock lock(impl_->pool_mu);
  for (std::uint64_t key : delta.embeddings.keys)
    if (kind_of(key) == FeatureKind::kVideo && impl_->in_pool.insert(id_of(key)).second)
      impl_->pool.push_back(id_of(key));
  if (!delta.embeddings.removed.empty())
    rebuild_pool(impl_->embeddings, impl_->pool, impl_->in_pool);
  return Status::ok();
}

Status Model::snapshot(const std::filesystem::path& dir) const {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::internal(ec.message()).with_context("snapshot model " + dir.string());
  if (Status st = impl_->embeddings.snapshot(dir / "embeddings.snap"); !st) return st;
  if (Status st = impl_->head_biases.snapshot(dir / "head_biases.snap"); !st) return st;

  std::vector<unsigned char> b(kParamsMagic, kParamsMagic + sizeof(kParamsMagic));
  auto put = [&](const void* p, std::size_t n) {
    b.insert(b.end(), static_cast<const unsigned char*>(p),
             static_cast<const unsigned char*>(p) + n);
  };
  const std::uint32_t version = kParamsVersion, dim = options_.dim;
  put(&version, 4);
  put(&dim, 4);
  {
    std::lock_guard lock(impl_->head_mu);
    put(impl_->alpha.data(), sizeof(float) * kHeads);
    put(impl_->beta.data(), sizeof(float) * kHeads);
  }
  const std::uint32_t crc =
      static_cast<std::uint32_t>(crc32_z(crc32(0L, Z_NULL, 0), b.data(), b.size()));
  put(&crc, 4);
  const std::filesystem::path path = dir / "params.snap", tmp = dir / "params.snap.tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    out.flush();
    if (!out) return Status::internal("write failed").with_context("snapshot " + tmp.string());
  }
  int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::internal(ec.message()).with_context("snapshot " + path.string());
  return Status::ok();
}

Status Model::restore(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / "params.snap";
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::not_found("no model snapshot").with_context("restore " + path.string());
  std::vector<unsigned char> b((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
  const std::size_t want = sizeof(kParamsMagic) + 8 + 2 * sizeof(float) * kHeads + 4;
  if (b.size() != want || std::memcmp(b.data(), kParamsMagic, sizeof(kParamsMagic)) != 0)
    return Status::invalid("/", "not a model snapshot").with_context("restore " + path.string());
  std::uint32_t version, dim, crc;
  std::memcpy(&version, b.data() + 8, 4);
  std::memcpy(&dim, b.data() + 12, 4);
  std::memcpy(&crc, b.data() + want - 4, 4);
  if (crc != static_cast<std::uint32_t>(crc32_z(crc32(0L, Z_NULL, 0), b.data(), want - 4)))
    return Status::invalid("/", "snapshot checksum mismatch")
        .with_context("restore " + path.string());
  if (version != kParamsVersion || dim != static_cast<std::uint32_t>(options_.dim))
    return Status::invalid("/dim", "snapshot of another model shape")
        .with_context("restore " + path.string());

  // Both tables are checked before either replaces anything.
  EmbeddingTable head_check(Impl::table_options(options_, kHeads, 0.0f));
  if (Status st = head_check.restore(dir / "head_biases.snap"); !st) return st;
  if (Status st = impl_->embeddings.restore(dir / "embeddings.snap"); !st) return st;
  if (Status st = impl_->head_biases.restore(dir / "head_biases.snap"); !st) return st;
  {
    std::lock_guard lock(impl_->head_mu);
    std::memcpy(impl_->alpha.data(), b.data() + 16, sizeof(float) * kHeads);
    std::memcpy(impl_->beta.data(), b.data() + 16 + sizeof(float) * kHeads, sizeof(float) * kHeads);
  }
  std::unique_lock lock(impl_->pool_mu);
  rebuild_pool(impl_->embeddings, impl_->pool, impl_->in_pool);
  impl_->recent.clear();
  impl_->recent_next = 0;
  return Status::ok();
}

}  // namespace riff::recs
