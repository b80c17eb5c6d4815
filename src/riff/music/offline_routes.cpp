// Offline downloads over HTTP: a premium listener takes a licence for a
// track, renews it, lists theirs and downloads the top-tier file behind it.
// Handlers parse, call OfflineLicences and render.

#include "riff/core/clock.hpp"
#include "riff/music/module.hpp"
#include "riff/net/file_response.hpp"
#include "riff/net/json.hpp"

namespace riff::music {
namespace {

namespace json = boost::json;
using net::HttpError;
using net::Request;

Id track_param(const Request& req) {
  auto id = parse_id(req.param("id"));
  if (!id) throw HttpError(404, "not-found", "Not found", "No such track.");
  return *id;
}

json::object licence_json(const OfflineLicence& l) {
  const std::string track = id_to_string(l.track_id);
  return {{"id", id_to_string(l.id)},
          {"track_id", track},
          {"quality", l.kbps},
          {"issued_at", to_rfc3339(l.issued_at)},
          {"expires_at", to_rfc3339(l.expires_at)},
          {"licence", l.signed_doc},
          {"download_url", "/api/v1/tracks/" + track + "/offline-download"}};
}

/// Unwraps, answering a plan refusal with its own problem type.
template <class T>
T licence_or_throw(Result<T> r) {
  if (r.status().code() == Code::kForbidden) {
    throw HttpError(403, "premium-required", "Premium required", r.status().message());
  }
  return net::value_or_throw(std::move(r));
}

}  // namespace

void mount_offline_routes(net::Router& router, MusicModule& m) {
  net::RouteOptions required;
  required.auth = net::Auth::kRequired;

  router.post(
      "/api/v1/tracks/{id}/offline-licence",
      [&m](Request& req) {
        return net::json_response(201, licence_json(licence_or_throw(m.offline_licences().issue(
                                           req.principal->user_id, track_param(req)))));
      },
      required);

  router.post(
      "/api/v1/tracks/{id}/offline-licence/renew",
      [&m](Request& req) {
        return net::json_response(200, licence_json(licence_or_throw(m.offline_licences().renew(
                                           req.principal->user_id, track_param(req)))));
      },
      required);

  router.get(
      "/api/v1/tracks/{id}/offline-download",
      [&m](Request& req) {
        OfflineDownload d = licence_or_throw(
            m.offline_licences().download(req.principal->user_id, track_param(req)));
        auto r = net::file_response(req, d.path.string(), "private, no-store");
        if (!r) throw HttpError(404, "not-found", "Not found", "The download file is missing.");
        r->headers.set("Content-Type", "audio/mp4");
        r->headers.set("X-Riff-Quality", std::to_string(d.kbps));
        return std::move(*r);
      },
      required);

  router.get(
      "/api/v1/me/offline-licences",
      [&m](Request& req) {
        const auto page = net::page_params(req, 50, 200);
        OfflineLicencePage p = net::value_or_throw(
            m.offline_licences().list(req.principal->user_id, page.limit, page.cursor));
        json::array items;
        for (const auto& l : p.items) items.push_back(licence_json(l));
        return net::json_response(
            200, json::object{{"items", std::move(items)},
                              {"next_cursor", p.next_cursor ? json::value(*p.next_cursor)
                                                            : json::value(nullptr)}});
      },
      required);
}

}  // namespace riff::music
