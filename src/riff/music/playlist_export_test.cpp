#include "riff/music/playlist_export.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "riff/music/xml_text.hpp"

namespace riff::music {
namespace {

namespace json = boost::json;

ExportPlaylist hostile_playlist() {
  ExportPlaylist p;
  p.title = "Mix </title><script>alert(1)</script> & \"more\"";
  p.creator = "dj_o'neil";
  p.annotation = "line one\nline two";
  p.info = "http://riff.test/api/v1/playlists/7";
  ExportTrack a;
  a.location = "http://riff.test/api/v1/tracks/1/stream";
  a.info = "http://riff.test/api/v1/tracks/1";
  a.title = "Evil\n#EXTINF:1,Injected\nhttp://evil.test/x.mp3";
  a.artist = "A & B <C>";
  a.album = "Album\r\n#EXTM3U";
  a.isrc = "us-rf1-26-00001";
  a.track_no = 3;
  a.duration_ms = 61'499;
  a.image = "http://riff.test/api/v1/albums/9/cover";
  ExportTrack b;
  b.location = "http://riff.test/api/v1/tracks/2/stream";
  b.info = "http://riff.test/api/v1/tracks/2";
  b.title = std::string("Bell\x07 and \xFF bad bytes");
  b.artist = "Solo";
  b.isrc = "not an isrc";
  p.tracks = {a, b};
  return p;
}

std::size_t count(const std::string& s, std::string_view what) {
  std::size_t n = 0;
  for (auto pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + 1)) ++n;
  return n;
}

TEST(MusicPlaylistExport, FormatsParseByName) {
  EXPECT_EQ(parse_export_format("m3u8"), ExportFormat::kM3u8);
  EXPECT_EQ(parse_export_format("xspf"), ExportFormat::kXspf);
  EXPECT_EQ(parse_export_format("jspf"), ExportFormat::kJspf);
  EXPECT_FALSE(parse_export_format("pls"));
  EXPECT_FALSE(parse_export_format("M3U8 "));
}

TEST(MusicPlaylistExport, M3u8HasOneEntryPerTrackAndHostileTitlesCannotAddLines) {
  const std::string m3u = to_m3u8(hostile_playlist());
  EXPECT_EQ(m3u.rfind("#EXTM3U\n", 0), 0u);
  EXPECT_EQ(count(m3u, "\n#EXTINF:"), 2u);  // lines; the injected text stays inside a title
  EXPECT_EQ(count(m3u, "\n#EXTM3U"), 0u);
  EXPECT_NE(m3u.find("#EXTINF:61,A & B <C> - Evil #EXTINF:1,Injected http://evil.test/x.mp3\n"),
            std::string::npos);
  EXPECT_NE(m3u.find("#EXTALB:Album  #EXTM3U\n"), std::string::npos);
  EXPECT_NE(m3u.find("\nhttp://riff.test/api/v1/tracks/1/stream\n"), std::string::npos);
  EXPECT_NE(m3u.find("#EXTINF:-1,Solo - Bell  and"), std::string::npos) << "unknown duration";
  // Every line is a directive or a stream URL of ours.
  std::size_t start = 0;
  while (start < m3u.size()) {
    const auto end = m3u.find('\n', start);
    const std::string line = m3u.substr(start, end - start);
    EXPECT_TRUE(line.starts_with("#") || line.starts_with("http://riff.test/")) << line;
    start = end + 1;
  }
}

TEST(MusicPlaylistExport, XspfEscapesMarkupAndDropsWhatXmlCannotCarry) {
  const std::string x = to_xspf(hostile_playlist());
  EXPECT_EQ(x.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<playlist version=\"1\" xmlns=\"http://xspf.org/ns/0/\">\n",
                    0),
            0u);
  EXPECT_NE(x.find("<title>Mix &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; "
                   "&quot;more&quot;</title>"),
            std::string::npos);
  EXPECT_EQ(x.find("<script>"), std::string::npos);
  EXPECT_NE(x.find("<creator>dj_o&apos;neil</creator>"), std::string::npos);
  EXPECT_NE(x.find("<creator>A &amp; B &lt;C&gt;</creator>"), std::string::npos);
  EXPECT_EQ(count(x, "<track>"), 2u);
  EXPECT_EQ(count(x, "<title>"), 3u);
  EXPECT_NE(x.find("<identifier>urn:isrc:USRF12600001</identifier>"), std::string::npos);
  EXPECT_EQ(count(x, "<identifier>"), 1u) << "a malformed ISRC is left out";
  EXPECT_NE(x.find("<trackNum>3</trackNum>"), std::string::npos);
  EXPECT_NE(x.find("<duration>61499</duration>"), std::string::npos);
  EXPECT_NE(x.find("<image>http://riff.test/api/v1/albums/9/cover</image>"), std::string::npos);
  EXPECT_NE(x.find("<title>Bell\xEF\xBF\xBD and \xEF\xBF\xBD bad bytes</title>"),
            std::string::npos);
  EXPECT_EQ(x.find('\x07'), std::string::npos);
  EXPECT_TRUE(x.ends_with("  </trackList>\n</playlist>\n"));
}

TEST(MusicPlaylistExport, XspfOfAnEmptyPlaylistStillHasATrackList) {
  ExportPlaylist p;
  p.title = "Empty";
  const std::string x = to_xspf(p);
  EXPECT_NE(x.find("<trackList>\n  </trackList>"), std::string::npos);
  EXPECT_EQ(x.find("<annotation>"), std::string::npos);
}

TEST(MusicPlaylistExport, JspfIsXspfAsJsonWithArraysForLocationAndIdentifier) {
  const json::value v = json::parse(to_jspf(hostile_playlist()));
  const auto& pl = v.at("playlist").as_object();
  EXPECT_EQ(pl.at("title").as_string(), "Mix </title><script>alert(1)</script> & \"more\"");
  EXPECT_EQ(pl.at("creator").as_string(), "dj_o'neil");
  EXPECT_EQ(pl.at("annotation").as_string(), "line one\nline two");
  const auto& tracks = pl.at("track").as_array();
  ASSERT_EQ(tracks.size(), 2u);
  const auto& a = tracks[0].as_object();
  EXPECT_EQ(a.at("location").as_array().at(0).as_string(),
            "http://riff.test/api/v1/tracks/1/stream");
  EXPECT_EQ(a.at("identifier").as_array().at(0).as_string(), "urn:isrc:USRF12600001");
  EXPECT_EQ(a.at("title").as_string(), "Evil\n#EXTINF:1,Injected\nhttp://evil.test/x.mp3");
  EXPECT_EQ(a.at("trackNum").as_int64(), 3);
  EXPECT_EQ(a.at("duration").as_int64(), 61'499);
  EXPECT_EQ(tracks[1].as_object().at("title").as_string(),
            "Bell\x07 and \xEF\xBF\xBD bad bytes");  // JSON escapes the bell itself
  EXPECT_FALSE(tracks[1].as_object().contains("identifier"));
  EXPECT_FALSE(tracks[1].as_object().contains("duration"));
}

TEST(MusicXmlText, KeepsValidUtf8AndWhitespaceAndReplacesTheRest) {
  std::string out;
  append_xml_text(out, "caf\xC3\xA9 \xE2\x82\xAC\t\n\x01\xC0\xAF\xED\xA0\x80\xEF\xBF\xBE");
  EXPECT_EQ(out,
            "caf\xC3\xA9 \xE2\x82\xAC\t\n\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF"
            "\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace riff::music
