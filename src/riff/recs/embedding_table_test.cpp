#include "riff/recs/embedding_table.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "riff/recs/feature_key.hpp"

namespace riff::recs {
namespace {

namespace fs = std::filesystem;

EmbeddingTable::Options small(int admit_after = 1, std::int64_t expire_after_ms = 0) {
  EmbeddingTable::Options o;
  o.dim = 4;
  o.admit_after = admit_after;
  o.expire_after_ms = expire_after_ms;
  o.sketch_width = 1024;
  return o;
}

std::vector<float> row_of(const EmbeddingTable& t, std::uint64_t key) {
  std::vector<float> v(t.dim());
  t.read(key, v);
  return v;
}

void add(EmbeddingTable& t, std::uint64_t key, float x, std::int64_t now_ms = 0) {
  auto fn = [x](std::span<float> w, float& acc) {
    for (float& v : w) v += x;
    acc += 1.0f;
  };
  t.update(key, now_ms, fn);
}

fs::path temp_path(const std::string& name) {
  return fs::temp_directory_path() / ("riff-emb-" + std::to_string(::getpid()) + "-" + name);
}

TEST(FeatureKey, KindsNeverCollideAndRoundTrip) {
  EXPECT_NE(feature_key(FeatureKind::kVideo, 7), feature_key(FeatureKind::kCreator, 7));
  const std::uint64_t k = feature_key(FeatureKind::kHashtag, 123456789012345);
  EXPECT_EQ(kind_of(k), FeatureKind::kHashtag);
  EXPECT_EQ(id_of(k), 123456789012345);
}

TEST(EmbeddingTable, AnIdGetsARowOnlyAfterItWasSeenAdmitAfterTimes) {
  EmbeddingTable t(small(3));
  const std::uint64_t key = feature_key(FeatureKind::kVideo, 1);
  EXPECT_FALSE(t.observe(key, 0));
  EXPECT_FALSE(t.observe(key, 0));
  EXPECT_FALSE(t.contains(key));
  add(t, key, 1.0f);  // not admitted: learning it changes nothing
  EXPECT_EQ(row_of(t, key), std::vector<float>(4, 0.0f));
  EXPECT_TRUE(t.observe(key, 0));
  EXPECT_TRUE(t.contains(key));
  EXPECT_EQ(t.size(), 1u);
  // A row starts random, not zero, so that two new ids can be told apart.
  EXPECT_NE(row_of(t, key), std::vector<float>(4, 0.0f));
}

TEST(EmbeddingTable, RowsUntouchedForTheExpiryAreRemoved) {
  EmbeddingTable t(small(1, 1000));
  const std::uint64_t old_key = feature_key(FeatureKind::kVideo, 1);
  const std::uint64_t fresh_key = feature_key(FeatureKind::kVideo, 2);
  t.observe(old_key, 0);
  t.observe(fresh_key, 0);
  add(t, fresh_key, 1.0f, 1500);
  EXPECT_EQ(t.expire(900), 0u);   // cutoff -100: both rows are young enough
  EXPECT_EQ(t.expire(2000), 1u);  // cutoff 1000: old_key (0) goes, fresh_key (1500) stays
  EXPECT_FALSE(t.contains(old_key));
  EXPECT_TRUE(t.contains(fresh_key));
}

TEST(EmbeddingTable, DeltasReproduceTheLearnersRowsOnAReplica) {
  EmbeddingTable learner(small(1, 1000));
  EmbeddingTable replica(small());
  for (Id id = 1; id <= 50; ++id) learner.observe(feature_key(FeatureKind::kVideo, id), 0);
  ASSERT_TRUE(replica.apply_delta(learner.take_delta()));
  EXPECT_EQ(replica.size(), 50u);

  // Second interval: a few rows change, one expires; only those travel.
  add(learner, feature_key(FeatureKind::kVideo, 3), 0.5f, 5000);
  add(learner, feature_key(FeatureKind::kVideo, 4), -0.5f, 5000);
  for (Id id = 5; id <= 50; ++id) add(learner, feature_key(FeatureKind::kVideo, id), 0.0f, 5000);
  learner.expire(5500);  // video 1 and 2 were last touched at 0
  EmbeddingDelta delta = learner.take_delta();
  EXPECT_EQ(delta.keys.size(), 48u);
  EXPECT_EQ(delta.removed.size(), 2u);
  ASSERT_TRUE(replica.apply_delta(delta));

  EXPECT_EQ(replica.size(), learner.size());
  for (std::uint64_t key : learner.keys()) EXPECT_EQ(row_of(replica, key), row_of(learner, key));
  EXPECT_TRUE(learner.take_delta().keys.empty());  // nothing changed since
}

TEST(EmbeddingTable, AddToSumsScaledRowsAndSkipsIdsWithoutOne) {
  EmbeddingTable t(small());
  const std::uint64_t known = feature_key(FeatureKind::kCreator, 7);
  t.put(known, std::vector<float>{1, -2, 3, 0.5f}, 0);
  std::vector<float> out{10, 10, 10, 10};
  EXPECT_TRUE(t.add_to(known, 2.0f, out));
  EXPECT_EQ(out, (std::vector<float>{12, 6, 16, 11}));
  EXPECT_FALSE(t.add_to(feature_key(FeatureKind::kCreator, 8), 2.0f, out));
  EXPECT_EQ(out, (std::vector<float>{12, 6, 16, 11})) << "an id without a row adds nothing";
  EXPECT_EQ(row_of(t, known), (std::vector<float>{1, -2, 3, 0.5f})) << "the row is unchanged";
}

TEST(EmbeddingTable, SnapshotRestoresTheSameRows) {
  EmbeddingTable t(small());
  for (Id id = 1; id <= 200; ++id) t.observe(feature_key(FeatureKind::kViewer, id), id);
  add(t, feature_key(FeatureKind::kViewer, 9), 2.0f, 300);
  const fs::path path = temp_path("snap");
  ASSERT_TRUE(t.snapshot(path));
  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));

  EmbeddingTable back(small());
  back.observe(feature_key(FeatureKind::kSound, 1), 0);  // replaced by the restore
  ASSERT_TRUE(back.restore(path));
  EXPECT_EQ(back.size(), 200u);
  EXPECT_FALSE(back.contains(feature_key(FeatureKind::kSound, 1)));
  for (std::uint64_t key : t.keys()) EXPECT_EQ(row_of(back, key), row_of(t, key));
  fs::remove(path);
}

TEST(EmbeddingTable, ACorruptOrForeignSnapshotIsRefusedAndChangesNothing) {
  EmbeddingTable t(small());
  for (Id id = 1; id <= 20; ++id) t.observe(feature_key(FeatureKind::kVideo, id), 0);
  const fs::path path = temp_path("corrupt");
  ASSERT_TRUE(t.snapshot(path));

  EmbeddingTable other(small());
  other.observe(feature_key(FeatureKind::kSound, 1), 0);
  {  // one flipped byte in the middle
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    f.put('\x7f');
  }
  Status st = other.restore(path);
  EXPECT_FALSE(st);
  EXPECT_NE(st.message().find("checksum"), std::string::npos) << st.message();
  EXPECT_EQ(other.size(), 1u);

  fs::resize_file(path, fs::file_size(path) - 7);  // cut short
  EXPECT_FALSE(other.restore(path));

  ASSERT_TRUE(t.snapshot(path));
  auto o8 = small();
  o8.dim = 8;
  EmbeddingTable wider(o8);
  EXPECT_FALSE(wider.restore(path));  // another dim
  EXPECT_FALSE(other.restore(temp_path("missing")));
  EXPECT_EQ(other.size(), 1u);
  fs::remove(path);
}

TEST(EmbeddingTable, ConcurrentUpdatesAreNotLost) {
  EmbeddingTable t(small());
  const std::uint64_t key = feature_key(FeatureKind::kVideo, 1);
  t.put(key, std::vector<float>(4, 0.0f), 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      for (int n = 0; n < 1000; ++n) add(t, key, 1.0f);
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(row_of(t, key), std::vector<float>(4, 4000.0f));
}

TEST(EmbeddingTable, MemoryGrowsWithRows) {
  EmbeddingTable t(small());
  const std::size_t empty = t.bytes_used();
  for (Id id = 1; id <= 10000; ++id) t.observe(feature_key(FeatureKind::kVideo, id), 0);
  EXPECT_GE(t.bytes_used(), empty + 10000 * 5 * sizeof(float));
}

}  // namespace
}  // namespace riff::recs
