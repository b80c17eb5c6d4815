#include "riff/video/uploads.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cstring>
#include <ctime>

namespace riff::video {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kUploadColumns =
    "id, user_id, length, upload_offset, metadata, state, created_at, expires_at";

Upload upload_from(const db::Row& r) {
  Upload u;
  u.id = r.i64(0);
  u.user_id = r.i64(1);
  u.length = r.i64(2);
  u.offset = r.i64(3);
  u.metadata = r.str(4);
  u.state = static_cast<UploadState>(r.i64(5));
  u.created_at = r.i64(6);
  u.expires_at = r.i64(7);
  return u;
}

Status not_found() {
  return Status::not_found("No such upload.");
}

}  // namespace

std::string http_date(std::int64_t unix_ms) {
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

/// Appends with pwrite, hashing as it goes when a checksum was given.
class FileAppend final : public UploadAppend {
 public:
  FileAppend(UploadService& svc, db::Database& db, Upload upload, int fd,
             std::optional<std::string> sha1)
      : svc_(svc), db_(db), upload_(std::move(upload)), fd_(fd), expected_(std::move(sha1)) {
    if (expected_) {
      md_.reset(EVP_MD_CTX_new());
      EVP_DigestInit_ex(md_.get(), EVP_sha1(), nullptr);
    }
  }
  ~FileAppend() override {
    ::close(fd_);
    svc_.release(upload_.id);
  }

  Status write(std::string_view bytes) override {
    const std::int64_t room = upload_.length - upload_.offset - written_;
    bool too_long = static_cast<std::int64_t>(bytes.size()) > room;
    if (too_long)
      bytes = bytes.substr(0, static_cast<std::size_t>(std::max<std::int64_t>(room, 0)));
    while (!bytes.empty()) {
      ssize_t n = ::pwrite(fd_, bytes.data(), bytes.size(), upload_.offset + written_);
      if (n < 0) {
        if (errno == EINTR) continue;
        disk_error_ = true;
        return Status::unavailable(std::string("write upload: ") + std::strerror(errno));
      }
      if (md_) EVP_DigestUpdate(md_.get(), bytes.data(), static_cast<std::size_t>(n));
      written_ += n;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    if (too_long) {
      overflow_ = true;
      return Status::invalid("/Upload-Offset", "The body goes past Upload-Length.");
    }
    return Status::ok();
  }

  Result<Outcome> finish(bool body_complete) override {
    Outcome out;
    bool keep = written_ > 0;
    if (md_) {
      unsigned char digest[EVP_MAX_MD_SIZE];
      unsigned int len = 0;
      EVP_DigestFinal_ex(md_.get(), digest, &len);
      bool match = std::string(reinterpret_cast<char*>(digest), len) == *expected_;
      if (!match || !body_complete || overflow_) {
        keep = false;
        out.checksum_mismatch = body_complete && !match;
      }
    }
    if (keep && ::fdatasync(fd_) != 0) keep = false;
    if (!keep) {
      // Whatever this append wrote past the stored offset is not counted.
      if (::ftruncate(fd_, upload_.offset) != 0) return Status::unavailable("truncate upload");
      out.upload = upload_;
      return out;
    }
    const std::int64_t next = upload_.offset + written_;
    const UploadState state =
        next == upload_.length ? UploadState::kComplete : UploadState::kUploading;
    auto n = db_.exec(
        "UPDATE uploads SET upload_offset = $1, state = $2 WHERE id = $3 AND upload_offset = $4"
        " AND state = 0",
        {next, static_cast<int>(state), upload_.id, upload_.offset});
    if (!n) return n.status().with_context("record upload offset");
    if (*n == 0) return Status::conflict("The upload changed meanwhile.");
    upload_.offset = next;
    upload_.state = state;
    out.upload = upload_;
    return out;
  }

 private:
  struct MdFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  UploadService& svc_;
  db::Database& db_;
  Upload upload_;
  int fd_;
  std::optional<std::string> expected_;
  std::unique_ptr<EVP_MD_CTX, MdFree> md_;
  std::int64_t written_ = 0;
  bool overflow_ = false;
  bool disk_error_ = false;
};

UploadService::UploadService(db::Database& db, IdGenerator& ids, const Clock& clock,
                             UploadOptions options)
    : db_(db), ids_(ids), clock_(clock), options_(std::move(options)) {}

fs::path UploadService::part_path(Id upload_id) const {
  return options_.dir / (id_to_string(upload_id) + ".part");
}

void UploadService::remove_file(Id upload_id) const {
  std::error_code ec;
  fs::remove(part_path(upload_id), ec);
}

void UploadService::release(Id upload_id) {
  std::lock_guard lock(mu_);
  appending_.erase(upload_id);
}

Result<Upload> UploadService::create(Id user_id, std::int64_t length, std::string metadata) {
  if (length < 0)
    return Status::invalid("/Upload-Length", "Upload-Length must be a non-negative integer.");
  if (length > options_.max_bytes) {
    return Status(Code::kTooLarge, "The file is larger than the limit of " +
                                       std::to_string(options_.max_bytes) + " bytes.");
  }
  const std::int64_t now = clock_.now_ms();
  Upload u{ids_.next(),
           user_id,
           length,
           0,
           std::move(metadata),
           UploadState::kUploading,
           now,
           now + options_.expiry_ms};
  Status st = db_.transact([&](db::Conn& c) -> Status {
    RIFF_ASSIGN_OR_RETURN(
        db::Rows used,
        c.query(
            "SELECT COALESCE(SUM(length), 0) FROM uploads WHERE user_id = $1 AND created_at > $2",
            {user_id, now - 24LL * 3600 * 1000}));
    if (used[0].i64(0) + length > options_.quota_bytes_per_day) {
      return Status(Code::kTooLarge, "This upload would pass your daily upload quota.");
    }
    return c
        .exec(
            "INSERT INTO uploads (id, user_id, length, upload_offset, metadata, state, created_at, "
            "expires_at)"
            " VALUES ($1, $2, $3, 0, $4, $5, $6, $7)",
            {u.id, user_id, length, u.metadata, length == 0 ? 1 : 0, now, u.expires_at})
        .status();
  });
  RIFF_RETURN_IF_ERROR(st);
  if (length == 0) u.state = UploadState::kComplete;
  std::error_code ec;
  fs::create_directories(options_.dir, ec);
  int fd = ::open(part_path(u.id).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::unavailable("create upload file");
  ::close(fd);
  return u;
}

Result<Upload> UploadService::get(Id user_id, Id upload_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows, db_.query("SELECT " + std::string(kUploadColumns) +
                                                     " FROM uploads WHERE id = $1 AND user_id = $2",
                                                 {upload_id, user_id}));
  if (rows.empty()) return not_found();
  Upload u = upload_from(rows[0]);
  if (u.state != UploadState::kUploading && u.state != UploadState::kComplete) return not_found();
  if (u.expires_at <= clock_.now_ms()) return not_found();
  return u;
}

Result<std::unique_ptr<UploadAppend>> UploadService::begin_append(Id user_id, Id upload_id,
                                                                  std::int64_t offset,
                                                                  std::optional<std::string> sha1) {
  RIFF_ASSIGN_OR_RETURN(Upload u, get(user_id, upload_id));
  if (offset != u.offset)
    return Status::conflict("Upload-Offset does not match the server's offset.");
  {
    std::lock_guard lock(mu_);
    if (!appending_.insert(upload_id).second)
      return Status::conflict("Another append to this upload is running.");
  }
  int fd = ::open(part_path(upload_id).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    release(upload_id);
    return Status::unavailable("open upload file");
  }
  return std::unique_ptr<UploadAppend>(
      std::make_unique<FileAppend>(*this, db_, std::move(u), fd, std::move(sha1)));
}

Status UploadService::terminate(Id user_id, Id upload_id) {
  RIFF_ASSIGN_OR_RETURN(Upload u, get(user_id, upload_id));
  auto n = db_.exec("UPDATE uploads SET state = 2 WHERE id = $1 AND state IN (0, 1)", {u.id});
  if (!n) return n.status();
  remove_file(u.id);
  return Status::ok();
}

Result<Upload> UploadService::consume(db::Conn& c, Id user_id, Id upload_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        c.query("SELECT " + std::string(kUploadColumns) +
                                    " FROM uploads WHERE id = $1 AND user_id = $2 FOR UPDATE",
                                {upload_id, user_id}));
  if (rows.empty()) return Status::invalid("/upload_id", "No such upload.");
  Upload u = upload_from(rows[0]);
  if (u.state == UploadState::kPosted)
    return Status::invalid("/upload_id", "This upload was already posted.");
  if (u.state != UploadState::kComplete || u.expires_at <= clock_.now_ms()) {
    return Status::invalid("/upload_id", "The upload is not complete.");
  }
  RIFF_RETURN_IF_ERROR(c.exec("UPDATE uploads SET state = 4 WHERE id = $1", {u.id}).status());
  u.state = UploadState::kPosted;
  return u;
}

Result<std::int64_t> UploadService::expire() {
  const std::int64_t now = clock_.now_ms();
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query("SELECT id FROM uploads WHERE state IN (0, 1) AND expires_at <= $1", {now}));
  std::int64_t count = 0;
  for (const auto& r : rows) {
    auto n = db_.exec("UPDATE uploads SET state = 3 WHERE id = $1 AND state IN (0, 1)", {r.i64(0)});
    if (!n) return n.status();
    if (*n == 0) continue;
    remove_file(r.i64(0));
    ++count;
  }
  return count;
}

}  // namespace riff::video
