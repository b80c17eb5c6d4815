#include "riff/video/model.hpp"

#include <gtest/gtest.h>

namespace riff::video {
namespace {

TEST(ParseCaption, FindsHashtagsAndMentionsLowercasedAndDeduplicated) {
  auto e = parse_caption("Dance with @Maya.Moves! #Dance #fyp #dance @leo_beats.");
  EXPECT_EQ(e.hashtags, (std::vector<std::string>{"dance", "fyp"}));
  EXPECT_EQ(e.mentions, (std::vector<std::string>{"maya.moves", "leo_beats"}));
}

TEST(ParseCaption, IgnoresEmailAddressesAndBareMarkers) {
  auto e = parse_caption("mail me at someone@example.com # @ ##");
  EXPECT_TRUE(e.mentions.empty());
  EXPECT_TRUE(e.hashtags.empty());
}

TEST(ParseCaption, KeepsNonAsciiHashtags) {
  auto e = parse_caption("#café au lait");
  ASSERT_EQ(e.hashtags.size(), 1u);
  EXPECT_EQ(e.hashtags[0], "café");
}

TEST(EnumNames, RoundTrip) {
  for (auto v : {Visibility::kPublic, Visibility::kFollowers, Visibility::kPrivate}) {
    EXPECT_EQ(parse_visibility(to_string(v)), v);
  }
  for (auto p : {CommentPolicy::kEveryone, CommentPolicy::kFollowers, CommentPolicy::kNoOne}) {
    EXPECT_EQ(parse_comment_policy(to_string(p)), p);
  }
  EXPECT_FALSE(parse_visibility("friends"));
}

}  // namespace
}  // namespace riff::video
