#include "riff/music/labels.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>

#include "riff/accounts/validation.hpp"
#include "riff/music/availability.hpp"
#include "riff/music/clip_cut.hpp"
#include "riff/music/tags.hpp"

namespace riff::music {
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr std::string_view kLabelColumns =
    "SELECT id, user_id, name, active, created_at, updated_at FROM music_labels ";
constexpr std::string_view kUploadColumns =
    "SELECT id, label_id, status, file_name, size, track_id, error_reason, error, created_at,"
    " updated_at FROM music_label_uploads ";

Label label_from(const db::Row& r) {
  return {r.i64(0), r.i64(1), r.str(2), r.boolean(3), r.i64(4), r.i64(5)};
}

UploadStatus parse_status(std::string_view s) {
  if (s == "processing") return UploadStatus::kProcessing;
  if (s == "done") return UploadStatus::kDone;
  if (s == "failed") return UploadStatus::kFailed;
  return UploadStatus::kQueued;
}

LabelUpload upload_from(const db::Row& r) {
  LabelUpload u;
  u.id = r.i64(0);
  u.label_id = r.i64(1);
  u.status = parse_status(r.str(2));
  u.file_name = r.str(3);
  u.size = r.i64(4);
  u.track_id = r.opt_i64(5);
  u.error_reason = r.str(6);
  u.error = r.str(7);
  u.created_at = r.i64(8);
  u.updated_at = r.i64(9);
  return u;
}

/// The extension the source is stored under: the uploaded name's, when it
/// is one riff imports; else none (FFmpeg reads the bytes either way).
std::string source_extension(std::string_view file_name) {
  const fs::path p{std::string(file_name)};
  if (is_audio_file(p)) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
  }
  return ".audio";
}

std::string opt_str(const json::object& o, std::string_view k, bool& present) {
  const auto* v = o.if_contains(k);
  present = v && v->is_string();
  return present ? std::string(v->as_string()) : std::string();
}

}  // namespace

std::string_view upload_status_name(UploadStatus s) {
  switch (s) {
    case UploadStatus::kQueued:
      return "queued";
    case UploadStatus::kProcessing:
      return "processing";
    case UploadStatus::kDone:
      return "done";
    case UploadStatus::kFailed:
      return "failed";
  }
  return "queued";
}

Status check_upload_metadata(UploadMetadata& m) {
  std::vector<FieldError> errors;
  auto text = [&](std::optional<std::string>& v, const char* field) {
    if (!v) return;
    *v = clean_tag(*v);
    if (v->empty()) errors.push_back({field, "must not be empty"});
  };
  text(m.title, "/title");
  text(m.album, "/album");
  for (auto& a : m.artists) a = clean_tag(a);
  m.artists.erase(std::remove(m.artists.begin(), m.artists.end(), std::string()), m.artists.end());
  if (m.artists.size() > 20) errors.push_back({"/artists", "at most 20 artists"});
  if (m.isrc) {
    *m.isrc = normalize_isrc(*m.isrc);
    if (m.isrc->empty())
      errors.push_back({"/isrc", "an ISRC: 12 characters such as USRC17607839 (dashes allowed)"});
  }
  if (m.territories) {
    auto canonical = canonical_territories(*m.territories);
    if (canonical) {
      *m.territories = *canonical;
    } else {
      errors.push_back({"/territories", canonical.status().message()});
    }
  }
  if (m.clip_start_ms && (*m.clip_start_ms < 0 || *m.clip_start_ms > 3LL * 3600 * 1000))
    errors.push_back({"/clip_start_ms", "milliseconds from the song's start, 0 or more"});
  if (!errors.empty()) return Status::invalid(std::move(errors));
  return Status::ok();
}

std::string metadata_to_json(const UploadMetadata& m) {
  json::object o;
  if (m.title) o["title"] = *m.title;
  if (!m.artists.empty()) {
    json::array a;
    for (const auto& x : m.artists) a.emplace_back(x);
    o["artists"] = std::move(a);
  }
  if (m.album) o["album"] = *m.album;
  if (m.isrc) o["isrc"] = *m.isrc;
  if (m.territories) o["territories"] = *m.territories;
  if (m.clip_start_ms) o["clip_start_ms"] = *m.clip_start_ms;
  return json::serialize(o);
}

UploadMetadata metadata_from_json(std::string_view text) {
  UploadMetadata m;
  boost::system::error_code ec;
  const json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return m;
  const json::object& o = v.as_object();
  bool present = false;
  if (auto s = opt_str(o, "title", present); present) m.title = s;
  if (auto s = opt_str(o, "album", present); present) m.album = s;
  if (auto s = opt_str(o, "isrc", present); present) m.isrc = s;
  if (auto s = opt_str(o, "territories", present); present) m.territories = s;
  if (const auto* a = o.if_contains("artists"); a && a->is_array()) {
    for (const auto& x : a->as_array())
      if (x.is_string()) m.artists.emplace_back(x.as_string());
  }
  if (const auto* c = o.if_contains("clip_start_ms"); c && c->is_int64())
    m.clip_start_ms = c->as_int64();
  return m;
}

bool may_manage_track(bool is_admin, const std::optional<Label>& caller,
                      std::optional<Id> track_label_id) {
  if (is_admin) return true;
  return caller && caller->active && track_label_id && *track_label_id == caller->id;
}

Labels::Labels(db::Database& db, IdGenerator& ids, const Clock& clock, Catalog& catalog,
               jobs::JobQueue* queue, std::function<void()> wake, LabelOptions options)
    : db_(db),
      ids_(ids),
      clock_(clock),
      catalog_(catalog),
      queue_(queue),
      wake_(std::move(wake)),
      options_(std::move(options)) {}

Result<Label> Labels::grant(std::string_view handle, std::string_view name) {
  const std::string clean = clean_tag(name);
  if (clean.empty() || clean.size() > 200)
    return Status::invalid("/name", "a label name of 1 to 200 characters");
  const std::int64_t now = clock_.now_ms();
  std::optional<Label> out;
  RIFF_RETURN_IF_ERROR(db_.transact([&](db::Conn& c) -> Status {
    RIFF_ASSIGN_OR_RETURN(db::Rows users, c.query("SELECT id FROM users WHERE handle = $1",
                                                  {accounts::to_lower_ascii(handle)}));
    if (users.empty()) return Status::not_found("No such account.");
    const Id user_id = users[0].i64(0);
    RIFF_RETURN_IF_ERROR(
        c.exec("INSERT INTO music_labels (id, user_id, name, active, created_at, updated_at)"
               " VALUES ($1, $2, $3, 1, $4, $4) ON CONFLICT (user_id) DO UPDATE SET"
               " name = excluded.name, active = 1, updated_at = excluded.updated_at",
               {ids_.next(), user_id, clean, now})
            .status());
    RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                          c.query(std::string(kLabelColumns) + "WHERE user_id = $1", {user_id}));
    if (rows.empty()) return Status::internal("label vanished");
    out = label_from(rows[0]);
    return Status::ok();
  }));
  return std::move(*out);
}

Status Labels::revoke(std::string_view handle) {
  RIFF_ASSIGN_OR_RETURN(
      std::int64_t n,
      db_.exec("UPDATE music_labels SET active = 0, updated_at = $2 WHERE active = 1 AND user_id ="
               " (SELECT id FROM users WHERE handle = $1)",
               {accounts::to_lower_ascii(handle), clock_.now_ms()}));
  if (n == 0) return Status::not_found("That account is not a label.");
  return Status::ok();
}

Result<std::optional<Label>> Labels::label_of(Id user_id) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query(std::string(kLabelColumns) + "WHERE user_id = $1 AND active = 1", {user_id}));
  if (rows.empty()) return std::optional<Label>();
  return std::optional<Label>(label_from(rows[0]));
}

Result<Label> Labels::require_label(Id user_id) {
  RIFF_ASSIGN_OR_RETURN(std::optional<Label> label, label_of(user_id));
  if (!label) return Status::forbidden("Only record labels can do this; ask an admin.");
  return std::move(*label);
}

Result<LabelUpload> Labels::start_upload(Id user_id, UploadMetadata metadata,
                                         std::string_view file_name, std::string_view bytes) {
  RIFF_ASSIGN_OR_RETURN(Label label, require_label(user_id));
  if (!queue_ || !options_.probe) return Status::unavailable("This node cannot import uploads.");
  RIFF_RETURN_IF_ERROR(check_upload_metadata(metadata));
  if (bytes.empty()) return Status::invalid("/file", "Send the audio file as the request body.");
  const std::string name = clean_tag(file_name).substr(0, 200);

  const Id id = ids_.next();
  std::error_code ec;
  fs::create_directories(options_.sources_dir, ec);
  if (ec)
    return Status::unavailable("create " + options_.sources_dir.string() + ": " + ec.message());
  const fs::path source = options_.sources_dir / (id_to_string(id) + source_extension(name));
  struct Remover {
    fs::path p;
    bool keep = false;
    ~Remover() {
      std::error_code e;
      if (!keep) fs::remove(p, e);
    }
  } remover{source};
  {
    std::ofstream out(source, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) return Status::unavailable("label upload: cannot write " + source.string());
  }
  const std::int64_t now = clock_.now_ms();
  const std::string payload = json::serialize(json::object{{"upload_id", id_to_string(id)}});
  RIFF_RETURN_IF_ERROR(db_.transact([&](db::Conn& c) -> Status {
    RIFF_RETURN_IF_ERROR(
        c.exec("INSERT INTO music_label_uploads (id, label_id, status, file_name, size, metadata,"
               " source_path, created_at, updated_at) VALUES ($1, $2, 'queued', $3, $4, $5, $6,"
               " $7, $7)",
               {id, label.id, name, static_cast<std::int64_t>(bytes.size()),
                metadata_to_json(metadata), source.string(), now})
            .status());
    return queue_->enqueue(c, kLabelImportJob, payload, 0, 3, id).status();
  }));
  remover.keep = true;
  if (wake_) wake_();
  // As committed: a worker may already be running it.
  LabelUpload u;
  u.id = id;
  u.label_id = label.id;
  u.file_name = name;
  u.size = static_cast<std::int64_t>(bytes.size());
  u.created_at = u.updated_at = now;
  return u;
}

Result<LabelUpload> Labels::load_upload(Id upload_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query(std::string(kUploadColumns) + "WHERE id = $1", {upload_id}));
  if (rows.empty()) return Status::not_found("No such upload.");
  return upload_from(rows[0]);
}

Result<LabelUpload> Labels::upload(Id user_id, bool is_admin, Id upload_id) {
  RIFF_ASSIGN_OR_RETURN(LabelUpload u, load_upload(upload_id));
  if (is_admin) return u;
  RIFF_ASSIGN_OR_RETURN(std::optional<Label> label, label_of(user_id));
  if (!label || label->id != u.label_id) return Status::not_found("No such upload.");
  return u;
}

Status Labels::finish_upload(Id upload_id, UploadStatus status, std::optional<Id> track_id,
                             std::string_view reason, std::string_view error) {
  return db_
      .exec(
          "UPDATE music_label_uploads SET status = $2, track_id = $3, error_reason = $4,"
          " error = $5, updated_at = $6 WHERE id = $1",
          {upload_id, upload_status_name(status), track_id, reason, error, clock_.now_ms()})
      .status();
}

jobs::JobOutcome Labels::handle(jobs::JobContext& ctx) {
  boost::system::error_code ec;
  const json::value v = json::parse(ctx.job().payload, ec);
  std::optional<Id> upload_id;
  if (!ec && v.is_object()) {
    if (const auto* x = v.as_object().if_contains("upload_id"); x && x->is_string())
      upload_id = parse_id(x->as_string());
  }
  if (!upload_id) return jobs::JobOutcome::fail("bad payload");
  auto rows = db_.query(
      "SELECT status, metadata, source_path, label_id FROM music_label_uploads"
      " WHERE id = $1",
      {*upload_id});
  if (!rows) return jobs::JobOutcome::retry(rows.status().message());
  if (rows->empty()) return jobs::JobOutcome::done();  // the label's account is gone
  const UploadStatus status = parse_status((*rows)[0].str(0));
  if (status == UploadStatus::kDone || status == UploadStatus::kFailed)
    return jobs::JobOutcome::done();
  const UploadMetadata m = metadata_from_json((*rows)[0].str(1));
  const fs::path source = (*rows)[0].str(2);
  const Id label_id = (*rows)[0].i64(3);
  if (Status st = finish_upload(*upload_id, UploadStatus::kProcessing, std::nullopt, "", ""); !st)
    return jobs::JobOutcome::retry(st.message());
  ctx.progress(0.1);

  TrackOverrides ov;
  ov.title = m.title;
  ov.artists = m.artists;
  ov.album = m.album;
  ov.isrc = m.isrc;
  ov.territories = m.territories;
  ov.label_id = label_id;
  ov.clip_start_ms = m.clip_start_ms;
  Importer importer(db_, ids_, clock_, options_.probe, options_.import);
  const Importer::Single r = importer.import_one(source, ov);
  if (r.track_id) {
    if (Status st = finish_upload(*upload_id, UploadStatus::kDone, r.track_id, "", ""); !st)
      return jobs::JobOutcome::retry(st.message());  // the import is kept; a rerun finds it
    return jobs::JobOutcome::done();
  }
  const ImportFailure& f = *r.failure;
  const bool transient = f.reason == "database" || f.reason == "storage";
  if (transient && ctx.job().attempts < ctx.job().max_attempts) {
    (void)finish_upload(*upload_id, UploadStatus::kQueued, std::nullopt, "", "");
    return jobs::JobOutcome::retry(f.reason + ": " + f.message);
  }
  spdlog::info("label upload {} failed: {} ({})", id_to_string(*upload_id), f.message, f.reason);
  std::error_code fec;
  fs::remove(source, fec);
  if (Status st =
          finish_upload(*upload_id, UploadStatus::kFailed, std::nullopt, f.reason, f.message);
      !st)
    return jobs::JobOutcome::retry(st.message());
  return jobs::JobOutcome::done();
}

Result<std::vector<Track>> Labels::tracks(Id user_id, Id before, int limit) {
  RIFF_ASSIGN_OR_RETURN(Label label, require_label(user_id));
  return catalog_.label_tracks(label.id, before, limit);
}

Status Labels::check_may_manage(Id user_id, bool is_admin, Id track_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT label_id FROM music_tracks WHERE id = $1", {track_id}));
  if (rows.empty()) return Status::not_found("No such track.");
  std::optional<Label> caller;
  if (!is_admin) {
    RIFF_ASSIGN_OR_RETURN(caller, label_of(user_id));
  }
  if (!may_manage_track(is_admin, caller, rows[0].opt_i64(0)))
    return Status::forbidden("Only the label that owns this track (or an admin) can change it.");
  return Status::ok();
}

Result<std::string> Labels::set_territories(Id user_id, bool is_admin, Id track_id,
                                            std::string_view text) {
  RIFF_RETURN_IF_ERROR(check_may_manage(user_id, is_admin, track_id));
  RIFF_ASSIGN_OR_RETURN(std::string canonical, canonical_territories(text));
  RIFF_ASSIGN_OR_RETURN(
      std::int64_t n,
      db_.exec("UPDATE music_tracks SET territories = $2, updated_at = $3 WHERE id = $1",
               {track_id, canonical, clock_.now_ms()}));
  if (n == 0) return Status::not_found("No such track.");
  return canonical;
}

Result<Track> Labels::set_clip_start(Id user_id, bool is_admin, Id track_id,
                                     std::int64_t start_ms) {
  RIFF_RETURN_IF_ERROR(check_may_manage(user_id, is_admin, track_id));
  if (start_ms < 0) return Status::invalid("/clip_start_ms", "0 or more milliseconds");
  RIFF_ASSIGN_OR_RETURN(Track t, catalog_.track(track_id));
  const std::int64_t clip_ms = options_.import.sound_clip_ms;
  if (t.sound_id && clip_ms > 0 && !options_.import.sounds_dir.empty()) {
    const ClipWindow want = choose_clip_window(t.duration_ms, clip_ms, start_ms, {});
    // Our own tier, remuxed without decoding: no child needed.
    const fs::path audio = options_.import.sounds_dir / (id_to_string(*t.sound_id) + ".m4a");
    const fs::path tmp = audio.string() + ".new";
    auto cut = cut_clip(catalog_.tier_path(track_id, 160), tmp, want);
    if (!cut) {
      std::error_code e;
      fs::remove(tmp, e);
      return cut.status().with_context("re-cut the sound clip");
    }
    std::error_code ec;
    fs::rename(tmp, audio, ec);
    if (ec) return Status::unavailable("replace the sound clip: " + ec.message());
    RIFF_RETURN_IF_ERROR(
        db_.exec("UPDATE sounds SET clip_start_ms = $2, clip_duration_ms = $3, duration_ms = $3"
                 " WHERE id = $1",
                 {*t.sound_id, cut->start_ms, cut->duration_ms})
            .status());
  }
  RIFF_RETURN_IF_ERROR(db_.exec("UPDATE music_tracks SET clip_start_ms = $2, updated_at = $3"
                                " WHERE id = $1",
                                {track_id, start_ms, clock_.now_ms()})
                           .status());
  return catalog_.track(track_id);
}

}  // namespace riff::music
