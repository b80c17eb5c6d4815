// The Subsonic / OpenSubsonic API at /rest/<method>[.view], GET or POST
// (form-encoded), answering XML or JSON (f=json). One route per verb takes
// every method and dispatches on its name, so /rest/X and /rest/X.view are
// the same. Subsonic errors are HTTP 200 with status "failed".

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <map>
#include <optional>

#include "riff/core/clock.hpp"
#include "riff/music/module.hpp"
#include "riff/music/subsonic_auth.hpp"
#include "riff/music/subsonic_response.hpp"
#include "riff/net/file_response.hpp"
#include "riff/net/url_codec.hpp"

namespace riff::music {
namespace {

using net::Request;
using net::Response;

/// Ends a Subsonic call with an error response; caught once, in dispatch.
struct SubsonicError {
  int code;
  std::string message;
};

[[noreturn]] void fail(int code, std::string message) {
  throw SubsonicError{code, std::move(message)};
}

/// A Status from a service as a Subsonic error.
[[noreturn]] void fail(const Status& st) {
  switch (st.code()) {
    case Code::kNotFound:
      fail(70, st.message());
    case Code::kForbidden:
      fail(50, st.message());
    case Code::kUnauthenticated:
      fail(40, st.message());
    case Code::kInvalid:
      fail(10, st.message());
    default:
      fail(0, st.message());
  }
}

template <class T>
T ok_or_fail(Result<T> r) {
  if (!r) fail(r.status());
  return std::move(r).value();
}
void ok_or_fail(const Status& s) {
  if (!s) fail(s);
}

/// The request's parameters: the query string, then a form-encoded body.
class Params {
 public:
  explicit Params(const Request& req) {
    parse(req.query_string);
    auto type = req.header("Content-Type");
    if (req.method == net::Method::kPost && type &&
        type->find("application/x-www-form-urlencoded") != std::string_view::npos) {
      parse(req.body);
    }
  }
  std::optional<std::string> get(std::string_view key) const {
    for (const auto& [k, v] : items_) {
      if (k == key) return v;
    }
    return std::nullopt;
  }
  std::string required(std::string_view key) const {
    auto v = get(key);
    if (!v) fail(10, "Required parameter is missing: " + std::string(key));
    return *v;
  }
  std::vector<std::string> all(std::string_view key) const {
    std::vector<std::string> out;
    for (const auto& [k, v] : items_) {
      if (k == key) out.push_back(v);
    }
    return out;
  }
  std::int64_t integer(std::string_view key, std::int64_t fallback) const {
    auto v = get(key);
    if (!v || v->empty()) return fallback;
    try {
      return std::stoll(*v);
    } catch (const std::exception&) {
      fail(0, "Parameter " + std::string(key) + " is not a number.");
    }
  }
  bool boolean(std::string_view key, bool fallback) const {
    auto v = get(key);
    if (!v) return fallback;
    return *v == "true" || *v == "1";
  }

 private:
  void parse(std::string_view s) {
    while (!s.empty()) {
      auto amp = s.find('&');
      auto part = s.substr(0, amp);
      auto eq = part.find('=');
      if (!part.empty()) {
        items_.emplace_back(
            net::percent_decode(part.substr(0, eq), true),
            eq == std::string_view::npos ? "" : net::percent_decode(part.substr(eq + 1), true));
      }
      if (amp == std::string_view::npos) break;
      s.remove_prefix(amp + 1);
    }
  }
  std::vector<std::pair<std::string, std::string>> items_;
};

Id id_param(const std::string& text) {
  auto id = parse_id(text);
  if (!id) fail(70, "Not found: " + text);
  return *id;
}

struct Call {
  const Request& req;
  Params params;
  SubsonicFormat format;
  SubsonicUser user;
  MusicModule& m;
  Region region;  // the listener's; every catalog read passes it
};

std::int64_t seconds(std::int64_t ms) {
  return (ms + 500) / 1000;
}

std::string content_type_of_suffix(const std::string& s) {
  if (s == "mp3") return "audio/mpeg";
  if (s == "flac") return "audio/flac";
  if (s == "ogg" || s == "oga") return "audio/ogg";
  if (s == "opus") return "audio/opus";
  if (s == "wav") return "audio/wav";
  return "audio/mp4";
}

SubsonicNode& song_into(SubsonicNode& n, const Track& t, const std::vector<Id>& starred = {}) {
  n.set("id", id_to_string(t.id))
      .set("parent", id_to_string(t.album_id))
      .set("isDir", false)
      .set("title", t.title)
      .set("album", t.album_title)
      .set("artist", t.artist_name)
      .set("displayArtist", t.artist_name)
      .set("albumId", id_to_string(t.album_id))
      .set("artistId", id_to_string(t.artist_id))
      .set("duration", seconds(t.duration_ms))
      .set("bitRate", t.bit_rate / 1000)
      .set("size", t.size)
      .set("suffix", t.suffix)
      .set("contentType", content_type_of_suffix(t.suffix))
      .set("transcodedSuffix", "m4a")
      .set("transcodedContentType", "audio/mp4")
      .set("type", "music")
      .set("mediaType", "song")
      .set("isVideo", false)
      .set("playCount", t.play_count)
      .set("created", to_rfc3339(t.created_at));
  if (t.track_no) n.set("track", t.track_no);
  if (t.disc_no) n.set("discNumber", t.disc_no);
  if (t.year) n.set("year", t.year);
  if (!t.genre.empty()) n.set("genre", t.genre);
  if (t.has_cover) n.set("coverArt", id_to_string(t.album_id));
  if (t.sample_rate) n.set("samplingRate", t.sample_rate);
  if (t.channels) n.set("channelCount", t.channels);
  if (std::find(starred.begin(), starred.end(), t.id) != starred.end())
    n.set("starred", to_rfc3339(t.created_at));
  if (!t.isrc.empty()) n.set_array("isrc", {t.isrc});
  auto& rg = n.add("replayGain");
  if (auto g = t.track_gain_db()) rg.set("trackGain", *g);
  if (auto g = t.album_gain_db()) rg.set("albumGain", *g);
  if (t.true_peak_dbtp) rg.set("trackPeak", std::pow(10.0, *t.true_peak_dbtp / 20.0));
  if (t.album_peak_dbtp) rg.set("albumPeak", std::pow(10.0, *t.album_peak_dbtp / 20.0));
  rg.set("baseGain", 0.0);
  return n;
}

SubsonicNode& album_into(SubsonicNode& n, const Album& a) {
  n.set("id", id_to_string(a.id))
      .set("name", a.title)
      .set("title", a.title)
      .set("album", a.title)
      .set("artist", a.artist_name)
      .set("artistId", id_to_string(a.artist_id))
      .set("songCount", a.track_count)
      .set("duration", seconds(a.duration_ms))
      .set("playCount", a.play_count)
      .set("created", to_rfc3339(a.created_at))
      .set("isDir", true);
  if (a.year) n.set("year", a.year);
  if (!a.genre.empty()) n.set("genre", a.genre);
  if (a.has_cover) n.set("coverArt", id_to_string(a.id));
  return n;
}

SubsonicNode& artist_into(SubsonicNode& n, const Artist& a) {
  return n.set("id", id_to_string(a.id)).set("name", a.name).set("albumCount", a.album_count);
}

std::string index_letter(const std::string& name) {
  if (name.empty()) return "#";
  const auto c = static_cast<unsigned char>(name[0]);
  return std::isalpha(c) ? std::string(1, static_cast<char>(std::toupper(c))) : "#";
}

SubsonicNode playlist_node(const char* name, const Playlist& p, bool list) {
  SubsonicNode n(name, list);
  n.set("id", id_to_string(p.id))
      .set("name", p.name)
      .set("comment", p.comment)
      .set("owner", p.owner_handle)
      .set("public", p.is_public)
      .set("songCount", p.track_count)
      .set("duration", seconds(p.duration_ms))
      .set("created", to_rfc3339(p.created_at))
      .set("changed", to_rfc3339(p.updated_at));
  return n;
}

SubsonicNode full_playlist(Call& c, const Playlist& p) {
  SubsonicNode n = playlist_node("playlist", p, false);
  for (const auto& t : ok_or_fail(c.m.catalog().tracks(p.track_ids, c.region)))
    song_into(n.add("entry", true), t);
  return n;
}

Response ok(const Call& c, std::optional<SubsonicNode> body) {
  std::vector<SubsonicNode> children;
  if (body) children.push_back(std::move(*body));
  return Response::text(200, render_ok(children, c.format), content_type(c.format));
}

Response file(const Call& c, const std::filesystem::path& path, std::string_view type) {
  auto r = net::file_response(c.req, path.string(), "private, max-age=86400");
  if (!r) fail(70, "The file is missing.");
  r->headers.set("Content-Type", std::string(type));
  return std::move(*r);
}

std::vector<Id> ids_of(const std::vector<std::string>& texts) {
  std::vector<Id> out;
  for (const auto& t : texts) out.push_back(id_param(t));
  return out;
}

// ---------------------------------------------------------------------------
// The methods.

using Method = std::function<Response(Call&)>;

std::map<std::string, Method, std::less<>> methods() {
  std::map<std::string, Method, std::less<>> m;
  m["ping"] = [](Call& c) { return ok(c, std::nullopt); };
  m["getLicense"] = [](Call& c) {
    SubsonicNode n("license");
    n.set("valid", true);
    return ok(c, n);
  };
  m["getMusicFolders"] = [](Call& c) {
    SubsonicNode n("musicFolders");
    n.add("musicFolder", true).set("id", 1).set("name", "riff Music");
    return ok(c, n);
  };
  auto indexed = [](Call& c, const char* root_name, bool id3) {
    SubsonicNode n(root_name);
    n.set("ignoredArticles", "");
    if (!id3) n.set("lastModified", std::int64_t{0});
    std::map<std::string, std::vector<Artist>> by_letter;
    for (auto& a : ok_or_fail(c.m.catalog().artists(c.region)))
      by_letter[index_letter(a.name)].push_back(std::move(a));
    for (const auto& [letter, list] : by_letter) {
      auto& idx = n.add("index", true);
      idx.set("name", letter);
      for (const auto& a : list) artist_into(idx.add("artist", true), a);
    }
    return ok(c, n);
  };
  m["getIndexes"] = [indexed](Call& c) { return indexed(c, "indexes", false); };
  m["getArtists"] = [indexed](Call& c) { return indexed(c, "artists", true); };
  m["getArtist"] = [](Call& c) {
    const Id id = id_param(c.params.required("id"));
    SubsonicNode n("artist");
    artist_into(n, ok_or_fail(c.m.catalog().artist(id, c.region)));
    for (const auto& a : ok_or_fail(c.m.catalog().artist_albums(id, c.region)))
      album_into(n.add("album", true), a);
    return ok(c, n);
  };
  m["getAlbum"] = [](Call& c) {
    const Id id = id_param(c.params.required("id"));
    SubsonicNode n("album");
    album_into(n, ok_or_fail(c.m.catalog().album(id, c.region)));
    for (const auto& t : ok_or_fail(c.m.catalog().album_tracks(id, c.region)))
      song_into(n.add("song", true), t);
    return ok(c, n);
  };
  m["getSong"] = [](Call& c) {
    SubsonicNode n("song");
    song_into(n, ok_or_fail(c.m.catalog().track(id_param(c.params.required("id")), c.region)));
    return ok(c, n);
  };
  m["getGenres"] = [](Call& c) {
    SubsonicNode n("genres");
    for (const auto& g : ok_or_fail(c.m.catalog().genres(c.region))) {
      auto& x = n.add("genre", true);
      x.set("songCount", g.track_count).set("albumCount", g.album_count);
      x.text = g.name;
    }
    return ok(c, n);
  };
  auto album_list = [](Call& c, const char* root) {
    const std::string type = c.params.required("type");
    AlbumListQuery q;
    q.size = static_cast<int>(std::clamp<std::int64_t>(c.params.integer("size", 10), 1, 500));
    q.offset = static_cast<int>(std::max<std::int64_t>(0, c.params.integer("offset", 0)));
    SubsonicNode n(root);
    if (type == "starred") {
      Starred s = ok_or_fail(c.m.listening().starred(c.user.user_id));
      for (std::size_t i = q.offset;
           i < s.albums.size() && i < static_cast<std::size_t>(q.offset + q.size); ++i) {
        if (auto a = c.m.catalog().album(s.albums[i], c.region))
          album_into(n.add("album", true), *a);
      }
      return ok(c, n);
    }
    if (type == "newest" || type == "recent") {
      q.order = AlbumOrder::kNewest;
    } else if (type == "random") {
      q.order = AlbumOrder::kRandom;
    } else if (type == "frequent" || type == "highest") {
      q.order = AlbumOrder::kFrequent;
    } else if (type == "alphabeticalByName") {
      q.order = AlbumOrder::kByName;
    } else if (type == "alphabeticalByArtist") {
      q.order = AlbumOrder::kByArtist;
    } else if (type == "byYear") {
      q.order = AlbumOrder::kByYear;
      q.from_year = c.params.integer("fromYear", 0);
      q.to_year = c.params.integer("toYear", 9999);
    } else if (type == "byGenre") {
      q.order = AlbumOrder::kByGenre;
      q.genre = c.params.required("genre");
    } else {
      fail(0, "Unknown album list type: " + type);
    }
    for (const auto& a : ok_or_fail(c.m.catalog().albums(q, c.region)))
      album_into(n.add("album", true), a);
    return ok(c, n);
  };
  m["getRandomSongs"] = [](Call& c) {
    SubsonicNode n("randomSongs");
    auto tracks = ok_or_fail(c.m.catalog().random_tracks(
        static_cast<int>(c.params.integer("size", 10)), c.params.get("genre").value_or(""),
        c.params.integer("fromYear", 0), c.params.integer("toYear", 0), c.region));
    for (const auto& t : tracks) song_into(n.add("song", true), t);
    return ok(c, n);
  };
  auto search = [](Call& c, const char* root) {
    SearchQuery q;
    q.text = c.params.get("query").value_or("");
    if (q.text == "\"\"" || q.text == "*") q.text.clear();  // clients' ways of saying "everything"
    q.artist_count = static_cast<int>(c.params.integer("artistCount", 20));
    q.artist_offset = static_cast<int>(c.params.integer("artistOffset", 0));
    q.album_count = static_cast<int>(c.params.integer("albumCount", 20));
    q.album_offset = static_cast<int>(c.params.integer("albumOffset", 0));
    q.track_count = static_cast<int>(c.params.integer("songCount", 20));
    q.track_offset = static_cast<int>(c.params.integer("songOffset", 0));
    SearchResult r = ok_or_fail(c.m.catalog().search(q, c.region));
    SubsonicNode n(root);
    for (const auto& a : r.artists) artist_into(n.add("artist", true), a);
    for (const auto& a : r.albums) album_into(n.add("album", true), a);
    for (const auto& t : r.tracks) song_into(n.add("song", true), t);
    return ok(c, n);
  };
  m["stream"] = [](Call& c) {
    const Id id = id_param(c.params.required("id"));
    const Track t = ok_or_fail(c.m.catalog().track(id, c.region));  // refused outside its rights
    const Plan plan = ok_or_fail(c.m.listening().plan(c.user.user_id));
    if (c.params.get("format") == "raw" && plan == Plan::kPremium) {
      return file(c, ok_or_fail(c.m.catalog().source_path(id)), content_type_of_suffix(t.suffix));
    }
    const int max_kbps = static_cast<int>(c.params.integer("maxBitRate", 0));
    StreamChoice s = ok_or_fail(c.m.listening().stream(c.user.user_id, id, std::max(0, max_kbps)));
    return file(c, s.path, "audio/mp4");
  };
  m["download"] = [](Call& c) {
    const Id id = id_param(c.params.required("id"));
    if (ok_or_fail(c.m.listening().plan(c.user.user_id)) != Plan::kPremium) {
      fail(50, "Downloads are part of riff Music Premium.");
    }
    const Track t = ok_or_fail(c.m.catalog().track(id, c.region));
    return file(c, ok_or_fail(c.m.catalog().source_path(id)), content_type_of_suffix(t.suffix));
  };
  m["getCoverArt"] = [](Call& c) {
    std::string text = c.params.required("id");
    for (const char* prefix : {"al-", "tr-", "mf-"}) {
      if (text.rfind(prefix, 0) == 0) text.erase(0, 3);
    }
    const Id id = id_param(text);
    auto path = c.m.catalog().cover_path(id);
    if (path) ok_or_fail(c.m.catalog().album(id, c.region));
    if (!path) {
      // A song's id: its album's cover.
      auto t = c.m.catalog().track(id, c.region);
      if (!t) fail(70, "No cover art.");
      path = c.m.catalog().cover_path(t->album_id);
    }
    const auto p = ok_or_fail(std::move(path));
    return file(c, p, p.extension() == ".png" ? "image/png" : "image/jpeg");
  };
  m["getPlaylists"] = [](Call& c) {
    if (auto u = c.params.get("username"); u && *u != c.user.handle)
      fail(50, "Only your own playlists.");
    SubsonicNode n("playlists");
    for (const auto& p : ok_or_fail(c.m.playlists().list(c.user.user_id, true))) {
      n.children.push_back(playlist_node("playlist", p, true));
    }
    return ok(c, n);
  };
  m["getPlaylist"] = [](Call& c) {
    return ok(c, full_playlist(c, ok_or_fail(c.m.playlists().get(
                                      c.user.user_id, id_param(c.params.required("id"))))));
  };
  m["createPlaylist"] = [](Call& c) {
    const auto songs = ids_of(c.params.all("songId"));
    if (auto existing = c.params.get("playlistId")) {
      PlaylistEdit edit;
      edit.replace = songs;
      if (auto name = c.params.get("name")) edit.name = *name;
      return ok(c, full_playlist(c, ok_or_fail(c.m.playlists().edit(c.user.user_id,
                                                                    id_param(*existing), edit))));
    }
    return ok(c, full_playlist(c, ok_or_fail(c.m.playlists().create(
                                      c.user.user_id, c.params.required("name"), songs))));
  };
  m["updatePlaylist"] = [](Call& c) {
    PlaylistEdit edit;
    edit.name = c.params.get("name");
    edit.comment = c.params.get("comment");
    if (auto p = c.params.get("public")) edit.is_public = *p == "true";
    edit.add = ids_of(c.params.all("songIdToAdd"));
    for (const auto& s : c.params.all("songIndexToRemove")) {
      try {
        edit.remove_positions.push_back(std::stoll(s));
      } catch (const std::exception&) {
        fail(0, "songIndexToRemove is not a number.");
      }
    }
    ok_or_fail(c.m.playlists()
                   .edit(c.user.user_id, id_param(c.params.required("playlistId")), edit)
                   .status());
    return ok(c, std::nullopt);
  };
  m["deletePlaylist"] = [](Call& c) {
    ok_or_fail(c.m.playlists().remove(c.user.user_id, id_param(c.params.required("id"))));
    return ok(c, std::nullopt);
  };
  auto star = [](Call& c, bool on) {
    auto apply = [&](StarKind kind, const char* key) {
      for (Id id : ids_of(c.params.all(key))) {
        ok_or_fail(on ? c.m.listening().star(c.user.user_id, kind, id)
                      : c.m.listening().unstar(c.user.user_id, kind, id));
      }
    };
    apply(StarKind::kTrack, "id");
    apply(StarKind::kAlbum, "albumId");
    apply(StarKind::kArtist, "artistId");
    return ok(c, std::nullopt);
  };
  m["star"] = [star](Call& c) { return star(c, true); };
  m["unstar"] = [star](Call& c) { return star(c, false); };
  auto starred = [](Call& c, const char* root) {
    Starred s = ok_or_fail(c.m.listening().starred(c.user.user_id));
    SubsonicNode n(root);
    for (Id id : s.artists) {
      if (auto a = c.m.catalog().artist(id, c.region)) artist_into(n.add("artist", true), *a);
    }
    for (Id id : s.albums) {
      if (auto a = c.m.catalog().album(id, c.region)) album_into(n.add("album", true), *a);
    }
    for (const auto& t : ok_or_fail(c.m.catalog().tracks(s.tracks, c.region)))
      song_into(n.add("song", true), t, s.tracks);
    return ok(c, n);
  };
  m["scrobble"] = [](Call& c) {
    const auto ids = ids_of(c.params.all("id"));
    if (ids.empty()) fail(10, "Required parameter is missing: id");
    // submission=false is "now playing": noted by clients, never a play.
    if (c.params.boolean("submission", true)) {
      for (Id id : ids) {
        const Track t = ok_or_fail(c.m.catalog().track(id, c.region));
        ok_or_fail(c.m.listening().record_play(c.user.user_id, id, t.duration_ms, "subsonic"));
      }
    }
    return ok(c, std::nullopt);
  };
  m["getUser"] = [](Call& c) {
    const std::string name = c.params.required("username");
    if (name != c.user.handle) fail(50, "Only your own user.");
    const bool premium = ok_or_fail(c.m.listening().plan(c.user.user_id)) == Plan::kPremium;
    SubsonicNode n("user");
    n.set("username", c.user.handle)
        .set("scrobblingEnabled", true)
        .set("adminRole", false)
        .set("settingsRole", false)
        .set("downloadRole", premium)
        .set("uploadRole", false)
        .set("playlistRole", true)
        .set("coverArtRole", false)
        .set("commentRole", false)
        .set("podcastRole", false)
        .set("streamRole", true)
        .set("jukeboxRole", false)
        .set("shareRole", false)
        .set("videoConversionRole", false)
        .set("maxBitRate", max_tier(premium ? Plan::kPremium : Plan::kFree));
    n.set_array("folder", {std::int64_t{1}});
    return ok(c, n);
  };
  m["getAlbumList2"] = [album_list](Call& c) { return album_list(c, "albumList2"); };
  m["getAlbumList"] = [album_list](Call& c) { return album_list(c, "albumList"); };
  m["search3"] = [search](Call& c) { return search(c, "searchResult3"); };
  m["search2"] = [search](Call& c) { return search(c, "searchResult2"); };
  m["getStarred2"] = [starred](Call& c) { return starred(c, "starred2"); };
  m["getStarred"] = [starred](Call& c) { return starred(c, "starred"); };
  // Folder browsing for clients without ID3 support: artist -> albums -> songs.
  m["getMusicDirectory"] = [](Call& c) {
    const Id id = id_param(c.params.required("id"));
    SubsonicNode n("directory");
    if (auto artist = c.m.catalog().artist(id, c.region)) {
      n.set("id", id_to_string(artist->id)).set("name", artist->name);
      for (const auto& a : ok_or_fail(c.m.catalog().artist_albums(id, c.region))) {
        album_into(n.add("child", true), a).set("parent", id_to_string(artist->id));
      }
      return ok(c, n);
    }
    const Album album = ok_or_fail(c.m.catalog().album(id, c.region));
    n.set("id", id_to_string(album.id))
        .set("name", album.title)
        .set("parent", id_to_string(album.artist_id));
    for (const auto& t : ok_or_fail(c.m.catalog().album_tracks(id, c.region)))
      song_into(n.add("child", true), t);
    return ok(c, n);
  };
  m["getScanStatus"] = [](Call& c) {
    SubsonicNode n("scanStatus");
    n.set("scanning", false).set("count", ok_or_fail(c.m.catalog().track_count(c.region)));
    return ok(c, n);
  };
  // Similar songs are a radio (radio.hpp). getSimilarSongs takes a song,
  // album or artist id, getSimilarSongs2 an artist id; an album or artist
  // seeds from its most played track and leads with it.
  auto similar = [](Call& c, const char* root, bool any_kind) {
    const Id id = id_param(c.params.required("id"));
    const int count = static_cast<int>(
        std::clamp<std::int64_t>(c.params.integer("count", 50), 1, kRadioMaxTracks));
    std::optional<Track> lead;  // an album's or artist's most played track
    Result<Track> song = Status::not_found("No such song.");
    if (any_kind) song = c.m.catalog().track(id, c.region);
    if (song.status().code() != Code::kNotFound) {
      ok_or_fail(std::move(song));  // a song not available here fails, not falls through
    } else {
      Result<Album> album = Status::not_found("No such album.");
      if (any_kind) album = c.m.catalog().album(id, c.region);
      std::vector<Track> tracks;
      if (album.status().code() != Code::kNotFound) {
        ok_or_fail(std::move(album));
        tracks = ok_or_fail(c.m.catalog().album_tracks(id, c.region));
        std::stable_sort(tracks.begin(), tracks.end(), [](const Track& x, const Track& y) {
          return x.play_count != y.play_count ? x.play_count > y.play_count : x.id < y.id;
        });
      } else {
        ok_or_fail(c.m.catalog().artist(id, c.region));
        tracks = ok_or_fail(c.m.catalog().top_tracks(id, "", 1, c.region));
      }
      if (tracks.empty()) return ok(c, SubsonicNode(root));
      lead = tracks.front();
    }
    SubsonicNode n(root);
    if (lead) song_into(n.add("song", true), *lead);
    const int rest = count - (lead ? 1 : 0);
    if (rest > 0) {
      for (const auto& r : ok_or_fail(c.m.radio().tracks(lead ? lead->id : id, rest, c.region)))
        song_into(n.add("song", true), r.track);
    }
    return ok(c, n);
  };
  m["getSimilarSongs"] = [similar](Call& c) { return similar(c, "similarSongs", true); };
  m["getSimilarSongs2"] = [similar](Call& c) { return similar(c, "similarSongs2", false); };
  // Asked by common clients; riff has nothing to say yet (empty, not an error).
  for (const char* name : {"getNowPlaying", "getArtistInfo2", "getArtistInfo", "getAlbumInfo2",
                           "getAlbumInfo", "getTopSongs"}) {
    static const std::map<std::string_view, const char*> kRoots = {
        {"getNowPlaying", "nowPlaying"},  {"getArtistInfo2", "artistInfo2"},
        {"getArtistInfo", "artistInfo"},  {"getAlbumInfo2", "albumInfo"},
        {"getAlbumInfo", "albumInfo"},    {"getTopSongs", "topSongs"}};
    const char* root = kRoots.at(name);
    m[name] = [root](Call& c) { return ok(c, SubsonicNode(root)); };
  }
  return m;
}

SubsonicFormat format_of(const Params& p) {
  return p.get("f") == "json" ? SubsonicFormat::kJson : SubsonicFormat::kXml;
}

SubsonicUser authenticate(const Params& p, AppPasswords& passwords) {
  const auto user = p.get("u");
  if (auto key = p.get("apiKey")) {
    if (user) fail(43, "Give either apiKey or u, not both.");
    auto r = passwords.check_api_key(*key);
    if (!r) fail(44, "Invalid API key.");
    return *r;
  }
  if (!user) fail(10, "Required parameter is missing: u");
  Result<SubsonicUser> r = Status::unauthenticated("Wrong username or password.");
  if (auto t = p.get("t")) {
    auto s = p.get("s");
    if (!s) fail(10, "Required parameter is missing: s");
    r = passwords.check_token(*user, *t, *s);
  } else if (auto pw = p.get("p")) {
    auto decoded = decode_password_param(*pw);
    if (!decoded) fail(40, "Wrong username or password.");
    r = passwords.check_password(*user, *decoded);
  } else {
    fail(10, "Required parameter is missing: t and s, p, or apiKey");
  }
  if (!r) fail(40, "Wrong username or password.");
  return *r;
}

Response dispatch(Request& req, MusicModule& m,
                  const std::map<std::string, Method, std::less<>>& table) {
  Params params(req);
  const SubsonicFormat format = format_of(params);
  std::string_view name = req.param("method");
  if (name.size() > 5 && name.substr(name.size() - 5) == ".view") name.remove_suffix(5);
  try {
    if (name == "getOpenSubsonicExtensions") {  // answers without authentication
      std::vector<SubsonicNode> list;
      for (const char* ext : {"apiKeyAuthentication", "formPost"}) {
        SubsonicNode& n = list.emplace_back("openSubsonicExtensions", true);
        n.set("name", ext).set_array("versions", {std::int64_t{1}});
      }
      return Response::text(200, render_ok(list, format), content_type(format));
    }
    auto it = table.find(name);
    if (it == table.end()) fail(70, "Unknown method: " + std::string(name));
    SubsonicUser user = authenticate(params, m.app_passwords());
    Region region = ok_or_fail(m.availability().region_of(user.user_id));
    if (Availability::service_verdict(region) != Verdict::kAvailable) {
      fail(50, "riff Music is not available in your country.");
    }
    Call call{req, std::move(params), format, std::move(user), m, std::move(region)};
    return it->second(call);
  } catch (const SubsonicError& e) {
    return Response::text(200, render_error(e.code, e.message, format), content_type(format));
  }
}

}  // namespace

void mount_subsonic_routes(net::Router& router, MusicModule& m) {
  auto table = std::make_shared<const std::map<std::string, Method, std::less<>>>(methods());
  // Subsonic clients authenticate in the parameters, not with riff sessions.
  net::RouteOptions options;
  options.auth = net::Auth::kNone;
  router.get(
      "/rest/{method*}", [&m, table](Request& req) { return dispatch(req, m, *table); }, options);
  router.post(
      "/rest/{method*}", [&m, table](Request& req) { return dispatch(req, m, *table); }, options);
}

}  // namespace riff::music
