#include "riff/music/catalog.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include "riff/db/text_search.hpp"

namespace riff::music {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTrackColumns =
    "SELECT t.id, t.title, t.album_id, al.title, t.artist_id, t.artist_names, t.track_no, "
    "t.disc_no, t.year,"
    " t.genre, t.isrc, t.duration_ms, t.sample_rate, t.channels, t.bit_rate, t.suffix, "
    "t.source_size,"
    " t.loudness_lufs, t.true_peak_dbtp, al.loudness_lufs, al.peak_dbtp, t.tiers, t.territories, "
    "al.cover_path,"
    " t.play_count, t.created_at, (SELECT MIN(s.id) FROM sounds s WHERE s.catalog_track_id = t.id),"
    " t.label_id, t.duration_samples, t.gapless_tiers"
    " FROM music_tracks t JOIN music_albums al ON al.id = t.album_id ";

/// The rights condition on music_tracks `t` for `region`, with its
/// country appended to `params` (nothing to bind when unrestricted).
std::string rights(const Region& region, std::vector<db::Param>& params) {
  if (region.unrestricted) return "1 = 1";
  params.emplace_back(region.country);
  return track_available_sql("t", static_cast<int>(params.size()));
}

/// Album columns; the counts and sums cover the tracks meeting `cond`.
std::string album_columns(const std::string& cond) {
  const std::string of_album = " FROM music_tracks t WHERE t.album_id = al.id AND " + cond + ")";
  return "SELECT al.id, al.title, al.artist_id, ar.name, al.year, al.genre, al.cover_path, "
         "al.loudness_lufs, al.peak_dbtp, (SELECT COUNT(*)" +
         of_album + ", (SELECT COALESCE(SUM(t.duration_ms), 0)" + of_album +
         ", al.created_at,"
         " (SELECT COALESCE(SUM(t.play_count), 0)" +
         of_album + " FROM music_albums al JOIN music_artists ar ON ar.id = al.artist_id ";
}

/// Artist columns; the counts cover the albums and tracks meeting `cond`.
std::string artist_columns(const std::string& cond) {
  return "SELECT ar.id, ar.name, (SELECT COUNT(*) FROM music_albums al WHERE al.artist_id = ar.id"
         " AND EXISTS (SELECT 1 FROM music_tracks t WHERE t.album_id = al.id AND " +
         cond +
         ")),"
         " (SELECT COUNT(*) FROM music_track_artists ta JOIN music_tracks t ON t.id = ta.track_id"
         " WHERE ta.artist_id = ar.id AND " +
         cond + ") FROM music_artists ar ";
}

/// True for albums (aliased `al`) with a track meeting `cond`.
std::string album_has(const std::string& cond, const std::string& al = "al") {
  return "EXISTS (SELECT 1 FROM music_tracks t WHERE t.album_id = " + al + ".id AND " + cond + ")";
}

/// True for artists (aliased `ar`) credited on a track meeting `cond`.
std::string artist_has(const std::string& cond, const std::string& ar = "ar") {
  return "EXISTS (SELECT 1 FROM music_track_artists ta JOIN music_tracks t ON t.id = ta.track_id"
         " WHERE ta.artist_id = " + ar + ".id AND " + cond + ")";
}

std::optional<double> opt_f64(const db::Row& r, std::size_t i) {
  if (r.is_null(i)) return std::nullopt;
  return r.f64(i);
}

Track track_from(const db::Row& r) {
  Track t;
  t.id = r.i64(0);
  t.title = r.str(1);
  t.album_id = r.i64(2);
  t.album_title = r.str(3);
  t.artist_id = r.i64(4);
  t.artist_name = r.str(5);
  t.track_no = r.i64(6);
  t.disc_no = r.i64(7);
  t.year = r.i64(8);
  t.genre = r.str(9);
  t.isrc = r.str(10);
  t.duration_ms = r.i64(11);
  t.sample_rate = r.i64(12);
  t.channels = r.i64(13);
  t.bit_rate = r.i64(14);
  t.suffix = r.str(15);
  t.size = r.i64(16);
  t.loudness_lufs = opt_f64(r, 17);
  t.true_peak_dbtp = opt_f64(r, 18);
  t.album_loudness_lufs = opt_f64(r, 19);
  t.album_peak_dbtp = opt_f64(r, 20);
  t.tiers = tiers_from_text(r.str(21));
  t.territories = r.str(22);
  t.has_cover = !r.str(23).empty();
  t.play_count = r.i64(24);
  t.created_at = r.i64(25);
  t.sound_id = r.opt_i64(26);
  t.label_id = r.opt_i64(27);
  t.duration_samples = r.i64(28);
  t.gapless = gapless_from_text(r.str(29));
  return t;
}

Album album_from(const db::Row& r) {
  Album a;
  a.id = r.i64(0);
  a.title = r.str(1);
  a.artist_id = r.i64(2);
  a.artist_name = r.str(3);
  a.year = r.i64(4);
  a.genre = r.str(5);
  a.has_cover = !r.str(6).empty();
  a.loudness_lufs = opt_f64(r, 7);
  a.peak_dbtp = opt_f64(r, 8);
  a.track_count = r.i64(9);
  a.duration_ms = r.i64(10);
  a.created_at = r.i64(11);
  a.play_count = r.i64(12);
  return a;
}

Artist artist_from(const db::Row& r) {
  return {r.i64(0), r.str(1), r.i64(2), r.i64(3)};
}

/// "$k, $k+1, ..." for the distinct `ids`, appended to `params`.
std::string id_list_sql(const std::vector<Id>& ids, std::vector<db::Param>& params) {
  std::vector<Id> unique = ids;
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  std::string in;
  for (Id id : unique) {
    params.emplace_back(id);
    in += (in.empty() ? "$" : ", $") + std::to_string(params.size());
  }
  return in;
}

/// The items of `found` rearranged in the order of `ids` (repeats kept).
template <class T>
std::vector<T> in_order_of(const std::vector<Id>& ids, std::vector<T> found) {
  std::map<Id, T> by_id;
  for (auto& x : found) by_id.emplace(x.id, std::move(x));
  std::vector<T> out;
  for (Id id : ids) {
    if (auto it = by_id.find(id); it != by_id.end()) out.push_back(it->second);
  }
  return out;
}

}  // namespace

Catalog::Catalog(db::Database& db, fs::path music_dir) : db_(db), dir_(std::move(music_dir)) {}

Result<std::vector<Track>> Catalog::query_tracks(const std::string& where, const std::string& order,
                                                 std::vector<db::Param> params,
                                                 const Region& region) {
  const std::string cond = rights(region, params);
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query(std::string(kTrackColumns) + "WHERE " + cond + " AND (" +
                                      (where.empty() ? "1 = 1" : where) + ") " + order,
                                  params));
  std::vector<Track> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(track_from(r));
  return out;
}

Result<std::vector<Album>> Catalog::query_albums(const std::string& where, const std::string& order,
                                                 std::vector<db::Param> params,
                                                 const Region& region) {
  const std::string cond = rights(region, params);
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query(album_columns(cond) + "WHERE " + (region.unrestricted ? "1 = 1" : album_has(cond)) +
                    " AND (" + (where.empty() ? "1 = 1" : where) + ") " + order,
                params));
  std::vector<Album> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(album_from(r));
  return out;
}

Status Catalog::unavailable_or_missing(const std::string& exists_sql, Id id,
                                       const std::string& what) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows, db_.query(exists_sql, {id}));
  if (rows.empty()) return Status::not_found("No such " + what + ".");
  return Status::forbidden("This " + what + " is not available in your country.");
}

Result<Track> Catalog::track(Id id, const Region& region) {
  RIFF_ASSIGN_OR_RETURN(auto list, query_tracks("t.id = $1", "", {id}, Region::anywhere()));
  if (list.empty()) return Status::not_found("No such track.");
  Track t = std::move(list.front());
  if (Availability::track_verdict(region, t.territories) != Verdict::kAvailable) {
    return Status::forbidden("This track is not available in your country.");
  }
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query("SELECT ar.id, ar.name FROM music_track_artists ta JOIN music_artists ar"
                " ON ar.id = ta.artist_id WHERE ta.track_id = $1 ORDER BY ta.position",
                {id}));
  for (const auto& r : rows) t.artists.emplace_back(r.i64(0), r.str(1));
  return t;
}

Result<std::vector<Track>> Catalog::label_tracks(Id label_id, Id before, int limit) {
  const Id below = before > 0 ? before : std::numeric_limits<Id>::max();
  return query_tracks("t.label_id = $1 AND t.id < $2", "ORDER BY t.id DESC LIMIT $3",
                      {label_id, below, limit}, Region::anywhere());
}

Result<std::vector<Track>> Catalog::tracks(const std::vector<Id>& ids, const Region& region) {
  std::vector<Track> out;
  if (ids.empty()) return out;
  std::string in;
  std::vector<db::Param> params;
  std::vector<Id> unique = ids;
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  for (std::size_t i = 0; i < unique.size(); ++i) {
    in += (i ? ", $" : "$") + std::to_string(i + 1);
    params.emplace_back(unique[i]);
  }
  RIFF_ASSIGN_OR_RETURN(auto found, query_tracks("t.id IN (" + in + ")", "", params, region));
  std::map<Id, Track> by_id;
  for (auto& t : found) by_id.emplace(t.id, std::move(t));
  for (Id id : ids) {
    if (auto it = by_id.find(id); it != by_id.end()) out.push_back(it->second);
  }
  return out;
}

Result<Album> Catalog::album(Id id, const Region& region) {
  RIFF_ASSIGN_OR_RETURN(auto list, query_albums("al.id = $1", "", {id}, region));
  if (list.empty())
    return unavailable_or_missing("SELECT 1 FROM music_albums WHERE id = $1", id, "album");
  return std::move(list.front());
}

Result<std::vector<Album>> Catalog::albums(const std::vector<Id>& ids, const Region& region) {
  std::vector<Album> out;
  if (ids.empty()) return out;
  std::vector<db::Param> params;
  const std::string in = id_list_sql(ids, params);
  RIFF_ASSIGN_OR_RETURN(auto found, query_albums("al.id IN (" + in + ")", "", params, region));
  return in_order_of(ids, std::move(found));
}

Result<std::vector<Track>> Catalog::album_tracks(Id album_id, const Region& region) {
  return query_tracks("t.album_id = $1", "ORDER BY t.disc_no, t.track_no, t.title, t.id",
                      {album_id}, region);
}

Result<Artist> Catalog::artist(Id id, const Region& region) {
  std::vector<db::Param> params{id};
  const std::string cond = rights(region, params);
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query(artist_columns(cond) + "WHERE ar.id = $1" +
                                      (region.unrestricted ? "" : " AND " + artist_has(cond)),
                                  params));
  if (rows.empty())
    return unavailable_or_missing("SELECT 1 FROM music_artists WHERE id = $1", id, "artist");
  return artist_from(rows[0]);
}

Result<std::vector<Artist>> Catalog::artists(const std::vector<Id>& ids, const Region& region) {
  std::vector<Artist> out;
  if (ids.empty()) return out;
  std::vector<db::Param> params;
  const std::string in = id_list_sql(ids, params);
  const std::string cond = rights(region, params);
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query(artist_columns(cond) + "WHERE ar.id IN (" + in + ")" +
                                      (region.unrestricted ? "" : " AND " + artist_has(cond)),
                                  params));
  std::vector<Artist> found;
  for (const auto& r : rows) found.push_back(artist_from(r));
  return in_order_of(ids, std::move(found));
}

Result<std::vector<Album>> Catalog::artist_albums(Id artist_id, const Region& region) {
  return query_albums("al.artist_id = $1", "ORDER BY al.year, al.title, al.id", {artist_id},
                      region);
}

Result<std::vector<Artist>> Catalog::artists(const Region& region) {
  std::vector<db::Param> params;
  const std::string cond = rights(region, params);
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query(artist_columns(cond) + "WHERE " + artist_has(cond) +
                    (region.unrestricted
                         ? " OR EXISTS (SELECT 1 FROM music_albums al WHERE al.artist_id = ar.id)"
                         : "") +
                    " ORDER BY ar.name_key, ar.id",
                params));
  std::vector<Artist> out;
  for (const auto& r : rows) out.push_back(artist_from(r));
  return out;
}

Result<std::vector<Album>> Catalog::albums(const AlbumListQuery& q, const Region& region) {
  const int size = std::clamp(q.size, 1, 500);
  const int offset = std::max(0, q.offset);
  switch (q.order) {
    case AlbumOrder::kNewest:
      return query_albums("", "ORDER BY al.created_at DESC, al.id DESC LIMIT $1 OFFSET $2",
                          {size, offset}, region);
    case AlbumOrder::kByName:
      return query_albums("", "ORDER BY lower(al.title), al.id LIMIT $1 OFFSET $2", {size, offset},
                          region);
    case AlbumOrder::kByArtist:
      return query_albums("", "ORDER BY ar.name_key, lower(al.title), al.id LIMIT $1 OFFSET $2",
                          {size, offset}, region);
    case AlbumOrder::kRandom:
      return query_albums("", "ORDER BY RANDOM() LIMIT $1 OFFSET $2", {size, offset}, region);
    case AlbumOrder::kFrequent:
      return query_albums("",
                          "ORDER BY (SELECT COALESCE(SUM(t.play_count), 0) FROM music_tracks t"
                          " WHERE t.album_id = al.id) DESC, al.id LIMIT $1 OFFSET $2",
                          {size, offset}, region);
    case AlbumOrder::kByYear: {
      const auto lo = std::min(q.from_year, q.to_year), hi = std::max(q.from_year, q.to_year);
      return query_albums("al.year >= $1 AND al.year <= $2",
                          std::string("ORDER BY al.year ") +
                              (q.from_year > q.to_year ? "DESC" : "ASC") +
                              ", al.id LIMIT $3 OFFSET $4",
                          {lo, hi, size, offset}, region);
    }
    case AlbumOrder::kByGenre:
      return query_albums("lower(al.genre) = lower($1)",
                          "ORDER BY lower(al.title), al.id LIMIT $2 OFFSET $3",
                          {q.genre, size, offset}, region);
  }
  return Status::invalid("/type", "unknown order");
}

Result<std::vector<Track>> Catalog::random_tracks(int size, const std::string& genre,
                                                  std::int64_t from_year, std::int64_t to_year,
                                                  const Region& region) {
  size = std::clamp(size, 1, 500);
  return query_tracks(
      "(CAST($1 AS TEXT) = '' OR lower(t.genre) = lower($1)) AND (CAST($2 AS BIGINT) = 0 OR "
      "t.year >= $2) AND (CAST($3 AS BIGINT) = 0 OR t.year <= $3)",
      "ORDER BY RANDOM() LIMIT $4", {genre, from_year, to_year, size}, region);
}

Result<std::vector<Track>> Catalog::top_tracks(std::optional<Id> artist_id,
                                              const std::string& genre, int size,
                                              const Region& region) {
  std::string where = "1 = 1";
  std::vector<db::Param> params;
  if (artist_id) {
    params.emplace_back(*artist_id);
    where += " AND (t.artist_id = $1 OR EXISTS (SELECT 1 FROM music_track_artists ta"
             " WHERE ta.track_id = t.id AND ta.artist_id = $1))";
  }
  if (!genre.empty()) {
    params.emplace_back(genre);
    where += " AND t.genre = $" + std::to_string(params.size());
  }
  params.emplace_back(std::clamp(size, 1, 1000));
  const std::string limit = "$" + std::to_string(params.size());
  return query_tracks(where, "ORDER BY t.play_count DESC, t.id LIMIT " + limit, params, region);
}

Result<SearchResult> Catalog::search(const SearchQuery& q, const Region& region) {
  const std::vector<std::string> words = db::search_words(q.text);
  const bool everything = words.empty() && q.text.find_first_not_of(" \t") == std::string::npos;
  if (words.empty() && !everything) return SearchResult{};  // only punctuation
  const bool pg = db_.dialect() == db::Dialect::kPostgres;
  const std::string match = db::prefix_query(db_.dialect(), words);
  // The ids of one page of matches available in the region (`allowed`, a
  // condition on `x`), in `order`: the page is chosen over the bare rows and
  // only its items get their columns (counts, the sound...).
  // `$1` is the engine's query text; `also` adds matches, as a SELECT of ids
  // (SQLite: a UNION keeps the FTS lookup an index search, where an OR would
  // scan the table) and as a condition on `x` (PostgreSQL).
  auto page_of = [&](const char* table, const char* fts, const char* order, int limit_param,
                     const std::string& allowed, const std::string& also_ids = {},
                     const std::string& also_cond = {}) {
    std::string cond;
    if (everything) {
      // Every row; the parameters still appear so both engines type them.
      cond = "(CAST($1 AS TEXT) = CAST($1 AS TEXT)" + also_cond + ")";
    } else if (pg) {
      cond = "(x.search_tsv @@ to_tsquery('simple', $1)" + also_cond + ")";
    } else {
      cond = std::string("x.id IN (SELECT rowid FROM ") + fts + " WHERE " + fts + " MATCH $1" +
             also_ids + ")";
    }
    return std::string("IN (SELECT x.id FROM ") + table + " x WHERE " + cond + " AND " +
           allowed + " ORDER BY " + order + ", x.id LIMIT $" + std::to_string(limit_param) +
           " OFFSET $" + std::to_string(limit_param + 1) + ")";
  };
  SearchResult out;
  if (q.artist_count > 0) {
    std::vector<db::Param> params{match, std::min(q.artist_count, 500),
                                  std::max(0, q.artist_offset)};
    const std::string cond = rights(region, params);
    const std::string allowed = region.unrestricted ? "1 = 1" : artist_has(cond, "x");
    RIFF_ASSIGN_OR_RETURN(
        db::Rows rows,
        db_.query(artist_columns(cond) + "WHERE ar.id " +
                      page_of("music_artists", "music_artist_fts", "x.name_key", 2, allowed) +
                      " ORDER BY ar.name_key, ar.id",
                  params));
    for (const auto& r : rows) out.artists.push_back(artist_from(r));
  }
  if (q.album_count > 0) {
    // query_albums binds the region's country after the three parameters.
    const std::string allowed =
        region.unrestricted ? "1 = 1" : album_has(track_available_sql("t", 4), "x");
    RIFF_ASSIGN_OR_RETURN(
        out.albums,
        query_albums(
            "al.id " + page_of("music_albums", "music_album_fts", "lower(x.title)", 2, allowed),
            "ORDER BY lower(al.title), al.id",
            {match, std::min(q.album_count, 500), std::max(0, q.album_offset)}, region));
  }
  if (q.track_count > 0) {
    // An ISRC finds its track too (clients look songs up by it). query_tracks
    // binds the region's country after the four parameters.
    const std::string allowed = region.unrestricted ? "1 = 1" : track_available_sql("x", 5);
    RIFF_ASSIGN_OR_RETURN(
        out.tracks,
        query_tracks("t.id " + page_of("music_tracks", "music_track_fts", "lower(x.title)", 3,
                                       allowed,
                                       " UNION SELECT id FROM music_tracks WHERE isrc = upper($2)",
                                       " OR x.isrc = upper($2)"),
                     "ORDER BY lower(t.title), t.id",
                     {match, everything ? std::string("-") : q.text, std::min(q.track_count, 500),
                      std::max(0, q.track_offset)},
                     region));
  }
  return out;
}

Result<std::vector<Genre>> Catalog::genres(const Region& region) {
  std::vector<db::Param> params;
  const std::string cond = rights(region, params);
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query("SELECT t.genre, COUNT(*), COUNT(DISTINCT t.album_id) FROM music_tracks t"
                " WHERE t.genre <> '' AND " +
                    cond + " GROUP BY t.genre ORDER BY t.genre",
                params));
  std::vector<Genre> out;
  for (const auto& r : rows) out.push_back({r.str(0), r.i64(1), r.i64(2)});
  return out;
}

Result<std::int64_t> Catalog::track_count(const Region& region) {
  std::vector<db::Param> params;
  const std::string cond = rights(region, params);
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT COUNT(*) FROM music_tracks t WHERE " + cond, params));
  return rows[0].i64(0);
}

fs::path Catalog::tier_path(Id track_id, int kbps) const {
  return dir_ / "tracks" / id_to_string(track_id) / ("a" + std::to_string(kbps) + ".m4a");
}

fs::path Catalog::hls_dir(Id track_id, int kbps) const {
  return dir_ / "tracks" / id_to_string(track_id) / ("hls" + std::to_string(kbps));
}

Result<fs::path> Catalog::cover_path(Id album_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT cover_path FROM music_albums WHERE id = $1", {album_id}));
  if (rows.empty() || rows[0].str(0).empty()) return Status::not_found("No cover.");
  return dir_ / "covers" / rows[0].str(0);
}

Result<fs::path> Catalog::source_path(Id track_id) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows, db_.query("SELECT source_path FROM music_tracks WHERE id = $1", {track_id}));
  if (rows.empty()) return Status::not_found("No such track.");
  return fs::path(rows[0].str(0));
}

}  // namespace riff::music
