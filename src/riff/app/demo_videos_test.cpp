#include "riff/app/demo_videos.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace riff::app {
namespace {

/// What a ProgressBar writes, captured in memory.
class Captured {
 public:
  Captured() : out_(open_memstream(&buf_, &size_)) {}
  ~Captured() {
    std::fclose(out_);
    std::free(buf_);
  }
  std::FILE* file() { return out_; }
  std::string text() {
    std::fflush(out_);
    return std::string(buf_, size_);
  }

 private:
  char* buf_ = nullptr;
  std::size_t size_ = 0;
  std::FILE* out_;
};

TEST(ProgressBarTest, WritesOneLinePerStepWhenNotATerminal) {
  Captured out;
  ProgressBar bar(out.file(), false);
  bar.update("processing demo videos", 0, 8);
  bar.update("processing demo videos", 5, 8);
  bar.update("processing demo videos", 8, 8);
  bar.finish();
  EXPECT_EQ(out.text(),
            "processing demo videos [....................] 0/8\n"
            "processing demo videos [############........] 5/8\n"
            "processing demo videos [####################] 8/8\n");
}

TEST(ProgressBarTest, RedrawsOneLineOnATerminalAndEndsIt) {
  Captured out;
  ProgressBar bar(out.file(), true);
  bar.update("making demo clips", 1, 2);
  bar.update("making demo clips", 2, 2);
  bar.finish();
  bar.finish();
  EXPECT_EQ(out.text(),
            "\r\033[Kmaking demo clips [##########..........] 1/2\r"
            "\r\033[Kmaking demo clips [####################] 2/2\r\n");
}

}  // namespace
}  // namespace riff::app
