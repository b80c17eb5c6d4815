#include "riff/music/importer.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <fstream>
#include <mutex>
#include <thread>

#include "riff/music/model.hpp"
#include "riff/music/tags.hpp"

namespace riff::music {
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kMaxFolderCoverBytes = 10 << 20;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::int64_t mtime_ms(const fs::path& p, std::error_code& ec) {
  auto t = fs::last_write_time(p, ec);
  if (ec) return 0;
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

/// cover.jpg / folder.jpg / front.jpg (or .png) next to `file`, any case.
std::optional<std::pair<std::string, std::string>> folder_cover(const fs::path& file) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(file.parent_path(), ec)) {
    const std::string name = lower(entry.path().filename().string());
    if (name != "cover.jpg" && name != "cover.jpeg" && name != "folder.jpg" &&
        name != "front.jpg" && name != "cover.png" && name != "folder.png") {
      continue;
    }
    std::error_code sec;
    if (!entry.is_regular_file(sec) || entry.file_size(sec) > kMaxFolderCoverBytes) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string mime = sniff_image(bytes);
    if (!mime.empty()) return std::make_pair(std::move(mime), std::move(bytes));
  }
  return std::nullopt;
}

Result<Id> upsert_artist(db::Conn& c, IdGenerator& ids, std::int64_t now, const std::string& name) {
  const std::string key = lower(name);
  RIFF_RETURN_IF_ERROR(
      c.exec("INSERT INTO music_artists (id, name, name_key, created_at) VALUES ($1, $2, $3, $4)"
             " ON CONFLICT (name_key) DO NOTHING",
             {ids.next(), name, key, now})
          .status());
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        c.query("SELECT id FROM music_artists WHERE name_key = $1", {key}));
  if (rows.empty()) return Status::internal("artist vanished: " + name);
  return rows[0].i64(0);
}

}  // namespace

bool is_audio_file(const fs::path& p) {
  const std::string ext = lower(p.extension().string());
  return ext == ".mp3" || ext == ".flac" || ext == ".ogg" || ext == ".oga" || ext == ".opus" ||
         ext == ".m4a" || ext == ".mp4" || ext == ".aac" || ext == ".wav";
}

Result<std::string> hash_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Status::unavailable("cannot open " + p.string());
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 32);
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = in.gcount();
    if (n > 0)
      crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(buf.data()), n);
  }
  if (in.bad()) return Status::unavailable("cannot read " + p.string());
  unsigned char out[32];
  crypto_generichash_final(&st, out, sizeof out);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return std::string(hex);
}

ProbeRunner child_probe_runner(fs::path riffd, media::ChildLimits limits) {
  return [riffd = std::move(riffd), limits](const ProbeSpec& spec) {
    std::vector<std::string> argv{
        riffd.string(),       "music", "probe", "--input", spec.input.string(), "--out",
        spec.out_dir.string()};
    if (!spec.transcode) argv.push_back("--no-transcode");
    if (spec.clip_ms > 0) {
      argv.insert(argv.end(), {"--clip-ms", std::to_string(spec.clip_ms)});
      if (spec.clip_start_ms >= 0)
        argv.insert(argv.end(), {"--clip-start-ms", std::to_string(spec.clip_start_ms)});
    }
    media::ChildRun run = media::run_child(argv, limits, {}, {});
    ProbeResult crashed;
    crashed.kind = ProbeResult::Kind::kCrashed;
    if (!run.started) {
      crashed.message = "could not start " + riffd.string();
      return crashed;
    }
    // The result is the last non-empty stdout line.
    std::string_view out = run.out;
    while (!out.empty() && out.back() == '\n') out.remove_suffix(1);
    const auto nl = out.rfind('\n');
    const std::string_view line = nl == std::string_view::npos ? out : out.substr(nl + 1);
    if (run.exit_code == 0 && !run.timed_out) {
      if (auto r = probe_result_from_json(line)) return std::move(*r);
    }
    crashed.message = run.timed_out     ? std::string("timed out")
                      : run.signal != 0 ? "killed by signal " + std::to_string(run.signal)
                                        : "exit code " + std::to_string(run.exit_code);
    return crashed;
  };
}

Importer::Importer(db::Database& db, IdGenerator& ids, const Clock& clock, ProbeRunner probe,
                   ImportOptions options)
    : db_(db), ids_(ids), clock_(clock), probe_(std::move(probe)), options_(std::move(options)) {}

Result<ImportReport> Importer::run(const fs::path& dir, const ImportProgress& progress) {
  std::error_code ec;
  const fs::path root = fs::canonical(dir, ec);
  if (ec || !fs::is_directory(root))
    return Status::invalid("/dir", "not a directory: " + dir.string());
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(
           root, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code fec;
    if (it->is_regular_file(fec) && !it->is_symlink(fec) && is_audio_file(it->path()))
      files.push_back(it->path());
  }
  if (ec) return Status::unavailable("scan " + root.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  RIFF_RETURN_IF_ERROR(prepare_dirs());

  ImportReport report;
  report.files = static_cast<std::int64_t>(files.size());
  std::vector<Id> albums;
  std::mutex mu;  // guards report, albums, next and the progress callback
  std::size_t next = 0;
  auto work = [&] {
    for (;;) {
      std::size_t i;
      {
        std::lock_guard lock(mu);
        if (next >= files.size()) return;
        i = next++;
        if (progress) progress(static_cast<std::int64_t>(i), report.files, files[i].string());
      }
      ImportReport mine;
      std::vector<Id> my_albums;
      const Outcome outcome = import_file(files[i], mine, my_albums);
      std::lock_guard lock(mu);
      switch (outcome) {
        case Outcome::kImported:
          ++report.imported;
          break;
        case Outcome::kUpdated:
          ++report.updated;
          break;
        case Outcome::kUnchanged:
          ++report.unchanged;
          break;
        case Outcome::kFailed:
          break;
      }
      for (auto& f : mine.failures) report.failures.push_back(std::move(f));
      albums.insert(albums.end(), my_albums.begin(), my_albums.end());
    }
  };
  const int jobs = std::clamp(options_.jobs, 1, 64);
  std::vector<std::thread> threads;
  for (int t = 1; t < jobs; ++t) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  std::sort(report.failures.begin(), report.failures.end(),
            [](const ImportFailure& a, const ImportFailure& b) { return a.path < b.path; });
  if (progress) progress(report.files, report.files, "");
  std::sort(albums.begin(), albums.end());
  albums.erase(std::unique(albums.begin(), albums.end()), albums.end());
  RIFF_RETURN_IF_ERROR(update_album_loudness(albums).with_context("album loudness"));
  return report;
}

Status Importer::prepare_dirs() {
  std::error_code ec;
  for (const char* sub : {"tracks", "covers", "tmp"}) {
    fs::create_directories(options_.music_dir / sub, ec);
    if (ec)
      return Status::unavailable("create " + (options_.music_dir / sub).string() + ": " +
                                 ec.message());
  }
  return Status::ok();
}

Importer::Single Importer::import_one(const fs::path& file, const TrackOverrides& overrides) {
  Single out;
  if (Status st = prepare_dirs(); !st) {
    out.failure = ImportFailure{file.string(), "storage", st.message()};
    return out;
  }
  ImportReport report;
  std::vector<Id> albums;
  Id id = 0;
  if (import_file(file, report, albums, overrides, &id) == Outcome::kFailed) {
    out.failure = report.failures.empty()
                      ? ImportFailure{file.string(), "failed", "the import failed"}
                      : std::move(report.failures.front());
    return out;
  }
  out.track_id = id;
  if (Status st = update_album_loudness(albums); !st) {
    // The track is in; only the album's combined loudness is stale until the next import.
    (void)st;
  }
  return out;
}

Importer::Outcome Importer::import_file(const fs::path& file, ImportReport& report,
                                        std::vector<Id>& albums, const TrackOverrides& ov,
                                        Id* track_out) {
  auto failed = [&](std::string reason, std::string message) {
    report.failures.push_back({file.string(), std::move(reason), std::move(message)});
    return Outcome::kFailed;
  };
  std::error_code ec;
  const auto size = static_cast<std::int64_t>(fs::file_size(file, ec));
  if (ec) return failed("unreadable", ec.message());
  const std::int64_t mtime = mtime_ms(file, ec);
  if (ec) return failed("unreadable", ec.message());
  const std::string path = file.string();

  // A track imported before gapless data and sound clips existed is read
  // again even when its file did not change.
  auto existing = db_.query(
      "SELECT t.id, t.source_size, t.source_mtime_ms, t.content_hash, t.duration_samples,"
      " t.clip_start_ms, (SELECT COUNT(*) FROM sounds s WHERE s.catalog_track_id = t.id"
      " AND s.clip_duration_ms IS NOT NULL) FROM music_tracks t WHERE t.source_path = $1",
      {path});
  if (!existing) return failed("database", existing.status().message());
  std::optional<Id> track_id;
  std::optional<std::int64_t> stored_clip_start;
  bool stale = false;
  if (!existing->empty()) {
    const auto& row = (*existing)[0];
    track_id = row.i64(0);
    if (track_out) *track_out = *track_id;
    stored_clip_start = row.opt_i64(5);
    stale = options_.transcode &&
            (row.i64(4) == 0 ||
             (!options_.sounds_dir.empty() && options_.sound_clip_ms > 0 && row.i64(6) == 0));
    if (!stale && row.i64(1) == size && row.i64(2) == mtime) return Outcome::kUnchanged;
  }
  auto hash = hash_file(file);
  if (!hash) return failed("unreadable", hash.status().message());
  if (!stale && !existing->empty() && (*existing)[0].str(3) == *hash) {
    // Touched but not changed: remember the new size and mtime so the next
    // run skips it without hashing.
    auto st =
        db_.exec("UPDATE music_tracks SET source_size = $1, source_mtime_ms = $2 WHERE id = $3",
                 {size, mtime, *track_id});
    if (!st) return failed("database", st.status().message());
    return Outcome::kUnchanged;
  }

  const fs::path tmp = options_.music_dir / "tmp" / ("probe-" + std::to_string(ids_.next()));
  fs::create_directories(tmp, ec);
  if (ec) return failed("storage", ec.message());
  struct TmpRemover {
    fs::path dir;
    ~TmpRemover() {
      std::error_code e;
      fs::remove_all(dir, e);
    }
  } remover{tmp};

  ProbeSpec spec;
  spec.input = file;
  spec.out_dir = tmp;
  spec.transcode = options_.transcode;
  if (!options_.sounds_dir.empty()) {
    spec.clip_ms = options_.sound_clip_ms;
    spec.clip_start_ms = ov.clip_start_ms.value_or(stored_clip_start.value_or(-1));
  }
  ProbeResult r = probe_(spec);
  if (r.kind == ProbeResult::Kind::kRejected) return failed(r.reason, r.message);
  if (r.kind == ProbeResult::Kind::kCrashed) return failed("crashed", r.message);

  // What the catalog records, with fallbacks for untagged files.
  AudioTags& t = r.tags;
  if (ov.title) t.title = *ov.title;
  if (!ov.artists.empty()) t.artists = ov.artists;
  if (ov.album) t.album = *ov.album;
  if (ov.isrc) t.isrc = *ov.isrc;
  if (t.title.empty()) t.title = clean_tag(file.stem().string());
  if (t.title.empty()) t.title = "Untitled";
  if (t.artists.empty()) t.artists.push_back("Unknown Artist");
  if (t.album.empty()) t.album = "Unknown Album";
  const std::string album_artist = t.album_artist.empty() ? t.artists.front() : t.album_artist;
  std::string artist_names;
  for (const auto& a : t.artists) artist_names += (artist_names.empty() ? "" : ", ") + a;
  std::string suffix = lower(file.extension().string());
  if (!suffix.empty()) suffix.erase(0, 1);

  std::optional<std::pair<std::string, std::string>> cover;  // mime, bytes
  if (!r.cover_file.empty()) {
    std::ifstream in(tmp / r.cover_file, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (std::string mime = sniff_image(bytes); !mime.empty())
      cover.emplace(std::move(mime), std::move(bytes));
  }
  if (!cover) cover = folder_cover(file);

  const Id id = track_id.value_or(ids_.next());
  const fs::path track_dir = options_.music_dir / "tracks" / id_to_string(id);
  // A new track that fails from here on leaves no files behind.
  struct NewTrackFiles {
    std::vector<fs::path> paths;
    bool keep = false;
    ~NewTrackFiles() {
      if (keep) return;
      std::error_code e;
      for (const auto& p : paths) fs::remove_all(p, e);
    }
  } made{{}, track_id.has_value()};
  made.paths.push_back(track_dir);
  fs::remove_all(track_dir, ec);
  fs::create_directories(track_dir, ec);
  if (ec) return failed("storage", ec.message());
  for (int tier : r.tiers) {
    const std::string name = "a" + std::to_string(tier) + ".m4a";
    fs::rename(tmp / name, track_dir / name, ec);
    if (ec) return failed("storage", "move " + name + ": " + ec.message());
    const std::string hls = "hls" + std::to_string(tier);
    if (fs::exists(tmp / hls)) {
      fs::rename(tmp / hls, track_dir / hls, ec);
      if (ec) return failed("storage", "move " + hls + ": " + ec.message());
    }
  }

  // The track as a sound for videos: its 160 tier (free listeners' top
  // quality), hard-linked (else copied) where video's sounds live.
  std::optional<Id> sound_id;
  const bool as_sound = !options_.sounds_dir.empty() &&
                        std::find(r.tiers.begin(), r.tiers.end(), 160) != r.tiers.end();
  if (as_sound) {
    if (track_id) {
      auto rows = db_.query("SELECT id FROM sounds WHERE catalog_track_id = $1", {*track_id});
      if (!rows) return failed("database", rows.status().message());
      if (!rows->empty()) sound_id = (*rows)[0].i64(0);
    }
    if (!sound_id) sound_id = ids_.next();
    fs::create_directories(options_.sounds_dir, ec);
    const fs::path audio = options_.sounds_dir / (id_to_string(*sound_id) + ".m4a");
    made.paths.push_back(audio);
    fs::remove(audio, ec);
    ec.clear();
    if (!r.clip_file.empty()) {
      // The licensed clip the child cut; the whole song only without clips.
      fs::rename(tmp / r.clip_file, audio, ec);
      if (ec) return failed("storage", "sound clip: " + ec.message());
    } else {
      fs::create_hard_link(track_dir / "a160.m4a", audio, ec);
      if (ec)
        fs::copy_file(track_dir / "a160.m4a", audio, fs::copy_options::overwrite_existing, ec);
      if (ec) return failed("storage", "sound file: " + ec.message());
    }
  }
  std::optional<std::int64_t> clip_start, clip_duration;
  if (!r.clip_file.empty()) {
    clip_start = r.clip_start_ms;
    clip_duration = r.clip_duration_ms;
  }
  const std::int64_t sound_ms = clip_duration.value_or(r.duration_ms);
  const std::string gapless_tiers = gapless_to_text(r.gapless);
  const std::optional<std::string> territories = ov.territories;
  const std::optional<Id> label_id = ov.label_id;
  const std::optional<std::int64_t> wanted_clip_start = ov.clip_start_ms;

  const std::int64_t now = clock_.now_ms();
  Id album_id = 0;
  Status st = db_.transact([&](db::Conn& c) -> Status {
    std::vector<Id> artist_ids;
    for (const auto& name : t.artists) {
      RIFF_ASSIGN_OR_RETURN(Id aid, upsert_artist(c, ids_, now, name));
      if (std::find(artist_ids.begin(), artist_ids.end(), aid) == artist_ids.end())
        artist_ids.push_back(aid);
    }
    RIFF_ASSIGN_OR_RETURN(Id album_artist_id, upsert_artist(c, ids_, now, album_artist));
    const std::string album_key = lower(album_artist) + "\n" + lower(t.album);
    RIFF_RETURN_IF_ERROR(
        c.exec("INSERT INTO music_albums (id, title, artist_id, album_key, year, genre, created_at)"
               " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (album_key) DO NOTHING",
               {ids_.next(), t.album, album_artist_id, album_key, t.year, t.genre, now})
            .status());
    RIFF_ASSIGN_OR_RETURN(
        db::Rows arows,
        c.query("SELECT id, cover_path FROM music_albums WHERE album_key = $1", {album_key}));
    if (arows.empty()) return Status::internal("album vanished");
    album_id = arows[0].i64(0);
    if (arows[0].str(1).empty() && cover) {
      const std::string name =
          id_to_string(album_id) + (cover->first == "image/png" ? ".png" : ".jpg");
      std::ofstream out(options_.music_dir / "covers" / name, std::ios::binary | std::ios::trunc);
      out.write(cover->second.data(), static_cast<std::streamsize>(cover->second.size()));
      if (out) {
        RIFF_RETURN_IF_ERROR(
            c.exec("UPDATE music_albums SET cover_path = $1 WHERE id = $2", {name, album_id})
                .status());
      }
    }
    const std::string tiers = tiers_to_text(r.tiers);
    if (track_id) {
      RIFF_RETURN_IF_ERROR(
          c.exec(
               "UPDATE music_tracks SET title = $2, album_id = $3, artist_id = $4, artist_names = "
               "$5,"
               " track_no = $6, disc_no = $7, year = $8, genre = $9, isrc = $10, duration_ms = $11,"
               " sample_rate = $12, channels = $13, bit_rate = $14, suffix = $15, loudness_lufs = "
               "$16,"
               " true_peak_dbtp = $17, tiers = $18, source_size = $19, source_mtime_ms = $20,"
               " content_hash = $21, updated_at = $22, duration_samples = $23, gapless_tiers = $24,"
               " territories = COALESCE($25, territories), label_id = COALESCE($26, label_id),"
               " clip_start_ms = COALESCE($27, clip_start_ms) WHERE id = $1",
               {id,
                t.title,
                album_id,
                artist_ids.front(),
                artist_names,
                t.track_no,
                t.disc_no,
                t.year,
                t.genre,
                t.isrc,
                r.duration_ms,
                r.sample_rate,
                r.channels,
                r.bit_rate,
                suffix,
                r.loudness_lufs,
                r.true_peak_dbtp,
                tiers,
                size,
                mtime,
                *hash,
                now,
                r.duration_samples,
                gapless_tiers,
                territories,
                label_id,
                wanted_clip_start})
              .status());
      RIFF_RETURN_IF_ERROR(
          c.exec("DELETE FROM music_track_artists WHERE track_id = $1", {id}).status());
    } else {
      RIFF_RETURN_IF_ERROR(
          c.exec(
               "INSERT INTO music_tracks (id, title, album_id, artist_id, artist_names, track_no, "
               "disc_no, year,"
               " genre, isrc, duration_ms, sample_rate, channels, bit_rate, suffix, loudness_lufs,"
               " true_peak_dbtp, tiers, source_path, source_size, source_mtime_ms, content_hash, "
               "created_at,"
               " updated_at, duration_samples, gapless_tiers, territories, label_id, clip_start_ms)"
               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
               "$15, $16,"
               " $17, $18, $19, $20, $21, $22, $23, $23, $24, $25, $26, $27, $28)",
               {id,
                t.title,
                album_id,
                artist_ids.front(),
                artist_names,
                t.track_no,
                t.disc_no,
                t.year,
                t.genre,
                t.isrc,
                r.duration_ms,
                r.sample_rate,
                r.channels,
                r.bit_rate,
                suffix,
                r.loudness_lufs,
                r.true_peak_dbtp,
                tiers,
                path,
                size,
                mtime,
                *hash,
                now,
                r.duration_samples,
                gapless_tiers,
                territories.value_or(""),
                label_id,
                wanted_clip_start})
              .status());
    }
    for (std::size_t i = 0; i < artist_ids.size(); ++i) {
      RIFF_RETURN_IF_ERROR(c.exec("INSERT INTO music_track_artists (track_id, position, artist_id) "
                                  "VALUES ($1, $2, $3)",
                                  {id, static_cast<std::int64_t>(i), artist_ids[i]})
                               .status());
    }
    if (sound_id) {
      const std::string title = t.title + " - " + artist_names;
      const std::string audio = (options_.sounds_dir / (id_to_string(*sound_id) + ".m4a")).string();
      RIFF_RETURN_IF_ERROR(
          c.exec("INSERT INTO sounds (id, kind, title, catalog_track_id, audio_path, duration_ms,"
                 " reusable, use_count, created_at, clip_start_ms, clip_duration_ms)"
                 " VALUES ($1, 1, $2, $3, $4, $5, 1, 0, $6, $7, $8)"
                 " ON CONFLICT (id) DO UPDATE SET title = excluded.title,"
                 " audio_path = excluded.audio_path, duration_ms = excluded.duration_ms,"
                 " clip_start_ms = excluded.clip_start_ms,"
                 " clip_duration_ms = excluded.clip_duration_ms",
                 {*sound_id, title, id, audio, sound_ms, now, clip_start, clip_duration})
              .status());
    }
    return Status::ok();
  });
  if (!st) return failed("database", st.message());
  made.keep = true;
  if (track_out) *track_out = id;
  albums.push_back(album_id);
  return track_id ? Outcome::kUpdated : Outcome::kImported;
}

Status Importer::update_album_loudness(const std::vector<Id>& albums) {
  for (Id album : albums) {
    RIFF_ASSIGN_OR_RETURN(
        db::Rows rows,
        db_.query("SELECT loudness_lufs, duration_ms, true_peak_dbtp FROM music_tracks"
                  " WHERE album_id = $1 AND loudness_lufs IS NOT NULL",
                  {album}));
    std::vector<std::pair<double, std::int64_t>> parts;
    std::optional<double> peak;
    for (const auto& row : rows) {
      parts.emplace_back(row.f64(0), row.i64(1));
      if (!row.is_null(2)) peak = std::max(peak.value_or(-1e9), row.f64(2));
    }
    std::optional<double> lufs;
    if (double l = combined_loudness(parts); std::isfinite(l)) lufs = std::round(l * 100) / 100;
    RIFF_RETURN_IF_ERROR(
        db_.exec("UPDATE music_albums SET loudness_lufs = $1, peak_dbtp = $2 WHERE id = $3",
                 {lufs, peak, album})
            .status());
  }
  return Status::ok();
}

}  // namespace riff::music
