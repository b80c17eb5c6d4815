#pragma once
// Reading an audio file's tags and embedded cover with TagLib, and making
// what a file claims safe to store: valid UTF-8 without control characters,
// bounded lengths, numbers in range. Hostile or broken tags give empty
// fields, never an error that stops an import.
//
// read_tags() parses untrusted bytes: only the `riffd music probe` child
// calls it. The cleaning functions are pure and thread-safe.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace riff::music {

struct AudioTags {
  std::string title;
  std::vector<std::string> artists;  // in credit order
  std::string album;
  std::string album_artist;
  std::int64_t track_no = 0;
  std::int64_t disc_no = 0;
  std::int64_t year = 0;
  std::string genre;
  std::string isrc;
};

struct EmbeddedCover {
  std::string mime;  // "image/jpeg" or "image/png"
  std::string bytes;
};

/// Tags of `path` (all empty when TagLib cannot read it) and its first
/// front-cover (else any) picture in a format riff serves.
struct TagRead {
  AudioTags tags;
  std::optional<EmbeddedCover> cover;
};
TagRead read_tags(const std::filesystem::path& path);

inline constexpr std::size_t kMaxTagBytes = 400;

/// `raw` as valid UTF-8 (bad sequences dropped), control characters
/// removed, whitespace trimmed and cut at a character boundary within
/// kMaxTagBytes.
std::string clean_tag(std::string_view raw);
/// The leading number of "3", "3/12", " 07 " (0 when none or out of 0..9999).
std::int64_t leading_number(std::string_view s);
/// The year of "1999", "1999-05-01", "1999/05" (0 when none or implausible).
std::int64_t year_of(std::string_view s);
/// An ISRC (CC-XXX-YY-NNNNN, 12 characters without dashes) upper-cased and
/// without dashes, or "" when `s` is not one.
std::string normalize_isrc(std::string_view s);
/// Artists named in `s`, split on ';' and " feat. " / " ft. ", cleaned, no duplicates.
std::vector<std::string> split_artists(std::string_view s);
/// The picture type of `bytes` from its magic number ("image/jpeg",
/// "image/png"), or "" for anything else.
std::string sniff_image(std::string_view bytes);

}  // namespace riff::music
