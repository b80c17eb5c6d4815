#pragma once
// Avatar images on disk, under <media_dir>/avatars/ (or another folder of
// <media_dir>: the shop module keeps logos and product images in shop/). The
// server serves <media_dir> at /media/, so a stored path "avatars/12-ab.png"
// is reachable as /media/avatars/12-ab.png.
//
// Files are written to a temporary name, flushed and renamed, so a reader
// never sees half an image and a crash leaves at most a stray temp file.
// Names carry a random part: a new avatar gets a new URL, so caches need no
// invalidation. Thread-safe (no shared state beyond the file system).

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"

namespace riff::accounts {

enum class ImageType { kPng, kJpeg, kWebp };

inline constexpr std::size_t kMaxAvatarBytes = 2 * 1024 * 1024;

/// The type named by a Content-Type header ("image/png; x=y" works), if accepted.
std::optional<ImageType> image_type_from_content_type(std::string_view content_type);
/// True when `bytes` start with the signature of `type`.
bool magic_matches(ImageType type, std::string_view bytes);
std::string_view file_extension(ImageType type);

class AvatarFiles {
 public:
  /// `folder`: one path segment under `media_dir`.
  explicit AvatarFiles(std::filesystem::path media_dir, std::string folder = "avatars");

  /// Writes `bytes` as a new image of `owner_id`; returns its path relative
  /// to the media directory ("<folder>/<owner>-<random>.<ext>").
  Result<std::string> write(Id owner_id, ImageType type, std::string_view bytes) const;
  /// Removes a file write() made. Best-effort: a missing file is fine, and a
  /// path outside the folder is ignored.
  void remove(const std::string& relative_path) const;
  std::filesystem::path absolute(const std::string& relative_path) const;

 private:
  std::filesystem::path media_dir_;
  std::string folder_;
};

}  // namespace riff::accounts
