// Subsonic authentication arithmetic and response rendering.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "riff/music/subsonic_auth.hpp"
#include "riff/music/subsonic_response.hpp"

namespace riff::music {
namespace {

TEST(SubsonicAuth, TokenIsMd5OfPasswordAndSalt) {
  // The example of the Subsonic API documentation.
  EXPECT_EQ(md5_hex("sesamec19b2d"), "26719a1196d2a940705a59634eb18eab");
  EXPECT_TRUE(token_matches("sesame", "c19b2d", "26719a1196d2a940705a59634eb18eab"));
  EXPECT_TRUE(token_matches("sesame", "c19b2d", "26719A1196D2A940705A59634EB18EAB"));
  EXPECT_FALSE(token_matches("sesame", "c19b2e", "26719a1196d2a940705a59634eb18eab"));
  EXPECT_FALSE(token_matches("sesame", "", md5_hex("sesame")));
  EXPECT_FALSE(token_matches("sesame", "c19b2d", "26719a"));
}

TEST(SubsonicAuth, PasswordParameterMayBeHexEncoded) {
  EXPECT_EQ(decode_password_param("sesame"), "sesame");
  EXPECT_EQ(decode_password_param("enc:736573616d65"), "sesame");
  EXPECT_EQ(decode_password_param("enc:736573616D65"), "sesame");
  EXPECT_EQ(decode_password_param("enc:7365z3"), std::nullopt);
  EXPECT_EQ(decode_password_param("enc:736"), std::nullopt);
}

SubsonicNode sample() {
  SubsonicNode album("album");
  album.set("id", "7").set("name", "A & B <live>").set("songCount", 2).set("starred", true);
  album.add("song", true)
      .set("id", "1")
      .set("title", "One")
      .set_array("isrc", {std::string("USRC17607839")});
  album.add("song", true).set("id", "2").set("title", "Two");
  album.children[0].add("replayGain").set("trackGain", 4.5);
  return album;
}

TEST(SubsonicResponse, XmlHasTheEnvelopeAttributesAndEscapes) {
  const std::string xml = render_ok({sample()}, SubsonicFormat::kXml);
  EXPECT_NE(xml.find("<subsonic-response xmlns=\"http://subsonic.org/restapi\" status=\"ok\" "
                     "version=\"1.16.1\" "
                     "type=\"riff\" serverVersion=\"0.1.0\" openSubsonic=\"true\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("name=\"A &amp; B &lt;live&gt;\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<song id=\"1\" title=\"One\"><isrc>USRC17607839</isrc><replayGain "
                     "trackGain=\"4.5000\"/></song>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<song id=\"2\" title=\"Two\"/>"), std::string::npos) << xml;
}

TEST(SubsonicResponse, JsonMakesListsArraysAndKeepsTypes) {
  const auto v = boost::json::parse(render_ok({sample()}, SubsonicFormat::kJson));
  const auto& r = v.at("subsonic-response").as_object();
  EXPECT_EQ(r.at("status").as_string(), "ok");
  EXPECT_EQ(r.at("openSubsonic").as_bool(), true);
  const auto& album = r.at("album").as_object();
  EXPECT_EQ(album.at("songCount").as_int64(), 2);
  EXPECT_EQ(album.at("starred").as_bool(), true);
  ASSERT_TRUE(album.at("song").is_array());
  EXPECT_EQ(album.at("song").as_array().size(), 2u);
  const auto& first = album.at("song").as_array()[0].as_object();
  EXPECT_EQ(first.at("isrc").as_array()[0].as_string(), "USRC17607839");
  EXPECT_DOUBLE_EQ(first.at("replayGain").at("trackGain").as_double(), 4.5);
}

TEST(SubsonicResponse, OneListMemberIsStillAnArrayAndTextIsValue) {
  SubsonicNode genres("genres");
  auto& g = genres.add("genre", true);
  g.set("songCount", 3);
  g.text = "Rock";
  const auto v = boost::json::parse(render_ok({genres}, SubsonicFormat::kJson));
  const auto& list = v.at("subsonic-response").at("genres").at("genre").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("value").as_string(), "Rock");
  EXPECT_NE(render_ok({genres}, SubsonicFormat::kXml).find("<genre songCount=\"3\">Rock</genre>"),
            std::string::npos);
}

TEST(SubsonicResponse, ErrorsCarryCodeAndMessage) {
  const auto v =
      boost::json::parse(render_error(40, "Wrong username or password.", SubsonicFormat::kJson));
  const auto& r = v.at("subsonic-response").as_object();
  EXPECT_EQ(r.at("status").as_string(), "failed");
  EXPECT_EQ(r.at("error").at("code").as_int64(), 40);
  EXPECT_NE(render_error(70, "x", SubsonicFormat::kXml).find("<error code=\"70\" message=\"x\"/>"),
            std::string::npos);
}

}  // namespace
}  // namespace riff::music
