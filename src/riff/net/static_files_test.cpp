#include "riff/net/static_files.hpp"
#include "riff/net/validators.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

namespace riff::net {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("riff-static-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / "assets");
    write("index.html", "<!doctype html><title>riff</title>" + std::string(400, ' '));
    write("assets/app.js", std::string(5000, 'x') + "console.log('riff')");
    std::string big(300 * 1024, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
    write("big.bin", big);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& rel, const std::string& content) {
    std::ofstream(dir_ / rel, std::ios::binary) << content;
  }
  Request get(std::string path) {
    Request r;
    r.path = std::move(path);
    return r;
  }
  fs::path dir_;
};

std::string gunzip(const std::string& in) {
  z_stream zs{};
  inflateInit2(&zs, 15 + 16);
  std::string out(1 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  inflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

TEST_F(StaticFilesTest, ServesFileWithEtagAndAnswers304WhenUnchanged) {
  StaticFiles s({{"/", dir_, true, true}});
  auto r = s.serve(get("/assets/app.js"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  auto etag = r->headers.get("ETag");
  ASSERT_TRUE(etag);
  Request again = get("/assets/app.js");
  again.headers.add("If-None-Match", std::string(*etag));
  auto r2 = s.serve(again);
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 304);
  EXPECT_TRUE(r2->body.empty());
}

TEST_F(StaticFilesTest, GzipsTextWhenAcceptedAndRoundTrips) {
  StaticFiles s({{"/", dir_, true, true}});
  Request req = get("/assets/app.js");
  req.headers.add("Accept-Encoding", "gzip, br");
  auto r = s.serve(req);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->headers.get("Content-Encoding").value_or(""), "gzip");
  EXPECT_EQ(gunzip(r->body), std::string(5000, 'x') + "console.log('riff')");
  EXPECT_LT(r->body.size(), 500u);
}

TEST_F(StaticFilesTest, ServesASingleByteRange) {
  StaticFiles s({{"/", dir_, true, true}});
  Request req = get("/assets/app.js");
  req.headers.add("Range", "bytes=5000-5006");
  auto r = s.serve(req);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 206);
  EXPECT_EQ(r->body, "console");
  EXPECT_EQ(r->headers.get("Content-Range").value_or(""), "bytes 5000-5006/5019");
}

TEST_F(StaticFilesTest, LargeFilesGoOutAsFileSlices) {
  StaticFiles s({{"/", dir_, true, true}});
  Request req = get("/big.bin");
  req.headers.add("Range", "bytes=-100");
  auto r = s.serve(req);
  ASSERT_TRUE(r && r->file);
  EXPECT_EQ(r->status, 206);
  EXPECT_EQ(r->file->offset, 300u * 1024 - 100);
  EXPECT_EQ(r->file->length, 100u);
}

TEST_F(StaticFilesTest, UnsatisfiableRangeIs416) {
  StaticFiles s({{"/", dir_, true, true}});
  Request req = get("/big.bin");
  req.headers.add("Range", "bytes=999999999-");
  auto r = s.serve(req);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 416);
  EXPECT_EQ(r->headers.get("Content-Range").value_or(""), "bytes */307200");
}

TEST_F(StaticFilesTest, ClientRoutesFallBackToTheAppShellButFilesDoNot) {
  StaticFiles s({{"/", dir_, true, true}});
  auto r = s.serve(get("/@alice/followers"));
  ASSERT_TRUE(r);
  EXPECT_NE(r->body.find("<title>riff</title>"), std::string::npos);
  EXPECT_FALSE(s.serve(get("/missing.js")));
  Request navigation = get("/@john.doe");
  navigation.headers.add("Accept", "text/html,application/xhtml+xml");
  auto r2 = s.serve(navigation);
  ASSERT_TRUE(r2);
  EXPECT_NE(r2->body.find("<title>riff</title>"), std::string::npos);
}

TEST_F(StaticFilesTest, RefusesPathTraversalAndHiddenFiles) {
  write(".secret", "no");
  StaticFiles s({{"/media/", dir_, false, false}});
  EXPECT_FALSE(s.serve(get("/media/../etc/passwd")));
  EXPECT_FALSE(s.serve(get("/media/.secret")));
  EXPECT_FALSE(s.serve(get("/media/assets/../../x")));
}

}  // namespace
}  // namespace riff::net

namespace riff::net {
namespace {

TEST(ByteRanges, ParsesTheThreeFormsAndRefusesTheRest) {
  auto r = parse_byte_range("bytes=10-19", 100);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, 10u);
  EXPECT_EQ(r->last, 19u);
  r = parse_byte_range("bytes=90-", 100);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->last, 99u);
  r = parse_byte_range("bytes=-5", 100);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, 95u);
  r = parse_byte_range("bytes=100-", 100);  // past the end: unsatisfiable
  ASSERT_TRUE(r);
  EXPECT_GT(r->first, r->last);
  EXPECT_FALSE(parse_byte_range("bytes=0-1,5-6", 100));  // several: send it all
  EXPECT_FALSE(parse_byte_range("items=0-1", 100));
  EXPECT_FALSE(parse_byte_range("bytes=9-3", 100));
}

TEST(EtagMatches, WeakComparisonListsAndStar) {
  EXPECT_TRUE(etag_matches("\"a\", W/\"b\"", "\"b\""));
  EXPECT_TRUE(etag_matches("*", "\"x\""));
  EXPECT_FALSE(etag_matches("\"a\"", "\"b\""));
}

}  // namespace
}  // namespace riff::net
