#pragma once
// "Add to Music App" to a music service outside riff: a listener links a
// server that speaks the Subsonic API (another riff, Navidrome, Airsonic,
// ...) with its URL and credentials, and riff adds songs there on their
// behalf: found by ISRC (OpenSubsonic `isrc`), else by title and artist,
// then added to a chosen playlist, or starred when none is chosen.
//
// Linking checks the credentials with `ping` before anything is stored; the
// password is kept sealed (XSalsa20-Poly1305 with a key derived from the
// app-password key) and sent as a salted token (`t`, `s`), never in clear.
// Calls go through net::http_get (blocking: from the worker pool), which
// refuses non-public addresses unless configured otherwise.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <optional>
#include <string>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/db/database.hpp"
#include "riff/net/http_client.hpp"

namespace riff::music {

struct MusicLink {
  Id id = 0;
  Id user_id = 0;
  std::string url;       // the server's base URL, without /rest
  std::string username;
  std::string server;    // what ping said: "riff 1.16.1", "navidrome 1.16.1", ...
  std::int64_t created_at = 0;
  std::optional<std::int64_t> last_used_at;
  std::string last_error;
};

struct ExternalPlaylist {
  std::string id;
  std::string name;
  std::int64_t song_count = 0;
};

/// The song riff looks for on the other service.
struct SongQuery {
  std::string title;
  std::string artist;
  std::string isrc;
};

struct ExternalAdd {
  std::string song_id;        // the other service's id
  std::string matched_by;     // "isrc" or "title_artist"
  std::optional<std::string> playlist_id;  // none: starred
};

class MusicLinks {
 public:
  /// `key`: 32 bytes (see AppPasswords::load_or_create_key); the sealing
  /// key is derived from it. `http` applies to every call.
  MusicLinks(db::Database& db, IdGenerator& ids, const Clock& clock, const std::string& key,
             net::ClientOptions http);

  /// Checks the credentials with the server, then stores the link. kInvalid
  /// for a bad URL or credentials the server refuses; kUnavailable when it
  /// cannot be reached; kForbidden for a non-public address.
  Result<MusicLink> link(Id user_id, const std::string& url, const std::string& username,
                         const std::string& password);
  Result<std::vector<MusicLink>> links(Id user_id);
  Status unlink(Id user_id, Id link_id);
  Result<std::vector<ExternalPlaylist>> playlists(Id user_id, Id link_id);
  /// kNotFound (message starting "not on") when the service has no such song.
  Result<ExternalAdd> add(Id user_id, Id link_id, const SongQuery& song,
                          const std::optional<std::string>& playlist_id);

 private:
  struct Credentials {
    MusicLink link;
    std::string password;
  };
  Result<Credentials> credentials(Id user_id, Id link_id);
  /// GET <url>/rest/<method>.view with auth and `params` (already encoded
  /// name=value pairs); the "subsonic-response" object as JSON text.
  Result<std::string> call(const std::string& url, const std::string& username,
                           const std::string& password, const std::string& method,
                           const std::vector<std::pair<std::string, std::string>>& params);
  void record(Id link_id, const Status& outcome);

  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  std::string key_;
  net::ClientOptions http_;
};

}  // namespace riff::music
