#include "riff/video/pipeline_ffmpeg.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>

namespace riff::video {
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

std::string resolve_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= p.size()) {
    std::size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    fs::path candidate = fs::path(p.substr(start, end - start)) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return name;
}

MediaJobResult rejected(std::string reason, std::string message) {
  MediaJobResult r;
  r.kind = MediaJobResult::Kind::kRejected;
  r.reason = std::move(reason);
  r.message = std::move(message);
  return r;
}

MediaJobResult crashed(std::string message) {
  MediaJobResult r;
  r.kind = MediaJobResult::Kind::kCrashed;
  r.message = std::move(message);
  return r;
}

int even(double x) {
  return std::max(2, static_cast<int>(std::lround(x / 2)) * 2);
}

/// Fits (w, h) so the short side is at most `short_max`, keeping the aspect.
std::pair<int, int> fit(int w, int h, int short_max) {
  int s = std::min(w, h);
  if (s <= short_max) return {even(w), even(h)};
  double k = static_cast<double>(short_max) / s;
  return {even(w * k), even(h * k)};
}

struct Probe {
  bool has_video = false, has_audio = false;
  int width = 0, height = 0;
  int level = 0;  // H.264 level_idc of the first video stream
  double duration_s = -1;
};

Probe parse_probe(const std::string& text) {
  Probe p;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return p;
  const auto& o = v.as_object();
  auto num = [](const json::value* x) -> double {
    if (!x) return -1;
    if (x->is_string()) return std::atof(x->as_string().c_str());
    if (x->is_number()) return x->to_number<double>();
    return -1;
  };
  if (auto* f = o.if_contains("format"); f && f->is_object())
    p.duration_s = num(f->as_object().if_contains("duration"));
  if (auto* ss = o.if_contains("streams"); ss && ss->is_array()) {
    for (const auto& s : ss->as_array()) {
      if (!s.is_object()) continue;
      const auto& so = s.as_object();
      auto* type = so.if_contains("codec_type");
      if (!type || !type->is_string()) continue;
      if (type->as_string() == "audio") p.has_audio = true;
      if (type->as_string() == "video" && !p.has_video) {
        // Cover art in audio files is an attached picture, not a video.
        if (auto* d = so.if_contains("disposition"); d && d->is_object()) {
          if (auto* ap = d->as_object().if_contains("attached_pic");
              ap && ap->is_int64() && ap->as_int64() == 1)
            continue;
        }
        p.has_video = true;
        p.width = static_cast<int>(num(so.if_contains("width")));
        p.height = static_cast<int>(num(so.if_contains("height")));
        p.level = static_cast<int>(num(so.if_contains("level")));
        int rotation = 0;
        if (auto* tags = so.if_contains("tags"); tags && tags->is_object()) {
          rotation = static_cast<int>(num(tags->as_object().if_contains("rotate")));
        }
        if (auto* sd = so.if_contains("side_data_list"); sd && sd->is_array()) {
          for (const auto& e : sd->as_array()) {
            if (e.is_object() && e.as_object().contains("rotation"))
              rotation = static_cast<int>(num(e.as_object().if_contains("rotation")));
          }
        }
        if (std::abs(rotation) % 180 == 90) std::swap(p.width, p.height);
        if (p.duration_s < 0) p.duration_s = num(so.if_contains("duration"));
      }
    }
  }
  return p;
}

std::string last_line(const std::string& s) {
  std::string t = s;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  auto nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

/// Adds CODECS="<codecs>" to each variant of a master playlist that lacks it.
void add_missing_codecs(const fs::path& master, const std::string& codecs) {
  std::ifstream in(master);
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.rfind("#EXT-X-STREAM-INF:", 0) == 0 && line.find("CODECS=") == std::string::npos) {
      line += ",CODECS=\"" + codecs + "\"";
    }
    out += line + "\n";
  }
  in.close();
  std::ofstream(master, std::ios::trunc) << out;
}

}  // namespace

ChildRun run_child(const std::vector<std::string>& argv, const ChildLimits& limits,
                   const std::function<void(std::string_view)>& on_line,
                   const std::function<bool()>& cancelled) {
  ChildRun run;
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return run;
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return run;
  }
  std::vector<std::string> args = argv;
  args[0] = resolve_program(args[0]);
  std::vector<char*> cargs;
  for (auto& a : args) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    // The child dies with riffd (a killed node leaves no orphan encoders).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    struct rlimit cpu {
      static_cast<rlim_t>(limits.cpu_seconds), static_cast<rlim_t>(limits.cpu_seconds + 5)
    };
    ::setrlimit(RLIMIT_CPU, &cpu);
    struct rlimit as {
      static_cast<rlim_t>(limits.address_space_bytes),
          static_cast<rlim_t>(limits.address_space_bytes)
    };
    ::setrlimit(RLIMIT_AS, &as);
    struct rlimit core {
      0, 0
    };
    ::setrlimit(RLIMIT_CORE, &core);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execv(cargs[0], cargs.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (pid < 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    return run;
  }
  run.started = true;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(limits.wall_seconds);
  std::string line_buf;
  bool out_open = true, err_open = true, killed = false;
  char buf[16384];
  while (out_open || err_open) {
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    int n = ::poll(fds, 2, 200);
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      bool& open = i == 0 ? out_open : err_open;
      if (!open || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got <= 0) {
        if (got < 0 && errno == EINTR) continue;
        open = false;
        continue;
      }
      if (i == 0) {
        run.out.append(buf, static_cast<std::size_t>(got));
        line_buf.append(buf, static_cast<std::size_t>(got));
        std::size_t nl;
        while ((nl = line_buf.find('\n')) != std::string::npos) {
          if (on_line) on_line(std::string_view(line_buf).substr(0, nl));
          line_buf.erase(0, nl + 1);
        }
      } else {
        run.err_tail.append(buf, static_cast<std::size_t>(got));
        if (run.err_tail.size() > 8192) run.err_tail.erase(0, run.err_tail.size() - 4096);
      }
    }
    if (!killed && cancelled && cancelled()) {
      run.cancelled = true;
      ::kill(pid, SIGKILL);
      killed = true;
    }
    if (!killed && std::chrono::steady_clock::now() > deadline) {
      run.timed_out = true;
      ::kill(pid, SIGKILL);
      killed = true;
    }
  }
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) run.signal = WTERMSIG(status);
  return run;
}

FfmpegCliProcessor::FfmpegCliProcessor(ChildLimits limits, std::string ffmpeg, std::string ffprobe)
    : limits_(limits), ffmpeg_(std::move(ffmpeg)), ffprobe_(std::move(ffprobe)) {}

MediaJobResult FfmpegCliProcessor::run(const MediaJobSpec& spec,
                                       const std::function<void(double)>& progress,
                                       const std::function<bool()>& cancelled) {
  std::error_code ec;
  auto size = fs::file_size(spec.input, ec);
  if (ec) return crashed("upload file missing: " + spec.input.string());
  if (size == 0) return rejected("empty_file", "The file is empty.");

  // 1. Probe. A child that dies of a signal may be our limits or a bug: retry.
  ChildRun probe = run_child({ffprobe_, "-v", "error", "-print_format", "json", "-show_format",
                              "-show_streams", spec.input.string()},
                             limits_, nullptr, cancelled);
  if (!probe.started) return crashed("cannot start ffprobe");
  if (probe.signal != 0 || probe.cancelled)
    return crashed(fmt::format("ffprobe ended by signal {}", probe.signal));
  // FFmpeg refuses absurd picture sizes before we see them; say so plainly.
  if (auto at = probe.err_tail.find("Picture size "); at != std::string::npos) {
    std::string size = probe.err_tail.substr(at + 13, probe.err_tail.find(' ', at + 13) - at - 13);
    return rejected("too_large_dimensions",
                    "The picture is " + size + "; riff takes up to 4096x4096.");
  }
  if (probe.exit_code != 0) {
    return rejected("not_a_video",
                    "This file is not a video riff can read (" + last_line(probe.err_tail) + ").");
  }
  Probe p = parse_probe(probe.out);
  if (!p.has_video) {
    if (p.has_audio) return rejected("no_video_stream", "This file has sound but no picture.");
    return rejected("not_a_video", "This file is not a video.");
  }
  if (p.width <= 0 || p.height <= 0)
    return rejected("undecodable", "The video's picture size cannot be read.");
  if (p.width > 8192 || p.height > 8192 ||
      static_cast<std::int64_t>(p.width) * p.height > 4096LL * 4096) {
    return rejected(
        "too_large_dimensions",
        fmt::format("The picture is {}x{}; riff takes up to 4096x4096.", p.width, p.height));
  }
  if (p.duration_s * 1000 > static_cast<double>(spec.max_duration_ms)) {
    return rejected("too_long", fmt::format("The video is {:.0f} s long; the limit is {} s.",
                                            p.duration_s, spec.max_duration_ms / 1000));
  }
  progress(0.05);

  // 2. Compose the progressive MP4 (720 on the short side at most).
  const bool duet = spec.duet_with.has_value();
  const bool with_sound = spec.sound_audio.has_value() && spec.sound_mode != SoundMode::kOriginal;
  std::vector<std::string> a = {ffmpeg_, "-nostdin", "-hide_banner", "-v",
                                "error", "-y",       "-i",           spec.input.string()};
  int next_input = 1, sound_input = -1, duet_input = -1;
  if (with_sound) {
    a.insert(a.end(), {"-ss", fmt::format("{:.3f}", spec.sound_offset_ms / 1000.0), "-i",
                       spec.sound_audio->string()});
    sound_input = next_input++;
  }
  if (duet) {
    a.insert(a.end(), {"-i", spec.duet_with->string()});
    duet_input = next_input++;
  }
  int out_w, out_h;
  std::string filter;
  if (duet) {
    filter = fmt::format(
        "[0:v]scale=-2:960,setsar=1[l];[{}:v]scale=-2:960,setsar=1[r];"
        "[l][r]hstack=inputs=2:shortest=1,scale=trunc(iw/2)*2:trunc(ih/2)*2,format=yuv420p[v]",
        duet_input);
    double lw = 960.0 * p.width / p.height;
    out_w = even(lw) + 540;  // approximate; the real size is read back below
    out_h = 960;
  } else {
    auto [w, h] = fit(p.width, p.height, 720);
    out_w = w;
    out_h = h;
    filter = fmt::format("[0:v]scale={}:{},setsar=1,format=yuv420p[v]", w, h);
  }
  std::string audio_map;
  bool has_audio = false;
  if (with_sound && spec.sound_mode == SoundMode::kMix && p.has_audio) {
    filter += fmt::format(";[0:a][{}:a]amix=inputs=2:duration=first:normalize=0[a]", sound_input);
    audio_map = "[a]";
  } else if (with_sound) {
    audio_map = fmt::format("{}:a:0", sound_input);
  } else if (duet && p.has_audio) {
    filter += fmt::format(";[0:a][{}:a]amix=inputs=2:duration=first:normalize=0[a]", duet_input);
    audio_map = "[a]";
  } else if (p.has_audio) {
    audio_map = "0:a:0";
  }
  has_audio = !audio_map.empty();
  const double dur_s = p.duration_s > 0 ? p.duration_s : spec.max_duration_ms / 1000.0;
  a.insert(a.end(), {"-filter_complex", filter, "-map", "[v]"});
  if (has_audio)
    a.insert(a.end(),
             {"-map", audio_map, "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-ar", "44100"});
  // Fixed 2 s GOPs so that the top HLS rendition can reuse these frames as they are.
  a.insert(a.end(), {"-c:v",
                     "libx264",
                     "-preset",
                     "veryfast",
                     "-crf",
                     "23",
                     "-maxrate",
                     "3000k",
                     "-bufsize",
                     "6000k",
                     "-pix_fmt",
                     "yuv420p",
                     "-g",
                     "60",
                     "-keyint_min",
                     "60",
                     "-sc_threshold",
                     "0",
                     "-t",
                     fmt::format("{:.3f}", std::min(dur_s, spec.max_duration_ms / 1000.0)),
                     "-movflags",
                     "+faststart",
                     "-progress",
                     "pipe:1",
                     "-nostats",
                     (spec.out_dir / "video.mp4").string()});
  auto on_progress = [&](double lo, double hi) {
    return [&, lo, hi](std::string_view line) {
      if (line.rfind("out_time_us=", 0) != 0 && line.rfind("out_time_ms=", 0) != 0) return;
      double us = std::atof(std::string(line.substr(line.find('=') + 1)).c_str());
      if (us > 0 && dur_s > 0) progress(lo + (hi - lo) * std::min(1.0, us / 1e6 / dur_s));
    };
  };
  ChildRun compose = run_child(a, limits_, on_progress(0.05, 0.5), cancelled);
  if (compose.signal != 0 || compose.cancelled || compose.timed_out || !compose.started) {
    return crashed(fmt::format("ffmpeg ended by signal {}{}", compose.signal,
                               compose.timed_out ? " (time limit)" : ""));
  }
  if (compose.exit_code != 0) {
    return rejected("undecodable",
                    "riff could not decode this video (" + last_line(compose.err_tail) + ").");
  }
  // The composed file's real size and duration.
  ChildRun check = run_child({ffprobe_, "-v", "error", "-print_format", "json", "-show_format",
                              "-show_streams", (spec.out_dir / "video.mp4").string()},
                             limits_, nullptr, cancelled);
  Probe out = parse_probe(check.out);
  if (check.exit_code != 0 || !out.has_video || out.duration_s <= 0) {
    return rejected("undecodable", "riff could not decode any picture from this video.");
  }
  out_w = out.width;
  out_h = out.height;

  // 3. The HLS ladder (fMP4 segments): the composed video as it is (no second
  // encode) and a re-encode at 480 on the short side.
  auto [w2, h2] = fit(out_w, out_h, 480);
  std::vector<std::string> h = {ffmpeg_,
                                "-nostdin",
                                "-hide_banner",
                                "-v",
                                "error",
                                "-y",
                                "-i",
                                (spec.out_dir / "video.mp4").string(),
                                "-filter_complex",
                                fmt::format("[0:v]scale={}:{},setsar=1[v1]", w2, h2),
                                "-map",
                                "0:v:0"};
  if (has_audio) h.insert(h.end(), {"-map", "0:a:0"});
  h.insert(h.end(), {"-map", "[v1]"});
  if (has_audio) h.insert(h.end(), {"-map", "0:a:0"});
  h.insert(h.end(), {"-c:v:0",        "copy",    "-c:v:1", "libx264", "-preset",      "veryfast",
                     "-pix_fmt",      "yuv420p", "-g",     "60",      "-keyint_min",  "60",
                     "-sc_threshold", "0",       "-b:v:1", "1000k",   "-maxrate:v:1", "1100k",
                     "-bufsize:v:1",  "2000k"});
  if (has_audio) h.insert(h.end(), {"-c:a", "copy"});
  h.insert(h.end(), {"-f",
                     "hls",
                     "-hls_time",
                     "2",
                     "-hls_playlist_type",
                     "vod",
                     "-hls_segment_type",
                     "fmp4",
                     "-hls_segment_filename",
                     (spec.out_dir / "v%v/seg%03d.m4s").string(),
                     "-hls_fmp4_init_filename",
                     "init.mp4",
                     "-master_pl_name",
                     "master.m3u8",
                     "-var_stream_map",
                     has_audio ? "v:0,a:0,name:720 v:1,a:1,name:480" : "v:0,name:720 v:1,name:480",
                     "-progress",
                     "pipe:1",
                     "-nostats",
                     (spec.out_dir / "v%v/index.m3u8").string()});
  ChildRun hls = run_child(h, limits_, on_progress(0.5, 0.9), cancelled);
  if (hls.signal != 0 || hls.cancelled || hls.timed_out || !hls.started) {
    return crashed(fmt::format("ffmpeg (hls) ended by signal {}", hls.signal));
  }
  if (hls.exit_code != 0) return crashed("ffmpeg (hls) failed: " + last_line(hls.err_tail));

  // FFmpeg leaves CODECS out for a copied stream; players (Safari) want it.
  // Ours is always libx264 High profile.
  add_missing_codecs(spec.out_dir / "master.m3u8",
                     fmt::format("avc1.6400{:02x}{}", std::clamp(out.level, 10, 62),
                                 has_audio ? ",mp4a.40.2" : ""));

  // 4. Poster, preview and the sound.
  const double at = std::min(1.0, out.duration_s / 2);
  ChildRun poster =
      run_child({ffmpeg_, "-nostdin", "-v", "error", "-y", "-ss", fmt::format("{:.2f}", at), "-i",
                 (spec.out_dir / "video.mp4").string(), "-frames:v", "1", "-q:v", "3",
                 (spec.out_dir / "poster.jpg").string()},
                limits_, nullptr, cancelled);
  auto [pw, ph] = fit(out_w, out_h, 180);
  ChildRun preview = run_child(
      {ffmpeg_, "-nostdin", "-v", "error", "-y", "-ss", fmt::format("{:.2f}", at), "-i",
       (spec.out_dir / "video.mp4").string(), "-frames:v", "1", "-vf",
       fmt::format("scale={}:{}", pw, ph), "-q:v", "5", (spec.out_dir / "preview.jpg").string()},
      limits_, nullptr, cancelled);
  if (poster.exit_code != 0 || preview.exit_code != 0) return crashed("ffmpeg (poster) failed");
  if (has_audio) {
    ChildRun sound = run_child(
        {ffmpeg_, "-nostdin", "-v", "error", "-y", "-i", (spec.out_dir / "video.mp4").string(),
         "-vn", "-c:a", "copy", "-movflags", "+faststart", (spec.out_dir / "sound.m4a").string()},
        limits_, nullptr, cancelled);
    if (sound.exit_code != 0) return crashed("ffmpeg (sound) failed");
  }
  progress(0.95);
  MediaJobResult r;
  r.width = out_w;
  r.height = out_h;
  r.duration_ms = static_cast<std::int64_t>(out.duration_s * 1000);
  r.has_audio = has_audio;
  return r;
}

}  // namespace riff::video
