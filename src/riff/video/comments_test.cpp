#include "riff/video/comments.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "riff/video/engagement_test_support.hpp"

namespace riff::video {
namespace {

using testing_support::EngagementTest;
using testing_support::unwrap;
using testing_support::VideoSpec;

class Comments : public EngagementTest {};
RIFF_ACCOUNTS_ON_EVERY_BACKEND(Comments);

TEST_P(Comments, FollowTheVideosPolicyButTheOwnerMayAlwaysComment) {
  auto ana = make_user("ana"), ben = make_user("ben"), cat = make_user("cat");
  follow(ben.id, "ana");
  Id everyone = make_video(ana.id);
  Id followers = make_video(ana.id, {.comments = CommentPolicy::kFollowers});
  Id no_one = make_video(ana.id, {.comments = CommentPolicy::kNoOne});
  EXPECT_TRUE(comments().add(cat.id, {everyone, "hi", std::nullopt}).is_ok());
  EXPECT_TRUE(comments().add(ben.id, {followers, "hi", std::nullopt}).is_ok());
  EXPECT_EQ(comments().add(cat.id, {followers, "hi", std::nullopt}).status().code(),
            Code::kForbidden);
  EXPECT_EQ(comments().add(ben.id, {no_one, "hi", std::nullopt}).status().code(), Code::kForbidden);
  EXPECT_TRUE(comments().add(ana.id, {no_one, "mine", std::nullopt}).is_ok());
  EXPECT_EQ(video(no_one).comment_count, 1);
}

TEST_P(Comments, RejectEmptyOrLongBodiesAndHiddenVideos) {
  auto ana = make_user("ana"), ben = make_user("ben");
  Id v = make_video(ana.id);
  EXPECT_EQ(comments().add(ben.id, {v, "  ", std::nullopt}).status().code(), Code::kInvalid);
  EXPECT_EQ(comments().add(ben.id, {v, std::string(501, 'x'), std::nullopt}).status().code(),
            Code::kInvalid);
  EXPECT_TRUE(comments().add(ben.id, {v, std::string(500, 'x'), std::nullopt}).is_ok());
  Id priv = make_video(ana.id, {.visibility = Visibility::kPrivate});
  EXPECT_EQ(comments().add(ben.id, {priv, "hi", std::nullopt}).status().code(), Code::kNotFound);
  EXPECT_EQ(comments().list(ben.id, priv, CommentOrder::kNewest, {}).status().code(),
            Code::kNotFound);
  block(ana.id, "ben");
  EXPECT_EQ(comments().add(ben.id, {v, "hi", std::nullopt}).status().code(), Code::kNotFound);
}

TEST_P(Comments, RepliesAreOneLevelDeep) {
  auto ana = make_user("ana"), ben = make_user("ben"), cat = make_user("cat");
  Id v = make_video(ana.id);
  auto top = unwrap(comments().add(ben.id, {v, "first", std::nullopt}));
  auto reply = unwrap(comments().add(cat.id, {v, "reply", top.id}));
  EXPECT_EQ(reply.parent_id, top.id);
  auto deeper = unwrap(comments().add(ana.id, {v, "reply to reply", reply.id}));
  EXPECT_EQ(deeper.parent_id, top.id) << "a reply to a reply attaches to the top-level comment";

  auto list = unwrap(comments().list(std::nullopt, v, CommentOrder::kNewest, {}));
  ASSERT_EQ(list.items.size(), 1u);
  EXPECT_EQ(list.items[0].reply_count, 2);
  auto replies = unwrap(comments().replies(std::nullopt, top.id, {}));
  ASSERT_EQ(replies.items.size(), 2u);
  EXPECT_EQ(replies.items[0].id, reply.id);
  EXPECT_EQ(video(v).comment_count, 3);

  Id other = make_video(ana.id);
  EXPECT_EQ(comments().add(ben.id, {other, "x", top.id}).status().code(), Code::kNotFound)
      << "a parent must be on the same video";
}

TEST_P(Comments, DeleteByAuthorOrVideoOwnerOnlyKeepsCountsExact) {
  auto ana = make_user("ana"), ben = make_user("ben"), cat = make_user("cat");
  Id v = make_video(ana.id);
  auto top = unwrap(comments().add(ben.id, {v, "first", std::nullopt}));
  auto r1 = unwrap(comments().add(cat.id, {v, "r1", top.id}));
  unwrap(comments().add(cat.id, {v, "r2", top.id}));
  EXPECT_EQ(comments().remove(cat.id, top.id).code(), Code::kForbidden);
  EXPECT_TRUE(comments().remove(cat.id, r1.id).is_ok()) << "the reply's author";
  EXPECT_EQ(
      unwrap(comments().list(std::nullopt, v, CommentOrder::kNewest, {})).items[0].reply_count, 1);
  EXPECT_EQ(video(v).comment_count, 2);
  EXPECT_TRUE(comments().remove(ana.id, top.id).is_ok()) << "the video's owner";
  EXPECT_EQ(video(v).comment_count, 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM comments"), 0);
  EXPECT_EQ(comments().remove(ana.id, top.id).code(), Code::kNotFound);
}

TEST_P(Comments, NotifyTheAuthorTheParentAndMentions) {
  auto ana = make_user("ana"), ben = make_user("ben"), cat = make_user("cat"),
       dan = make_user("dan");
  Id v = make_video(ana.id);
  auto top = unwrap(comments().add(ben.id, {v, "nice @cat and @nobody", std::nullopt}));
  EXPECT_EQ(notices(ana.id, "comment"), 1);
  EXPECT_EQ(notices(cat.id, "mention"), 1);
  unwrap(comments().add(cat.id, {v, "thanks @ben @dan", top.id}));
  EXPECT_EQ(notices(ben.id, "reply"), 1);
  EXPECT_EQ(notices(ben.id, "mention"), 0) << "one notice per person per comment";
  EXPECT_EQ(notices(dan.id, "mention"), 1);
  EXPECT_EQ(notices(ana.id, "comment"), 2);
  unwrap(comments().add(ana.id, {v, "my own @ana", std::nullopt}));
  EXPECT_EQ(notices(ana.id, "comment"), 2);
  EXPECT_EQ(notices(ana.id, "mention"), 0);

  // No mention of a private video to someone who cannot see it.
  Id priv = make_video(ana.id, {.visibility = Visibility::kFollowers});
  unwrap(comments().add(ana.id, {priv, "hey @dan", std::nullopt}));
  EXPECT_EQ(notices(dan.id, "mention"), 1);
}

TEST_P(Comments, LikesAreIdempotentAndSortTop) {
  auto ana = make_user("ana"), ben = make_user("ben"), cat = make_user("cat");
  Id v = make_video(ana.id);
  auto a = unwrap(comments().add(ben.id, {v, "a", std::nullopt}));
  auto b = unwrap(comments().add(cat.id, {v, "b", std::nullopt}));
  EXPECT_EQ(unwrap(comments().like(ana.id, a.id)).like_count, 1);
  EXPECT_EQ(unwrap(comments().like(ana.id, a.id)).like_count, 1);
  EXPECT_EQ(unwrap(comments().like(cat.id, a.id)).like_count, 2);
  EXPECT_EQ(unwrap(comments().unlike(cat.id, a.id)).like_count, 1);
  auto top =
      unwrap(comments().list(ana.id, v, CommentOrder::kTop, {.limit = 1, .cursor = std::nullopt}));
  ASSERT_EQ(top.items.size(), 1u);
  EXPECT_EQ(top.items[0].id, a.id);
  EXPECT_TRUE(top.items[0].viewer_liked);
  ASSERT_TRUE(top.next_cursor);
  auto rest = unwrap(
      comments().list(ana.id, v, CommentOrder::kTop, {.limit = 1, .cursor = top.next_cursor}));
  ASSERT_EQ(rest.items.size(), 1u);
  EXPECT_EQ(rest.items[0].id, b.id);
  EXPECT_FALSE(rest.next_cursor);
  auto newest = unwrap(comments().list(ana.id, v, CommentOrder::kNewest, {}));
  EXPECT_EQ(newest.items[0].id, b.id);
}

TEST_P(Comments, ListsHideBlockedCommenters) {
  auto ana = make_user("ana"), ben = make_user("ben"), cat = make_user("cat");
  Id v = make_video(ana.id);
  unwrap(comments().add(ben.id, {v, "from ben", std::nullopt}));
  unwrap(comments().add(cat.id, {v, "from cat", std::nullopt}));
  block(cat.id, "ben");
  auto list = unwrap(comments().list(cat.id, v, CommentOrder::kNewest, {}));
  ASSERT_EQ(list.items.size(), 1u);
  EXPECT_EQ(list.items[0].body, "from cat");
}

TEST_P(Comments, CountsStayExactUnderConcurrentRepliesAndLikes) {
  auto ana = make_user("ana");
  Id v = make_video(ana.id);
  auto top = unwrap(comments().add(ana.id, {v, "thread", std::nullopt}));
  std::vector<Id> users;
  for (int i = 0; i < 8; ++i) users.push_back(make_user("user" + std::to_string(i)).id);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        EXPECT_TRUE(comments().add(users[t], {v, "r", top.id}).is_ok());
        EXPECT_TRUE((i % 2 ? comments().unlike(users[(t + i) % 8], top.id)
                           : comments().like(users[(t + i) % 8], top.id))
                        .is_ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(video(v).comment_count, 41);
  EXPECT_EQ(scalar("SELECT reply_count FROM comments WHERE id = $1", {top.id}), 40);
  EXPECT_EQ(scalar("SELECT like_count FROM comments WHERE id = $1", {top.id}),
            scalar("SELECT COUNT(*) FROM comment_likes WHERE comment_id = $1", {top.id}));
}

}  // namespace
}  // namespace riff::video
