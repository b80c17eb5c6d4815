#include "riff/video/engagement.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "riff/video/engagement_test_support.hpp"

namespace riff::video {
namespace {

using testing_support::EngagementTest;
using testing_support::unwrap;
using testing_support::VideoSpec;

class Likes : public EngagementTest {};
RIFF_ACCOUNTS_ON_EVERY_BACKEND(Likes);

TEST_P(Likes, AreIdempotentAndToggle) {
  auto ana = make_user("ana"), ben = make_user("ben");
  Id v = make_video(ana.id);
  auto s = unwrap(eng().like(ben.id, v));
  EXPECT_TRUE(s.liked);
  EXPECT_EQ(s.like_count, 1);
  s = unwrap(eng().like(ben.id, v));
  EXPECT_EQ(s.like_count, 1) << "a second like changes nothing";
  s = unwrap(eng().unlike(ben.id, v));
  EXPECT_FALSE(s.liked);
  EXPECT_EQ(s.like_count, 0);
  s = unwrap(eng().unlike(ben.id, v));
  EXPECT_EQ(s.like_count, 0) << "a second unlike changes nothing";
  EXPECT_EQ(video(v).like_count, 0);
}

TEST_P(Likes, NotifyTheAuthorOnceADayAndNeverForOwnVideos) {
  auto ana = make_user("ana"), ben = make_user("ben");
  Id v = make_video(ana.id);
  for (int i = 0; i < 3; ++i) {
    unwrap(eng().like(ben.id, v));
    unwrap(eng().unlike(ben.id, v));
  }
  unwrap(eng().like(ana.id, v));
  EXPECT_EQ(notices(ana.id, "like"), 1);
  clock_.advance_ms(25 * 3'600'000LL);
  unwrap(eng().like(ben.id, v));
  EXPECT_EQ(notices(ana.id, "like"), 2);
}

TEST_P(Likes, CountStaysExactUnderEightConcurrentThreads) {
  auto ana = make_user("ana");
  Id v = make_video(ana.id);
  std::vector<Id> users;
  for (int i = 0; i < 8; ++i) users.push_back(make_user("user" + std::to_string(i)).id);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        // Every thread likes and unlikes its own and its neighbour's like.
        const Id who = users[(t + i) % 8];
        auto r = (i % 3 == 2) ? eng().unlike(who, v) : eng().like(who, v);
        if (!r) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(video(v).like_count,
            scalar("SELECT COUNT(*) FROM video_likes WHERE video_id = $1", {v}));
}

TEST_P(Likes, HiddenVideosAreNotFound) {
  auto ana = make_user("ana"), ben = make_user("ben");
  Id priv = make_video(ana.id, {.visibility = Visibility::kPrivate});
  Id fol = make_video(ana.id, {.visibility = Visibility::kFollowers});
  Id processing = make_video(ana.id, {.status = VideoStatus::kProcessing});
  for (Id v : {priv, fol, processing}) {
    EXPECT_EQ(eng().like(ben.id, v).status().code(), Code::kNotFound);
    EXPECT_EQ(eng().share(ben.id, v, "").status().code(), Code::kNotFound);
    EXPECT_EQ(eng().record_view({ben.id, ""}, {v, 5000, false}).status().code(), Code::kNotFound);
  }
  Id pub = make_video(ana.id);
  block(ana.id, "ben");
  EXPECT_EQ(eng().like(ben.id, pub).status().code(), Code::kNotFound);
  EXPECT_EQ(eng().like(ben.id, 123456).status().code(), Code::kNotFound);
}

class Shares : public EngagementTest {};
RIFF_ACCOUNTS_ON_EVERY_BACKEND(Shares);

TEST_P(Shares, CountEveryShareAndGiveTheVideoLink) {
  auto ana = make_user("ana"), ben = make_user("ben");
  Id v = make_video(ana.id);
  auto s = unwrap(eng().share(ben.id, v, "copy"));
  EXPECT_EQ(s.share_count, 1);
  EXPECT_EQ(s.share_url, "/v/" + id_to_string(v));
  s = unwrap(eng().share(std::nullopt, v, ""));
  EXPECT_EQ(s.share_count, 2);
}

class Views : public EngagementTest {};
RIFF_ACCOUNTS_ON_EVERY_BACKEND(Views);

TEST_P(Views, CountOncePerViewerAfterTheMinimumWatch) {
  auto ana = make_user("ana"), ben = make_user("ben");
  Id v = make_video(ana.id, {.duration_ms = 20'000});
  auto r = unwrap(eng().record_view({ben.id, ""}, {v, 400, false}));
  EXPECT_FALSE(r.counted) << "under a second is not a view";
  EXPECT_EQ(r.view_count, 0);
  r = unwrap(eng().record_view({ben.id, ""}, {v, 1500, false}));
  EXPECT_TRUE(r.counted);
  EXPECT_EQ(r.view_count, 1);
  for (int i = 0; i < 5; ++i) {
    r = unwrap(eng().record_view({ben.id, ""}, {v, 20'000, true}));
    EXPECT_FALSE(r.counted) << "replays do not inflate the count";
  }
  EXPECT_EQ(r.view_count, 1);
  // Two anonymous viewers with their own keys, one of them replaying.
  unwrap(eng().record_view({std::nullopt, "a:one"}, {v, 3000, false}));
  unwrap(eng().record_view({std::nullopt, "a:one"}, {v, 3000, false}));
  r = unwrap(eng().record_view({std::nullopt, "ip:203.0.113.9"}, {v, 3000, false}));
  EXPECT_EQ(r.view_count, 3);
  EXPECT_EQ(video(v).view_count, 3);
  EXPECT_EQ(scalar("SELECT completion_count FROM videos WHERE id = $1", {v}), 1);
}

TEST_P(Views, ShortVideosCountAfterAQuarter) {
  auto ana = make_user("ana"), ben = make_user("ben");
  Id v = make_video(ana.id, {.duration_ms = 2'000});
  EXPECT_FALSE(unwrap(eng().record_view({ben.id, ""}, {v, 400, false})).counted);
  EXPECT_TRUE(unwrap(eng().record_view({ben.id, ""}, {v, 500, false})).counted);
}

TEST_P(Views, CapWatchTimeAndRejectAbsurdReports) {
  auto ana = make_user("ana"), ben = make_user("ben");
  Id v = make_video(ana.id, {.duration_ms = 10'000});
  unwrap(eng().record_view({ben.id, ""}, {v, 900'000, false}));  // 90 loops in one report
  EXPECT_EQ(scalar("SELECT watch_ms_total FROM videos WHERE id = $1", {v}), 10'000 * kLoopFactor);
  for (int i = 0; i < 10; ++i) unwrap(eng().record_view({ben.id, ""}, {v, 30'000, false}));
  EXPECT_EQ(scalar("SELECT watch_ms FROM video_views WHERE video_id = $1", {v}),
            10'000 * kViewerCapFactor);
  EXPECT_EQ(scalar("SELECT watch_ms_total FROM videos WHERE id = $1", {v}),
            10'000 * kViewerCapFactor);

  auto bad = eng().record_view({ben.id, ""}, {v, 10'000 * kAbsurdFactor + 1, false});
  EXPECT_EQ(bad.status().code(), Code::kInvalid);
  EXPECT_EQ(eng().record_view({ben.id, ""}, {v, -1, false}).status().code(), Code::kInvalid);
  EXPECT_EQ(eng().record_view({std::nullopt, ""}, {v, 5000, false}).status().code(),
            Code::kInvalid);
}

TEST_P(Views, CountExactlyUnderConcurrentReports) {
  auto ana = make_user("ana");
  Id v = make_video(ana.id);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        // 16 distinct anonymous viewers, each reporting from two threads.
        auto r = eng().record_view({std::nullopt, "a:k" + std::to_string((t * 10 + i) % 16)},
                                   {v, 2000, false});
        EXPECT_TRUE(r.is_ok()) << r.status().message();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(video(v).view_count, 16);
}

TEST_P(Views, BatchSkipsHiddenVideos) {
  auto ana = make_user("ana"), ben = make_user("ben");
  Id pub = make_video(ana.id);
  Id priv = make_video(ana.id, {.visibility = Visibility::kPrivate});
  auto r = unwrap(eng().record_views({ben.id, ""}, {{pub, 2000, false}, {priv, 2000, false}}));
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(r[0].counted);
  EXPECT_FALSE(r[1].counted);
  EXPECT_EQ(video(priv).view_count, 0);
}

}  // namespace
}  // namespace riff::video
