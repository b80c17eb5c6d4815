#include "riff/app/demo_media.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <utility>

extern char** environ;

namespace riff::app {

namespace fs = std::filesystem;

Result<TempDir> TempDir::make(const fs::path& parent, const std::string& prefix) {
  std::error_code ec;
  fs::create_directories(parent, ec);
  std::string templ = (parent / (prefix + "XXXXXX")).string();
  if (::mkdtemp(templ.data()) == nullptr) {
    return Status::unavailable("make a temp dir under " + parent.string() + ": " + std::strerror(errno));
  }
  return TempDir(templ);
}

TempDir::TempDir(TempDir&& o) noexcept : path_(std::exchange(o.path_, {})) {}

TempDir& TempDir::operator=(TempDir&& o) noexcept {
  remove();
  path_ = std::exchange(o.path_, {});
  return *this;
}

TempDir::~TempDir() { remove(); }

void TempDir::remove() {
  std::error_code ec;
  if (!path_.empty()) fs::remove_all(path_, ec);
}

Status run_ffmpeg(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<char*> argv;
  std::string program = "ffmpeg";
  argv.push_back(program.data());
  std::vector<std::string> owned = args;
  for (auto& a : owned) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&files, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&files, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  // The server blocks and ignores signals on its threads; ffmpeg gets the defaults.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int s : {SIGINT, SIGTERM, SIGPIPE}) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  const int err = posix_spawnp(&pid, "ffmpeg", &files, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attr);
  if (err == ENOENT) return Status::unavailable("ffmpeg is not installed (not found on PATH)");
  if (err != 0) return Status::unavailable(std::string("start ffmpeg: ") + std::strerror(err));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::ok();
  std::ifstream in(log);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > 400) text = "..." + text.substr(text.size() - 400);
  return Status::unavailable("ffmpeg failed: " + text);
}

}  // namespace riff::app
