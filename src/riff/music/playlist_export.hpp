#pragma once
// Playlist export: one playlist as M3U8 (extended M3U, UTF-8), XSPF 1
// (xspf.org/spec) or JSPF (xspf.org/jspf, XSPF as JSON). Locations are
// absolute stream URLs on this server; titles and names are carried as
// text, never as markup, whatever characters they hold.
//
// Pure functions, thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace riff::music {

enum class ExportFormat { kM3u8, kXspf, kJspf };

/// "m3u8", "xspf" or "jspf" (case-sensitive); nullopt otherwise.
std::optional<ExportFormat> parse_export_format(std::string_view s);
/// Content-Type and file extension of a format.
std::string_view export_content_type(ExportFormat f);
std::string_view export_extension(ExportFormat f);

struct ExportTrack {
  std::string location;  // absolute stream URL
  std::string info;      // absolute URL of the track on the API
  std::string title;
  std::string artist;
  std::string album;
  std::string isrc;
  std::int64_t track_no = 0;
  std::int64_t duration_ms = 0;
  std::optional<std::string> image;  // absolute cover URL
};

struct ExportPlaylist {
  std::string title;
  std::string creator;     // the owner's handle
  std::string annotation;  // the description
  std::string info;        // absolute URL of the playlist on the API
  std::vector<ExportTrack> tracks;
};

std::string to_m3u8(const ExportPlaylist& p);
std::string to_xspf(const ExportPlaylist& p);
std::string to_jspf(const ExportPlaylist& p);
std::string export_playlist(const ExportPlaylist& p, ExportFormat f);

}  // namespace riff::music
