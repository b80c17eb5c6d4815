#include "riff/net/access_log.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>

namespace riff::net {
namespace {

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

constexpr std::size_t kFlushBytes = 64 * 1024;
constexpr std::int64_t kFlushMs = 200;

}  // namespace

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

AccessLog::AccessLog() = default;
AccessLog::~AccessLog() { flush(); }

void AccessLog::write(const Request& req, std::string_view route, int status, std::uint64_t bytes, double seconds) {
  std::int64_t ts = now_ms();
  std::string line = fmt::format(
      "{{\"ts\":{},\"level\":\"access\",\"id\":\"{}\",\"ip\":\"{}\",\"method\":\"{}\",\"path\":\"{}\","
      "\"route\":\"{}\",\"status\":{},\"bytes\":{},\"ms\":{:.3f},\"user\":{}}}\n",
      ts, json_escape(req.request_id), req.remote_ip, method_name(req.method), json_escape(req.path),
      json_escape(route), status, bytes, seconds * 1000.0,
      req.principal ? "\"" + std::to_string(req.principal->user_id) + "\"" : std::string("null"));
  std::lock_guard lock(mu_);
  buf_ += line;
  if (buf_.size() >= kFlushBytes || ts - last_flush_ms_ >= kFlushMs) {
    ::write(STDOUT_FILENO, buf_.data(), buf_.size());
    buf_.clear();
    last_flush_ms_ = ts;
  }
}

void AccessLog::flush() {
  std::lock_guard lock(mu_);
  if (!buf_.empty()) ::write(STDOUT_FILENO, buf_.data(), buf_.size());
  buf_.clear();
}

}  // namespace riff::net
