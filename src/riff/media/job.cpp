#include "riff/media/job.hpp"

#include <boost/json.hpp>

namespace riff::media {
namespace json = boost::json;

JobResult rejected(std::string reason, std::string message) {
  JobResult r;
  r.kind = JobResult::Kind::kRejected;
  r.reason = std::move(reason);
  r.message = std::move(message);
  return r;
}

JobResult crashed(std::string message) {
  JobResult r;
  r.kind = JobResult::Kind::kCrashed;
  r.message = std::move(message);
  return r;
}

namespace {

Result<json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Status::invalid("", "not a JSON object");
  return std::move(v.as_object());
}

std::string str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::int64_t num(const json::object& o, std::string_view key, std::int64_t fallback = 0) {
  const auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : fallback;
}

}  // namespace

std::string to_json(const JobSpec& spec) {
  json::object o;
  o["input"] = spec.input.string();
  o["out_dir"] = spec.out_dir.string();
  if (spec.sound_audio) o["sound_audio"] = spec.sound_audio->string();
  o["sound_offset_ms"] = spec.sound_offset_ms;
  o["audio_mode"] = static_cast<int>(spec.audio_mode);
  if (spec.duet_with) o["duet_with"] = spec.duet_with->string();
  o["max_duration_ms"] = spec.max_duration_ms;
  return json::serialize(o);
}

Result<JobSpec> spec_from_json(std::string_view text) {
  RIFF_ASSIGN_OR_RETURN(json::object o, parse_object(text));
  JobSpec s;
  s.input = str(o, "input");
  s.out_dir = str(o, "out_dir");
  if (s.input.empty()) return Status::invalid("/input", "input is required");
  if (s.out_dir.empty()) return Status::invalid("/out_dir", "out_dir is required");
  if (auto p = str(o, "sound_audio"); !p.empty()) s.sound_audio = p;
  if (auto p = str(o, "duet_with"); !p.empty()) s.duet_with = p;
  s.sound_offset_ms = num(o, "sound_offset_ms");
  if (s.sound_offset_ms < 0) return Status::invalid("/sound_offset_ms", "must be 0 or more");
  const std::int64_t mode = num(o, "audio_mode");
  if (mode < 0 || mode > 2) return Status::invalid("/audio_mode", "must be 0, 1 or 2");
  s.audio_mode = static_cast<AudioMode>(mode);
  s.max_duration_ms = num(o, "max_duration_ms", s.max_duration_ms);
  if (s.max_duration_ms <= 0) return Status::invalid("/max_duration_ms", "must be positive");
  return s;
}

std::string to_json(const JobResult& r) {
  static constexpr std::string_view kKinds[] = {"ok", "rejected", "crashed"};
  json::object o;
  o["kind"] = kKinds[static_cast<int>(r.kind)];
  if (!r.reason.empty()) o["reason"] = r.reason;
  if (!r.message.empty()) o["message"] = r.message;
  o["width"] = r.width;
  o["height"] = r.height;
  o["duration_ms"] = r.duration_ms;
  o["has_audio"] = r.has_audio;
  json::object line;
  line["result"] = std::move(o);
  return json::serialize(line);
}

Result<JobResult> result_from_json(std::string_view text) {
  RIFF_ASSIGN_OR_RETURN(json::object line, parse_object(text));
  const auto* inner = line.if_contains("result");
  if (!inner || !inner->is_object()) return Status::invalid("/result", "missing");
  const json::object& o = inner->as_object();
  JobResult r;
  const std::string kind = str(o, "kind");
  if (kind == "ok") {
    r.kind = JobResult::Kind::kOk;
  } else if (kind == "rejected") {
    r.kind = JobResult::Kind::kRejected;
  } else if (kind == "crashed") {
    r.kind = JobResult::Kind::kCrashed;
  } else {
    return Status::invalid("/result/kind", "unknown kind: " + kind);
  }
  r.reason = str(o, "reason");
  r.message = str(o, "message");
  r.width = static_cast<int>(num(o, "width"));
  r.height = static_cast<int>(num(o, "height"));
  r.duration_ms = num(o, "duration_ms");
  const auto* a = o.if_contains("has_audio");
  r.has_audio = a && a->is_bool() && a->as_bool();
  return r;
}

}  // namespace riff::media
