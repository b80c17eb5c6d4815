#pragma once
// Resumable uploads (the rules behind tus 1.0.0): an upload is created with
// its final length, filled by appends at the current offset, and is then
// posted as a video (which consumes it), terminated by its owner, or expired.
//
// Bytes go straight to `<dir>/<id>.part` with pwrite at the offset and are
// never held in memory. The offset stored in the database only moves past
// bytes that were written and flushed, so a connection cut midway keeps what
// arrived. One append per upload runs at a time on this node (a second one
// gets kConflict); the conditional UPDATE on the offset guards across nodes.
//
// Thread-safe.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"

namespace riff::video {

enum class UploadState {
  kUploading = 0,
  kComplete = 1,
  kTerminated = 2,
  kExpired = 3,
  kPosted = 4
};

struct Upload {
  Id id = 0;
  Id user_id = 0;
  std::int64_t length = 0;
  std::int64_t offset = 0;
  std::string metadata;  // the tus Upload-Metadata header as sent
  UploadState state = UploadState::kUploading;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
};

struct UploadOptions {
  std::filesystem::path dir;  // <data_dir>/uploads
  std::int64_t max_bytes = 500LL << 20;
  std::int64_t quota_bytes_per_day = 5LL << 30;
  std::int64_t expiry_ms = 24LL * 3600 * 1000;
};

/// One append in progress. Made by UploadService::begin_append(); not
/// thread-safe (the server calls it from one request at a time).
class UploadAppend {
 public:
  virtual ~UploadAppend() = default;
  /// Writes the next bytes at the current position. Fails (and writes
  /// nothing more) past the upload's length or on a disk error.
  virtual Status write(std::string_view bytes) = 0;
  /// Flushes and records the new offset. With a checksum, the bytes count
  /// only when the whole body arrived and matches; otherwise they are
  /// discarded and the result says why. `upload` is the state afterwards.
  struct Outcome {
    Upload upload;
    bool checksum_mismatch = false;
  };
  virtual Result<Outcome> finish(bool body_complete) = 0;
};

class UploadService {
 public:
  UploadService(db::Database& db, IdGenerator& ids, const Clock& clock, UploadOptions options);

  const UploadOptions& options() const { return options_; }
  /// kTooLarge past max_bytes or the owner's daily quota.
  Result<Upload> create(Id user_id, std::int64_t length, std::string metadata);
  /// The owner's live upload (uploading or complete, not expired); kNotFound otherwise.
  Result<Upload> get(Id user_id, Id upload_id);
  /// Starts an append at `offset` (kConflict unless it equals the stored
  /// offset or another append runs). `sha1` is the expected digest of this
  /// append's bytes, when the client sent one.
  Result<std::unique_ptr<UploadAppend>> begin_append(Id user_id, Id upload_id, std::int64_t offset,
                                                     std::optional<std::string> sha1);
  /// Deletes the upload and its bytes (tus termination).
  Status terminate(Id user_id, Id upload_id);
  /// Within a posting transaction: checks the upload is the user's and
  /// complete, and marks it posted. kInvalid naming /upload_id otherwise.
  Result<Upload> consume(db::Conn& c, Id user_id, Id upload_id);
  /// Expires live uploads past their time and removes their files. Returns how many.
  Result<std::int64_t> expire();

  std::filesystem::path part_path(Id upload_id) const;
  /// Removes an upload's bytes once they are no longer needed.
  void remove_file(Id upload_id) const;

 private:
  friend class FileAppend;
  void release(Id upload_id);

  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  UploadOptions options_;
  std::mutex mu_;
  std::set<Id> appending_;  // guarded by mu_
};

/// An HTTP date (RFC 9110 IMF-fixdate) for `unix_ms`, for Upload-Expires.
std::string http_date(std::int64_t unix_ms);

}  // namespace riff::video
