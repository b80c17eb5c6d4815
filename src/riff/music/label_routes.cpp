// Record labels on /api/v1 (labels.hpp holds the rules): admins grant and
// revoke the label capability; a label uploads tracks with their territory
// rights, follows each import, lists its tracks and changes where they may
// be heard and where their sound clip starts. Problem types of their own:
//   music-label-upload-failed   reserved for clients; a failed import is an
//                               upload whose status is "failed"

#include "riff/core/rfc3339.hpp"
#include "riff/music/labels.hpp"
#include "riff/music/module.hpp"
#include "riff/music/track_json.hpp"
#include "riff/net/json.hpp"

namespace riff::music {
namespace {

namespace json = boost::json;
using net::HttpError;
using net::Request;
using net::Response;

bool is_admin(const Request& req) {
  return req.principal && req.principal->role == Role::kAdmin;
}

Id path_id(const Request& req, std::string_view what) {
  auto id = parse_id(req.param("id"));
  if (!id) throw HttpError(404, "not-found", "Not found", "No such " + std::string(what) + ".");
  return *id;
}

json::object label_json(const Label& l) {
  return {{"id", id_to_string(l.id)},
          {"user_id", id_to_string(l.user_id)},
          {"name", l.name},
          {"active", l.active},
          {"created_at", to_rfc3339(l.created_at)},
          {"updated_at", to_rfc3339(l.updated_at)}};
}

json::object upload_json(const LabelUpload& u) {
  json::value error = nullptr;
  if (u.status == UploadStatus::kFailed)
    error = json::object{{"reason", u.error_reason}, {"message", u.error}};
  return {{"id", id_to_string(u.id)},
          {"label_id", id_to_string(u.label_id)},
          {"status", upload_status_name(u.status)},
          {"file_name", u.file_name},
          {"size", u.size},
          {"track_id", u.track_id ? json::value(id_to_string(*u.track_id)) : json::value(nullptr)},
          {"error", error},
          {"url", "/api/v1/label/uploads/" + id_to_string(u.id)},
          {"created_at", to_rfc3339(u.created_at)},
          {"updated_at", to_rfc3339(u.updated_at)}};
}

/// A track as its label sees it: the catalog view plus its rights.
json::object label_track_json(const Track& t) {
  json::object o = track_json(t);
  o["territories"] = t.territories;
  o["label_id"] = t.label_id ? json::value(id_to_string(*t.label_id)) : json::value(nullptr);
  return o;
}

/// The upload's metadata from the query string (the body is the audio).
UploadMetadata metadata_from_query(const Request& req) {
  UploadMetadata m;
  m.title = req.query("title");
  m.album = req.query("album");
  m.isrc = req.query("isrc");
  m.territories = req.query("territories");
  if (auto a = req.query("artists")) m.artists = split_artists(*a);
  if (auto c = req.query("clip_start_ms"); c && !c->empty()) {
    try {
      std::size_t used = 0;
      m.clip_start_ms = std::stoll(*c, &used);
      if (used != c->size()) m.clip_start_ms = -1;
    } catch (const std::exception&) {
      m.clip_start_ms = -1;  // refused by the check
    }
  }
  return m;
}

}  // namespace

void mount_label_routes(net::Router& router, MusicModule& m, std::size_t max_upload_bytes) {
  net::RouteOptions required;
  required.auth = net::Auth::kRequired;
  net::RouteOptions admin;
  admin.auth = net::Auth::kAdmin;

  // Makes an account a label (or renames it, or restores a revoked one).
  router.put(
      "/api/v1/admin/music/labels/{handle}",
      [&m](Request& req) {
        net::BodyReader body(req);
        auto name = body.string("name", {.required = true, .min_len = 1, .max_len = 200});
        body.finish();
        return net::json_response(
            200, label_json(net::value_or_throw(m.labels().grant(req.param("handle"), *name))));
      },
      admin);

  router.del(
      "/api/v1/admin/music/labels/{handle}",
      [&m](Request& req) {
        net::ok_or_throw(m.labels().revoke(req.param("handle")));
        return Response::no_content();
      },
      admin);

  // The caller's label; 403 when the account is not one.
  router.get(
      "/api/v1/label",
      [&m](Request& req) {
        return net::json_response(
            200, label_json(net::value_or_throw(m.labels().require_label(req.principal->user_id))));
      },
      required);

  // The audio file is the body; metadata overrides are query parameters.
  net::RouteOptions upload = required;
  upload.max_body = max_upload_bytes;
  router.post(
      "/api/v1/label/tracks",
      [&m](Request& req) {
        const std::string file_name = req.query("filename").value_or("");
        LabelUpload u = net::value_or_throw(m.labels().start_upload(
            req.principal->user_id, metadata_from_query(req), file_name, req.body));
        Response r = net::json_response(202, upload_json(u));
        r.headers.set("Location", "/api/v1/label/uploads/" + id_to_string(u.id));
        return r;
      },
      upload);

  router.get(
      "/api/v1/label/uploads/{id}",
      [&m](Request& req) {
        Response r = net::json_response(
            200, upload_json(net::value_or_throw(m.labels().upload(
                     req.principal->user_id, is_admin(req), path_id(req, "upload")))));
        r.headers.set("Cache-Control", "no-store");
        return r;
      },
      required);

  router.get(
      "/api/v1/label/tracks",
      [&m](Request& req) {
        const auto page = net::page_params(req, 20, 100);
        Id before = 0;
        if (page.cursor) {
          auto c = parse_id(*page.cursor);
          if (!c)
            throw HttpError(400, "validation", "Bad cursor",
                            "Use the next_cursor of the last page.");
          before = *c;
        }
        auto tracks =
            net::value_or_throw(m.labels().tracks(req.principal->user_id, before, page.limit + 1));
        json::value next = nullptr;
        if (static_cast<int>(tracks.size()) > page.limit) {
          tracks.pop_back();
          next = id_to_string(tracks.back().id);
        }
        json::array items;
        for (const auto& t : tracks) items.push_back(label_track_json(t));
        return net::json_response(200,
                                  json::object{{"items", std::move(items)}, {"next_cursor", next}});
      },
      required);

  router.patch(
      "/api/v1/label/tracks/{id}/territories",
      [&m](Request& req) {
        const Id id = path_id(req, "track");
        net::BodyReader body(req);
        auto text = body.string("territories", {.required = true, .max_len = 2000});
        body.finish();
        const std::string canonical = net::value_or_throw(
            m.labels().set_territories(req.principal->user_id, is_admin(req), id, *text));
        return net::json_response(
            200, json::object{{"id", id_to_string(id)}, {"territories", canonical}});
      },
      required);

  // Territories and/or where the song's sound clip starts.
  router.patch(
      "/api/v1/label/tracks/{id}",
      [&m](Request& req) {
        const Id id = path_id(req, "track");
        net::BodyReader body(req);
        auto text = body.string("territories", {.max_len = 2000});
        auto clip = body.integer("clip_start_ms", false, 0, 3LL * 3600 * 1000);
        if (!text && !clip) body.fail("territories", "send territories or clip_start_ms");
        body.finish();
        const Id user = req.principal->user_id;
        if (text) net::value_or_throw(m.labels().set_territories(user, is_admin(req), id, *text));
        if (clip) net::value_or_throw(m.labels().set_clip_start(user, is_admin(req), id, *clip));
        return net::json_response(200,
                                  label_track_json(net::value_or_throw(m.catalog().track(id))));
      },
      required);
}

}  // namespace riff::music
