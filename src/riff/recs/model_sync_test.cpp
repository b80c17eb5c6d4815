#include "riff/recs/model_sync.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace riff::recs {
namespace {

namespace fs = std::filesystem;

class ModelSync : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("riff-sync-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static ModelOptions options() {
    ModelOptions o;
    o.dim = 8;
    o.batch_size = 16;
    o.negatives = 4;
    return o;
  }
  /// A learner's model after some viewers liked some videos.
  static void train(Model& m, int first_viewer) {
    MapItemFeatures f;
    std::vector<Event> events;
    for (Id v = 100; v < 120; ++v) f.put(v, {v % 3 + 1, 0, {v % 2 + 50}});
    for (Id u = first_viewer; u < first_viewer + 10; ++u)
      for (Id v = 100; v < 120; v += 1 + u % 3) events.push_back({u, v, EventKind::kWatch, 10'000, 10'000, 1});
    m.learn(events, f);
  }

  fs::path dir_;
};

TEST_F(ModelSync, ADeltaRoundTripsAndMakesAServingModelScoreLikeTheLearner) {
  Model learner(options()), serving(options());
  train(learner, 1);
  const ModelDelta delta = learner.take_delta();
  ASSERT_FALSE(delta.embeddings.keys.empty());
  auto decoded = decode_delta(encode_delta(delta));
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().message();
  ASSERT_TRUE(serving.apply_delta(*decoded));
  const std::vector<Id> videos = {100, 101, 105, 119};
  MapItemFeatures none;
  EXPECT_EQ(learner.score(3, videos, none), serving.score(3, videos, none));
  EXPECT_EQ(learner.user_vector(3), serving.user_vector(3));
}

TEST_F(ModelSync, RefusesCorruptOrTruncatedDeltas) {
  Model learner(options());
  train(learner, 1);
  std::string bytes = encode_delta(learner.take_delta());
  std::string flipped = bytes;
  flipped[flipped.size() / 2] ^= 0x20;
  EXPECT_FALSE(decode_delta(flipped).is_ok());
  EXPECT_FALSE(decode_delta(bytes.substr(0, bytes.size() - 9)).is_ok());
  EXPECT_FALSE(decode_delta("not a delta at all").is_ok());
  EXPECT_FALSE(decode_delta("").is_ok());
}

TEST_F(ModelSync, TheLogNumbersInOrderListsWhatIsNewAndPrunes) {
  DeltaLog log(dir_ / "deltas");
  EXPECT_EQ(log.last(), 0u);
  Model learner(options());
  for (int round = 0; round < 3; ++round) {
    train(learner, 1 + round * 10);
    auto seq = log.publish(learner.take_delta());
    ASSERT_TRUE(seq.is_ok());
    EXPECT_EQ(*seq, static_cast<std::uint64_t>(round + 1));
  }
  // A half-written file (a crash mid-publish) is never listed.
  std::ofstream(dir_ / "deltas" / "00000000000000000004.delta.tmp") << "partial";
  EXPECT_EQ(*log.after(0), (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(*log.after(2), (std::vector<std::uint64_t>{3}));
  EXPECT_TRUE(log.read(2).is_ok());
  EXPECT_EQ(log.prune(2), 2u);
  EXPECT_EQ(*log.after(0), (std::vector<std::uint64_t>{3}));
  EXPECT_EQ(log.last(), 3u);
  EXPECT_FALSE(log.read(1).is_ok());
}

TEST_F(ModelSync, TheSyncMarkSaysWhatASnapshotCovers) {
  auto none = read_sync_mark(dir_);
  ASSERT_TRUE(none.is_ok());
  EXPECT_EQ(none->delta_seq, 0u);
  EXPECT_EQ(none->event_id, 0);
  ASSERT_TRUE(write_sync_mark(dir_, {7, 123456789}));
  auto mark = read_sync_mark(dir_);
  ASSERT_TRUE(mark.is_ok());
  EXPECT_EQ(mark->delta_seq, 7u);
  EXPECT_EQ(mark->event_id, 123456789);
  std::ofstream(dir_ / "sync_mark") << "garbage";
  EXPECT_FALSE(read_sync_mark(dir_).is_ok());
}

}  // namespace
}  // namespace riff::recs
