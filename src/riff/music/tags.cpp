#include "riff/music/tags.hpp"

#include <taglib/attachedpictureframe.h>
#include <taglib/fileref.h>
#include <taglib/flacfile.h>
#include <taglib/flacpicture.h>
#include <taglib/id3v2tag.h>
#include <taglib/mp4coverart.h>
#include <taglib/mp4file.h>
#include <taglib/mp4tag.h>
#include <taglib/mpegfile.h>
#include <taglib/opusfile.h>
#include <taglib/tpropertymap.h>
#include <taglib/vorbisfile.h>
#include <taglib/xiphcomment.h>

#include <algorithm>
#include <cctype>

namespace riff::music {
namespace {

constexpr std::size_t kMaxCoverBytes = 10 << 20;

/// Length of the valid UTF-8 sequence starting at s[i], or 0.
std::size_t utf8_seq(std::string_view s, std::size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  std::size_t n = b < 0x80           ? 1
                  : (b >> 5) == 0x6  ? 2
                  : (b >> 4) == 0xE  ? 3
                  : (b >> 3) == 0x1E ? 4
                                     : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  if (n == 2 && b < 0xC2) return 0;  // overlong
  if (n == 3) {
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b == 0xE0 && b1 < 0xA0) return 0;   // overlong
    if (b == 0xED && b1 >= 0xA0) return 0;  // surrogates
  }
  if (n == 4) {
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if ((b == 0xF0 && b1 < 0x90) || b > 0xF4 || (b == 0xF4 && b1 >= 0x90)) return 0;
  }
  return n;
}

std::string to_utf8(const TagLib::String& s) {
  return s.to8Bit(true);
}

std::string first_property(const TagLib::PropertyMap& props, const char* key) {
  auto it = props.find(key);
  if (it == props.end() || it->second.isEmpty()) return {};
  return clean_tag(to_utf8(it->second.front()));
}

std::optional<EmbeddedCover> picture(std::string mime, const TagLib::ByteVector& data) {
  if (data.isEmpty() || data.size() > kMaxCoverBytes) return std::nullopt;
  std::string bytes(data.data(), data.size());
  std::string sniffed = sniff_image(bytes);
  if (sniffed.empty()) return std::nullopt;  // whatever the tag claims, riff serves only JPEG/PNG
  return EmbeddedCover{std::move(sniffed), std::move(bytes)};
}

std::optional<EmbeddedCover> from_flac_pictures(const TagLib::List<TagLib::FLAC::Picture*>& list) {
  std::optional<EmbeddedCover> any;
  for (auto* p : list) {
    auto c = picture(to_utf8(p->mimeType()), p->data());
    if (!c) continue;
    if (p->type() == TagLib::FLAC::Picture::FrontCover) return c;
    if (!any) any = std::move(c);
  }
  return any;
}

std::optional<EmbeddedCover> from_id3v2(TagLib::ID3v2::Tag* tag) {
  if (!tag) return std::nullopt;
  std::optional<EmbeddedCover> any;
  for (auto* frame : tag->frameList("APIC")) {
    auto* apic = dynamic_cast<TagLib::ID3v2::AttachedPictureFrame*>(frame);
    if (!apic) continue;
    auto c = picture(to_utf8(apic->mimeType()), apic->picture());
    if (!c) continue;
    if (apic->type() == TagLib::ID3v2::AttachedPictureFrame::FrontCover) return c;
    if (!any) any = std::move(c);
  }
  return any;
}

std::optional<EmbeddedCover> cover_of(TagLib::File* file) {
  if (auto* f = dynamic_cast<TagLib::MPEG::File*>(file)) return from_id3v2(f->ID3v2Tag(false));
  if (auto* f = dynamic_cast<TagLib::FLAC::File*>(file))
    return from_flac_pictures(f->pictureList());
  if (auto* f = dynamic_cast<TagLib::Ogg::Vorbis::File*>(file)) {
    return f->tag() ? from_flac_pictures(f->tag()->pictureList()) : std::nullopt;
  }
  if (auto* f = dynamic_cast<TagLib::Ogg::Opus::File*>(file)) {
    return f->tag() ? from_flac_pictures(f->tag()->pictureList()) : std::nullopt;
  }
  if (auto* f = dynamic_cast<TagLib::MP4::File*>(file)) {
    auto* tag = f->tag();
    if (!tag || !tag->contains("covr")) return std::nullopt;
    for (const auto& art : tag->item("covr").toCoverArtList()) {
      if (auto c = picture("", art.data())) return c;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string clean_tag(std::string_view raw) {
  std::string out;
  out.reserve(std::min(raw.size(), kMaxTagBytes));
  for (std::size_t i = 0; i < raw.size();) {
    std::size_t n = utf8_seq(raw, i);
    if (n == 0) {
      ++i;
      continue;
    }
    const auto b = static_cast<unsigned char>(raw[i]);
    const bool control = n == 1 && (b < 0x20 || b == 0x7F);
    const bool c1 = n == 2 && b == 0xC2 && static_cast<unsigned char>(raw[i + 1]) < 0xA0;
    if (control || c1) {
      if (!out.empty() && out.back() != ' ') out += ' ';  // a tab or newline separates words
    } else {
      if (out.size() + n > kMaxTagBytes) break;
      out.append(raw.substr(i, n));
    }
    i += n;
  }
  auto not_space = [](unsigned char c) { return c != ' '; };
  out.erase(out.begin(), std::find_if(out.begin(), out.end(), not_space));
  out.erase(std::find_if(out.rbegin(), out.rend(), not_space).base(), out.end());
  return out;
}

std::int64_t leading_number(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  std::int64_t v = 0;
  std::size_t digits = 0;
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) {
    if (++digits > 4) return 0;
    v = v * 10 + (s[i] - '0');
  }
  return digits ? v : 0;
}

std::int64_t year_of(std::string_view s) {
  std::int64_t y = leading_number(s);
  return y >= 1000 && y <= 2999 ? y : 0;
}

std::string normalize_isrc(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '-' || c == ' ') continue;
    if (!std::isalnum(static_cast<unsigned char>(c))) return {};
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (out.size() != 12) return {};
  // CC (letters) + registrant (alnum) + YY NNNNN (digits).
  for (int i = 0; i < 2; ++i) {
    if (!std::isalpha(static_cast<unsigned char>(out[i]))) return {};
  }
  for (int i = 5; i < 12; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(out[i]))) return {};
  }
  return out;
}

std::vector<std::string> split_artists(std::string_view s) {
  std::string text(s);
  for (const char* sep : {" feat. ", " Feat. ", " ft. ", " featuring "}) {
    for (auto pos = text.find(sep); pos != std::string::npos; pos = text.find(sep)) {
      text.replace(pos, std::string_view(sep).size(), ";");
    }
  }
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(';', start);
    if (end == std::string::npos) end = text.size();
    std::string name = clean_tag(std::string_view(text).substr(start, end - start));
    if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end() && out.size() < 16) {
      out.push_back(std::move(name));
    }
    start = end + 1;
  }
  return out;
}

std::string sniff_image(std::string_view b) {
  if (b.size() > 3 && static_cast<unsigned char>(b[0]) == 0xFF &&
      static_cast<unsigned char>(b[1]) == 0xD8 && static_cast<unsigned char>(b[2]) == 0xFF) {
    return "image/jpeg";
  }
  if (b.size() > 8 && b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8))
    return "image/png";
  return {};
}

TagRead read_tags(const std::filesystem::path& path) {
  TagRead out;
  TagLib::FileRef ref(path.c_str(), false);
  if (ref.isNull() || !ref.file() || !ref.file()->isValid()) return out;
  const TagLib::PropertyMap props = ref.file()->properties();
  AudioTags& t = out.tags;
  t.title = first_property(props, "TITLE");
  if (auto it = props.find("ARTISTS"); it != props.end() && !it->second.isEmpty()) {
    for (const auto& a : it->second) {
      for (auto& name : split_artists(to_utf8(a))) {
        if (std::find(t.artists.begin(), t.artists.end(), name) == t.artists.end())
          t.artists.push_back(name);
      }
    }
  }
  if (t.artists.empty()) {
    if (auto it = props.find("ARTIST"); it != props.end()) {
      for (const auto& a : it->second) {
        for (auto& name : split_artists(to_utf8(a))) {
          if (std::find(t.artists.begin(), t.artists.end(), name) == t.artists.end())
            t.artists.push_back(name);
        }
      }
    }
  }
  t.album = first_property(props, "ALBUM");
  t.album_artist = first_property(props, "ALBUMARTIST");
  t.track_no = leading_number(first_property(props, "TRACKNUMBER"));
  t.disc_no = leading_number(first_property(props, "DISCNUMBER"));
  t.year = year_of(first_property(props, "DATE"));
  if (t.year == 0) t.year = year_of(first_property(props, "ORIGINALDATE"));
  t.genre = first_property(props, "GENRE");
  t.isrc = normalize_isrc(first_property(props, "ISRC"));
  out.cover = cover_of(ref.file());
  return out;
}

}  // namespace riff::music
