#include "riff/music/song_sounds.hpp"

#include <algorithm>

#include "riff/music/music_links.hpp"
#include "riff/music/region_http.hpp"
#include "riff/net/json.hpp"
#include "riff/video/render.hpp"

namespace riff::music {
namespace {

namespace json = boost::json;
using net::HttpError;
using net::Request;

std::optional<Id> viewer_of(const Request& req) {
  if (!req.principal) return std::nullopt;
  return req.principal->user_id;
}

Id path_id(const Request& req, std::string_view what) {
  auto id = parse_id(req.param("id"));
  if (!id) throw HttpError(404, "not-found", "Not found", "No such " + std::string(what) + ".");
  return *id;
}

}  // namespace

std::optional<video::SongRef> song_ref(MusicModule& m, std::optional<Id> viewer, Id track_id) {
  auto region = m.availability().region_of(viewer.value_or(0));
  if (!region) return std::nullopt;
  auto t = m.catalog().track(track_id, *region);
  if (!t) return std::nullopt;
  video::SongRef ref;
  ref.track_id = t->id;
  ref.title = t->title;
  ref.artists = t->artists;
  if (ref.artists.empty()) ref.artists.emplace_back(t->artist_id, t->artist_name);
  ref.album_id = t->album_id;
  ref.album_title = t->album_title;
  if (t->has_cover) ref.cover_url = "/api/v1/albums/" + id_to_string(t->album_id) + "/cover";
  return ref;
}

Result<AddedToMusic> add_song_to_music(MusicModule& m, Id user_id, Id track_id,
                                       const AddToMusicTarget& target) {
  AddedToMusic out{track_id, false};
  if (!target.playlist_id) {
    RIFF_ASSIGN_OR_RETURN(Starred starred, m.listening().starred(user_id));
    const bool saved = std::find(starred.tracks.begin(), starred.tracks.end(), track_id) !=
                       starred.tracks.end();
    if (!saved) RIFF_RETURN_IF_ERROR(m.listening().star(user_id, StarKind::kTrack, track_id));
    out.added = !saved;
    return out;
  }
  RIFF_ASSIGN_OR_RETURN(Playlist p, m.playlists().get(user_id, *target.playlist_id));
  if (p.role != PlaylistRole::kOwner && p.role != PlaylistRole::kCollaborator)
    return Status::forbidden("Only the playlist's owner and collaborators can add to it.");
  if (std::find(p.track_ids.begin(), p.track_ids.end(), track_id) != p.track_ids.end()) return out;
  PlaylistEdit edit;
  edit.add = {track_id};
  RIFF_RETURN_IF_ERROR(m.playlists().edit(user_id, p.id, edit).status());
  out.added = true;
  return out;
}

void mount_song_routes(net::Router& router, MusicModule& m, video::SoundService& sounds,
                       MusicLinks& links,
                       std::string public_url) {
  net::RouteOptions optional;
  optional.auth = net::Auth::kOptional;
  net::RouteOptions required;
  required.auth = net::Auth::kRequired;

  // The videos using a song: those of its catalog sound, with the sound's
  // own visibility rules (private videos, blocks, deleted ones).
  router.get(
      "/api/v1/tracks/{id}/videos",
      [&m, &sounds, public_url](Request& req) {
        const Track t =
            available_or_throw(m.catalog().track(path_id(req, "track"), listener_region(m, req)));
        auto page = net::page_params(req);
        video::VideoPage videos;
        if (t.sound_id) {
          videos = net::value_or_throw(
              sounds.videos(viewer_of(req), *t.sound_id, page.limit, page.cursor));
        }
        json::array items;
        for (const auto& v : videos.items) items.push_back(video::video_json(v, public_url));
        return net::json_response(
            200, json::object{{"items", std::move(items)},
                              {"sound_id", t.sound_id ? json::value(id_to_string(*t.sound_id))
                                                      : json::value(nullptr)},
                              {"next_cursor", videos.next_cursor
                                                  ? json::value(*videos.next_cursor)
                                                  : json::value(nullptr)}});
      },
      optional);

  // "Add to Music App": the song behind a video's sound into the viewer's
  // riff Music library or one of their playlists, or into a music service
  // they linked (target "link").
  router.post(
      "/api/v1/sounds/{id}/add-to-music",
      [&m, &sounds, &links](Request& req) {
        net::BodyReader body(req);
        auto target = body.string("target", {.required = true, .max_len = 20});
        auto playlist_id = body.id("playlist_id");
        auto link_id = body.id("link_id");
        auto external_playlist = body.string("external_playlist_id", {.max_len = 200});
        if (target && *target != "library" && *target != "playlist" && *target != "link")
          body.fail("target", "library, playlist or link");
        if (target && *target == "playlist" && !playlist_id)
          body.fail("playlist_id", "required when target is playlist");
        if (target && *target != "playlist" && playlist_id)
          body.fail("playlist_id", "only with target playlist");
        if (target && *target == "link" && !link_id)
          body.fail("link_id", "required when target is link");
        if (target && *target != "link" && (link_id || external_playlist))
          body.fail("link_id", "only with target link");
        body.finish();
        const Id user = req.principal->user_id;
        const video::SoundView s = net::value_or_throw(sounds.get(user, path_id(req, "sound")));
        if (!s.sound.catalog_track_id) {
          throw HttpError(409, "not-a-song", "Not a catalog song",
                          "This is an original sound, not a song in riff Music.");
        }
        if (!s.song) {
          throw HttpError(409, "song-unavailable", "Song unavailable",
                          "The song behind this sound is not available on riff Music.");
        }
        if (*target == "link") {
          const Track t = net::value_or_throw(m.catalog().track(s.song->track_id));
          SongQuery q{t.title, t.artists.empty() ? std::string() : t.artists.front().second, t.isrc};
          auto added = links.add(user, *link_id, q, external_playlist);
          if (!added && added.status().code() == Code::kNotFound &&
              added.status().message().starts_with("not on")) {
            throw HttpError(404, "not-on-service", "Not on that service", added.status().message());
          }
          const ExternalAdd r = net::value_or_throw(std::move(added));
          return net::json_response(
              200, json::object{{"target", "link"},
                                {"link_id", id_to_string(*link_id)},
                                {"track_id", id_to_string(s.song->track_id)},
                                {"external_song_id", r.song_id},
                                {"matched_by", r.matched_by},
                                {"external_playlist_id",
                                 r.playlist_id ? json::value(*r.playlist_id) : json::value(nullptr)}});
        }
        AddToMusicTarget where;
        if (*target == "playlist") where.playlist_id = playlist_id;
        const AddedToMusic r =
            net::value_or_throw(add_song_to_music(m, user, s.song->track_id, where));
        json::object o{{"target", *target},
                       {"track_id", id_to_string(r.track_id)},
                       {"added", r.added}};
        if (where.playlist_id) o["playlist_id"] = id_to_string(*where.playlist_id);
        return net::json_response(200, o);
      },
      required);

  // The services a listener linked.
  auto link_json = [](const MusicLink& l) {
    return json::object{{"id", id_to_string(l.id)},
                        {"kind", "subsonic"},
                        {"url", l.url},
                        {"username", l.username},
                        {"server", l.server},
                        {"created_at", to_rfc3339(l.created_at)},
                        {"last_used_at", l.last_used_at ? json::value(to_rfc3339(*l.last_used_at))
                                                        : json::value(nullptr)},
                        {"last_error", l.last_error.empty() ? json::value(nullptr)
                                                            : json::value(l.last_error)}};
  };
  router.post(
      "/api/v1/me/music-links",
      [&links, link_json](Request& req) {
        net::BodyReader body(req);
        auto url = body.string("url", {.required = true, .max_len = 500});
        auto username = body.string("username", {.required = true, .max_len = 200});
        auto password = body.string("password", {.required = true, .max_len = 500});
        body.finish();
        auto made = links.link(req.principal->user_id, *url, *username, *password);
        if (!made && made.status().code() == Code::kUnavailable) {
          throw HttpError(502, "link-unreachable", "Service unreachable", made.status().message());
        }
        if (!made && made.status().code() == Code::kForbidden) {
          throw HttpError(Status::invalid("/url", made.status().message()));
        }
        return net::json_response(201, link_json(net::value_or_throw(std::move(made))));
      },
      required);
  router.get(
      "/api/v1/me/music-links",
      [&links, link_json](Request& req) {
        json::array items;
        for (const auto& l : net::value_or_throw(links.links(req.principal->user_id))) {
          items.push_back(link_json(l));
        }
        return net::json_response(200, json::object{{"items", std::move(items)}});
      },
      required);
  router.del(
      "/api/v1/me/music-links/{id}",
      [&links](Request& req) {
        net::ok_or_throw(links.unlink(req.principal->user_id, path_id(req, "linked service")));
        return net::Response::no_content();
      },
      required);
  router.get(
      "/api/v1/me/music-links/{id}/playlists",
      [&links](Request& req) {
        auto found = links.playlists(req.principal->user_id, path_id(req, "linked service"));
        if (!found && found.status().code() == Code::kUnavailable) {
          throw HttpError(502, "link-unreachable", "Service unreachable", found.status().message());
        }
        json::array items;
        for (const auto& p : net::value_or_throw(std::move(found))) {
          items.push_back(json::object{{"id", p.id}, {"name", p.name}, {"song_count", p.song_count}});
        }
        return net::json_response(200, json::object{{"items", std::move(items)}});
      },
      required);
}

}  // namespace riff::music
