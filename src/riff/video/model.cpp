#include "riff/video/model.hpp"

#include <algorithm>
#include <cctype>

namespace riff::video {

std::string_view to_string(VideoStatus s) {
  switch (s) {
    case VideoStatus::kProcessing: return "processing";
    case VideoStatus::kReady: return "ready";
    case VideoStatus::kFailed: return "failed";
    case VideoStatus::kDeleted: return "deleted";
  }
  return "processing";
}

std::string_view to_string(Visibility v) {
  switch (v) {
    case Visibility::kPublic: return "public";
    case Visibility::kFollowers: return "followers";
    case Visibility::kPrivate: return "private";
  }
  return "public";
}

std::string_view to_string(CommentPolicy p) {
  switch (p) {
    case CommentPolicy::kEveryone: return "everyone";
    case CommentPolicy::kFollowers: return "followers";
    case CommentPolicy::kNoOne: return "no_one";
  }
  return "everyone";
}

std::string_view to_string(SoundMode m) {
  switch (m) {
    case SoundMode::kOriginal: return "original";
    case SoundMode::kReplace: return "replace";
    case SoundMode::kMix: return "mix";
  }
  return "original";
}

std::optional<Visibility> parse_visibility(std::string_view s) {
  if (s == "public") return Visibility::kPublic;
  if (s == "followers") return Visibility::kFollowers;
  if (s == "private") return Visibility::kPrivate;
  return std::nullopt;
}

std::optional<CommentPolicy> parse_comment_policy(std::string_view s) {
  if (s == "everyone") return CommentPolicy::kEveryone;
  if (s == "followers") return CommentPolicy::kFollowers;
  if (s == "no_one") return CommentPolicy::kNoOne;
  return std::nullopt;
}

std::optional<SoundMode> parse_sound_mode(std::string_view s) {
  if (s == "original") return SoundMode::kOriginal;
  if (s == "replace") return SoundMode::kReplace;
  if (s == "mix") return SoundMode::kMix;
  return std::nullopt;
}

namespace {

// Hashtags take letters, digits and '_' (any non-ASCII byte counts as a
// letter, so #café works); handles also take '.'.
bool tag_char(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }
bool handle_char(unsigned char c) { return std::isalnum(c) || c == '_' || c == '.'; }

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void add_unique(std::vector<std::string>& v, std::string s) {
  if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

}  // namespace

CaptionEntities parse_caption(std::string_view caption) {
  CaptionEntities out;
  for (std::size_t i = 0; i < caption.size(); ++i) {
    char c = caption[i];
    if (c != '#' && c != '@') continue;
    // A marker counts only at the start or after a non-word character (not in "a@b.com").
    if (i > 0 && handle_char(static_cast<unsigned char>(caption[i - 1]))) continue;
    std::size_t j = i + 1;
    auto ok = c == '#' ? tag_char : handle_char;
    while (j < caption.size() && ok(static_cast<unsigned char>(caption[j]))) ++j;
    std::string_view word = caption.substr(i + 1, j - i - 1);
    if (c == '@') {
      while (!word.empty() && word.back() == '.') word.remove_suffix(1);  // "@ana." ends a sentence
      if (word.size() >= 3 && word.size() <= 24) add_unique(out.mentions, lower_ascii(word));
    } else if (!word.empty() && word.size() <= 100) {
      add_unique(out.hashtags, lower_ascii(word));
    }
    i = j - 1;
  }
  return out;
}

}  // namespace riff::video
