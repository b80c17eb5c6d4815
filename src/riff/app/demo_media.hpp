#pragma once
// What the demo seeders share to make media on the spot: a temp directory
// that cleans up after itself and a way to run the ffmpeg program.

#include <filesystem>
#include <string>
#include <vector>

#include "riff/core/status.hpp"

namespace riff::app {

/// A temp directory removed with everything in it when this goes away.
class TempDir {
 public:
  /// Makes <parent>/<prefix>XXXXXX.
  static Result<TempDir> make(const std::filesystem::path& parent, const std::string& prefix);
  TempDir(TempDir&& o) noexcept;
  TempDir& operator=(TempDir&& o) noexcept;
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TempDir(std::filesystem::path p) : path_(std::move(p)) {}
  void remove();
  std::filesystem::path path_;
};

/// Runs ffmpeg with `args`, its stderr into `log`. kUnavailable naming ffmpeg
/// when the program is not on PATH, or with the end of its log when it fails.
Status run_ffmpeg(const std::vector<std::string>& args, const std::filesystem::path& log);

}  // namespace riff::app
