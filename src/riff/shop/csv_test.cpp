// CSV: quoting, embedded line breaks, BOM, CRLF/LF, malformed input named by
// record, and a round trip of hostile fields through the writer and parser.

#include "riff/shop/csv.hpp"

#include <gtest/gtest.h>

#include <random>

namespace riff::shop {
namespace {

TEST(Csv, ReadsQuotesEmbeddedBreaksBomAndBothLineEndings) {
  const std::string text =
      "\xEF\xBB\xBFsku,title,price\r\n"
      "A-1,\"Shirt, blue\",100\n"
      "A-2,\"Say \"\"hi\"\"\r\nthen leave\",200\r\n"
      "\n"
      "A-3,,\"\"";
  auto rows = parse_csv(text);
  ASSERT_TRUE(rows.is_ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[0], (CsvRecord{"sku", "title", "price"}));
  EXPECT_EQ((*rows)[1], (CsvRecord{"A-1", "Shirt, blue", "100"}));
  EXPECT_EQ((*rows)[2], (CsvRecord{"A-2", "Say \"hi\"\r\nthen leave", "200"}));
  EXPECT_EQ((*rows)[3], (CsvRecord{"A-3", "", ""}));
}

TEST(Csv, MalformedInputNamesTheRecord) {
  auto unterminated = parse_csv("a,b\n1,\"open\n");
  ASSERT_FALSE(unterminated.is_ok());
  EXPECT_NE(unterminated.status().message().find("Record 2"), std::string::npos);
  EXPECT_FALSE(parse_csv("a,\"b\"c\n").is_ok());
  EXPECT_FALSE(parse_csv("a,b\"c\n").is_ok());
  auto too_many = parse_csv("a\nb\nc\n", 2);
  ASSERT_FALSE(too_many.is_ok());
  EXPECT_NE(too_many.status().message().find("Record 3"), std::string::npos);
}

TEST(Csv, WriterQuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(csv_record({"a", "b c", "", "x,y", "say \"hi\"", " pad"}),
            "a,b c,,\"x,y\",\"say \"\"hi\"\"\",\" pad\"\r\n");
}

TEST(Csv, HostileFieldsRoundTrip) {
  std::mt19937 rng(42);
  const std::string alphabet = "ab,\"\r\n =+-@;\t\xC3\xA9";
  std::vector<CsvRecord> records;
  std::string text;
  for (int r = 0; r < 200; ++r) {
    CsvRecord rec;
    const int fields = 1 + static_cast<int>(rng() % 6);
    for (int f = 0; f < fields; ++f) {
      std::string s;
      const int len = static_cast<int>(rng() % 12);
      for (int k = 0; k < len; ++k) s += alphabet[rng() % alphabet.size()];
      rec.push_back(s);
    }
    // A record of one empty field is a blank line, which readers skip.
    if (rec.size() == 1 && rec[0].empty()) rec[0] = "x";
    records.push_back(rec);
    text += csv_record(rec);
  }
  auto back = parse_csv(text);
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(*back, records);
}

}  // namespace
}  // namespace riff::shop
