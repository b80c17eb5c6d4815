#include "riff/video/media_routes.hpp"

#include <map>
#include <mutex>

#include "riff/net/file_response.hpp"
#include "riff/video/service.hpp"
#include "riff/video/sounds.hpp"

namespace riff::video {
namespace {

using net::HttpError;
using net::Request;
using net::Response;

/// Remembers recent "may see" answers. Thread-safe.
class DecisionCache {
 public:
  explicit DecisionCache(std::chrono::milliseconds ttl) : ttl_(ttl) {}

  bool allowed(std::optional<Id> viewer, Id video_id, VideoService& videos) {
    const auto now = std::chrono::steady_clock::now();
    const std::pair<Id, Id> key{viewer.value_or(0), video_id};
    {
      std::lock_guard lock(mu_);
      if (auto it = entries_.find(key); it != entries_.end() && it->second.until > now)
        return it->second.allowed;
    }
    auto v = videos.get(viewer, video_id);
    if (!v && v.status().code() != Code::kNotFound) throw HttpError(v.status());
    const bool ok = v && v->video.status == VideoStatus::kReady;
    std::lock_guard lock(mu_);
    if (entries_.size() > 100'000) entries_.clear();  // a crude bound; entries live seconds
    entries_[key] = {ok, now + ttl_};
    return ok;
  }

 private:
  struct Entry {
    bool allowed;
    std::chrono::steady_clock::time_point until;
  };
  std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::map<std::pair<Id, Id>, Entry> entries_;
};

[[noreturn]] void not_found() {
  throw HttpError(404, "not-found", "Not found", "No such file.");
}

/// A relative path of plain segments (letters, digits, '_', '-', '.'), no "..".
bool safe_relative(std::string_view p) {
  if (p.empty() || p.size() > 200 || p.front() == '/') return false;
  std::size_t start = 0;
  while (start <= p.size()) {
    auto end = p.find('/', start);
    if (end == std::string_view::npos) end = p.size();
    auto seg = p.substr(start, end - start);
    if (seg.empty() || seg == "." || seg == ".." || seg.front() == '.') return false;
    for (char c : seg) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
        return false;
    }
    start = end + 1;
  }
  return true;
}

}  // namespace

void mount_media_routes(net::Router& router, VideoService& videos, SoundService& sounds,
                        std::chrono::milliseconds decision_ttl) {
  auto cache = std::make_shared<DecisionCache>(decision_ttl);
  net::RouteOptions optional;
  optional.auth = net::Auth::kOptional;

  router.get(
      "/api/v1/videos/{id}/media/{file*}",
      [cache, &videos](Request& req) {
        auto id = parse_id(req.param("id"));
        std::string_view file = req.param("file");
        if (!id || !safe_relative(file)) not_found();
        std::optional<Id> viewer;
        if (req.principal) viewer = req.principal->user_id;
        if (!cache->allowed(viewer, *id, videos)) not_found();
        auto path = (videos.paths().dir_of(*id) / std::string(file)).string();
        auto r = net::file_response(req, path, "private, max-age=300");
        if (!r) not_found();
        return std::move(*r);
      },
      optional);

  router.get(
      "/api/v1/sounds/{id}/audio",
      [&sounds](Request& req) {
        auto id = parse_id(req.param("id"));
        if (!id) not_found();
        std::optional<Id> viewer;
        if (req.principal) viewer = req.principal->user_id;
        auto path = net::value_or_throw(sounds.audio_file(viewer, *id));
        auto r = net::file_response(req, path.string(), "private, max-age=300");
        if (!r) not_found();
        return std::move(*r);
      },
      optional);
}

}  // namespace riff::video
