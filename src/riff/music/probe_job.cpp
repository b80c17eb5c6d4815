#include "riff/music/probe_job.hpp"

#include <boost/json.hpp>
#include <algorithm>
#include <cstdio>

namespace riff::music {
namespace json = boost::json;

namespace {

std::string str(const json::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
std::int64_t num(const json::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  return v && v->is_int64() ? v->as_int64() : 0;
}
std::optional<double> real(const json::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  if (!v) return std::nullopt;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  return std::nullopt;
}

}  // namespace

std::string to_json(const ProbeResult& r) {
  static constexpr std::string_view kKinds[] = {"ok", "rejected", "crashed"};
  json::object o;
  o["kind"] = kKinds[static_cast<int>(r.kind)];
  o["reason"] = r.reason;
  o["message"] = r.message;
  json::object t;
  t["title"] = r.tags.title;
  json::array artists;
  for (const auto& a : r.tags.artists) artists.emplace_back(a);
  t["artists"] = std::move(artists);
  t["album"] = r.tags.album;
  t["album_artist"] = r.tags.album_artist;
  t["track_no"] = r.tags.track_no;
  t["disc_no"] = r.tags.disc_no;
  t["year"] = r.tags.year;
  t["genre"] = r.tags.genre;
  t["isrc"] = r.tags.isrc;
  o["tags"] = std::move(t);
  o["codec"] = r.codec;
  o["duration_ms"] = r.duration_ms;
  o["sample_rate"] = r.sample_rate;
  o["channels"] = r.channels;
  o["bit_rate"] = r.bit_rate;
  if (r.loudness_lufs) o["loudness_lufs"] = *r.loudness_lufs;
  if (r.true_peak_dbtp) o["true_peak_dbtp"] = *r.true_peak_dbtp;
  json::array tiers;
  for (int x : r.tiers) tiers.emplace_back(x);
  o["tiers"] = std::move(tiers);
  o["cover_file"] = r.cover_file;
  o["duration_samples"] = r.duration_samples;
  json::array gapless;
  for (const auto& g : r.gapless) {
    gapless.push_back(json::object{{"kbps", g.kbps},
                                   {"encoder_delay_samples", g.encoder_delay_samples},
                                   {"padding_samples", g.padding_samples}});
  }
  o["gapless"] = std::move(gapless);
  o["clip_file"] = r.clip_file;
  o["clip_start_ms"] = r.clip_start_ms;
  o["clip_duration_ms"] = r.clip_duration_ms;
  json::object line;
  line["result"] = std::move(o);
  return json::serialize(line);
}

Result<ProbeResult> probe_result_from_json(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object() || !v.as_object().contains("result") || !v.at("result").is_object()) {
    return Status::invalid("/result", "not a probe result");
  }
  const json::object& o = v.at("result").as_object();
  ProbeResult r;
  const std::string kind = str(o, "kind");
  if (kind == "ok") {
    r.kind = ProbeResult::Kind::kOk;
  } else if (kind == "rejected") {
    r.kind = ProbeResult::Kind::kRejected;
  } else if (kind == "crashed") {
    r.kind = ProbeResult::Kind::kCrashed;
  } else {
    return Status::invalid("/result/kind", "unknown kind: " + kind);
  }
  r.reason = str(o, "reason");
  r.message = str(o, "message");
  if (const auto* tv = o.if_contains("tags"); tv && tv->is_object()) {
    const json::object& t = tv->as_object();
    // The child cleaned these already; clean again, the parent trusts no child.
    r.tags.title = clean_tag(str(t, "title"));
    if (const auto* a = t.if_contains("artists"); a && a->is_array()) {
      for (const auto& x : a->as_array()) {
        if (x.is_string()) r.tags.artists.push_back(clean_tag(x.as_string()));
      }
    }
    r.tags.album = clean_tag(str(t, "album"));
    r.tags.album_artist = clean_tag(str(t, "album_artist"));
    r.tags.track_no = num(t, "track_no");
    r.tags.disc_no = num(t, "disc_no");
    r.tags.year = num(t, "year");
    r.tags.genre = clean_tag(str(t, "genre"));
    r.tags.isrc = normalize_isrc(str(t, "isrc"));
  }
  r.codec = clean_tag(str(o, "codec"));
  r.duration_ms = num(o, "duration_ms");
  r.sample_rate = num(o, "sample_rate");
  r.channels = num(o, "channels");
  r.bit_rate = num(o, "bit_rate");
  r.loudness_lufs = real(o, "loudness_lufs");
  r.true_peak_dbtp = real(o, "true_peak_dbtp");
  if (const auto* a = o.if_contains("tiers"); a && a->is_array()) {
    for (const auto& x : a->as_array()) {
      if (x.is_int64()) r.tiers.push_back(static_cast<int>(x.as_int64()));
    }
  }
  r.cover_file = str(o, "cover_file");
  if (r.cover_file != "cover.jpg" && r.cover_file != "cover.png") r.cover_file.clear();
  r.duration_samples = std::max<std::int64_t>(num(o, "duration_samples"), 0);
  if (const auto* a = o.if_contains("gapless"); a && a->is_array()) {
    for (const auto& x : a->as_array()) {
      if (!x.is_object()) continue;
      const json::object& g = x.as_object();
      TierGapless t{static_cast<int>(num(g, "kbps")), num(g, "encoder_delay_samples"),
                    num(g, "padding_samples")};
      // Plausible values only: at most a few frames of priming and padding.
      if (t.encoder_delay_samples < 0 || t.encoder_delay_samples > 8192 ||
          t.padding_samples < 0 || t.padding_samples > 8192)
        continue;
      r.gapless.push_back(t);
    }
  }
  r.clip_file = str(o, "clip_file");
  if (r.clip_file != "clip.m4a") r.clip_file.clear();
  r.clip_start_ms = std::max<std::int64_t>(num(o, "clip_start_ms"), 0);
  r.clip_duration_ms = std::max<std::int64_t>(num(o, "clip_duration_ms"), 0);
  return r;
}

int probe_main(const ProbeSpec& spec) {
  const ProbeResult r = run_probe(spec);
  std::printf("%s\n", to_json(r).c_str());
  std::fflush(stdout);
  return 0;
}

}  // namespace riff::music
