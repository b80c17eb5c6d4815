#include "riff/db/text_search.hpp"

#include <gtest/gtest.h>

namespace riff::db {
namespace {

TEST(SearchWords, SplitLowercaseAndDropPunctuation) {
  EXPECT_EQ(search_words("  #Dance, \"cats\"* OR -x "),
            (std::vector<std::string>{"dance", "cats", "or", "x"}));
  EXPECT_TRUE(search_words("\"*()").empty());
  EXPECT_EQ(search_words("Beyoncé"), (std::vector<std::string>{"beyoncé"}));
}

TEST(SearchWords, KeepsAtMostEightWordsOfBoundedLength) {
  EXPECT_EQ(search_words("a b c d e f g h i j").size(), 8u);
  EXPECT_EQ(search_words(std::string(100, 'x'))[0].size(), 64u);
}

TEST(PrefixQuery, EveryWordIsARequiredPrefixInEitherEngine) {
  const std::vector<std::string> words{"love", "night"};
  EXPECT_EQ(prefix_query(Dialect::kSqlite, words), "\"love\"* AND \"night\"*");
  EXPECT_EQ(prefix_query(Dialect::kPostgres, words), "love:* & night:*");
  EXPECT_EQ(prefix_query(Dialect::kSqlite, {}), "");
}

}  // namespace
}  // namespace riff::db
