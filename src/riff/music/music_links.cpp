#include "riff/music/music_links.hpp"

#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace riff::music {
namespace {

namespace json = boost::json;

constexpr std::string_view kClient = "riff";
constexpr std::string_view kApiVersion = "1.16.1";

std::string hex(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                 bytes.size());
  out.pop_back();
  return out;
}

std::optional<std::string> unhex(std::string_view h) {
  std::string out(h.size() / 2, '\0');
  std::size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), h.data(), h.size(),
                     nullptr, &len, nullptr) != 0) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

std::string md5_hex(std::string_view s) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(s.data(), s.size(), digest, &len, EVP_md5(), nullptr);
  return hex(std::string_view(reinterpret_cast<const char*>(digest), len));
}

std::string encode(std::string_view s) {
  return boost::urls::encode(s, boost::urls::unreserved_chars);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

/// The URL a user gave, normalised to the server's base: no trailing '/', no '/rest'.
std::string base_url(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.size() >= 5 && url.ends_with("/rest")) url.resize(url.size() - 5);
  return url;
}

const json::object* field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? &v->as_object() : nullptr;
}

std::string text(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return {};
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_int64()) return std::to_string(v->as_int64());
  return {};
}

}  // namespace

MusicLinks::MusicLinks(db::Database& db, IdGenerator& ids, const Clock& clock,
                       const std::string& key, net::ClientOptions http)
    : db_(db), ids_(ids), clock_(clock), key_(crypto_secretbox_KEYBYTES, '\0'), http_(http) {
  // A key of its own, derived, so that a leak of one use of the master key
  // material does not open the other.
  crypto_kdf_derive_from_key(reinterpret_cast<unsigned char*>(key_.data()), key_.size(), 1,
                             "muslinks", reinterpret_cast<const unsigned char*>(key.data()));
}

Result<std::string> MusicLinks::call(const std::string& url, const std::string& username,
                                     const std::string& password, const std::string& method,
                                     const std::vector<std::pair<std::string, std::string>>& params) {
  unsigned char raw_salt[8];
  randombytes_buf(raw_salt, sizeof raw_salt);
  const std::string salt = hex(std::string_view(reinterpret_cast<const char*>(raw_salt), sizeof raw_salt));
  std::string target = url + "/rest/" + method + ".view?u=" + encode(username) +
                       "&t=" + md5_hex(password + salt) + "&s=" + salt + "&v=" +
                       std::string(kApiVersion) + "&c=" + std::string(kClient) + "&f=json";
  for (const auto& [k, v] : params) target += "&" + k + "=" + encode(v);
  RIFF_ASSIGN_OR_RETURN(net::ClientResponse res, net::http_get(target, http_));
  if (res.status != 200) {
    return Status::unavailable(url + " answered HTTP " + std::to_string(res.status) +
                               " to " + method);
  }
  json::error_code ec;
  json::value doc = json::parse(res.body, ec);
  const json::object* r = !ec && doc.is_object() ? field(doc.as_object(), "subsonic-response") : nullptr;
  if (r == nullptr) return Status::unavailable(url + " does not speak the Subsonic API (JSON)");
  if (text(*r, "status") != "ok") {
    const json::object* err = field(*r, "error");
    const std::string code = err ? text(*err, "code") : "";
    const std::string message = err ? text(*err, "message") : "failed";
    // 40/41/44: credentials; 70: not found. The rest is the server's problem.
    if (code == "40" || code == "41" || code == "44") {
      return Status::invalid("/password", "the service refused the credentials: " + message);
    }
    if (code == "70") return Status::not_found("not on the service: " + message);
    return Status::unavailable(method + " failed on " + url + ": " + message);
  }
  return json::serialize(*r);
}

void MusicLinks::record(Id link_id, const Status& outcome) {
  (void)db_.exec("UPDATE music_links SET last_used_at = $2, last_error = $3 WHERE id = $1",
                 {link_id, clock_.now_ms(), outcome ? std::string() : outcome.message()});
}

Result<MusicLink> MusicLinks::link(Id user_id, const std::string& raw_url,
                                   const std::string& username, const std::string& password) {
  std::vector<FieldError> errors;
  const std::string url = base_url(raw_url);
  if (!(url.starts_with("http://") || url.starts_with("https://")) || url.size() > 500) {
    errors.push_back({"/url", "the service's http(s) address, like https://music.example.com"});
  }
  if (username.empty() || username.size() > 200) errors.push_back({"/username", "username is required"});
  if (password.empty() || password.size() > 500) errors.push_back({"/password", "password is required"});
  if (!errors.empty()) return Status::invalid(std::move(errors));
  RIFF_ASSIGN_OR_RETURN(std::string pong, call(url, username, password, "ping", {}));
  const json::object r = json::parse(pong).as_object();
  std::string server = text(r, "type");
  if (server.empty()) server = "subsonic";
  server += " " + (text(r, "serverVersion").empty() ? text(r, "version") : text(r, "serverVersion"));
  // Sealed: nonce || secretbox(password).
  std::string nonce(crypto_secretbox_NONCEBYTES, '\0');
  randombytes_buf(nonce.data(), nonce.size());
  std::string box(password.size() + crypto_secretbox_MACBYTES, '\0');
  crypto_secretbox_easy(reinterpret_cast<unsigned char*>(box.data()),
                        reinterpret_cast<const unsigned char*>(password.data()), password.size(),
                        reinterpret_cast<const unsigned char*>(nonce.data()),
                        reinterpret_cast<const unsigned char*>(key_.data()));
  MusicLink l{ids_.next(), user_id, url, username, server, clock_.now_ms(), std::nullopt, ""};
  RIFF_RETURN_IF_ERROR(
      db_.exec("INSERT INTO music_links (id, user_id, kind, url, username, sealed_password,"
               " server, created_at, last_error) VALUES ($1, $2, 'subsonic', $3, $4, $5, $6, $7, '')",
               {l.id, user_id, url, username, hex(nonce + box), server, l.created_at})
          .status());
  return l;
}

Result<std::vector<MusicLink>> MusicLinks::links(Id user_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT id, user_id, url, username, server, created_at,"
                                  " last_used_at, last_error FROM music_links WHERE user_id = $1"
                                  " ORDER BY id",
                                  {user_id}));
  std::vector<MusicLink> out;
  for (const auto& r : rows) {
    out.push_back({r.i64(0), r.i64(1), r.str(2), r.str(3), r.str(4), r.i64(5), r.opt_i64(6), r.str(7)});
  }
  return out;
}

Status MusicLinks::unlink(Id user_id, Id link_id) {
  RIFF_ASSIGN_OR_RETURN(std::int64_t n, db_.exec("DELETE FROM music_links WHERE id = $1 AND user_id = $2",
                                                 {link_id, user_id}));
  if (n == 0) return Status::not_found("No such linked service.");
  return Status::ok();
}

Result<MusicLinks::Credentials> MusicLinks::credentials(Id user_id, Id link_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT id, user_id, url, username, server, created_at,"
                                  " last_used_at, last_error, sealed_password FROM music_links"
                                  " WHERE id = $1 AND user_id = $2",
                                  {link_id, user_id}));
  if (rows.empty()) return Status::not_found("No such linked service.");
  const auto& r = rows[0];
  Credentials c{{r.i64(0), r.i64(1), r.str(2), r.str(3), r.str(4), r.i64(5), r.opt_i64(6), r.str(7)}, {}};
  auto bytes = unhex(r.str(8));
  if (!bytes || bytes->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return Status::internal("link " + std::to_string(link_id) + ": unreadable credentials");
  }
  const std::string nonce = bytes->substr(0, crypto_secretbox_NONCEBYTES);
  const std::string box = bytes->substr(crypto_secretbox_NONCEBYTES);
  c.password.assign(box.size() - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(c.password.data()),
                                 reinterpret_cast<const unsigned char*>(box.data()), box.size(),
                                 reinterpret_cast<const unsigned char*>(nonce.data()),
                                 reinterpret_cast<const unsigned char*>(key_.data())) != 0) {
    return Status::internal("link " + std::to_string(link_id) +
                            ": credentials sealed with another key; link the service again");
  }
  return c;
}

Result<std::vector<ExternalPlaylist>> MusicLinks::playlists(Id user_id, Id link_id) {
  RIFF_ASSIGN_OR_RETURN(Credentials c, credentials(user_id, link_id));
  auto doc = call(c.link.url, c.link.username, c.password, "getPlaylists", {});
  record(link_id, doc.status());
  if (!doc) return doc.status();
  std::vector<ExternalPlaylist> out;
  const json::object r = json::parse(*doc).as_object();
  if (const json::object* pl = field(r, "playlists")) {
    if (const auto* list = pl->if_contains("playlist"); list && list->is_array()) {
      for (const auto& p : list->as_array()) {
        if (!p.is_object()) continue;
        const auto& o = p.as_object();
        const auto* count = o.if_contains("songCount");
        out.push_back({text(o, "id"), text(o, "name"),
                       count && count->is_int64() ? count->as_int64() : 0});
      }
    }
  }
  return out;
}

Result<ExternalAdd> MusicLinks::add(Id user_id, Id link_id, const SongQuery& song,
                                    const std::optional<std::string>& playlist_id) {
  RIFF_ASSIGN_OR_RETURN(Credentials c, credentials(user_id, link_id));
  // search3 cannot ask for an ISRC, and a service may file the recording
  // under another title: look with the ISRC itself (some servers index it),
  // the title and artist, then the artist's songs, stopping at an ISRC
  // match. A title-and-artist match (ignoring case) is the fallback.
  std::string by_isrc, by_name;
  std::vector<std::string> queries;
  if (!song.isrc.empty()) queries.push_back(song.isrc);
  queries.push_back(song.title + " " + song.artist);
  if (!song.isrc.empty() && !song.artist.empty()) queries.push_back(song.artist);
  for (const auto& query : queries) {
    if (!by_isrc.empty()) break;
    auto doc = call(c.link.url, c.link.username, c.password, "search3",
                    {{"query", query}, {"songCount", "200"}, {"albumCount", "0"}, {"artistCount", "0"}});
    if (!doc) {
      record(link_id, doc.status());
      return doc.status();
    }
    const json::object r = json::parse(*doc).as_object();
    const json::object* found = field(r, "searchResult3");
    const auto* songs = found ? found->if_contains("song") : nullptr;
    if (songs == nullptr || !songs->is_array()) continue;
    for (const auto& s : songs->as_array()) {
      if (!s.is_object()) continue;
      const auto& o = s.as_object();
      if (!song.isrc.empty() && by_isrc.empty()) {
        const auto* isrc = o.if_contains("isrc");
        bool match = false;
        if (isrc && isrc->is_string()) match = lower(std::string(isrc->as_string())) == lower(song.isrc);
        if (isrc && isrc->is_array()) {
          for (const auto& x : isrc->as_array()) {
            if (x.is_string() && lower(std::string(x.as_string())) == lower(song.isrc)) match = true;
          }
        }
        if (match) by_isrc = text(o, "id");
      }
      if (by_name.empty() && lower(text(o, "title")) == lower(song.title) &&
          lower(text(o, "artist")) == lower(song.artist)) {
        by_name = text(o, "id");
      }
    }
  }
  ExternalAdd out;
  out.song_id = !by_isrc.empty() ? by_isrc : by_name;
  out.matched_by = !by_isrc.empty() ? "isrc" : "title_artist";
  out.playlist_id = playlist_id;
  if (out.song_id.empty()) {
    record(link_id, Status::ok());
    return Status::not_found("not on " + c.link.url + ": no song " + song.title + " by " + song.artist);
  }
  auto done = playlist_id
                  ? call(c.link.url, c.link.username, c.password, "updatePlaylist",
                         {{"playlistId", *playlist_id}, {"songIdToAdd", out.song_id}})
                  : call(c.link.url, c.link.username, c.password, "star", {{"id", out.song_id}});
  record(link_id, done.status());
  if (!done) return done.status();
  return out;
}

}  // namespace riff::music
