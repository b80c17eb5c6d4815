#include "riff/video/search.hpp"

#include <gtest/gtest.h>

#include "riff/video/engagement_test_support.hpp"

namespace riff::video {
namespace {

using testing_support::EngagementTest;
using testing_support::unwrap;
using testing_support::VideoSpec;

TEST(EditDistance, CountsTranspositionsAsOne) {
  EXPECT_EQ(edit_distance("maya", "maya"), 0);
  EXPECT_EQ(edit_distance("mya", "maya"), 1);
  EXPECT_EQ(edit_distance("myaa", "maya"), 1);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3);
  EXPECT_TRUE(fuzzy_prefix("mayq", "maya_moves", 1));
  EXPECT_TRUE(fuzzy_prefix("dnace", "dancer", 1));
  EXPECT_FALSE(fuzzy_prefix("zzz", "maya", 1));
}

class Search : public EngagementTest {};
RIFF_ACCOUNTS_ON_EVERY_BACKEND(Search);

std::vector<std::string> captions(const accounts::Page<VideoCard>& p) {
  std::vector<std::string> out;
  for (const auto& c : p.items) out.push_back(c.video.caption);
  return out;
}

TEST_P(Search, FindsVideosByCaptionWordsAndHashtagPrefixes) {
  auto ana = make_user("ana");
  make_video(ana.id, {.caption = "Sunset dancing on the beach #Dance #summer"});
  make_video(ana.id, {.caption = "cooking pasta #food"});
  make_video(ana.id, {.caption = "Café au lait #café"});
  EXPECT_EQ(captions(unwrap(search().videos("dance", std::nullopt, {}))),
            (std::vector<std::string>{"Sunset dancing on the beach #Dance #summer"}));
  EXPECT_EQ(unwrap(search().videos("#summ", std::nullopt, {})).items.size(), 1u);
  EXPECT_EQ(unwrap(search().videos("beach sunset", std::nullopt, {})).items.size(), 1u);
  EXPECT_EQ(unwrap(search().videos("beach pasta", std::nullopt, {})).items.size(), 0u);
  EXPECT_EQ(unwrap(search().videos("café", std::nullopt, {})).items.size(), 1u);
  EXPECT_EQ(unwrap(search().videos("\") OR *", std::nullopt, {})).items.size(), 0u)
      << "no syntax errors";
}

TEST_P(Search, VideosRespectVisibilityAndBlocks) {
  auto ana = make_user("ana"), ben = make_user("ben"), cat = make_user("cat");
  make_video(ana.id, {.caption = "secret #party", .visibility = Visibility::kPrivate});
  make_video(ana.id, {.caption = "friends #party", .visibility = Visibility::kFollowers});
  make_video(ana.id, {.caption = "unfinished #party", .status = VideoStatus::kProcessing});
  make_video(ana.id, {.caption = "open #party"});
  make_video(cat.id, {.caption = "cat #party"});
  EXPECT_EQ(unwrap(search().videos("party", ben.id, {})).items.size(), 2u);
  follow(ben.id, "ana");
  EXPECT_EQ(unwrap(search().videos("party", ben.id, {})).items.size(), 3u);
  EXPECT_EQ(unwrap(search().videos("party", ana.id, {})).items.size(), 4u)
      << "the author also finds their private ones (not the unfinished)";
  block(cat.id, "ben");
  EXPECT_EQ(unwrap(search().videos("party", ben.id, {})).items.size(), 2u);
}

TEST_P(Search, PagesVideos) {
  auto ana = make_user("ana");
  for (int i = 0; i < 5; ++i) make_video(ana.id, {.caption = "clip #loop"});
  auto first = unwrap(search().videos("loop", std::nullopt, {.limit = 3, .cursor = std::nullopt}));
  ASSERT_EQ(first.items.size(), 3u);
  ASSERT_TRUE(first.next_cursor);
  auto second =
      unwrap(search().videos("loop", std::nullopt, {.limit = 3, .cursor = first.next_cursor}));
  EXPECT_EQ(second.items.size(), 2u);
  EXPECT_FALSE(second.next_cursor);
  EXPECT_EQ(search().videos("loop", std::nullopt, {.limit = 3, .cursor = "junk"}).status().code(),
            Code::kInvalid);
}

TEST_P(Search, UsersByPrefixWithTypoTolerance) {
  auto maya = make_user("maya_moves");
  make_user("mayor");
  make_user("leo_beats");
  auto hits = unwrap(search().users("@MAYA", std::nullopt, {}));
  ASSERT_EQ(hits.items.size(), 2u);
  EXPECT_EQ(hits.items[0].user.handle, "maya_moves") << "prefix matches first";
  EXPECT_EQ(hits.items[1].user.handle, "mayor") << "then near misses";
  hits = unwrap(search().users("myaa", std::nullopt, {}));
  ASSERT_GE(hits.items.size(), 1u);
  EXPECT_EQ(hits.items[0].user.handle, "maya_moves") << "a transposition is forgiven";
  hits = unwrap(search().users("leo_b", std::nullopt, {}));
  ASSERT_EQ(hits.items.size(), 1u);
  EXPECT_EQ(unwrap(search().users("%a", std::nullopt, {})).items.size(), 0u)
      << "LIKE wildcards are literal";
  auto ben = make_user("ben");
  block(maya.id, "ben");
  for (const auto& h : unwrap(search().users("maya", ben.id, {})).items) {
    EXPECT_NE(h.user.handle, "maya_moves") << "blocked either way: never listed";
  }
}

TEST_P(Search, HashtagsByPrefixWithTypoTolerance) {
  auto ana = make_user("ana");
  make_video(ana.id, {.caption = "#dance #dancer #food"});
  make_video(ana.id, {.caption = "#dance"});
  auto hits = unwrap(search().hashtags("#dan", {}));
  ASSERT_EQ(hits.items.size(), 2u);
  EXPECT_EQ(hits.items[0].tag, "dance");
  EXPECT_EQ(hits.items[0].use_count, 2);
  hits = unwrap(search().hashtags("dnace", {}));
  ASSERT_GE(hits.items.size(), 1u);
  EXPECT_EQ(hits.items[0].tag, "dance");
}

TEST_P(Search, SoundsHideThoseOfHiddenVideos) {
  auto ana = make_user("ana"), ben = make_user("ben");
  Id pub = make_video(ana.id);
  Id priv = make_video(ana.id, {.visibility = Visibility::kPrivate});
  for (auto [vid, title] :
       {std::pair{pub, "original sound - open"}, std::pair{priv, "original sound - hidden"}}) {
    ASSERT_TRUE(
        db_->exec("INSERT INTO sounds (id, kind, title, creator_id, source_video_id, created_at)"
                  " VALUES ($1, 0, $2, $3, $4, 0)",
                  {ids_.next(), title, ana.id, vid})
            .is_ok());
  }
  auto hits = unwrap(search().sounds("Original SOUND", ben.id, {}));
  ASSERT_EQ(hits.items.size(), 1u);
  EXPECT_EQ(hits.items[0].sound.title, "original sound - open");
  EXPECT_EQ(unwrap(search().sounds("sound", ana.id, {})).items.size(), 2u);
}

}  // namespace
}  // namespace riff::video
