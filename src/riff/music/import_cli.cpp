#include "riff/music/import_cli.hpp"

#include <unistd.h>

#include <cstdio>
#include <string>

#include "riff/music/importer.hpp"

namespace riff::music {

namespace {

/// One line redrawn in place on a terminal; a line per tenth otherwise.
class ProgressBar {
 public:
  ProgressBar() : tty_(::isatty(2) == 1) {}

  void update(std::int64_t done, std::int64_t total, const std::string& file) {
    const int width = 30;
    const int filled = total > 0 ? static_cast<int>(done * width / total) : width;
    const int pct = total > 0 ? static_cast<int>(done * 100 / total) : 100;
    std::string name = std::filesystem::path(file).filename().string();
    if (name.size() > 40) name = name.substr(0, 37) + "...";
    if (tty_) {
      std::fprintf(stderr, "\r\033[K[%s%s] %3d%% %lld/%lld %s", std::string(filled, '#').c_str(),
                   std::string(width - filled, '-').c_str(), pct, static_cast<long long>(done),
                   static_cast<long long>(total), name.c_str());
      if (done == total) std::fputc('\n', stderr);
    } else if (pct / 10 != last_decile_ || done == total) {
      last_decile_ = pct / 10;
      std::fprintf(stderr, "[%s%s] %3d%% %lld/%lld\n", std::string(filled, '#').c_str(),
                   std::string(width - filled, '-').c_str(), pct, static_cast<long long>(done),
                   static_cast<long long>(total));
    }
    std::fflush(stderr);
  }

 private:
  bool tty_;
  int last_decile_ = -1;
};

}  // namespace

int run_import_command(db::Database& db, IdGenerator& ids, const Clock& clock,
                       const ImportCommand& cmd) {
  Importer importer(db, ids, clock, child_probe_runner(cmd.riffd, cmd.limits),
                    ImportOptions{cmd.music_dir, cmd.transcode, cmd.jobs, cmd.sounds_dir,
                                  cmd.sound_clip_ms});
  ProgressBar bar;
  auto report =
      importer.run(cmd.dir, [&bar](std::int64_t done, std::int64_t total, const std::string& file) {
        bar.update(done, total, file);
      });
  if (!report) {
    std::fprintf(stderr, "riffd music import: %s\n", report.status().message().c_str());
    return 2;
  }
  for (const auto& f : report->failures) {
    std::printf("skipped %s: %s (%s)\n", f.path.c_str(), f.message.c_str(), f.reason.c_str());
  }
  std::printf("%lld files: %lld imported, %lld updated, %lld unchanged, %zu failed\n",
              static_cast<long long>(report->files), static_cast<long long>(report->imported),
              static_cast<long long>(report->updated), static_cast<long long>(report->unchanged),
              report->failures.size());
  return report->failures.empty() ? 0 : 1;
}

}  // namespace riff::music
