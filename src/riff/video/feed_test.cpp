#include "riff/video/feed.hpp"

#include <gtest/gtest.h>

#include <set>

#include "riff/video/engagement_test_support.hpp"

namespace riff::video {
namespace {

using testing_support::EngagementTest;
using testing_support::unwrap;
using testing_support::VideoSpec;

std::vector<Id> ids_of(const std::vector<VideoCard>& cards) {
  std::vector<Id> out;
  for (const auto& c : cards) out.push_back(c.video.id);
  return out;
}

TEST(FeedSessionsLru, CapsSessionsAndIdsPerSession) {
  FeedSessions s(2, 3);
  s.add("a", {1, 2, 3, 4});
  EXPECT_EQ(s.seen("a"), (std::unordered_set<Id>{2, 3, 4}));
  s.add("b", {1});
  s.seen("a");  // a is now the most recent
  s.add("c", {1});
  EXPECT_EQ(s.size(), 2u);
  EXPECT_TRUE(s.seen("b").empty()) << "b was the least recently used";
}

class Feeds : public EngagementTest {};
RIFF_ACCOUNTS_ON_EVERY_BACKEND(Feeds);

TEST_P(Feeds, ForYouNeverRepeatsWithinASession) {
  auto ana = make_user("ana"), ben = make_user("ben");
  std::set<Id> all;
  for (int i = 0; i < 23; ++i)
    all.insert(make_video(ana.id, {.caption = "v", .age_ms = i * 3'600'000LL}));
  std::set<Id> shown;
  std::string session;
  for (int page = 0; page < 4; ++page) {
    auto p = unwrap(feed().for_you(ben.id, session, 10));
    session = p.session;
    for (Id id : ids_of(p.items)) EXPECT_TRUE(shown.insert(id).second) << "repeated " << id;
  }
  EXPECT_EQ(shown, all) << "every video once, then nothing more";
  auto fresh = unwrap(feed().for_you(ben.id, "", 10));
  EXPECT_EQ(fresh.items.size(), 10u) << "a new session starts afresh";
  EXPECT_NE(fresh.session, session);
}

TEST_P(Feeds, ForYouShowsNothingPrivacyOrBlocksForbid) {
  auto ana = make_user("ana"), ben = make_user("ben"), cat = make_user("cat"),
       dan = make_user("dan");
  Id open = make_video(ana.id);
  make_video(ana.id, {.visibility = Visibility::kPrivate});
  Id fol = make_video(ana.id, {.visibility = Visibility::kFollowers});
  make_video(ana.id, {.status = VideoStatus::kProcessing});
  make_video(ana.id, {.status = VideoStatus::kFailed});
  make_video(cat.id);
  make_video(ben.id);  // one's own videos are not in For You
  Id priv_acct = make_video(dan.id);
  unwrap(accounts().update_profile(
      dan.id, {.display_name = std::nullopt, .bio = std::nullopt, .is_private = true}));
  block(ben.id, "cat");
  auto p = unwrap(feed().for_you(ben.id, "", 50));
  EXPECT_EQ(ids_of(p.items), (std::vector<Id>{open}));
  follow(ben.id, "ana");
  p = unwrap(feed().for_you(ben.id, "", 50));
  const auto shown = ids_of(p.items);
  EXPECT_EQ(std::set<Id>(shown.begin(), shown.end()), (std::set<Id>{open, fol}));
  auto anon = unwrap(feed().for_you(std::nullopt, "", 50));
  EXPECT_EQ(anon.items.size(), 3u) << "anonymous: the public videos of public accounts";
  (void)priv_acct;
}

TEST_P(Feeds, ForYouPrefersEngagementAndExploresFreshUploads) {
  auto ana = make_user("ana"), ben = make_user("ben");
  Id popular = make_video(ana.id, {.age_ms = 2 * 3'600'000LL});
  for (int i = 0; i < 30; ++i) make_video(ana.id, {.age_ms = 48 * 3'600'000LL + i});
  ASSERT_TRUE(
      db_->exec("UPDATE videos SET like_count = 100, view_count = 500 WHERE id = $1", {popular})
          .is_ok());
  Id fresh = make_video(ana.id);
  auto p = unwrap(feed().for_you(ben.id, "", 4));
  auto ids = ids_of(p.items);
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids[0], popular);
  EXPECT_NE(std::find(ids.begin(), ids.end(), fresh), ids.end()) << "a fresh upload gets a slot";
}

TEST_P(Feeds, FollowingListsFollowedCreatorsNewestFirst) {
  auto ana = make_user("ana"), ben = make_user("ben"), cat = make_user("cat");
  Id a1 = make_video(ana.id);
  make_video(cat.id);
  Id a2 = make_video(ana.id, {.visibility = Visibility::kFollowers});
  make_video(ana.id, {.visibility = Visibility::kPrivate});
  EXPECT_TRUE(unwrap(feed().following(ben.id, {})).items.empty());
  follow(ben.id, "ana");
  auto p = unwrap(feed().following(ben.id, {.limit = 1, .cursor = std::nullopt}));
  EXPECT_EQ(ids_of(p.items), (std::vector<Id>{a2}));
  ASSERT_TRUE(p.next_cursor);
  p = unwrap(feed().following(ben.id, {.limit = 1, .cursor = p.next_cursor}));
  EXPECT_EQ(ids_of(p.items), (std::vector<Id>{a1}));
  EXPECT_FALSE(p.next_cursor);
}

class Discovery : public EngagementTest {};
RIFF_ACCOUNTS_ON_EVERY_BACKEND(Discovery);

TEST_P(Discovery, ProfileGridShowsTheAuthorTheirUnfinishedVideos) {
  auto ana = make_user("ana"), ben = make_user("ben");
  Id ready = make_video(ana.id);
  Id processing = make_video(ana.id, {.status = VideoStatus::kProcessing});
  Id failed = make_video(ana.id, {.status = VideoStatus::kFailed});
  Id priv = make_video(ana.id, {.visibility = Visibility::kPrivate});
  make_video(ana.id, {.status = VideoStatus::kDeleted});
  EXPECT_EQ(ids_of(unwrap(discovery().user_videos("ana", ana.id, {})).items),
            (std::vector<Id>{priv, failed, processing, ready}));
  EXPECT_EQ(ids_of(unwrap(discovery().user_videos("ANA", ben.id, {})).items),
            (std::vector<Id>{ready}));
  EXPECT_EQ(ids_of(unwrap(discovery().user_videos("ana", std::nullopt, {})).items),
            (std::vector<Id>{ready}));
  block(ana.id, "ben");
  EXPECT_EQ(discovery().user_videos("ana", ben.id, {}).status().code(), Code::kNotFound);
  EXPECT_EQ(discovery().user_videos("nobody", ben.id, {}).status().code(), Code::kNotFound);
}

TEST_P(Discovery, HashtagPagesCountAndListVisibleVideosMostLikedFirst) {
  auto ana = make_user("ana"), ben = make_user("ben");
  Id a = make_video(ana.id, {.caption = "#Dance one"});
  Id b = make_video(ana.id, {.caption = "#dance two"});
  make_video(ana.id, {.caption = "#dance hidden", .visibility = Visibility::kPrivate});
  unwrap(eng().like(ben.id, a));
  unwrap(eng().record_view({ben.id, ""}, {b, 5000, false}));
  auto h = unwrap(discovery().hashtag("#DANCE", ben.id));
  EXPECT_EQ(h.tag, "dance");
  EXPECT_EQ(h.use_count, 3);
  EXPECT_EQ(h.view_count, 1);
  auto p =
      unwrap(discovery().hashtag_videos("dance", ben.id, {.limit = 1, .cursor = std::nullopt}));
  EXPECT_EQ(ids_of(p.items), (std::vector<Id>{a}));
  EXPECT_TRUE(p.items[0].viewer_liked);
  EXPECT_EQ(p.items[0].hashtags, (std::vector<std::string>{"dance"}));
  p = unwrap(discovery().hashtag_videos("dance", ben.id, {.limit = 1, .cursor = p.next_cursor}));
  EXPECT_EQ(ids_of(p.items), (std::vector<Id>{b}));
  EXPECT_FALSE(p.next_cursor);
  EXPECT_EQ(discovery().hashtag("nothing", ben.id).status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace riff::video
