#include "riff/recs/ann_index.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <random>
#include <thread>

namespace riff::recs {
namespace {
namespace fs = std::filesystem;

std::vector<float> unit(std::mt19937& rng, int dim) {
  std::normal_distribution<float> n;
  std::vector<float> v(dim);
  float norm = 0;
  for (auto& x : v) norm += (x = n(rng)) * x;
  for (auto& x : v) x /= std::sqrt(norm);
  return v;
}

float dot(const std::vector<float>& a, const std::vector<float>& b) {
  float s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

TEST(AnnIndex, FindsTheTrueNearestNeighboursAlmostAlways) {
  constexpr int kDim = 32, kItems = 5000, kQueries = 100, kK = 10;
  std::mt19937 rng(7);
  AnnIndex index(kDim, {.initial_capacity = 64});  // grows as items arrive
  std::vector<std::vector<float>> items;
  for (int i = 0; i < kItems; ++i) {
    items.push_back(unit(rng, kDim));
    index.upsert(1000 + i, items.back());
  }
  ASSERT_EQ(index.size(), static_cast<std::size_t>(kItems));
  int hits = 0;
  for (int q = 0; q < kQueries; ++q) {
    const auto query = unit(rng, kDim);
    std::vector<std::pair<float, Id>> exact;
    for (int i = 0; i < kItems; ++i) exact.emplace_back(dot(query, items[i]), 1000 + i);
    std::partial_sort(exact.begin(), exact.begin() + kK, exact.end(), std::greater<>());
    const auto found = index.search(query, kK);
    ASSERT_EQ(found.size(), static_cast<std::size_t>(kK));
    EXPECT_GE(found[0].second, found[kK - 1].second) << "best first";
    EXPECT_NEAR(found[0].second, dot(query, items[found[0].first - 1000]), 1e-4);
    for (int j = 0; j < kK; ++j) {
      for (const auto& f : found) hits += f.first == exact[j].second;
    }
  }
  EXPECT_GT(hits, kQueries * kK * 9 / 10) << "recall@10 above 0.9";
}

TEST(AnnIndex, MovedAndRemovedItemsAreFoundWhereTheyAre) {
  AnnIndex index(2);
  index.upsert(1, std::vector<float>{1, 0});
  index.upsert(2, std::vector<float>{0, 1});
  index.upsert(3, std::vector<float>{-1, 0});
  EXPECT_EQ(index.search(std::vector<float>{1, 0}, 1).at(0).first, 1);
  index.upsert(3, std::vector<float>{2, 0});  // moved
  EXPECT_EQ(index.search(std::vector<float>{1, 0}, 1).at(0).first, 3);
  index.remove(3);
  index.remove(3);   // twice is once
  index.remove(99);  // never added
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(index.search(std::vector<float>{1, 0}, 1).at(0).first, 1);
  index.upsert(3, std::vector<float>{3, 0});  // back
  EXPECT_EQ(index.search(std::vector<float>{1, 0}, 1).at(0).first, 3);
  EXPECT_EQ(index.size(), 3u);
  EXPECT_TRUE(index.search(std::vector<float>{1, 0, 0}, 1).empty()) << "wrong size";
}

TEST(AnnIndex, SearchesRunWhileItemsArrive) {
  constexpr int kDim = 16;
  AnnIndex index(kDim, {.initial_capacity = 16});
  std::mt19937 rng(1);
  for (int i = 0; i < 100; ++i) index.upsert(i, unit(rng, kDim));
  std::atomic<bool> done{false};
  std::thread reader([&] {
    std::mt19937 r(2);
    while (!done) EXPECT_EQ(index.search(unit(r, kDim), 5).size(), 5u);
  });
  for (int i = 100; i < 3000; ++i) {
    index.upsert(i, unit(rng, kDim));
    if (i % 10 == 0) index.remove(i - 50);
  }
  done = true;
  reader.join();
  EXPECT_EQ(index.size(), 3000u - 290u);
}

TEST(AnnIndex, SavesAndLoadsAndRefusesTheWrongFile) {
  const fs::path dir = fs::temp_directory_path() / ("riff-ann-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  AnnIndex index(3);
  index.upsert(10, std::vector<float>{1, 0, 0});
  index.upsert(20, std::vector<float>{0, 1, 0});
  index.upsert(30, std::vector<float>{0, 0, 1});
  index.remove(20);
  ASSERT_TRUE(index.save(dir / "ann.bin").is_ok());
  EXPECT_FALSE(fs::exists(dir / "ann.bin.tmp"));
  auto loaded = AnnIndex::load(dir / "ann.bin", 3);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().message();
  EXPECT_EQ((*loaded)->size(), 2u);
  EXPECT_EQ((*loaded)->search(std::vector<float>{0, 0, 1}, 1).at(0).first, 30);
  EXPECT_NE((*loaded)->search(std::vector<float>{0, 1, 0}, 2).at(0).first, 20) << "stays removed";
  EXPECT_FALSE(AnnIndex::load(dir / "ann.bin", 4).is_ok()) << "another dimension";
  EXPECT_FALSE(AnnIndex::load(dir / "missing.bin", 3).is_ok());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace riff::recs
