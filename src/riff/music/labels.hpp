#pragma once
// Record labels: accounts an admin made a label upload tracks with their
// territory rights, follow each upload's import, list the tracks they own
// and change where those may be heard.
//
// - A label is a row of music_labels (user -> label name), granted and
//   revoked by admins; a revoked label keeps its tracks but may do nothing.
// - An upload is stored under <music_dir>/label-sources/ and imported by a
//   durable job (kind kLabelImportJob) that runs the same pipeline as
//   `riffd music import` (the Importer, with the probe in a child). Its
//   status goes queued -> processing -> done | failed; a failed upload
//   leaves no track, tier, sound or source file behind.
// - A track a label uploaded carries its label_id; only that label (while
//   active) or an admin may change it.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/jobs/queue.hpp"
#include "riff/jobs/worker.hpp"
#include "riff/music/catalog.hpp"
#include "riff/music/importer.hpp"

namespace riff::music {

inline constexpr std::string_view kLabelImportJob = "music.label_import";

struct Label {
  Id id = 0;
  Id user_id = 0;
  std::string name;
  bool active = true;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

enum class UploadStatus { kQueued, kProcessing, kDone, kFailed };
std::string_view upload_status_name(UploadStatus s);

/// What the label says about an upload, over the file's tags. Checked by
/// check_upload_metadata().
struct UploadMetadata {
  std::optional<std::string> title;
  std::vector<std::string> artists;
  std::optional<std::string> album;
  std::optional<std::string> isrc;
  std::optional<std::string> territories;  // canonical after the check
  std::optional<std::int64_t> clip_start_ms;
};

/// Normalises `m` in place (territories canonical, ISRC upper-case, tags
/// cleaned); kInvalid names every bad field ("/territories", "/isrc", ...).
Status check_upload_metadata(UploadMetadata& m);
std::string metadata_to_json(const UploadMetadata& m);
UploadMetadata metadata_from_json(std::string_view text);

struct LabelUpload {
  Id id = 0;
  Id label_id = 0;
  UploadStatus status = UploadStatus::kQueued;
  std::string file_name;
  std::int64_t size = 0;
  std::optional<Id> track_id;
  std::string error_reason;  // failed: "not_audio", "empty", "too_long", "crashed", ...
  std::string error;         // failed: for the label
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

/// The rule for changing a track: an admin always; otherwise only the
/// active label that owns it.
bool may_manage_track(bool is_admin, const std::optional<Label>& caller,
                      std::optional<Id> track_label_id);

struct LabelOptions {
  std::filesystem::path sources_dir;  // <music_dir>/label-sources
  ImportOptions import;               // as `riffd music import` runs
  ProbeRunner probe;                  // the probe child; unset: uploads refused
};

class Labels {
 public:
  /// References must outlive the service. `wake` (may be empty) tells this
  /// node's worker a job was queued.
  Labels(db::Database& db, IdGenerator& ids, const Clock& clock, Catalog& catalog,
         jobs::JobQueue* queue, std::function<void()> wake, LabelOptions options);

  /// Makes the account `handle` a label called `name` (again, if it was
  /// revoked; renames it if it is one). kNotFound for no such account.
  Result<Label> grant(std::string_view handle, std::string_view name);
  /// Revokes the label of `handle`; kNotFound when it is not a label.
  Status revoke(std::string_view handle);
  /// The active label of `user_id`, if it is one.
  Result<std::optional<Label>> label_of(Id user_id);
  /// label_of(), kForbidden when the account is not an active label.
  Result<Label> require_label(Id user_id);

  /// Stores `bytes` (the audio file) and queues its import. kForbidden for
  /// a non-label; kInvalid for empty bytes or bad metadata (nothing stored).
  Result<LabelUpload> start_upload(Id user_id, UploadMetadata metadata, std::string_view file_name,
                                   std::string_view bytes);
  /// An upload as its label (or an admin) sees it; kNotFound for anyone else.
  Result<LabelUpload> upload(Id user_id, bool is_admin, Id upload_id);

  /// The kLabelImportJob handler.
  jobs::JobOutcome handle(jobs::JobContext& ctx);

  /// The caller's tracks, newest first (catalog cursor: before = last id).
  Result<std::vector<Track>> tracks(Id user_id, Id before, int limit);
  /// Sets where `track_id` may be heard; kForbidden unless may_manage_track().
  Result<std::string> set_territories(Id user_id, bool is_admin, Id track_id,
                                      std::string_view text);
  /// Moves the song's sound clip to start at `start_ms` (re-cut from its 160
  /// tier, no re-encoding); kForbidden unless may_manage_track().
  Result<Track> set_clip_start(Id user_id, bool is_admin, Id track_id, std::int64_t start_ms);

 private:
  Result<LabelUpload> load_upload(Id upload_id);
  Status finish_upload(Id upload_id, UploadStatus status, std::optional<Id> track_id,
                       std::string_view reason, std::string_view error);
  Status check_may_manage(Id user_id, bool is_admin, Id track_id);

  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  Catalog& catalog_;
  jobs::JobQueue* queue_;
  std::function<void()> wake_;
  LabelOptions options_;
};

}  // namespace riff::music
