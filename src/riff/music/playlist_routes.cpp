// /api/v1/playlists and /api/v1/me/playlists: making, reading, editing
// (with moves and a version check), collaborators and covers. Handlers parse,
// call Playlists (the same service as Subsonic's playlist methods) and render.
//
// Versions travel as a strong ETag ("<version>") on every playlist response;
// PATCH honours If-Match (or a "version" field) and answers 412 when the
// playlist moved on, so a stale editor reloads instead of clobbering.

#include <unordered_map>

#include "riff/accounts/image_upload.hpp"
#include "riff/accounts/render.hpp"
#include "riff/music/module.hpp"
#include "riff/music/region_http.hpp"
#include "riff/music/track_json.hpp"
#include "riff/net/file_response.hpp"
#include "riff/net/json.hpp"

namespace riff::music {
namespace {

namespace json = boost::json;
using net::HttpError;
using net::Request;
using net::Response;

// A little over the cover limit so that a cover of exactly the limit fits;
// the service enforces the exact limit.
constexpr std::size_t kCoverRouteMaxBody = kMaxPlaylistCoverBytes + 64 * 1024;

Id path_id(const Request& req) {
  auto id = parse_id(req.param("id"));
  if (!id) throw HttpError(404, "not-found", "Not found", "No such playlist.");
  return *id;
}

Id viewer_of(const Request& req) {
  return req.principal ? req.principal->user_id : 0;
}

std::string cover_url(const Playlist& p) {
  return "/api/v1/playlists/" + id_to_string(p.id) + "/cover?v=" + std::to_string(p.version);
}

/// The first of the playlist's tracks available to the viewer that has an
/// album cover: what stands in for a cover nobody uploaded.
const Track* fallback_cover_track(const Playlist& p, const std::vector<Track>& tracks) {
  std::unordered_map<Id, const Track*> by_id;
  for (const auto& t : tracks) by_id.emplace(t.id, &t);
  for (Id id : p.track_ids) {
    auto it = by_id.find(id);
    if (it != by_id.end() && it->second->has_cover) return it->second;
  }
  return nullptr;
}

/// `tracks` are the playlist's tracks available to the viewer; each is
/// rendered with its position in the stored list and who added it, and the
/// others are only counted (hidden where the viewer's region has no rights
/// to them). Without `tracks` (lists) only an uploaded cover has a URL.
json::object playlist_json(const Playlist& p, const std::vector<Track>* tracks) {
  const bool has_cover = p.cover_path || (tracks && fallback_cover_track(p, *tracks));
  json::object o{
      {"id", id_to_string(p.id)},
      {"name", p.name},
      {"description", p.comment},
      {"public", p.is_public},
      {"collaborative", p.collaborative},
      {"role", playlist_role_name(p.role)},
      {"version", p.version},
      {"owner", json::object{{"id", id_to_string(p.owner_id)}, {"handle", p.owner_handle}}},
      {"track_count", p.track_count},
      {"duration_ms", p.duration_ms},
      {"cover_url", has_cover ? json::value(cover_url(p)) : json::value(nullptr)},
      {"custom_cover", p.cover_path.has_value()},
      {"created_at", to_rfc3339(p.created_at)},
      {"updated_at", to_rfc3339(p.updated_at)}};
  if (!tracks) return o;
  std::unordered_map<Id, const Track*> by_id;
  for (const auto& t : *tracks) by_id.emplace(t.id, &t);
  json::array items;
  for (std::size_t i = 0; i < p.entries.size(); ++i) {
    const PlaylistEntry& e = p.entries[i];
    auto it = by_id.find(e.track_id);
    if (it == by_id.end()) continue;
    json::object t = track_json(*it->second);
    t["position"] = static_cast<std::int64_t>(i);
    t["added_by"] = e.added_by ? json::value(json::object{{"id", id_to_string(*e.added_by)},
                                                          {"handle", e.added_by_handle}})
                               : json::value(nullptr);
    t["added_at"] = e.added_at ? json::value(to_rfc3339(e.added_at)) : json::value(nullptr);
    items.push_back(std::move(t));
  }
  o["unavailable_count"] = static_cast<std::int64_t>(p.entries.size() - items.size());
  o["tracks"] = std::move(items);
  return o;
}

json::object collaborator_json(const PlaylistCollaborator& c) {
  accounts::UserSummary s;
  s.id = c.user_id;
  s.handle = c.handle;
  s.display_name = c.display_name;
  s.avatar_path = c.avatar_path;
  return {{"user", accounts::user_summary_json(s)}, {"added_at", to_rfc3339(c.added_at)}};
}

/// Ids from a JSON array of id strings at `key`; records a field error otherwise.
std::vector<Id> id_list(net::BodyReader& body, std::string_view key) {
  std::vector<Id> out;
  const auto* v = body.object().if_contains(key);
  if (!v) return out;
  if (!v->is_array()) {
    body.fail(key, "an array of track ids");
    return out;
  }
  for (const auto& x : v->as_array()) {
    std::optional<Id> id;
    if (x.is_string()) id = parse_id(x.as_string());
    if (!id) {
      body.fail(key, "an array of track ids");
      return {};
    }
    out.push_back(*id);
  }
  return out;
}

/// "moves": [{"from": i, "to": j, "count": n?}, ...].
std::vector<PlaylistMove> move_list(net::BodyReader& body) {
  std::vector<PlaylistMove> out;
  const auto* v = body.object().if_contains("moves");
  if (!v) return out;
  constexpr auto kShape = "an array of {from, to, count?} with whole-number positions";
  if (!v->is_array() || v->as_array().size() > 1000) {
    body.fail("moves", kShape);
    return out;
  }
  for (const auto& x : v->as_array()) {
    const auto* o = x.if_object();
    const auto* from = o ? o->if_contains("from") : nullptr;
    const auto* to = o ? o->if_contains("to") : nullptr;
    const auto* count = o ? o->if_contains("count") : nullptr;
    if (!from || !to || !from->is_int64() || !to->is_int64() || (count && !count->is_int64())) {
      body.fail("moves", kShape);
      return {};
    }
    out.push_back({from->as_int64(), to->as_int64(), count ? count->as_int64() : 1});
  }
  return out;
}

/// The version an If-Match header names: nullopt for none or "*"; -1 (which
/// matches nothing) for a tag that is not one of ours.
std::optional<std::int64_t> if_match_version(const Request& req) {
  auto h = req.header("If-Match");
  if (!h) return std::nullopt;
  std::string_view v = *h;
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v == "*") return std::nullopt;
  if (v.size() < 3 || v.front() != '"' || v.back() != '"') return -1;
  v = v.substr(1, v.size() - 2);
  std::int64_t n = 0;
  for (char ch : v) {
    if (ch < '0' || ch > '9' || n > 1'000'000'000'000) return -1;
    n = n * 10 + (ch - '0');
  }
  return n;
}

Response playlist_response(int status, const Playlist& p, json::object body) {
  Response r = net::json_response(status, body);
  r.headers.set("ETag", "\"" + std::to_string(p.version) + "\"");
  r.headers.set("Cache-Control", "private, no-cache");
  return r;
}

}  // namespace

void mount_playlist_routes(net::Router& router, MusicModule& m) {
  net::RouteOptions optional;
  optional.auth = net::Auth::kOptional;
  net::RouteOptions required;
  required.auth = net::Auth::kRequired;
  net::RouteOptions upload = required;
  upload.max_body = kCoverRouteMaxBody;

  auto full = [&m](const Request& req, const Playlist& p, int status = 200) {
    const auto tracks =
        net::value_or_throw(m.catalog().tracks(p.track_ids, listener_region(m, req)));
    return playlist_response(status, p, playlist_json(p, &tracks));
  };

  router.get(
      "/api/v1/me/playlists",
      [&m](Request& req) {
        json::array items;
        for (const auto& p :
             net::value_or_throw(m.playlists().list(req.principal->user_id, false))) {
          items.push_back(playlist_json(p, nullptr));
        }
        return net::json_response(200, json::object{{"items", std::move(items)}});
      },
      required);

  router.post(
      "/api/v1/playlists",
      [&m, full](Request& req) {
        net::BodyReader body(req);
        auto name = body.string("name", {.required = true, .min_len = 1, .max_len = 200});
        auto tracks = id_list(body, "track_ids");
        PlaylistEdit e;
        e.comment = body.string("description", {.max_len = 2000});
        e.is_public = body.boolean("public");
        e.collaborative = body.boolean("collaborative");
        body.finish();
        const Id me = req.principal->user_id;
        Playlist p = net::value_or_throw(m.playlists().create(me, *name, tracks));
        if (e.changes_details()) p = net::value_or_throw(m.playlists().edit(me, p.id, e));
        return full(req, p, 201);
      },
      required);

  router.get(
      "/api/v1/playlists/{id}",
      [&m, full](Request& req) {
        return full(req, net::value_or_throw(m.playlists().get(viewer_of(req), path_id(req))));
      },
      optional);

  router.patch(
      "/api/v1/playlists/{id}",
      [&m, full](Request& req) {
        net::BodyReader body(req);
        PlaylistEdit e;
        e.name = body.string("name", {.min_len = 1, .max_len = 200});
        e.comment = body.string("description", {.max_len = 2000});
        e.is_public = body.boolean("public");
        e.collaborative = body.boolean("collaborative");
        if (body.has("track_ids")) e.replace = id_list(body, "track_ids");
        e.add = id_list(body, "add_track_ids");
        if (const auto* v = body.object().if_contains("remove_positions")) {
          if (!v->is_array()) body.fail("remove_positions", "an array of positions");
          for (const auto& x : v->is_array() ? v->as_array() : json::array{}) {
            if (x.is_int64()) {
              e.remove_positions.push_back(x.as_int64());
            } else {
              body.fail("remove_positions", "an array of positions");
            }
          }
        }
        e.moves = move_list(body);
        e.expected_version = body.integer("version", false, 0);
        body.finish();
        if (auto v = if_match_version(req)) e.expected_version = *v;
        auto edited = m.playlists().edit(req.principal->user_id, path_id(req), e);
        if (!edited && edited.status().code() == Code::kConflict) {
          throw HttpError(412, "precondition-failed", "The playlist changed",
                          edited.status().message());
        }
        return full(req, net::value_or_throw(std::move(edited)));
      },
      required);

  router.del(
      "/api/v1/playlists/{id}",
      [&m](Request& req) {
        net::ok_or_throw(m.playlists().remove(req.principal->user_id, path_id(req)));
        return Response::no_content();
      },
      required);

  router.get(
      "/api/v1/playlists/{id}/collaborators",
      [&m](Request& req) {
        json::array items;
        for (const auto& c :
             net::value_or_throw(m.playlists().collaborators(viewer_of(req), path_id(req)))) {
          items.push_back(collaborator_json(c));
        }
        return net::json_response(200, json::object{{"items", std::move(items)}});
      },
      optional);

  router.post(
      "/api/v1/playlists/{id}/collaborators",
      [&m](Request& req) {
        net::BodyReader body(req);
        auto handle = body.string("handle", {.required = true, .min_len = 1, .max_len = 64});
        body.finish();
        std::string_view h = *handle;
        if (!h.empty() && h.front() == '@') h.remove_prefix(1);
        return net::json_response(
            201, collaborator_json(net::value_or_throw(
                     m.playlists().add_collaborator(req.principal->user_id, path_id(req), h))));
      },
      required);

  router.del(
      "/api/v1/playlists/{id}/collaborators/{handle}",
      [&m](Request& req) {
        net::ok_or_throw(m.playlists().remove_collaborator(req.principal->user_id, path_id(req),
                                                           req.param("handle")));
        return Response::no_content();
      },
      required);

  // The cover: the uploaded image, else the album cover of the first track
  // the viewer can play. Checked like the playlist itself, so never public
  // in caches unless the playlist is; URLs carry ?v=<version> to move on.
  router.get(
      "/api/v1/playlists/{id}/cover",
      [&m](Request& req) {
        const Playlist p = net::value_or_throw(m.playlists().get(viewer_of(req), path_id(req)));
        const std::string cache = p.is_public ? "public, max-age=3600" : "private, max-age=3600";
        std::filesystem::path path;
        if (p.cover_path) {
          path = m.playlists().cover_file(*p.cover_path);
        } else {
          const auto tracks =
              net::value_or_throw(m.catalog().tracks(p.track_ids, listener_region(m, req)));
          const Track* t = fallback_cover_track(p, tracks);
          if (!t) throw HttpError(404, "not-found", "Not found", "This playlist has no cover.");
          path = net::value_or_throw(m.catalog().cover_path(t->album_id));
        }
        auto r = net::file_response(req, path.string(), cache);
        if (!r) throw HttpError(404, "not-found", "Not found", "This playlist has no cover.");
        const auto ext = path.extension();
        r->headers.set("Content-Type", ext == ".png"    ? "image/png"
                                       : ext == ".webp" ? "image/webp"
                                                        : "image/jpeg");
        r->headers.set("X-Content-Type-Options", "nosniff");
        return std::move(*r);
      },
      optional);

  router.put(
      "/api/v1/playlists/{id}/cover",
      [&m, full](Request& req) {
        const Id id = path_id(req);
        const auto type = accounts::read_image_upload(req, kMaxPlaylistCoverBytes, "A cover");
        return full(req, net::value_or_throw(
                             m.playlists().set_cover(req.principal->user_id, id, type, req.body)));
      },
      upload);

  router.del(
      "/api/v1/playlists/{id}/cover",
      [&m, full](Request& req) {
        return full(req, net::value_or_throw(
                             m.playlists().clear_cover(req.principal->user_id, path_id(req))));
      },
      required);
}

}  // namespace riff::music
