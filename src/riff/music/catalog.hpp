#pragma once
// Catalog: reading artists, albums and tracks, listing and searching them,
// and locating their files (streaming tiers, covers, sources). Writes
// belong to the Importer.
//
// Every read takes the listener's Region and filters by availability.hpp's
// rule in SQL. Region::anywhere() (the default) is for the server's own work;
// anything shown to a listener passes their region. A single item that
// exists but is not available there is kForbidden ("not available in your
// country"), so routes can tell it from kNotFound.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/music/availability.hpp"
#include "riff/music/model.hpp"

namespace riff::music {

enum class AlbumOrder { kNewest, kByName, kByArtist, kRandom, kFrequent, kByYear, kByGenre };

struct AlbumListQuery {
  AlbumOrder order = AlbumOrder::kNewest;
  int size = 10;  // 1..500
  int offset = 0;
  std::int64_t from_year = 0, to_year = 0;  // kByYear; from > to lists newest first
  std::string genre;                        // kByGenre
};

struct SearchQuery {
  std::string text;  // empty = everything
  int artist_count = 20, artist_offset = 0;
  int album_count = 20, album_offset = 0;
  int track_count = 20, track_offset = 0;
};

struct SearchResult {
  std::vector<Artist> artists;
  std::vector<Album> albums;
  std::vector<Track> tracks;
};

struct Genre {
  std::string name;
  std::int64_t track_count = 0;
  std::int64_t album_count = 0;
};

class Catalog {
 public:
  /// `music_dir` is <data_dir>/music, as the Importer lays it out.
  Catalog(db::Database& db, std::filesystem::path music_dir);

  Result<Track> track(Id id, const Region& region = Region::anywhere());
  /// The tracks among `ids` that exist and are available, in the order of `ids`.
  Result<std::vector<Track>> tracks(const std::vector<Id>& ids,
                                    const Region& region = Region::anywhere());
  Result<Album> album(Id id, const Region& region = Region::anywhere());
  /// The albums among `ids` that exist and are available, in the order of `ids`.
  Result<std::vector<Album>> albums(const std::vector<Id>& ids,
                                    const Region& region = Region::anywhere());
  /// An album's tracks by disc and track number.
  Result<std::vector<Track>> album_tracks(Id album_id, const Region& region = Region::anywhere());
  Result<Artist> artist(Id id, const Region& region = Region::anywhere());
  /// The artists among `ids` that exist and are available, in the order of `ids`.
  Result<std::vector<Artist>> artists(const std::vector<Id>& ids,
                                      const Region& region = Region::anywhere());
  /// Albums whose album artist is `artist_id`, oldest first.
  Result<std::vector<Album>> artist_albums(Id artist_id, const Region& region = Region::anywhere());
  /// Every artist with at least one track, by name.
  Result<std::vector<Artist>> artists(const Region& region = Region::anywhere());
  Result<std::vector<Album>> albums(const AlbumListQuery& q,
                                    const Region& region = Region::anywhere());
  /// Up to `size` random tracks, optionally of one genre and between years.
  Result<std::vector<Track>> random_tracks(int size, const std::string& genre,
                                           std::int64_t from_year, std::int64_t to_year,
                                           const Region& region = Region::anywhere());
  /// Up to `size` tracks, most played first (ties: lowest id), optionally
  /// only those crediting `artist_id` or only those of `genre` (non-empty).
  Result<std::vector<Track>> top_tracks(std::optional<Id> artist_id, const std::string& genre,
                                        int size, const Region& region = Region::anywhere());
  Result<SearchResult> search(const SearchQuery& q, const Region& region = Region::anywhere());
  Result<std::vector<Genre>> genres(const Region& region = Region::anywhere());
  Result<std::int64_t> track_count(const Region& region = Region::anywhere());
  /// The tracks `label_id` owns, newest first, after the track `before`
  /// (0 = from the newest); wherever they may be heard (the label's view).
  Result<std::vector<Track>> label_tracks(Id label_id, Id before, int limit);

  /// <music_dir>/tracks/<id>/a<kbps>.m4a
  std::filesystem::path tier_path(Id track_id, int kbps) const;
  /// <music_dir>/tracks/<id>/hls<kbps>/ (index.m3u8, init.mp4, seg*.m4s)
  std::filesystem::path hls_dir(Id track_id, int kbps) const;
  /// The album's cover file; kNotFound when it has none.
  Result<std::filesystem::path> cover_path(Id album_id);
  /// The file the track was imported from.
  Result<std::filesystem::path> source_path(Id track_id);

 private:
  /// Rows meeting `where` (may be empty) and the region's rights, then `order`
  /// (ORDER BY / LIMIT); the region's country is bound after `params`.
  Result<std::vector<Track>> query_tracks(const std::string& where, const std::string& order,
                                          std::vector<db::Param> params, const Region& region);
  Result<std::vector<Album>> query_albums(const std::string& where, const std::string& order,
                                          std::vector<db::Param> params, const Region& region);
  /// kNotFound when `exists_sql` finds no row for `id`, else kForbidden (not in the region).
  Status unavailable_or_missing(const std::string& exists_sql, Id id, const std::string& what);

  db::Database& db_;
  std::filesystem::path dir_;
};

}  // namespace riff::music
