#include "riff/music/playlist_export.hpp"

#include <boost/json.hpp>
#include <cctype>

#include "riff/music/xml_text.hpp"

namespace riff::music {
namespace {

namespace json = boost::json;

/// One line of M3U text: line breaks and other control characters would
/// start a new directive or entry, so they become spaces.
std::string m3u_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? ' ' : c;
  return out;
}

/// An ISRC as a URN (urn:isrc:CCXXXYYNNNNN), or "" when it is not one.
std::string isrc_urn(std::string_view isrc) {
  std::string code;
  for (char c : isrc) {
    if (c == '-') continue;
    if (!std::isalnum(static_cast<unsigned char>(c))) return "";
    code += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return code.size() == 12 ? "urn:isrc:" + code : "";
}

void xml_element(std::string& out, std::string_view indent, std::string_view name,
                 std::string_view text) {
  out += indent;
  out += '<';
  out += name;
  out += '>';
  append_xml_text(out, text);
  out += "</";
  out += name;
  out += ">\n";
}

}  // namespace

std::optional<ExportFormat> parse_export_format(std::string_view s) {
  if (s == "m3u8") return ExportFormat::kM3u8;
  if (s == "xspf") return ExportFormat::kXspf;
  if (s == "jspf") return ExportFormat::kJspf;
  return std::nullopt;
}

std::string_view export_content_type(ExportFormat f) {
  switch (f) {
    case ExportFormat::kM3u8:
      return "audio/x-mpegurl; charset=utf-8";
    case ExportFormat::kXspf:
      return "application/xspf+xml; charset=utf-8";
    case ExportFormat::kJspf:
      return "application/jspf+json";
  }
  return "application/octet-stream";
}

std::string_view export_extension(ExportFormat f) {
  switch (f) {
    case ExportFormat::kM3u8:
      return "m3u8";
    case ExportFormat::kXspf:
      return "xspf";
    case ExportFormat::kJspf:
      return "jspf";
  }
  return "txt";
}

std::string to_m3u8(const ExportPlaylist& p) {
  std::string out = "#EXTM3U\n";
  out += "#PLAYLIST:" + m3u_text(p.title) + "\n";
  for (const auto& t : p.tracks) {
    const std::int64_t seconds = t.duration_ms > 0 ? (t.duration_ms + 500) / 1000 : -1;
    out += "#EXTINF:" + std::to_string(seconds) + "," + m3u_text(t.artist) + " - " +
           m3u_text(t.title) + "\n";
    if (!t.album.empty()) out += "#EXTALB:" + m3u_text(t.album) + "\n";
    out += m3u_text(t.location) + "\n";
  }
  return out;
}

std::string to_xspf(const ExportPlaylist& p) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<playlist version=\"1\" xmlns=\"http://xspf.org/ns/0/\">\n";
  xml_element(out, "  ", "title", p.title);
  xml_element(out, "  ", "creator", p.creator);
  if (!p.annotation.empty()) xml_element(out, "  ", "annotation", p.annotation);
  xml_element(out, "  ", "info", p.info);
  out += "  <trackList>\n";
  for (const auto& t : p.tracks) {
    constexpr std::string_view in = "      ";
    out += "    <track>\n";
    xml_element(out, in, "location", t.location);
    if (auto urn = isrc_urn(t.isrc); !urn.empty()) xml_element(out, in, "identifier", urn);
    xml_element(out, in, "title", t.title);
    xml_element(out, in, "creator", t.artist);
    xml_element(out, in, "annotation", t.artist + " - " + t.title);
    xml_element(out, in, "info", t.info);
    if (t.image) xml_element(out, in, "image", *t.image);
    if (!t.album.empty()) xml_element(out, in, "album", t.album);
    if (t.track_no > 0) xml_element(out, in, "trackNum", std::to_string(t.track_no));
    if (t.duration_ms > 0) xml_element(out, in, "duration", std::to_string(t.duration_ms));
    out += "    </track>\n";
  }
  out += "  </trackList>\n</playlist>\n";
  return out;
}

std::string to_jspf(const ExportPlaylist& p) {
  const auto text = [](std::string_view s) { return json::value(to_valid_utf8(s)); };
  json::array tracks;
  for (const auto& t : p.tracks) {
    json::object o{{"location", json::array{text(t.location)}},
                   {"title", text(t.title)},
                   {"creator", text(t.artist)},
                   {"annotation", text(t.artist + " - " + t.title)},
                   {"info", text(t.info)}};
    if (auto urn = isrc_urn(t.isrc); !urn.empty()) o["identifier"] = json::array{json::value(urn)};
    if (t.image) o["image"] = text(*t.image);
    if (!t.album.empty()) o["album"] = text(t.album);
    if (t.track_no > 0) o["trackNum"] = t.track_no;
    if (t.duration_ms > 0) o["duration"] = t.duration_ms;
    tracks.push_back(std::move(o));
  }
  json::object playlist{{"title", text(p.title)}, {"creator", text(p.creator)}, {"info", text(p.info)}};
  if (!p.annotation.empty()) playlist["annotation"] = text(p.annotation);
  playlist["track"] = std::move(tracks);
  return json::serialize(json::object{{"playlist", std::move(playlist)}}) + "\n";
}

std::string export_playlist(const ExportPlaylist& p, ExportFormat f) {
  switch (f) {
    case ExportFormat::kM3u8:
      return to_m3u8(p);
    case ExportFormat::kXspf:
      return to_xspf(p);
    case ExportFormat::kJspf:
      return to_jspf(p);
  }
  return {};
}

}  // namespace riff::music
