#include "riff/video/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/json.hpp>
#include <cmath>

#include "riff/accounts/notifications.hpp"
#include "riff/video/access.hpp"

namespace riff::video {
namespace fs = std::filesystem;

Pipeline::Pipeline(db::Database& db, IdGenerator& ids, const Clock& clock, UploadService& uploads,
                   SoundService& sounds, MediaProcessor& processor,
                   accounts::NotificationService* notifications, PipelineOptions options)
    : db_(db),
      ids_(ids),
      clock_(clock),
      uploads_(uploads),
      sounds_(sounds),
      processor_(processor),
      notifications_(notifications),
      options_(std::move(options)) {}

Status Pipeline::mark_failed(Id video_id, const std::string& reason, const std::string& message) {
  return db_
      .exec(
          "UPDATE videos SET status = 2, failure_reason = $1, failure_message = $2, updated_at = $3"
          " WHERE id = $4 AND status = 0",
          {reason, message, clock_.now_ms(), video_id})
      .status();
}

Status Pipeline::publish(const Video& v, const MediaJobResult& r, const fs::path& tmp) {
  const fs::path final_dir = options_.videos_dir / id_to_string(v.id);
  std::error_code ec;
  fs::remove_all(final_dir, ec);
  fs::rename(tmp, final_dir, ec);
  if (ec) return Status::unavailable("publish media: " + ec.message());

  // The video's own sound, unless it uses a chosen one.
  std::optional<Id> new_sound;
  if (!v.sound_id && r.has_audio && fs::exists(final_dir / "sound.m4a")) {
    new_sound = ids_.next();
    fs::create_directories(sounds_.audio_path(*new_sound).parent_path(), ec);
    fs::rename(final_dir / "sound.m4a", sounds_.audio_path(*new_sound), ec);
    if (ec) return Status::unavailable("publish sound: " + ec.message());
  }
  bool published = false;
  Status st = db_.transact([&](db::Conn& c) -> Status {
    published = false;
    // Taken inside the transaction, once it holds the write lock: readers
    // that follow changes by updated_at (the For You catalog) see the row
    // committed soon after its time.
    const std::int64_t now = clock_.now_ms();
    if (new_sound) {
      RIFF_ASSIGN_OR_RETURN(db::Rows u,
                            c.query("SELECT handle FROM users WHERE id = $1", {v.author_id}));
      std::string title = "original sound - @" + (u.empty() ? std::string("unknown") : u[0].str(0));
      RIFF_RETURN_IF_ERROR(
          c.exec("INSERT INTO sounds (id, kind, title, creator_id, source_video_id, audio_path,"
                 " duration_ms, reusable, use_count, created_at) VALUES ($1, 0, $2, $3, $4, $5, $6,"
                 " 1, 0, $7)",
                 {*new_sound, title, v.author_id, v.id, sounds_.audio_path(*new_sound).string(),
                  r.duration_ms, now})
              .status());
    }
    const std::optional<Id> sound = v.sound_id ? v.sound_id : new_sound;
    RIFF_ASSIGN_OR_RETURN(
        std::int64_t n,
        c.exec("UPDATE videos SET status = 1, progress = 1, width = $1, height = $2,"
               " duration_ms = $3, media_dir = $4, sound_id = $5, updated_at = $6"
               " WHERE id = $7 AND status = 0",
               {r.width, r.height, r.duration_ms, final_dir.string(), sound, now, v.id}));
    if (n == 0) return Status::ok();  // deleted meanwhile
    if (sound) {
      RIFF_RETURN_IF_ERROR(
          c.exec("UPDATE sounds SET use_count = use_count + 1 WHERE id = $1", {*sound}).status());
    }
    if (v.duet_of) {
      RIFF_RETURN_IF_ERROR(
          c.exec("UPDATE videos SET duet_count = duet_count + 1 WHERE id = $1", {*v.duet_of})
              .status());
    }
    published = true;
    return Status::ok();
  });
  if (!st || !published) {
    fs::remove_all(final_dir, ec);
    if (new_sound) fs::remove(sounds_.audio_path(*new_sound), ec);
  }
  return st;
}

void Pipeline::notify_mentions(Id video_id) {
  if (!notifications_) return;
  std::vector<accounts::Notification> made;
  Status st = db_.transact([&](db::Conn& c) -> Status {
    made.clear();
    RIFF_ASSIGN_OR_RETURN(std::optional<Video> v, find_video(c, video_id));
    if (!v || v->status != VideoStatus::kReady) return Status::ok();
    RIFF_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.query("SELECT user_id FROM video_mentions WHERE video_id = $1", {video_id}));
    for (const auto& r : rows) {
      const Id who = r.i64(0);
      if (who == v->author_id) continue;
      // Only those who may see the video hear about it.
      RIFF_ASSIGN_OR_RETURN(bool visible, can_view(c, who, *v));
      if (!visible) continue;
      accounts::NewNotification n;
      n.user_id = who;
      n.kind = "mention";
      n.actor_id = v->author_id;
      n.subject_id = video_id;
      RIFF_ASSIGN_OR_RETURN(std::optional<accounts::Notification> added, notifications_->add(c, n));
      if (added) made.push_back(std::move(*added));
    }
    return Status::ok();
  });
  if (!st) {
    spdlog::warn("pipeline: mention notifications for {}: {}", video_id, st.message());
    return;
  }
  notifications_->publish(made);
}

Result<std::int64_t> Pipeline::fail_abandoned() {
  return db_.exec(
      "UPDATE videos SET status = 2, failure_reason = 'processing_failed',"
      " failure_message = 'riff could not process this video. Try another file.', updated_at = $1"
      " WHERE status = 0 AND id IN (SELECT subject_id FROM jobs WHERE kind = $2 AND state = 3)",
      {clock_.now_ms(), kTranscodeJob});
}

jobs::JobOutcome Pipeline::handle(jobs::JobContext& ctx) {
  const jobs::Job& job = ctx.job();
  boost::system::error_code jec;
  boost::json::value payload = boost::json::parse(job.payload, jec);
  if (jec || !payload.is_object()) return jobs::JobOutcome::fail("bad payload");
  auto field = [&](const char* k) -> std::optional<Id> {
    auto* v = payload.as_object().if_contains(k);
    if (!v || !v->is_string()) return std::nullopt;
    return parse_id(v->as_string());
  };
  auto video_id = field("video_id"), upload_id = field("upload_id");
  if (!video_id || !upload_id) return jobs::JobOutcome::fail("bad payload");

  auto loaded = db_.read([&](db::Conn& c) -> Result<db::Rows> {
    return c.query("SELECT " + video_columns("v") + " FROM videos v WHERE v.id = $1", {*video_id});
  });
  if (!loaded) return jobs::JobOutcome::retry(loaded.status().message());
  if (loaded->empty()) return jobs::JobOutcome::done();
  const Video v = video_from_row((*loaded)[0]);
  if (v.status != VideoStatus::kProcessing) {
    uploads_.remove_file(*upload_id);
    return jobs::JobOutcome::done();
  }

  MediaJobSpec spec;
  spec.input = uploads_.part_path(*upload_id);
  spec.max_duration_ms = options_.max_duration_ms;
  if (v.sound_id && v.sound_mode != SoundMode::kOriginal) {
    spec.sound_audio = sounds_.audio_path(*v.sound_id);
    spec.sound_offset_ms = v.sound_offset_ms;
    spec.audio_mode = v.sound_mode == SoundMode::kMix ? media::AudioMode::kMix
                                                      : media::AudioMode::kReplace;
  }
  if (v.duet_of) spec.duet_with = options_.videos_dir / id_to_string(*v.duet_of) / "video.mp4";
  spec.out_dir =
      options_.videos_dir / (".tmp-" + id_to_string(v.id) + "-" + std::to_string(job.attempts));
  std::error_code ec;
  // Earlier attempts killed midway (a node died) leave their temp dirs.
  const std::string stale = ".tmp-" + id_to_string(v.id) + "-";
  for (const auto& e : fs::directory_iterator(options_.videos_dir, ec)) {
    if (e.path().filename().string().rfind(stale, 0) == 0) fs::remove_all(e.path(), ec);
  }
  fs::create_directories(spec.out_dir, ec);
  if (ec) return jobs::JobOutcome::retry("create " + spec.out_dir.string() + ": " + ec.message());

  std::atomic<int> last_percent{-1};
  auto progress = [&](double p) {
    int percent = static_cast<int>(std::floor(p * 100));
    if (percent <= last_percent.load()) return;
    last_percent = percent;
    (void)db_.exec("UPDATE videos SET progress = $1 WHERE id = $2 AND status = 0",
                   {percent / 100.0, v.id});
    ctx.progress(p);
  };
  const std::int64_t started = clock_.now_ms();
  MediaJobResult r = processor_.run(spec, progress, [&] { return ctx.stopping(); });
  switch (r.kind) {
    case MediaJobResult::Kind::kRejected:
      fs::remove_all(spec.out_dir, ec);
      if (auto st = mark_failed(v.id, r.reason, r.message); !st)
        return jobs::JobOutcome::retry(st.message());
      uploads_.remove_file(*upload_id);
      spdlog::info("pipeline: video {} rejected: {} ({})", v.id, r.reason, r.message);
      return jobs::JobOutcome::fail(r.reason + ": " + r.message);
    case MediaJobResult::Kind::kCrashed:
      fs::remove_all(spec.out_dir, ec);
      if (job.attempts >= job.max_attempts && !ctx.stopping()) {
        (void)mark_failed(v.id, "processing_failed",
                          "riff could not process this video. Try another file.");
        uploads_.remove_file(*upload_id);
      }
      return jobs::JobOutcome::retry(r.message);
    case MediaJobResult::Kind::kOk:
      break;
  }
  if (auto st = publish(v, r, spec.out_dir); !st) {
    fs::remove_all(spec.out_dir, ec);
    return jobs::JobOutcome::retry(st.message());
  }
  uploads_.remove_file(*upload_id);
  notify_mentions(v.id);
  spdlog::info("pipeline: video {} ready ({}x{}, {} ms) in {} ms", v.id, r.width, r.height,
               r.duration_ms, clock_.now_ms() - started);
  return jobs::JobOutcome::done();
}

}  // namespace riff::video
