// GET /api/v1/playlists/{id}/export: a playlist as M3U8, XSPF or JSPF,
// for whoever may see the playlist itself (Playlists::get decides).

#include "riff/music/module.hpp"
#include "riff/music/playlist_export.hpp"
#include "riff/net/json.hpp"

namespace riff::music {

void mount_export_routes(net::Router& router, MusicModule& m, std::string public_url) {
  net::RouteOptions optional;
  optional.auth = net::Auth::kOptional;
  router.get(
      "/api/v1/playlists/{id}/export",
      [&m, public_url](net::Request& req) {
        auto id = parse_id(req.param("id"));
        if (!id) throw net::HttpError(404, "not-found", "Not found", "No such playlist.");
        const std::string format_text = req.query("format").value_or("m3u8");
        auto format = parse_export_format(format_text);
        if (!format) {
          throw net::HttpError(400, "validation", "Bad format",
                               "format is one of m3u8, xspf or jspf.");
        }
        // Links in a file must be absolute: the configured public URL, else
        // the host this request reached.
        const std::string base =
            !public_url.empty() ? public_url
                                : "http://" + std::string(req.header("Host").value_or("localhost"));
        const Id viewer = req.principal ? req.principal->user_id : 0;
        const Playlist p = net::value_or_throw(m.playlists().get(viewer, *id));
        const auto tracks = net::value_or_throw(m.catalog().tracks(p.track_ids));

        ExportPlaylist out;
        out.title = p.name;
        out.creator = p.owner_handle;
        out.annotation = p.comment;
        out.info = base + "/api/v1/playlists/" + id_to_string(p.id);
        for (const auto& t : tracks) {
          const std::string track_url = base + "/api/v1/tracks/" + id_to_string(t.id);
          ExportTrack e;
          e.location = track_url + "/stream";
          e.info = track_url;
          e.title = t.title;
          e.artist = t.artist_name;
          e.album = t.album_title;
          e.isrc = t.isrc;
          e.track_no = t.track_no;
          e.duration_ms = t.duration_ms;
          if (t.has_cover)
            e.image = base + "/api/v1/albums/" + id_to_string(t.album_id) + "/cover";
          out.tracks.push_back(std::move(e));
        }
        net::Response r = net::Response::text(200, export_playlist(out, *format),
                                              export_content_type(*format));
        r.headers.set("Content-Disposition", "attachment; filename=\"playlist-" +
                                                 id_to_string(p.id) + "." +
                                                 std::string(export_extension(*format)) + "\"");
        r.headers.set("Cache-Control", "private, no-cache");
        return r;
      },
      optional);
}

}  // namespace riff::music
