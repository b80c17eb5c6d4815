#pragma once
// Access logs as JSON lines on stdout, buffered: one write syscall per batch,
// not per request. Thread-safe.

#include <mutex>
#include <string>
#include <string_view>

#include "riff/net/http.hpp"

namespace riff::net {

class AccessLog {
 public:
  AccessLog();
  ~AccessLog();
  bool enabled() const { return enabled_; }
  void set_enabled(bool e) { enabled_ = e; }
  void write(const Request& req, std::string_view route, int status, std::uint64_t bytes, double seconds);
  void flush();

 private:
  bool enabled_ = true;
  std::mutex mu_;
  std::string buf_;
  std::int64_t last_flush_ms_ = 0;
};

/// Escapes a string for a JSON string literal (without the quotes).
std::string json_escape(std::string_view s);

}  // namespace riff::net
