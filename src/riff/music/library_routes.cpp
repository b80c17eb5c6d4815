// The listener's library on /api/v1 (saved tracks, albums and artists, the
// same stars Subsonic's star/unstar keep) and radio from a track. Handlers
// parse, call Listening, Catalog or Radio and render as the other routes do.

#include <optional>
#include <unordered_map>

#include "riff/core/clock.hpp"
#include "riff/music/module.hpp"
#include "riff/music/region_http.hpp"
#include "riff/music/track_json.hpp"
#include "riff/net/json.hpp"

namespace riff::music {
namespace {

namespace json = boost::json;
using net::HttpError;
using net::Request;
using net::Response;

/// The {kind} of a library path: tracks, albums or artists; 400 otherwise.
StarKind kind_param(const Request& req) {
  const std::string_view k = req.param("kind");
  if (k == "tracks") return StarKind::kTrack;
  if (k == "albums") return StarKind::kAlbum;
  if (k == "artists") return StarKind::kArtist;
  throw HttpError(400, "validation", "Bad kind", "kind is tracks, albums or artists.");
}

/// Ids of a page's items, in order.
std::vector<Id> item_ids(const Listening::SavedPage& page) {
  std::vector<Id> ids;
  for (const auto& s : page.items) ids.push_back(s.item_id);
  return ids;
}

/// The page's items available in `region`, rendered, in saved order, each
/// with "saved": true and "saved_at".
json::array saved_items(MusicModule& m, StarKind kind, const Listening::SavedPage& page,
                        const Region& region) {
  std::unordered_map<Id, json::object> rendered;
  const auto ids = item_ids(page);
  switch (kind) {
    case StarKind::kTrack:
      for (const auto& t : net::value_or_throw(m.catalog().tracks(ids, region)))
        rendered[t.id] = track_json(t);
      break;
    case StarKind::kAlbum:
      for (const auto& a : net::value_or_throw(m.catalog().albums(ids, region)))
        rendered[a.id] = album_json(a);
      break;
    case StarKind::kArtist:
      for (const auto& a : net::value_or_throw(m.catalog().artists(ids, region)))
        rendered[a.id] = artist_json(a);
      break;
  }
  json::array out;
  for (const auto& s : page.items) {
    auto it = rendered.find(s.item_id);
    if (it == rendered.end()) continue;
    json::object o = std::move(it->second);
    o["saved"] = true;
    o["saved_at"] = to_rfc3339(s.saved_at);
    out.push_back(std::move(o));
  }
  return out;
}

/// 404 unless the item exists and is available in `region`: a listener
/// cannot save what they cannot see.
void require_visible(MusicModule& m, StarKind kind, Id id, const Region& region) {
  Status st;
  switch (kind) {
    case StarKind::kTrack:
      st = m.catalog().track(id, region).status();
      break;
    case StarKind::kAlbum:
      st = m.catalog().album(id, region).status();
      break;
    case StarKind::kArtist:
      st = m.catalog().artist(id, region).status();
      break;
  }
  if (st.code() == Code::kNotFound || st.code() == Code::kForbidden) {
    throw HttpError(404, "not-found", "Not found", "No such " + std::string(star_kind_name(kind)) +
                                                       " in your country.");
  }
  net::ok_or_throw(st);
}

Id path_id(const Request& req) {
  auto id = parse_id(req.param("id"));
  if (!id) throw HttpError(404, "not-found", "Not found", "No such item.");
  return *id;
}

}  // namespace

void mark_saved(Listening& listening, const Request& req, StarKind kind, json::array& items) {
  if (!req.principal || items.empty()) return;
  std::vector<Id> ids;
  for (const auto& v : items) {
    if (auto id = parse_id(v.as_object().at("id").as_string())) ids.push_back(*id);
  }
  const auto saved = net::value_or_throw(listening.saved_among(req.principal->user_id, kind, ids));
  for (auto& v : items) {
    auto& o = v.as_object();
    auto id = parse_id(o.at("id").as_string());
    o["saved"] = id && saved.contains(*id);
  }
}

void mark_saved(Listening& listening, const Request& req, StarKind kind, json::object& item) {
  if (!req.principal) return;
  json::array one{std::move(item)};
  mark_saved(listening, req, kind, one);
  item = std::move(one[0].as_object());
}

void mount_library_routes(net::Router& router, MusicModule& m) {
  net::RouteOptions optional;
  optional.auth = net::Auth::kOptional;
  net::RouteOptions required;
  required.auth = net::Auth::kRequired;

  // Newest saved first; items no longer available in the listener's region
  // are left out of their page (the cursor still moves past them).
  router.get(
      "/api/v1/me/library/{kind}",
      [&m](Request& req) {
        const StarKind kind = kind_param(req);
        const auto page = net::page_params(req, 20, 100);
        const Region region = listener_region(m, req);
        const auto saved = net::value_or_throw(
            m.listening().saved(req.principal->user_id, kind, page.limit, page.cursor));
        return net::json_response(
            200, json::object{{"items", saved_items(m, kind, saved, region)},
                              {"next_cursor", saved.next_cursor ? json::value(*saved.next_cursor)
                                                                : json::value(nullptr)}});
      },
      required);

  router.put(
      "/api/v1/me/library/{kind}/{id}",
      [&m](Request& req) {
        const StarKind kind = kind_param(req);
        const Id id = path_id(req);
        require_visible(m, kind, id, listener_region(m, req));
        net::ok_or_throw(m.listening().star(req.principal->user_id, kind, id));
        return Response::no_content();
      },
      required);

  // Removing is always allowed, whatever the item's state, and idempotent.
  router.del(
      "/api/v1/me/library/{kind}/{id}",
      [&m](Request& req) {
        const StarKind kind = kind_param(req);
        net::ok_or_throw(m.listening().unstar(req.principal->user_id, kind, path_id(req)));
        return Response::no_content();
      },
      required);

  router.get(
      "/api/v1/tracks/{id}/radio",
      [&m](Request& req) {
        const int limit = net::page_params(req, 25, kRadioMaxTracks).limit;
        const auto radio = available_or_throw(
            m.radio().tracks(path_id(req), limit, listener_region(m, req)));
        json::array items;
        for (const auto& r : radio) {
          items.push_back(json::object{{"track", track_json(r.track)},
                                       {"reason", radio_reason_name(r.reason)}});
        }
        return net::json_response(200, json::object{{"items", std::move(items)}});
      },
      optional);
}

}  // namespace riff::music
