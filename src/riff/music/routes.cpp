// The /api/v1 side of riff Music: catalog reads, streaming at the plan's
// tier, reported plays, the listener's plan, and app passwords for
// Subsonic clients. Handlers parse, call a service and render.

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <unordered_map>

#include "riff/core/clock.hpp"
#include "riff/music/module.hpp"
#include "riff/music/probe_job.hpp"
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

Id path_id(const Request& req) {
  auto id = parse_id(req.param("id"));
  if (!id) throw HttpError(404, "not-found", "Not found", "No such item.");
  return *id;
}

json::value opt_number(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return nullptr;
  return std::round(*v * 100) / 100;
}

/// dBTP -> linear sample peak, as ReplayGain tags carry it.
json::value linear_peak(const std::optional<double>& dbtp) {
  if (!dbtp) return nullptr;
  return std::round(std::pow(10.0, *dbtp / 20.0) * 10000) / 10000;
}

json::object album_ref(const Track& t) {
  return {{"id", id_to_string(t.album_id)}, {"title", t.album_title}};
}

/// What a gapless player needs: the exact length at the tiers' sample rate
/// and, per tier, the encoder's priming and padding (the MP4s' edit lists
/// trim both). The top-level delay and padding are the 160 tier's. Null
/// for tracks imported before they were measured.
json::value gapless_json(const Track& t) {
  if (t.duration_samples <= 0 || t.gapless.empty()) return nullptr;
  const TierGapless* main = &t.gapless.front();
  json::array tiers;
  for (const auto& g : t.gapless) {
    if (g.kbps == 160) main = &g;
    tiers.push_back(json::object{{"quality", g.kbps},
                                 {"encoder_delay_samples", g.encoder_delay_samples},
                                 {"padding_samples", g.padding_samples}});
  }
  return json::object{{"sample_rate", kTierSampleRate},
                      {"duration_samples", t.duration_samples},
                      {"encoder_delay_samples", main->encoder_delay_samples},
                      {"padding_samples", main->padding_samples},
                      {"tiers", std::move(tiers)}};
}

}  // namespace

json::object track_json(const Track& t) {
  json::array artists;
  if (t.artists.empty()) {
    artists.push_back(json::object{{"id", id_to_string(t.artist_id)}, {"name", t.artist_name}});
  }
  for (const auto& [id, name] : t.artists)
    artists.push_back(json::object{{"id", id_to_string(id)}, {"name", name}});
  json::array tiers;
  for (int k : t.tiers) tiers.push_back(k);
  const std::string id = id_to_string(t.id);
  return {
      {"id", id},
      {"title", t.title},
      {"album", album_ref(t)},
      {"artists", std::move(artists)},
      {"artist_name", t.artist_name},
      {"track_no", t.track_no},
      {"disc_no", t.disc_no},
      {"year", t.year},
      {"genre", t.genre},
      {"isrc", t.isrc},
      {"duration_ms", t.duration_ms},
      {"qualities", std::move(tiers)},
      {"stream_url", "/api/v1/tracks/" + id + "/stream"},
      {"hls_url", "/api/v1/tracks/" + id + "/hls/master.m3u8"},
      {"cover_url", t.has_cover
                        ? json::value("/api/v1/albums/" + id_to_string(t.album_id) + "/cover")
                        : json::value(nullptr)},
      {"loudness", json::object{{"integrated_lufs", opt_number(t.loudness_lufs)},
                                {"true_peak_dbtp", opt_number(t.true_peak_dbtp)},
                                {"album_lufs", opt_number(t.album_loudness_lufs)},
                                {"album_peak_dbtp", opt_number(t.album_peak_dbtp)}}},
      {"replay_gain", json::object{{"target_lufs", kTargetLufs},
                                   {"track_gain_db", opt_number(t.track_gain_db())},
                                   {"track_peak", linear_peak(t.true_peak_dbtp)},
                                   {"album_gain_db", opt_number(t.album_gain_db())},
                                   {"album_peak", linear_peak(t.album_peak_dbtp)}}},
      {"play_count", t.play_count},
      {"sound_id", t.sound_id ? json::value(id_to_string(*t.sound_id)) : json::value(nullptr)},
      {"gapless", gapless_json(t)},
  };
}

json::object album_json(const Album& a) {
  return {
      {"id", id_to_string(a.id)},
      {"title", a.title},
      {"artist", json::object{{"id", id_to_string(a.artist_id)}, {"name", a.artist_name}}},
      {"year", a.year},
      {"genre", a.genre},
      {"track_count", a.track_count},
      {"duration_ms", a.duration_ms},
      {"cover_url", a.has_cover ? json::value("/api/v1/albums/" + id_to_string(a.id) + "/cover")
                                : json::value(nullptr)},
      {"loudness_lufs", opt_number(a.loudness_lufs)},
      {"album_gain_db",
       a.loudness_lufs ? opt_number(gain_to_target(*a.loudness_lufs)) : json::value(nullptr)},
  };
}

json::object artist_json(const Artist& a) {
  return {{"id", id_to_string(a.id)},
          {"name", a.name},
          {"album_count", a.album_count},
          {"track_count", a.track_count}};
}

namespace {

template <class T, class F>
json::array array_of(const std::vector<T>& items, F f) {
  json::array out;
  for (const auto& x : items) out.push_back(f(x));
  return out;
}

json::object app_password_json(const AppPasswordInfo& p) {
  return {{"id", id_to_string(p.id)},
          {"name", p.name},
          {"created_at", to_rfc3339(p.created_at)},
          {"last_used_at",
           p.last_used_at ? json::value(to_rfc3339(*p.last_used_at)) : json::value(nullptr)}};
}

}  // namespace

void mount_api_routes(net::Router& router, MusicModule& m) {
  net::RouteOptions optional;
  optional.auth = net::Auth::kOptional;
  net::RouteOptions required;
  required.auth = net::Auth::kRequired;
  net::RouteOptions admin;
  admin.auth = net::Auth::kAdmin;

  router.get(
      "/api/v1/tracks/{id}",
      [&m](Request& req) {
        const Region region = listener_region(m, req);
        json::object o = track_json(available_or_throw(m.catalog().track(path_id(req), region)));
        mark_saved(m.listening(), req, StarKind::kTrack, o);
        return net::json_response(200, o);
      },
      optional);

  router.get(
      "/api/v1/tracks/{id}/stream",
      [&m](Request& req) {
        const Id id = path_id(req);
        const Track track = available_or_throw(m.catalog().track(id, listener_region(m, req)));
        int requested = 0;
        if (auto q = req.query("quality"); q && !q->empty()) {
          try {
            requested = std::stoi(*q);
          } catch (const std::exception&) {
            requested = -1;
          }
          if (requested <= 0)
            throw HttpError(400, "validation", "Bad quality", "quality is a bit rate in kbit/s.");
        }
        StreamChoice c =
            net::value_or_throw(m.listening().stream(req.principal->user_id, id, requested));
        auto r = net::file_response(req, c.path.string(), "private, max-age=86400");
        if (!r) throw HttpError(404, "not-found", "Not found", "The stream file is missing.");
        r->headers.set("Content-Type", "audio/mp4");
        r->headers.set("X-Riff-Quality", std::to_string(c.kbps));
        // Gapless: what the file's edit list trims, for players that read raw packets.
        for (const auto& g : track.gapless) {
          if (g.kbps != c.kbps || track.duration_samples <= 0) continue;
          r->headers.set("X-Riff-Sample-Rate", std::to_string(kTierSampleRate));
          r->headers.set("X-Riff-Duration-Samples", std::to_string(track.duration_samples));
          r->headers.set("X-Riff-Encoder-Delay", std::to_string(g.encoder_delay_samples));
          r->headers.set("X-Riff-Encoder-Padding", std::to_string(g.padding_samples));
        }
        return std::move(*r);
      },
      required);

  // HLS audio: a master playlist made per listener with only the tiers the
  // plan allows, and the tier files behind it (others are refused).
  router.get(
      "/api/v1/tracks/{id}/hls/{file*}",
      [&m](Request& req) {
        const Id id = path_id(req);
        const std::string file(req.param("file"));
        const Track track = available_or_throw(m.catalog().track(id, listener_region(m, req)));
        const std::vector<int> allowed =
            net::value_or_throw(m.listening().allowed_tiers(req.principal->user_id, id));
        if (file == "master.m3u8") {
          std::string body = "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n";
          for (int k : allowed) {
            if (!std::filesystem::exists(m.catalog().hls_dir(id, k) / "index.m3u8")) continue;
            body += "#EXT-X-STREAM-INF:BANDWIDTH=" + std::to_string(k * 1000 + k * 50) +
                    ",CODECS=\"mp4a.40.2\"\nhls" + std::to_string(k) + "/index.m3u8\n";
          }
          Response r = Response::text(200, std::move(body), "application/vnd.apple.mpegurl");
          r.headers.set("Cache-Control", "private, no-cache");
          return r;
        }
        // hls<kbps>/<name>, where name is index.m3u8, init.mp4 or segNNN.m4s.
        const auto slash = file.find('/');
        if (slash == std::string::npos || file.rfind("hls", 0) != 0) {
          throw HttpError(404, "not-found", "Not found", "No such file.");
        }
        int kbps = 0;
        try {
          kbps = std::stoi(file.substr(3, slash - 3));
        } catch (const std::exception&) {
          throw HttpError(404, "not-found", "Not found", "No such file.");
        }
        const std::string name = file.substr(slash + 1);
        const bool safe =
            !name.empty() && name.size() < 32 && name.front() != '.' &&
            std::all_of(name.begin(), name.end(), [](char c) {
              return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_';
            });
        if (!safe) throw HttpError(404, "not-found", "Not found", "No such file.");
        if (std::find(allowed.begin(), allowed.end(), kbps) == allowed.end()) {
          throw HttpError(403, "forbidden", "Not in your plan",
                          "This quality is part of riff Music Premium.");
        }
        auto r = net::file_response(req, (m.catalog().hls_dir(id, kbps) / name).string(),
                                    "private, max-age=86400");
        if (!r) throw HttpError(404, "not-found", "Not found", "No such file.");
        r->headers.set("Content-Type",
                       name.ends_with(".m3u8") ? "application/vnd.apple.mpegurl" : "audio/mp4");
        return std::move(*r);
      },
      required);

  // Album lists for browsing: the newest or the most played, a page at a time.
  router.get(
      "/api/v1/albums",
      [&m](Request& req) {
        AlbumListQuery q;
        const std::string order = req.query("order").value_or("newest");
        if (order == "newest") {
          q.order = AlbumOrder::kNewest;
        } else if (order == "frequent") {
          q.order = AlbumOrder::kFrequent;
        } else {
          net::ok_or_throw(Status::invalid("/order", "order is newest or frequent"));
        }
        const auto page = net::page_params(req, 20, 100);
        if (page.cursor) {
          try {
            q.offset = std::stoi(*page.cursor);
          } catch (const std::exception&) {
            q.offset = -1;
          }
          if (q.offset < 0 || q.offset > 100'000)
            throw HttpError(400, "validation", "Bad cursor", "Use the next_cursor of the last page.");
        }
        q.size = page.limit + 1;  // one more tells whether there is a next page
        auto albums = net::value_or_throw(m.catalog().albums(q, listener_region(m, req)));
        json::value next = nullptr;
        if (static_cast<int>(albums.size()) > page.limit) {
          albums.pop_back();
          next = std::to_string(q.offset + page.limit);
        }
        return net::json_response(
            200, json::object{{"items", array_of(albums, album_json)}, {"next_cursor", next}});
      },
      optional);

  router.get(
      "/api/v1/albums/{id}",
      [&m](Request& req) {
        const Id id = path_id(req);
        const Region region = listener_region(m, req);
        json::object o = album_json(available_or_throw(m.catalog().album(id, region)));
        mark_saved(m.listening(), req, StarKind::kAlbum, o);
        json::array tracks =
            array_of(net::value_or_throw(m.catalog().album_tracks(id, region)), track_json);
        mark_saved(m.listening(), req, StarKind::kTrack, tracks);
        o["tracks"] = std::move(tracks);
        return net::json_response(200, o);
      },
      optional);

  router.get(
      "/api/v1/albums/{id}/cover",
      [&m](Request& req) {
        const Id id = path_id(req);
        available_or_throw(m.catalog().album(id, listener_region(m, req)));
        auto path = net::value_or_throw(m.catalog().cover_path(id));
        auto r = net::file_response(req, path.string(), "public, max-age=86400");
        if (!r) throw HttpError(404, "not-found", "Not found", "No cover.");
        r->headers.set("Content-Type", path.extension() == ".png" ? "image/png" : "image/jpeg");
        return std::move(*r);
      },
      optional);

  router.get(
      "/api/v1/artists/{id}",
      [&m](Request& req) {
        const Id id = path_id(req);
        const Region region = listener_region(m, req);
        json::object o = artist_json(available_or_throw(m.catalog().artist(id, region)));
        mark_saved(m.listening(), req, StarKind::kArtist, o);
        json::array albums =
            array_of(net::value_or_throw(m.catalog().artist_albums(id, region)), album_json);
        mark_saved(m.listening(), req, StarKind::kAlbum, albums);
        o["albums"] = std::move(albums);
        return net::json_response(200, o);
      },
      optional);

  router.get(
      "/api/v1/music/search",
      [&m](Request& req) {
        SearchQuery q;
        q.text = req.query("q").value_or("");
        if (q.text.size() > 200)
          throw HttpError(400, "validation", "Query too long", "At most 200 bytes.");
        const int limit = net::page_params(req, 20, 100).limit;
        q.artist_count = q.album_count = q.track_count = limit;
        SearchResult r = net::value_or_throw(m.catalog().search(q, listener_region(m, req)));
        json::array tracks = array_of(r.tracks, track_json);
        mark_saved(m.listening(), req, StarKind::kTrack, tracks);
        return net::json_response(200, json::object{{"artists", array_of(r.artists, artist_json)},
                                                    {"albums", array_of(r.albums, album_json)},
                                                    {"tracks", std::move(tracks)}});
      },
      optional);

  router.post(
      "/api/v1/plays",
      [&m](Request& req) {
        net::BodyReader body(req);
        auto track = body.id("track_id", true);
        auto ms = body.integer("ms_played", true, 0, 24LL * 3600 * 1000);
        body.finish();
        available_or_throw(m.catalog().track(*track, listener_region(m, req)));
        PlayOutcome o = net::value_or_throw(
            m.listening().report_play(req.principal->user_id, *track, *ms, "api"));
        return net::json_response(
            200, json::object{
                     {"counted", o.counted}, {"play_count", o.play_count}, {"ad_due", o.ad_due}});
      },
      required);

  router.get(
      "/api/v1/me/music",
      [&m](Request& req) {
        Plan p = net::value_or_throw(m.listening().plan(req.principal->user_id));
        return net::json_response(
            200, json::object{{"plan", plan_name(p)}, {"max_quality", max_tier(p)}});
      },
      required);

  // Recently played: each track once, at its latest counted play, newest
  // first; tracks no longer available in the listener's region are left out.
  router.get(
      "/api/v1/me/recently-played",
      [&m](Request& req) {
        const auto page = net::page_params(req, 20, 100);
        const auto recent = net::value_or_throw(
            m.listening().recently_played(req.principal->user_id, page.limit, page.cursor));
        std::vector<Id> ids;
        for (const auto& p : recent.items) ids.push_back(p.track_id);
        const auto tracks = net::value_or_throw(m.catalog().tracks(ids, listener_region(m, req)));
        std::unordered_map<Id, const Track*> by_id;
        for (const auto& t : tracks) by_id[t.id] = &t;
        json::array items;
        for (const auto& p : recent.items) {
          auto it = by_id.find(p.track_id);
          if (it == by_id.end()) continue;
          items.push_back(json::object{{"track", track_json(*it->second)},
                                       {"played_at", to_rfc3339(p.played_at)}});
        }
        return net::json_response(
            200, json::object{{"items", std::move(items)},
                              {"next_cursor", recent.next_cursor ? json::value(*recent.next_cursor)
                                                                 : json::value(nullptr)}});
      },
      required);

  router.get(
      "/api/v1/me/app-passwords",
      [&m](Request& req) {
        auto list = net::value_or_throw(m.app_passwords().list(req.principal->user_id));
        return net::json_response(200, json::object{{"items", array_of(list, app_password_json)}});
      },
      required);

  router.post(
      "/api/v1/me/app-passwords",
      [&m](Request& req) {
        net::BodyReader body(req);
        auto name = body.string("name", {.required = true, .min_len = 1, .max_len = 100});
        body.finish();
        IssuedAppPassword issued =
            net::value_or_throw(m.app_passwords().create(req.principal->user_id, *name));
        json::object o = app_password_json(issued.info);
        o["password"] = issued.password;
        return net::json_response(201, o);
      },
      required);

  router.del(
      "/api/v1/me/app-passwords/{id}",
      [&m](Request& req) {
        net::ok_or_throw(m.app_passwords().revoke(req.principal->user_id, path_id(req)));
        return Response::no_content();
      },
      required);
}

}  // namespace riff::music
