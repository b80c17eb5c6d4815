#pragma once
// Songs as sounds: the link between a catalog track and the sound videos
// use it as, in both directions. The video module knows sounds but not the
// catalog; this side (music) knows both and supplies the song behind a
// catalog sound, the videos using a song, and "Add to Music App".

#include <optional>
#include <string>

#include "riff/music/module.hpp"
#include "riff/video/sounds.hpp"

namespace riff::music {

class MusicLinks;

/// The song a viewer sees behind a catalog sound; nullopt when the track is
/// gone or not available in the viewer's region. Safe from any thread (reads only).
std::optional<video::SongRef> song_ref(MusicModule& m, std::optional<Id> viewer, Id track_id);

/// Where "Add to Music App" puts a song: the listener's saved tracks, or
/// one of their playlists (at the end, once: a song already there stays put).
struct AddToMusicTarget {
  std::optional<Id> playlist_id;  // nullopt = the library
};

struct AddedToMusic {
  Id track_id = 0;
  bool added = false;  // false when it was already there
};

/// Adds `track_id` for `user_id`. kNotFound for an unknown track or a
/// playlist the user cannot see, kForbidden for someone else's playlist.
Result<AddedToMusic> add_song_to_music(MusicModule& music, Id user_id, Id track_id,
                                       const AddToMusicTarget& target);

/// GET /api/v1/tracks/{id}/videos, POST /api/v1/sounds/{id}/add-to-music
/// (riff Music, or a linked service) and /api/v1/me/music-links.
/// References must outlive the router.
void mount_song_routes(net::Router& router, MusicModule& music, video::SoundService& sounds,
                       MusicLinks& links, std::string public_url);

}  // namespace riff::music
