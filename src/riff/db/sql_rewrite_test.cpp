#include "riff/db/sql_rewrite.hpp"

#include <gtest/gtest.h>

namespace riff::db {
namespace {

TEST(SqlRewrite, StripsRowLockClauses) {
  EXPECT_EQ(strip_row_locks("SELECT * FROM t WHERE id = $1 FOR UPDATE"),
            "SELECT * FROM t WHERE id = $1");
  EXPECT_EQ(strip_row_locks("SELECT id FROM jobs ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"),
            "SELECT id FROM jobs ORDER BY id LIMIT 1");
  EXPECT_EQ(strip_row_locks("select a from t for share nowait"), "select a from t");
  EXPECT_EQ(strip_row_locks("SELECT a FROM t JOIN u ON u.id = t.u FOR NO KEY UPDATE OF t, \"u\""),
            "SELECT a FROM t JOIN u ON u.id = t.u");
  EXPECT_EQ(strip_row_locks("SELECT a FROM t FOR KEY SHARE OF public.t\n"), "SELECT a FROM t\n");
  EXPECT_EQ(strip_row_locks("SELECT (SELECT 1 FROM t FOR UPDATE) AS x"),
            "SELECT (SELECT 1 FROM t) AS x");
}

TEST(SqlRewrite, LeavesLiteralsCommentsAndOtherSqlAlone) {
  const std::string texts[] = {
      "SELECT 'for update' FROM t",
      "SELECT \"for update\" FROM t",
      "SELECT a FROM t -- for update\n",
      "SELECT a FROM t /* FOR UPDATE */",
      "CREATE TRIGGER x AFTER INSERT ON t FOR EACH ROW BEGIN SELECT 1; END",
      "SELECT format FROM t WHERE 'it''s FOR UPDATE' = s",
      "SELECT update_for FROM t",
  };
  for (const std::string& s : texts) EXPECT_EQ(strip_row_locks(s), s);
}

TEST(SqlRewrite, PlaceholderNumbers) {
  EXPECT_EQ(placeholder_number("$1"), 1);
  EXPECT_EQ(placeholder_number("$12"), 12);
  EXPECT_EQ(placeholder_number("$0"), std::nullopt);
  EXPECT_EQ(placeholder_number("$x"), std::nullopt);
  EXPECT_EQ(placeholder_number(":a"), std::nullopt);
  EXPECT_EQ(placeholder_number("?"), std::nullopt);
  EXPECT_TRUE(is_blank_sql("  ;\n -- trailing\n /* c */ "));
  EXPECT_FALSE(is_blank_sql("; DELETE FROM t"));
}

}  // namespace
}  // namespace riff::db
