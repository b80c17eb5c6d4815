#include "riff/recs/model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <random>

namespace riff::recs {
namespace {

// A catalog with planted tastes: kClusters kinds of video, each viewer
// likes videos of one kind only.
constexpr int kClusters = 3;
constexpr int kPerCluster = 20;
constexpr int kViewersPerCluster = 10;

Id video_of(int cluster, int n) {
  return 1000 + cluster * kPerCluster + n;
}
int cluster_of_video(Id v) {
  return static_cast<int>((v - 1000) / kPerCluster);
}
Id viewer_of(int cluster, int n) {
  return 1 + cluster * kViewersPerCluster + n;
}

ModelOptions small_options() {
  ModelOptions o;
  o.dim = 16;
  o.learning_rate = 0.1f;
  o.negatives = 32;
  o.batch_size = 64;
  o.sketch_width = 4096;
  return o;
}

std::vector<Event> planted_likes(std::mt19937_64& rng) {
  std::vector<Event> events;
  for (int c = 0; c < kClusters; ++c)
    for (int u = 0; u < kViewersPerCluster; ++u)
      for (int n = 0; n < kPerCluster; ++n)
        if (rng() % 2 == 0)
          events.push_back(Event{viewer_of(c, u), video_of(c, n), EventKind::kLike, 0, 0, 1});
  return events;
}

std::vector<Id> all_videos() {
  std::vector<Id> v;
  for (int c = 0; c < kClusters; ++c)
    for (int n = 0; n < kPerCluster; ++n) v.push_back(video_of(c, n));
  return v;
}

void train(Model& model, std::vector<Event> events, const ItemFeatures& features, int epochs,
           std::mt19937_64& rng) {
  for (int e = 0; e < epochs; ++e) {
    std::shuffle(events.begin(), events.end(), rng);
    model.learn(events, features);
  }
}

/// The videos ordered by the model's score for `viewer`, best first.
std::vector<Id> ranking(const Model& model, Id viewer, const ItemFeatures& features) {
  const std::vector<Id> videos = all_videos();
  const std::vector<float> s = model.score(viewer, videos, features);
  std::vector<std::size_t> order(videos.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return s[a] > s[b]; });
  std::vector<Id> out;
  for (auto i : order) out.push_back(videos[i]);
  return out;
}

double share_of_top_in_cluster(const Model& model, const ItemFeatures& features, int top) {
  int hits = 0, total = 0;
  for (int c = 0; c < kClusters; ++c)
    for (int u = 0; u < kViewersPerCluster; ++u) {
      const auto ranked = ranking(model, viewer_of(c, u), features);
      for (int i = 0; i < top; ++i, ++total) hits += cluster_of_video(ranked[i]) == c;
    }
  return static_cast<double>(hits) / total;
}

TEST(Model, AfterLearningAViewersTopVideosComeFromTheirCluster) {
  std::mt19937_64 rng(7);
  Model model(small_options());
  NoItemFeatures none;
  train(model, planted_likes(rng), none, 40, rng);
  EXPECT_GE(share_of_top_in_cluster(model, none, 10), 0.95);
}

TEST(Model, SharedFeaturesCarryTasteToVideosNobodyWatchedYet) {
  std::mt19937_64 rng(8);
  Model model(small_options());
  MapItemFeatures features;  // one creator and one hashtag per cluster
  for (int c = 0; c < kClusters; ++c)
    for (int n = 0; n < kPerCluster; ++n)
      features.put(video_of(c, n), VideoFeatures{500 + c, 0, {900 + c}});
  std::vector<Event> events = planted_likes(rng);
  std::erase_if(events, [](const Event& e) {
    return (e.video - 1000) % kPerCluster == 0;
  });  // n = 0 never seen
  train(model, events, features, 40, rng);
  for (int c = 0; c < kClusters; ++c) {
    const std::vector<Id> fresh = {video_of(0, 0), video_of(1, 0), video_of(2, 0)};
    const auto s = model.score(viewer_of(c, 0), fresh, features);
    EXPECT_EQ(std::max_element(s.begin(), s.end()) - s.begin(), c);
  }
}

TEST(Model, ANewViewersFewLikesOfAKindRaiseThatKindAtOnce) {
  std::mt19937_64 rng(9);
  Model model(small_options());
  NoItemFeatures none;
  train(model, planted_likes(rng), none, 40, rng);

  const Id newcomer = 4242;
  auto mean_rank_of = [&](int cluster) {
    const auto ranked = ranking(model, newcomer, none);
    double sum = 0;
    for (std::size_t i = 0; i < ranked.size(); ++i)
      if (cluster_of_video(ranked[i]) == cluster) sum += i;
    return sum / kPerCluster;
  };
  // A few finished views of cluster 0, then a few likes of cluster 2.
  std::vector<Event> first;
  for (int n = 0; n < 4; ++n)
    first.push_back(Event{newcomer, video_of(0, n), EventKind::kWatch, 15000, 15000, 2});
  model.learn(first, none);
  EXPECT_LT(mean_rank_of(0), mean_rank_of(2));
  const double before = mean_rank_of(2);
  for (int round = 0; round < 3; ++round) {
    std::vector<Event> next;
    for (int n = 0; n < 4; ++n)
      next.push_back(Event{newcomer, video_of(2, n), EventKind::kLike, 0, 0, 3});
    model.learn(next, none);
  }
  EXPECT_LT(mean_rank_of(2), before - 5);
  EXPECT_LT(mean_rank_of(2), mean_rank_of(1));
}

TEST(Model, WithTasteOneRoundOfLikesPutsThatKindOnTopForANewViewer) {
  std::mt19937_64 rng(12);
  ModelOptions o = small_options();
  o.taste_weight = 1.0f;
  Model model(o);
  NoItemFeatures none;
  train(model, planted_likes(rng), none, 40, rng);
  EXPECT_GE(share_of_top_in_cluster(model, none, 10), 0.95);

  const Id newcomer = 4343;
  std::vector<Event> likes;
  for (int n = 0; n < 3; ++n)
    likes.push_back(Event{newcomer, video_of(1, n), EventKind::kLike, 0, 0, 2});
  model.learn(likes, none);
  const auto ranked = ranking(model, newcomer, none);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(cluster_of_video(ranked[i]), 1) << "rank " << i;
}

TEST(Model, SkipsAndNotInterestedPushAVideoDown) {
  std::mt19937_64 rng(10);
  Model model(small_options());
  NoItemFeatures none;
  train(model, planted_likes(rng), none, 40, rng);
  const Id viewer = viewer_of(0, 0);
  const Id video = ranking(model, viewer, none).front();
  for (int i = 0; i < 5; ++i) {
    std::vector<Event> no = {Event{viewer, video, EventKind::kNotInterested, 0, 0, 5}};
    model.learn(no, none);
  }
  const auto ranked = ranking(model, viewer, none);
  EXPECT_GT(std::find(ranked.begin(), ranked.end(), video) - ranked.begin(), 5);
}

TEST(Model, ASnapshotAndADeltaBothReproduceTheScores) {
  std::mt19937_64 rng(11);
  Model model(small_options());
  NoItemFeatures none;
  Model replica(small_options());
  train(model, planted_likes(rng), none, 5, rng);
  ASSERT_TRUE(replica.apply_delta(model.take_delta()));

  const auto dir =
      std::filesystem::temp_directory_path() / ("riff-model-" + std::to_string(::getpid()));
  ASSERT_TRUE(model.snapshot(dir));
  Model restored(small_options());
  ASSERT_TRUE(restored.restore(dir));

  const auto videos = all_videos();
  for (Id viewer : {viewer_of(0, 1), viewer_of(2, 3)}) {
    EXPECT_EQ(restored.score(viewer, videos, none), model.score(viewer, videos, none));
    EXPECT_EQ(replica.score(viewer, videos, none), model.score(viewer, videos, none));
  }
  EXPECT_EQ(restored.known_videos().size(), videos.size());

  ModelOptions wider = small_options();
  wider.dim = 32;
  Model other(wider);
  EXPECT_FALSE(other.restore(dir));  // another shape is refused
  std::filesystem::remove_all(dir);
}

TEST(Model, MemoryIsBoundedByAdmissionAndExpiry) {
  ModelOptions o = small_options();
  o.admit_after = 3;
  o.expire_after_ms = 1000;
  Model model(o);
  NoItemFeatures none;
  std::vector<Event> once;  // 500 viewers seen once each: none admitted
  for (Id v = 1; v <= 500; ++v) once.push_back(Event{v, 77, EventKind::kLike, 0, 0, 10});
  model.learn(once, none);
  const std::vector<float> u = model.user_vector(1);
  EXPECT_TRUE(std::all_of(u.begin(), u.end(), [](float x) { return x == 0.0f; }));
  EXPECT_EQ(model.known_videos().size(), 1u);  // video 77 was seen 500 times

  EXPECT_GT(model.expire(5000), 0u);  // nothing touched since t=10
  EXPECT_TRUE(model.known_videos().empty());
}

}  // namespace
}  // namespace riff::recs
