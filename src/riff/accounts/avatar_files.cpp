#include "riff/accounts/avatar_files.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "riff/accounts/tokens.hpp"
#include "riff/accounts/validation.hpp"

namespace riff::accounts {
namespace {

/// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  /// Closes now and reports the error close() returned, if any.
  int close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

Status io_error(std::string_view what, const std::filesystem::path& p) {
  return Status::internal(fmt::format("{} {}: {}", what, p.string(), std::strerror(errno)));
}

}  // namespace

std::optional<ImageType> image_type_from_content_type(std::string_view content_type) {
  std::string_view t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  std::string lower = to_lower_ascii(t);
  if (lower == "image/png") return ImageType::kPng;
  if (lower == "image/jpeg" || lower == "image/jpg") return ImageType::kJpeg;
  if (lower == "image/webp") return ImageType::kWebp;
  return std::nullopt;
}

bool magic_matches(ImageType type, std::string_view b) {
  switch (type) {
    case ImageType::kPng:
      return b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8);
    case ImageType::kJpeg:
      return b.substr(0, 3) == "\xFF\xD8\xFF";
    case ImageType::kWebp:
      return b.size() >= 12 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP";
  }
  return false;
}

std::string_view file_extension(ImageType type) {
  switch (type) {
    case ImageType::kPng:
      return "png";
    case ImageType::kJpeg:
      return "jpg";
    case ImageType::kWebp:
      return "webp";
  }
  return "bin";
}

AvatarFiles::AvatarFiles(std::filesystem::path media_dir, std::string folder)
    : media_dir_(std::move(media_dir)), folder_(std::move(folder)) {}

std::filesystem::path AvatarFiles::absolute(const std::string& relative_path) const {
  return media_dir_ / relative_path;
}

Result<std::string> AvatarFiles::write(Id owner_id, ImageType type, std::string_view bytes) const {
  const std::filesystem::path dir = media_dir_ / folder_;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::internal(fmt::format("create {}: {}", dir.string(), ec.message()));

  const std::string name = fmt::format("{}-{}.{}", owner_id, random_hex(8), file_extension(type));
  const std::filesystem::path final_path = dir / name;
  const std::filesystem::path temp_path = dir / ("." + name + ".tmp");

  Fd fd(::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (fd.get() < 0) return io_error("create", temp_path);
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status st = io_error("write", temp_path);
      ::unlink(temp_path.c_str());
      return st;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0 || fd.close() != 0) {
    Status st = io_error("flush", temp_path);
    ::unlink(temp_path.c_str());
    return st;
  }
  if (::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    Status st = io_error("rename", temp_path);
    ::unlink(temp_path.c_str());
    return st;
  }
  return folder_ + "/" + name;
}

void AvatarFiles::remove(const std::string& relative_path) const {
  // Only names write() could have made: one level under the folder, no "..".
  const std::string prefix = folder_ + "/";
  if (relative_path.rfind(prefix, 0) != 0) return;
  std::string_view name = std::string_view(relative_path).substr(prefix.size());
  if (name.empty() || name.find('/') != std::string_view::npos ||
      name.find("..") != std::string_view::npos) {
    return;
  }
  std::error_code ec;
  std::filesystem::remove(media_dir_ / relative_path, ec);
}

}  // namespace riff::accounts
