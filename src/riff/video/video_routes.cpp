#include "riff/video/video_routes.hpp"

#include "riff/core/clock.hpp"
#include "riff/net/json.hpp"
#include "riff/video/sounds.hpp"
#include "riff/video/render.hpp"

namespace riff::video {
namespace {

using net::HttpError;
using net::Request;
using net::Response;
namespace json = boost::json;

std::optional<Id> viewer_of(const Request& req) {
  if (!req.principal) return std::nullopt;
  return req.principal->user_id;
}

Id user_of(const Request& req) {
  if (!req.principal)
    throw HttpError(401, "unauthenticated", "Authentication required", "Log in first.");
  return req.principal->user_id;
}

Id id_param(const Request& req, std::string_view what) {
  auto id = parse_id(req.param("id"));
  if (!id)
    throw HttpError(404, "not-found", "Not found",
                    std::string("No such ") + std::string(what) + ".");
  return *id;
}

json::value opt_id(const std::optional<Id>& id) {
  if (!id) return nullptr;
  return json::value(id_to_string(*id));
}

json::value song_json(const std::optional<SongRef>& song) {
  if (!song) return nullptr;
  json::array artists;
  for (const auto& [id, name] : song->artists)
    artists.push_back(json::object{{"id", id_to_string(id)}, {"name", name}});
  return json::object{
      {"track_id", id_to_string(song->track_id)},
      {"title", song->title},
      {"artists", std::move(artists)},
      {"album", json::object{{"id", id_to_string(song->album_id)}, {"title", song->album_title}}},
      {"cover_url", song->cover_url ? json::value(*song->cover_url) : json::value(nullptr)},
      {"url", "/api/v1/tracks/" + id_to_string(song->track_id)}};
}

json::object sound_json(const SoundView& s) {
  json::value creator_v = nullptr;
  if (s.sound.creator_id) {
    creator_v = json::object{
        {"id", id_to_string(*s.sound.creator_id)},
        {"handle", s.creator_handle ? json::value(*s.creator_handle) : json::value(nullptr)}};
  }
  return {
      {"id", id_to_string(s.sound.id)},
      {"kind", s.sound.kind == SoundKind::kCatalog ? "catalog" : "original"},
      {"title", s.sound.title},
      {"creator", creator_v},
      {"source_video_id", opt_id(s.sound.source_video_id)},
      {"catalog_track_id", opt_id(s.sound.catalog_track_id)},
      {"song", song_json(s.song)},
      {"duration_ms", s.sound.duration_ms},
      {"clip_start_ms", s.sound.clip_start_ms ? json::value(*s.sound.clip_start_ms)
                                              : json::value(nullptr)},
      {"clip_duration_ms", s.sound.clip_duration_ms ? json::value(*s.sound.clip_duration_ms)
                                                    : json::value(nullptr)},
      {"reusable", s.sound.reusable},
      {"use_count", s.sound.use_count},
      {"audio_url", s.has_audio
                        ? json::value("/api/v1/sounds/" + id_to_string(s.sound.id) + "/audio")
                        : json::value(nullptr)},
      {"created_at", to_rfc3339(s.sound.created_at)},
  };
}

Response page_response(const VideoPage& page, const std::string& public_url) {
  json::array items;
  for (const auto& v : page.items) items.push_back(video_json(v, public_url));
  return net::json_response(
      200, json::object{{"items", std::move(items)},
                        {"next_cursor", page.next_cursor ? json::value(*page.next_cursor)
                                                         : json::value(nullptr)}});
}

template <class T, class Parse>
std::optional<T> enum_field(net::BodyReader& body, std::string_view key, Parse parse,
                            std::string_view allowed) {
  auto s = body.string(key, {});
  if (!s) return std::nullopt;
  auto v = parse(*s);
  if (!v) body.fail(key, "Expected one of: " + std::string(allowed) + ".");
  return v;
}

Response post_video(const VideoRouteDeps& d, Request& req) {
  net::BodyReader body(req);
  PostInput in;
  auto upload = body.id("upload_id", true);
  auto caption = body.string("caption", {.max_len = kMaxCaptionChars});
  in.sound_id = body.id("sound_id");
  auto offset = body.integer("sound_offset_ms", false, 0, 3'600'000);
  in.sound_mode = enum_field<SoundMode>(body, "sound_mode", parse_sound_mode, "replace, mix");
  auto visibility =
      enum_field<Visibility>(body, "visibility", parse_visibility, "public, followers, private");
  auto comments = enum_field<CommentPolicy>(body, "comments", parse_comment_policy,
                                            "everyone, followers, no_one");
  auto allow_duet = body.boolean("allow_duet");
  in.duet_of = body.id("duet_of");
  if (in.sound_mode && *in.sound_mode == SoundMode::kOriginal)
    body.fail("sound_mode", "Expected replace or mix.");
  if (in.sound_mode && !in.sound_id) body.fail("sound_mode", "A sound mode needs a sound_id.");
  body.finish();
  in.upload_id = *upload;
  in.caption = caption.value_or("");
  in.sound_offset_ms = offset.value_or(0);
  in.visibility = visibility.value_or(Visibility::kPublic);
  in.comments = comments.value_or(CommentPolicy::kEveryone);
  in.allow_duet = allow_duet.value_or(true);
  VideoCard v = net::value_or_throw(d.videos.post(user_of(req), in));
  Response r = net::json_response(201, video_json(v, d.public_url));
  r.headers.add("Location", "/api/v1/videos/" + id_to_string(v.video.id));
  return r;
}

Response patch_video(const VideoRouteDeps& d, Request& req) {
  net::BodyReader body(req);
  VideoPatch p;
  p.caption = body.string("caption", {.max_len = kMaxCaptionChars});
  p.visibility =
      enum_field<Visibility>(body, "visibility", parse_visibility, "public, followers, private");
  p.comments = enum_field<CommentPolicy>(body, "comments", parse_comment_policy,
                                         "everyone, followers, no_one");
  p.allow_duet = body.boolean("allow_duet");
  body.finish();
  VideoCard v = net::value_or_throw(d.videos.update(user_of(req), id_param(req, "video"), p));
  return net::json_response(200, video_json(v, d.public_url));
}

}  // namespace

void mount_video_routes(net::Router& router, const VideoRouteDeps& deps) {
  net::RouteOptions required;
  required.auth = net::Auth::kRequired;
  net::RouteOptions optional;
  optional.auth = net::Auth::kOptional;
  const VideoRouteDeps d = deps;

  router.post(
      "/api/v1/videos", [d](Request& req) { return post_video(d, req); }, required);
  router.get(
      "/api/v1/videos/{id}",
      [d](Request& req) {
        VideoCard v = net::value_or_throw(d.videos.get(viewer_of(req), id_param(req, "video")));
        Response r = net::json_response(200, video_json(v, d.public_url));
        r.headers.add("Cache-Control", "no-store");
        return r;
      },
      optional);
  router.patch(
      "/api/v1/videos/{id}", [d](Request& req) { return patch_video(d, req); }, required);
  router.del(
      "/api/v1/videos/{id}",
      [d](Request& req) {
        net::ok_or_throw(d.videos.remove(user_of(req), id_param(req, "video")));
        return Response::no_content();
      },
      required);
  router.get(
      "/api/v1/videos/{id}/duets",
      [d](Request& req) {
        auto page = net::page_params(req);
        return page_response(net::value_or_throw(d.videos.duets(
                                 viewer_of(req), id_param(req, "video"), page.limit, page.cursor)),
                             d.public_url);
      },
      optional);

  router.get(
      "/api/v1/sounds/{id}",
      [d](Request& req) {
        return net::json_response(
            200,
            sound_json(net::value_or_throw(d.sounds.get(viewer_of(req), id_param(req, "sound")))));
      },
      optional);
  router.patch(
      "/api/v1/sounds/{id}",
      [d](Request& req) {
        net::BodyReader body(req);
        auto reusable = body.boolean("reusable", true);
        body.finish();
        return net::json_response(200, sound_json(net::value_or_throw(d.sounds.set_reusable(
                                           user_of(req), id_param(req, "sound"), *reusable))));
      },
      required);
  router.get(
      "/api/v1/sounds/{id}/videos",
      [d](Request& req) {
        auto page = net::page_params(req);
        return page_response(net::value_or_throw(d.sounds.videos(
                                 viewer_of(req), id_param(req, "sound"), page.limit, page.cursor)),
                             d.public_url);
      },
      optional);
}

}  // namespace riff::video
