#include "riff/media/transcode.hpp"

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/channel_layout.h>
#include <libavutil/display.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
}

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "riff/media/libav.hpp"

namespace riff::media {
namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------------------
// Settings. The ladder matches the reference command in bench/ (libx264
// veryfast, CRF 23, 2 s closed GOPs without scene cuts, AAC 128k), so the
// benchmark compares like with like.

constexpr int kTopShortSide = 720;
constexpr int kLowShortSide = 480;
constexpr int kPreviewShortSide = 180;
constexpr int kDuetHeight = 960;
constexpr double kSegmentSeconds = 2.0;
constexpr int kMaxSide = 8192;
constexpr std::int64_t kMaxPixels = 4096LL * 4096;
constexpr int kAudioRate = 44100;
constexpr std::int64_t kAudioBitRate = 128'000;

/// Ends a job early with its verdict; caught once, in transcode().
struct JobEnded {
  JobResult result;
};

[[noreturn]] void reject(std::string reason, std::string message) {
  throw JobEnded{rejected(std::move(reason), std::move(message))};
}
[[noreturn]] void fail(std::string message) { throw JobEnded{crashed(std::move(message))}; }

void check(int err, std::string_view what) {
  if (err < 0) fail(fmt::format("{}: {}", what, av::error_text(err)));
}

// FFmpeg's own complaints, kept so a rejection can say what it saw. This runs
// alone in its process (riffd media-job), so a process-wide buffer is fine.
std::string g_log_tail;

void log_to_tail(void* avcl, int level, const char* format, va_list vl) {
  if (level > AV_LOG_WARNING) return;
  char line[1024];
  int print_prefix = 1;
  av_log_format_line2(avcl, level, format, vl, line, sizeof line, &print_prefix);
  std::fputs(line, stderr);
  g_log_tail += line;
  if (g_log_tail.size() > 8192) g_log_tail.erase(0, g_log_tail.size() - 4096);
}

using av::CodecPtr;
using av::FramePtr;
using av::GraphPtr;
using av::InOutPtr;
using av::InputPtr;
using av::OutputPtr;
using av::PacketPtr;
using av::SwsPtr;

FramePtr new_frame() {
  FramePtr f(av_frame_alloc());
  if (!f) fail("out of memory");
  return f;
}
PacketPtr new_packet() {
  PacketPtr p(av_packet_alloc());
  if (!p) fail("out of memory");
  return p;
}

// ---------------------------------------------------------------------------
// Geometry.

int even(double x) { return std::max(2, static_cast<int>(std::lround(x / 2)) * 2); }

/// (w, h) scaled so the short side is at most `short_max`, aspect kept, even.
std::pair<int, int> fit(int w, int h, int short_max) {
  const int s = std::min(w, h);
  if (s <= short_max) return {even(w), even(h)};
  const double k = static_cast<double>(short_max) / s;
  return {even(w * k), even(h * k)};
}

/// Degrees clockwise the picture must turn to stand upright (0, 90, 180, 270).
int rotation_of(const AVStream* st) {
  const auto* m = reinterpret_cast<const int32_t*>(
      av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, nullptr));
  if (!m) return 0;
  double theta = -std::round(av_display_rotation_get(m));
  theta -= 360 * std::floor(theta / 360 + 0.9 / 360);
  const int r = static_cast<int>(std::lround(theta / 90) * 90) % 360;
  return r < 0 ? r + 360 : r;
}

std::string rotate_filters(int rotation) {
  switch (rotation) {
    case 90: return "transpose=clock,";
    case 180: return "hflip,vflip,";
    case 270: return "transpose=cclock,";
    default: return "";
  }
}

// ---------------------------------------------------------------------------
// Inputs.

/// One file being read: its demuxer, the decoders of the streams we use and
/// the filter-graph sources they feed.
struct Source {
  std::string label;  // "clip", "sound", "duet": for messages
  InputPtr format;
  int video = -1, audio = -1;  // stream indexes in use, or -1
  CodecPtr vdec, adec;
  AVFilterContext* vsrc = nullptr;
  AVFilterContext* asrc = nullptr;
  bool vsrc_done = false, asrc_done = false;
  double skip_s = 0;   // where reading starts (a sound's offset)
  double clock_s = 0;  // how far reading got, to interleave the sources
  bool eof = false;
  std::int64_t video_frames = 0;
};

InputPtr open_input(const fs::path& path, bool untrusted, const std::string& label) {
  AVFormatContext* raw = nullptr;
  int err = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (err < 0) {
    if (untrusted) {
      reject("not_a_video",
             fmt::format("This file is not a video riff can read ({}).", av::error_text(err)));
    }
    fail(fmt::format("cannot open the {} {}: {}", label, path.string(), av::error_text(err)));
  }
  InputPtr in(raw);
  err = avformat_find_stream_info(raw, nullptr);
  if (err < 0) {
    if (untrusted) {
      reject("not_a_video",
             fmt::format("This file is not a video riff can read ({}).", av::error_text(err)));
    }
    fail(fmt::format("cannot read the {}: {}", label, av::error_text(err)));
  }
  return in;
}

int first_video_stream(const AVFormatContext* f) {
  for (unsigned i = 0; i < f->nb_streams; ++i) {
    const AVStream* st = f->streams[i];
    // Cover art in an audio file is an attached picture, not a video.
    if (st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
        !(st->disposition & AV_DISPOSITION_ATTACHED_PIC))
      return static_cast<int>(i);
  }
  return -1;
}

int first_audio_stream(const AVFormatContext* f) {
  for (unsigned i = 0; i < f->nb_streams; ++i) {
    if (f->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO) return static_cast<int>(i);
  }
  return -1;
}

/// Opens a decoder, or null when it cannot (the caller decides what that means).
CodecPtr open_decoder(const AVStream* st) {
  const AVCodec* codec = avcodec_find_decoder(st->codecpar->codec_id);
  if (!codec) return nullptr;
  CodecPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) fail("out of memory");
  if (avcodec_parameters_to_context(ctx.get(), st->codecpar) < 0) return nullptr;
  ctx->pkt_timebase = st->time_base;
  ctx->thread_count = 0;  // one per core
  if (avcodec_open2(ctx.get(), codec, nullptr) < 0) return nullptr;
  return ctx;
}

double seconds(std::int64_t ts, AVRational tb) {
  return ts == AV_NOPTS_VALUE ? 0.0 : static_cast<double>(ts) * av_q2d(tb);
}

double duration_of(const AVFormatContext* f, int video) {
  if (f->duration != AV_NOPTS_VALUE && f->duration > 0)
    return static_cast<double>(f->duration) / AV_TIME_BASE;
  if (video >= 0) {
    const AVStream* st = f->streams[video];
    if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
      return seconds(st->duration, st->time_base);
  }
  return -1;
}

AVRational frame_rate_of(const AVFormatContext* f, int video) {
  const AVStream* st = f->streams[video];
  for (AVRational r : {st->avg_frame_rate, st->r_frame_rate}) {
    if (r.num > 0 && r.den > 0 && av_q2d(r) >= 1 && av_q2d(r) <= 240) {
      // More than 60 frames a second is wasted on a phone screen.
      if (av_q2d(r) > 60) return {60, 1};
      return r;
    }
  }
  return {30, 1};
}

// ---------------------------------------------------------------------------
// Outputs.

/// An encoder and where its packets go.
struct Encoder {
  CodecPtr ctx;
  AVFilterContext* sink = nullptr;
  bool sink_done = false;
  struct Route {
    AVFormatContext* mux;
    int stream;
  };
  std::vector<Route> routes;
  std::int64_t frames = 0;
  std::int64_t first_pts = 0, last_pts = 0;
};

CodecPtr open_h264(int w, int h, AVRational fps) {
  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  if (!codec) fail("this FFmpeg has no libx264 encoder");
  CodecPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) fail("out of memory");
  const int gop = std::max(1, static_cast<int>(std::lround(kSegmentSeconds * av_q2d(fps))));
  ctx->width = w;
  ctx->height = h;
  ctx->pix_fmt = AV_PIX_FMT_YUV420P;
  ctx->sample_aspect_ratio = {1, 1};
  ctx->time_base = av_inv_q(fps);
  ctx->framerate = fps;
  ctx->gop_size = gop;
  ctx->keyint_min = gop;
  ctx->thread_count = 0;
  ctx->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;  // fMP4 and MP4 want avcC up front
  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "preset", "veryfast", 0);
  av_dict_set(&opts, "crf", "23", 0);
  av_dict_set(&opts, "sc_threshold", "0", 0);  // keyframes exactly every segment
  const int err = avcodec_open2(ctx.get(), codec, &opts);
  av_dict_free(&opts);
  check(err, "open libx264");
  return ctx;
}

CodecPtr open_aac() {
  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_AAC);
  if (!codec) fail("this FFmpeg has no AAC encoder");
  CodecPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) fail("out of memory");
  ctx->sample_fmt = AV_SAMPLE_FMT_FLTP;
  ctx->sample_rate = kAudioRate;
  const AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;
  av_channel_layout_copy(&ctx->ch_layout, &stereo);
  ctx->bit_rate = kAudioBitRate;
  ctx->time_base = {1, kAudioRate};
  ctx->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  check(avcodec_open2(ctx.get(), codec, nullptr), "open the AAC encoder");
  return ctx;
}

/// An output file (or, for HLS, a playlist and its segments).
OutputPtr open_output(const char* format, const fs::path& path,
                      const std::vector<const AVCodecContext*>& streams,
                      std::vector<std::pair<const char*, std::string>> options) {
  AVFormatContext* raw = nullptr;
  check(avformat_alloc_output_context2(&raw, nullptr, format, path.c_str()),
        fmt::format("create {} output", format));
  OutputPtr out(raw);
  for (const AVCodecContext* enc : streams) {
    AVStream* st = avformat_new_stream(raw, nullptr);
    if (!st) fail("out of memory");
    check(avcodec_parameters_from_context(st->codecpar, enc), "stream parameters");
    st->time_base = enc->time_base;
  }
  if (!(raw->oformat->flags & AVFMT_NOFILE))
    check(avio_open(&raw->pb, path.c_str(), AVIO_FLAG_WRITE), "open " + path.string());
  AVDictionary* opts = nullptr;
  for (const auto& [k, v] : options) av_dict_set(&opts, k, v.c_str(), 0);
  const int err = avformat_write_header(raw, &opts);
  av_dict_free(&opts);
  check(err, fmt::format("start {} output {}", format, path.string()));
  return out;
}

void write_packet(const Encoder::Route& r, const AVPacket* pkt, AVRational enc_tb) {
  PacketPtr copy(av_packet_clone(pkt));
  if (!copy) fail("out of memory");
  copy->stream_index = r.stream;
  av_packet_rescale_ts(copy.get(), enc_tb, r.mux->streams[r.stream]->time_base);
  check(av_interleaved_write_frame(r.mux, copy.get()), "write a packet");
}

/// Sends `frame` (null: flush) to the encoder and routes what comes out.
void encode(Encoder& e, AVFrame* frame, AVPacket* pkt) {
  check(avcodec_send_frame(e.ctx.get(), frame), "encode");
  while (true) {
    const int err = avcodec_receive_packet(e.ctx.get(), pkt);
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return;
    check(err, "encode");
    // The encoder's time base is one frame, so a video packet lasts 1.
    if (pkt->duration <= 0 && e.ctx->codec_type == AVMEDIA_TYPE_VIDEO) pkt->duration = 1;
    for (const auto& r : e.routes) write_packet(r, pkt, e.ctx->time_base);
    av_packet_unref(pkt);
  }
}

/// A still of `frame` as a JPEG of (w, h); q is MJPEG's scale (2 best .. 31).
void write_jpeg(const AVFrame* frame, int w, int h, int q, const fs::path& path) {
  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
  if (!codec) fail("this FFmpeg has no MJPEG encoder");
  CodecPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) fail("out of memory");
  ctx->width = w;
  ctx->height = h;
  ctx->pix_fmt = AV_PIX_FMT_YUV420P;
  ctx->color_range = AVCOL_RANGE_JPEG;  // JPEG is full range
  ctx->time_base = {1, 25};
  ctx->flags |= AV_CODEC_FLAG_QSCALE;
  ctx->global_quality = FF_QP2LAMBDA * q;
  check(avcodec_open2(ctx.get(), codec, nullptr), "open the MJPEG encoder");

  SwsPtr sws(sws_getContext(frame->width, frame->height, static_cast<AVPixelFormat>(frame->format),
                            w, h, AV_PIX_FMT_YUV420P, SWS_BICUBIC, nullptr, nullptr, nullptr));
  if (!sws) fail("cannot scale the poster");
  const int* coefficients = sws_getCoefficients(SWS_CS_ITU601);
  const bool src_full = frame->color_range == AVCOL_RANGE_JPEG;
  sws_setColorspaceDetails(sws.get(), coefficients, src_full, coefficients, 1, 0, 1 << 16, 1 << 16);
  FramePtr still = new_frame();
  still->format = AV_PIX_FMT_YUV420P;
  still->color_range = AVCOL_RANGE_JPEG;
  still->width = w;
  still->height = h;
  check(av_frame_get_buffer(still.get(), 0), "poster buffer");
  sws_scale(sws.get(), frame->data, frame->linesize, 0, frame->height, still->data,
            still->linesize);
  still->pts = 0;
  still->quality = ctx->global_quality;
  check(avcodec_send_frame(ctx.get(), still.get()), "encode the poster");
  check(avcodec_send_frame(ctx.get(), nullptr), "encode the poster");
  PacketPtr pkt = new_packet();
  check(avcodec_receive_packet(ctx.get(), pkt.get()), "encode the poster");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(pkt->data), pkt->size);
  if (!out) fail("cannot write " + path.string());
}

/// "avc1.PPCCLL" from the encoder's SPS (avcC or Annex B extradata).
std::string avc1_codec(const AVCodecContext* enc) {
  const uint8_t* d = enc->extradata;
  const int n = enc->extradata_size;
  if (d && n >= 4 && d[0] == 1) return fmt::format("avc1.{:02x}{:02x}{:02x}", d[1], d[2], d[3]);
  for (int i = 0; d && i + 6 < n; ++i) {
    if (d[i] == 0 && d[i + 1] == 0 && d[i + 2] == 1 && (d[i + 3] & 0x1f) == 7)
      return fmt::format("avc1.{:02x}{:02x}{:02x}", d[i + 4], d[i + 5], d[i + 6]);
  }
  return "avc1.64001f";
}

/// Peak and average bits per second of a rendition, from its playlist and
/// the sizes of its segments (what a player really fetches).
std::pair<std::int64_t, std::int64_t> bandwidth_of(const fs::path& playlist) {
  std::ifstream in(playlist);
  std::string line;
  double dur = 0, total_s = 0;
  std::int64_t total_bytes = 0, peak = 0;
  const fs::path dir = playlist.parent_path();
  while (std::getline(in, line)) {
    if (line.rfind("#EXTINF:", 0) == 0) {
      dur = std::atof(line.c_str() + 8);
    } else if (!line.empty() && line[0] != '#') {
      std::error_code ec;
      const auto size = static_cast<std::int64_t>(fs::file_size(dir / line, ec));
      if (ec || dur <= 0) continue;
      peak = std::max(peak, static_cast<std::int64_t>(static_cast<double>(size) * 8 / dur));
      total_bytes += size;
      total_s += dur;
    }
  }
  const auto avg =
      total_s > 0 ? static_cast<std::int64_t>(static_cast<double>(total_bytes) * 8 / total_s) : 0;
  return {std::max<std::int64_t>(peak, 1), std::max<std::int64_t>(avg, 1)};
}

// ---------------------------------------------------------------------------
// The job.

class Transcoder {
 public:
  Transcoder(const JobSpec& spec, const std::function<void(double)>& progress)
      : spec_(spec), progress_(progress) {}

  JobResult run() {
    probe();
    open_other_sources();
    build_graph();
    open_outputs();
    pump();
    return finish();
  }

 private:
  /// Reads the upload's headers and turns away what riff will not take.
  void probe() {
    std::error_code ec;
    const auto size = fs::file_size(spec_.input, ec);
    if (ec) fail("upload file missing: " + spec_.input.string());
    if (size == 0) reject("empty_file", "The file is empty.");

    clip_.label = "clip";
    clip_.format = open_input(spec_.input, true, clip_.label);
    // FFmpeg refuses absurd picture sizes before we see them; say so plainly.
    if (auto at = g_log_tail.find("Picture size "); at != std::string::npos) {
      const std::string dims = g_log_tail.substr(at + 13, g_log_tail.find(' ', at + 13) - at - 13);
      reject("too_large_dimensions", "The picture is " + dims + "; riff takes up to 4096x4096.");
    }
    const AVFormatContext* f = clip_.format.get();
    clip_.video = first_video_stream(f);
    const int audio = first_audio_stream(f);
    if (clip_.video < 0) {
      if (audio >= 0) reject("no_video_stream", "This file has sound but no picture.");
      reject("not_a_video", "This file is not a video.");
    }
    const AVStream* vst = f->streams[clip_.video];
    int w = vst->codecpar->width, h = vst->codecpar->height;
    if (w > kMaxSide || h > kMaxSide || static_cast<std::int64_t>(w) * h > kMaxPixels) {
      reject("too_large_dimensions",
             fmt::format("The picture is {}x{}; riff takes up to 4096x4096.", w, h));
    }
    if (w <= 0 || h <= 0) reject("undecodable", "The video's picture size cannot be read.");
    rotation_ = rotation_of(vst);
    if (rotation_ % 180 == 90) std::swap(w, h);
    width_ = w;
    height_ = h;
    const double claimed = duration_of(f, clip_.video);
    if (claimed * 1000 > static_cast<double>(spec_.max_duration_ms)) {
      reject("too_long", fmt::format("The video is {:.0f} s long; the limit is {} s.", claimed,
                                     spec_.max_duration_ms / 1000));
    }
    duration_s_ = claimed > 0 ? claimed : spec_.max_duration_ms / 1000.0;
    fps_ = frame_rate_of(f, clip_.video);

    clip_.vdec = open_decoder(vst);
    if (!clip_.vdec || clip_.vdec->pix_fmt == AV_PIX_FMT_NONE) {
      reject("undecodable", fmt::format("riff cannot decode this video's {} picture.",
                                        avcodec_get_name(vst->codecpar->codec_id)));
    }
    if (audio >= 0 && uses_clip_audio()) {
      clip_.adec = open_decoder(f->streams[audio]);
      // A clip whose sound cannot be decoded still has a picture worth keeping.
      if (clip_.adec && clip_.adec->sample_fmt != AV_SAMPLE_FMT_NONE) clip_.audio = audio;
    }
    progress_(0.02);
  }

  bool uses_clip_audio() const {
    return !spec_.sound_audio || spec_.audio_mode != AudioMode::kReplace;
  }
  bool uses_sound() const { return spec_.sound_audio && spec_.audio_mode != AudioMode::kOriginal; }

  void open_other_sources() {
    if (uses_sound()) {
      sound_.label = "sound";
      sound_.format = open_input(*spec_.sound_audio, false, sound_.label);
      sound_.audio = first_audio_stream(sound_.format.get());
      if (sound_.audio < 0) fail("the sound file has no audio: " + spec_.sound_audio->string());
      sound_.adec = open_decoder(sound_.format->streams[sound_.audio]);
      if (!sound_.adec) fail("cannot decode the sound " + spec_.sound_audio->string());
      sound_.skip_s = static_cast<double>(spec_.sound_offset_ms) / 1000;
      if (spec_.sound_offset_ms > 0) {
        const auto ts = av_rescale_q(spec_.sound_offset_ms, {1, 1000}, AV_TIME_BASE_Q);
        // Lands at or before the offset; atrim cuts the rest exactly.
        avformat_seek_file(sound_.format.get(), -1, INT64_MIN, ts, ts, 0);
      }
    }
    if (spec_.duet_with) {
      duet_.label = "duet original";
      duet_.format = open_input(*spec_.duet_with, false, duet_.label);
      duet_.video = first_video_stream(duet_.format.get());
      if (duet_.video < 0) fail("the duet original has no picture: " + spec_.duet_with->string());
      duet_.vdec = open_decoder(duet_.format->streams[duet_.video]);
      if (!duet_.vdec) fail("cannot decode the duet original");
      if (!uses_sound()) {
        const int a = first_audio_stream(duet_.format.get());
        if (a >= 0) {
          duet_.adec = open_decoder(duet_.format->streams[a]);
          if (duet_.adec) duet_.audio = a;
        }
      }
      const double d = duration_of(duet_.format.get(), duet_.video);
      if (d > 0) duration_s_ = std::min(duration_s_, d);
    }
  }

  AVFilterContext* add_video_source(Source& s, const char* name) {
    const AVStream* st = s.format->streams[s.video];
    const AVCodecContext* d = s.vdec.get();
    const AVRational sar = d->sample_aspect_ratio.num > 0 ? d->sample_aspect_ratio : AVRational{1, 1};
    const std::string args = fmt::format(
        "video_size={}x{}:pix_fmt={}:time_base={}/{}:pixel_aspect={}/{}", d->width, d->height,
        static_cast<int>(d->pix_fmt), st->time_base.num, st->time_base.den, sar.num, sar.den);
    AVFilterContext* ctx = nullptr;
    check(avfilter_graph_create_filter(&ctx, avfilter_get_by_name("buffer"), name, args.c_str(),
                                       nullptr, graph_.get()),
          "video source");
    return ctx;
  }

  AVFilterContext* add_audio_source(Source& s, const char* name) {
    const AVStream* st = s.format->streams[s.audio];
    const AVCodecContext* d = s.adec.get();
    AVChannelLayout layout;
    if (d->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || d->ch_layout.nb_channels == 0) {
      av_channel_layout_default(&layout, std::max(1, d->ch_layout.nb_channels));
    } else {
      av_channel_layout_copy(&layout, &d->ch_layout);
    }
    char layout_name[128] = {};
    av_channel_layout_describe(&layout, layout_name, sizeof layout_name);
    av_channel_layout_uninit(&layout);
    const std::string args =
        fmt::format("time_base={}/{}:sample_rate={}:sample_fmt={}:channel_layout={}",
                    st->time_base.num, st->time_base.den, d->sample_rate,
                    av_get_sample_fmt_name(d->sample_fmt), layout_name);
    AVFilterContext* ctx = nullptr;
    check(avfilter_graph_create_filter(&ctx, avfilter_get_by_name("abuffer"), name, args.c_str(),
                                       nullptr, graph_.get()),
          "audio source");
    return ctx;
  }

  AVFilterContext* add_sink(const char* filter, const char* name) {
    AVFilterContext* ctx = nullptr;
    check(avfilter_graph_create_filter(&ctx, avfilter_get_by_name(filter), name, nullptr, nullptr,
                                       graph_.get()),
          "filter sink");
    return ctx;
  }

  /// One filter graph for the whole job: video sources in, the two ladder
  /// pictures and the finished audio out.
  void build_graph() {
    graph_.reset(avfilter_graph_alloc());
    if (!graph_) fail("out of memory");
    const std::string fps = fmt::format("fps={}/{}", fps_.num, fps_.den);
    std::string desc;
    int top_w, top_h;
    if (duet_.video >= 0) {
      const AVCodecParameters* o = duet_.format->streams[duet_.video]->codecpar;
      const int left = even(static_cast<double>(kDuetHeight) * width_ / height_);
      const int right = even(static_cast<double>(kDuetHeight) * o->width / std::max(1, o->height));
      std::tie(top_w, top_h) = fit(left + right, kDuetHeight, kTopShortSide);
      desc = fmt::format(
          "[vclip]{},{}scale={}:{},setsar=1[l];[vduet]{},scale={}:{},setsar=1[r];"
          "[l][r]hstack=inputs=2:shortest=1,scale={}:{},setsar=1,format=yuv420p",
          fps, rotate_filters(rotation_), left, kDuetHeight, fps, right, kDuetHeight, top_w, top_h);
    } else {
      std::tie(top_w, top_h) = fit(width_, height_, kTopShortSide);
      desc = fmt::format("[vclip]{},{}scale={}:{},setsar=1,format=yuv420p", fps,
                         rotate_filters(rotation_), top_w, top_h);
    }
    const auto [low_w, low_h] = fit(top_w, top_h, kLowShortSide);
    desc += fmt::format(",split=2[v720][t];[t]scale={}:{},setsar=1[v480]", low_w, low_h);

    // The audio: the clip's own, a sound from its offset, or two mixed.
    const std::string fmt_tail = fmt::format(
        "atrim=duration={:.3f},aresample={},aformat=sample_fmts=fltp:sample_rates={}:"
        "channel_layouts=stereo[aout]",
        duration_s_, kAudioRate, kAudioRate);
    const std::string sound_chain = fmt::format(
        "[asound]atrim=start={:.3f},asetpts=PTS-STARTPTS,aresample={}", sound_.skip_s, kAudioRate);
    const bool clip_audio = clip_.audio >= 0;
    std::string audio;
    if (sound_.audio >= 0 && clip_audio && spec_.audio_mode == AudioMode::kMix) {
      audio = fmt::format("[aclip]aresample={}[m];{}[s];[m][s]amix=inputs=2:duration=first:"
                          "normalize=0,{}",
                          kAudioRate, sound_chain, fmt_tail);
    } else if (sound_.audio >= 0) {
      audio = sound_chain + "," + fmt_tail;
    } else if (clip_audio && duet_.audio >= 0) {
      audio = fmt::format(
          "[aclip]aresample={0}[m];[aduet]aresample={0}[d];[m][d]amix=inputs=2:duration=first:"
          "normalize=0,{1}",
          kAudioRate, fmt_tail);
    } else if (clip_audio) {
      audio = "[aclip]" + fmt_tail;
    } else if (duet_.audio >= 0) {
      audio = "[aduet]" + fmt_tail;
    }
    if (!audio.empty()) desc += ";" + audio;

    // Wire our sources and sinks to the labels above.
    std::vector<std::pair<std::string, AVFilterContext*>> outs, ins;
    clip_.vsrc = add_video_source(clip_, "vclip");
    outs.emplace_back("vclip", clip_.vsrc);
    if (duet_.video >= 0) {
      duet_.vsrc = add_video_source(duet_, "vduet");
      outs.emplace_back("vduet", duet_.vsrc);
    }
    const bool mixes_clip = sound_.audio < 0 || spec_.audio_mode == AudioMode::kMix;
    if (clip_audio && mixes_clip) {
      clip_.asrc = add_audio_source(clip_, "aclip");
      outs.emplace_back("aclip", clip_.asrc);
    } else {
      clip_.audio = -1;
    }
    if (sound_.audio >= 0) {
      sound_.asrc = add_audio_source(sound_, "asound");
      outs.emplace_back("asound", sound_.asrc);
    }
    if (duet_.audio >= 0 && sound_.audio < 0) {
      duet_.asrc = add_audio_source(duet_, "aduet");
      outs.emplace_back("aduet", duet_.asrc);
    }
    top_.sink = add_sink("buffersink", "v720");
    low_.sink = add_sink("buffersink", "v480");
    ins.emplace_back("v720", top_.sink);
    ins.emplace_back("v480", low_.sink);
    if (!audio.empty()) {
      audio_.sink = add_sink("abuffersink", "aout");
      ins.emplace_back("aout", audio_.sink);
    }
    auto chain = [](const std::vector<std::pair<std::string, AVFilterContext*>>& pads) {
      AVFilterInOut* head = nullptr;
      for (auto it = pads.rbegin(); it != pads.rend(); ++it) {
        AVFilterInOut* io = avfilter_inout_alloc();
        if (!io) fail("out of memory");
        io->name = av_strdup(it->first.c_str());
        io->filter_ctx = it->second;
        io->pad_idx = 0;
        io->next = head;
        head = io;
      }
      return head;
    };
    AVFilterInOut* outputs = chain(outs);
    AVFilterInOut* inputs = chain(ins);
    const int err = avfilter_graph_parse_ptr(graph_.get(), desc.c_str(), &inputs, &outputs, nullptr);
    InOutPtr free_inputs(inputs), free_outputs(outputs);
    check(err, "filter graph " + desc);
    check(avfilter_graph_config(graph_.get(), nullptr), "configure the filter graph");
  }

  void open_outputs() {
    const AVRational fps = av_buffersink_get_frame_rate(top_.sink);
    const AVRational rate = fps.num > 0 ? fps : fps_;
    top_.ctx = open_h264(av_buffersink_get_w(top_.sink), av_buffersink_get_h(top_.sink), rate);
    low_.ctx = open_h264(av_buffersink_get_w(low_.sink), av_buffersink_get_h(low_.sink), rate);
    if (audio_.sink) {
      audio_.ctx = open_aac();
      av_buffersink_set_frame_size(audio_.sink, static_cast<unsigned>(audio_.ctx->frame_size));
    }
    const fs::path& out = spec_.out_dir;
    auto hls = [&](const char* name, const Encoder& video) {
      std::error_code ec;
      fs::create_directories(out / name, ec);
      std::vector<const AVCodecContext*> streams{video.ctx.get()};
      if (audio_.ctx) streams.push_back(audio_.ctx.get());
      return open_output("hls", out / name / "index.m3u8", streams,
                         {{"hls_time", fmt::format("{}", kSegmentSeconds)},
                          {"hls_playlist_type", "vod"},
                          {"hls_segment_type", "fmp4"},
                          {"hls_fmp4_init_filename", "init.mp4"},
                          {"hls_segment_filename", (out / name / "seg%03d.m4s").string()}});
    };
    hls_top_ = hls("v720", top_);
    hls_low_ = hls("v480", low_);
    std::vector<const AVCodecContext*> mp4_streams{top_.ctx.get()};
    if (audio_.ctx) mp4_streams.push_back(audio_.ctx.get());
    mp4_ = open_output("mp4", out / "video.mp4", mp4_streams, {{"movflags", "+faststart"}});
    top_.routes = {{hls_top_.get(), 0}, {mp4_.get(), 0}};
    low_.routes = {{hls_low_.get(), 0}};
    if (audio_.ctx) {
      m4a_ = open_output("ipod", out / "sound.m4a", {audio_.ctx.get()}, {{"movflags", "+faststart"}});
      audio_.routes = {{hls_top_.get(), 1}, {hls_low_.get(), 1}, {mp4_.get(), 1}, {m4a_.get(), 0}};
    }
  }

  /// Reads all sources in step, decodes, filters and encodes until the end.
  void pump() {
    PacketPtr pkt = new_packet();
    std::vector<Source*> sources{&clip_};
    if (sound_.format) sources.push_back(&sound_);
    if (duet_.format) sources.push_back(&duet_);
    while (true) {
      Source* next = nullptr;
      for (Source* s : sources) {
        if (!s->eof && (!next || s->clock_s < next->clock_s)) next = s;
      }
      if (!next) break;
      read_one(*next, pkt.get());
      drain_sinks();
    }
    drain_sinks();
    if (clip_.video_frames == 0 || top_.frames == 0) {
      reject("undecodable", "riff could not decode any picture from this video.");
    }
    encode(top_, nullptr, pkt.get());
    encode(low_, nullptr, pkt.get());
    if (audio_.ctx) encode(audio_, nullptr, pkt.get());
  }

  void read_one(Source& s, AVPacket* pkt) {
    const int err = av_read_frame(s.format.get(), pkt);
    if (err == AVERROR(EAGAIN)) return;
    if (err < 0) {
      // The end, or a file cut short: keep what decoded, like a player would.
      if (err != AVERROR_EOF) {
        std::fprintf(stderr, "media-job: reading the %s stopped early: %s\n", s.label.c_str(),
                     av::error_text(err).c_str());
      }
      finish_source(s);
      return;
    }
    const AVStream* st = s.format->streams[pkt->stream_index];
    const std::int64_t ts = pkt->dts != AV_NOPTS_VALUE ? pkt->dts : pkt->pts;
    if (ts != AV_NOPTS_VALUE) {
      const double start = s.format->start_time != AV_NOPTS_VALUE
                               ? static_cast<double>(s.format->start_time) / AV_TIME_BASE
                               : 0.0;
      s.clock_s = std::max(s.clock_s, seconds(ts, st->time_base) - start - s.skip_s);
    }
    if (pkt->stream_index == s.video && s.vsrc) {
      decode(s, s.vdec.get(), pkt, s.vsrc, s.vsrc_done, true);
    } else if (pkt->stream_index == s.audio && s.asrc) {
      decode(s, s.adec.get(), pkt, s.asrc, s.asrc_done, false);
    }
    av_packet_unref(pkt);
    // A sound or duet original longer than the clip is not read to its end.
    if (&s != &clip_ && s.clock_s > duration_s_ + 1) finish_source(s);
  }

  /// Flushes a source's decoders into the graph and closes its inputs.
  void finish_source(Source& s) {
    s.eof = true;
    if (s.vdec && s.vsrc) decode(s, s.vdec.get(), nullptr, s.vsrc, s.vsrc_done, true);
    if (s.adec && s.asrc) decode(s, s.adec.get(), nullptr, s.asrc, s.asrc_done, false);
    close_source(s.vsrc, s.vsrc_done);
    close_source(s.asrc, s.asrc_done);
  }

  static void close_source(AVFilterContext* src, bool& done) {
    if (!src || done) return;
    done = true;
    check(av_buffersrc_add_frame(src, nullptr), "close a filter input");
  }

  void decode(Source& s, AVCodecContext* dec, const AVPacket* pkt, AVFilterContext* src,
              bool& src_done, bool is_video) {
    if (src_done) return;
    int err = avcodec_send_packet(dec, pkt);
    // A damaged packet costs a frame, not the video (as in any player).
    if (err < 0 && err != AVERROR(EAGAIN) && err != AVERROR_EOF) return;
    while (true) {
      err = avcodec_receive_frame(dec, frame_.get());
      if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return;
      if (err < 0) return;
      frame_->pts = frame_->best_effort_timestamp;
      if (is_video) ++s.video_frames;
      err = av_buffersrc_add_frame(src, frame_.get());
      av_frame_unref(frame_.get());
      if (err == AVERROR_EOF) {
        src_done = true;
        return;
      }
      if (err < 0) {
        reject("undecodable",
               fmt::format("riff could not process this video's {} ({}).",
                           is_video ? "picture" : "sound", av::error_text(err)));
      }
      // Pull as we push, so the graph never holds more than a few frames.
      drain_sinks();
    }
  }

  void drain_sinks() {
    drain(top_, true);
    drain(low_, false);
    if (audio_.sink) drain(audio_, false);
  }

  void drain(Encoder& e, bool is_top) {
    if (e.sink_done || !e.ctx) return;
    PacketPtr& pkt = packet_;
    while (true) {
      const int err = av_buffersink_get_frame(e.sink, out_frame_.get());
      if (err == AVERROR(EAGAIN)) return;
      if (err == AVERROR_EOF) {
        e.sink_done = true;
        return;
      }
      check(err, "filter");
      AVFrame* f = out_frame_.get();
      f->pict_type = AV_PICTURE_TYPE_NONE;  // let the encoder place keyframes
      f->pts = av_rescale_q(f->pts, av_buffersink_get_time_base(e.sink), e.ctx->time_base);
      if (is_top) on_top_frame(f);
      if (e.frames == 0) e.first_pts = f->pts;
      ++e.frames;
      e.last_pts = f->pts;
      encode(e, f, pkt.get());
      av_frame_unref(f);
    }
  }

  /// Watches the top rendition: the length limit, the poster, progress.
  void on_top_frame(const AVFrame* f) {
    const double t = seconds(f->pts, top_.ctx->time_base);
    if (t * 1000 > static_cast<double>(spec_.max_duration_ms) + 1000) {
      reject("too_long", fmt::format("The video is longer than the limit of {} s.",
                                     spec_.max_duration_ms / 1000));
    }
    if (!poster_done_) {
      if (t >= std::min(1.0, duration_s_ / 2)) {
        write_stills(f);
      } else {
        av_frame_unref(poster_candidate_.get());
        check(av_frame_ref(poster_candidate_.get(), f), "keep a frame");
      }
    }
    const double p = 0.02 + 0.93 * std::min(1.0, t / std::max(0.1, duration_s_));
    if (p >= last_progress_ + 0.01) {
      last_progress_ = p;
      progress_(p);
    }
  }

  void write_stills(const AVFrame* f) {
    write_jpeg(f, f->width, f->height, 3, spec_.out_dir / "poster.jpg");
    const auto [pw, ph] = fit(f->width, f->height, kPreviewShortSide);
    write_jpeg(f, pw, ph, 5, spec_.out_dir / "preview.jpg");
    poster_done_ = true;
    av_frame_unref(poster_candidate_.get());
  }

  JobResult finish() {
    // A clip shorter than the poster's moment gets its last frame.
    if (!poster_done_) {
      if (!poster_candidate_->buf[0]) reject("undecodable", "riff could not decode any picture.");
      write_stills(poster_candidate_.get());
    }
    for (AVFormatContext* mux : {hls_top_.get(), hls_low_.get(), mp4_.get(), m4a_.get()}) {
      if (mux) check(av_write_trailer(mux), "finish an output");
    }
    const bool has_audio = audio_.ctx && audio_.frames > 0;
    if (!has_audio) {
      std::error_code ec;
      fs::remove(spec_.out_dir / "sound.m4a", ec);
    }
    write_master(has_audio);
    progress_(0.98);

    JobResult r;
    r.width = top_.ctx->width;
    r.height = top_.ctx->height;
    r.duration_ms = static_cast<std::int64_t>(
        std::llround(seconds(top_.last_pts - top_.first_pts + 1, top_.ctx->time_base) * 1000));
    r.has_audio = has_audio;
    return r;
  }

  /// The master playlist, with bandwidths measured on the real segments
  /// (FFmpeg's own guess is the audio alone when the video is CRF).
  void write_master(bool has_audio) {
    std::ostringstream m;
    m << "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n";
    const std::string audio_codec = has_audio ? ",mp4a.40.2" : "";
    const double fps = av_q2d(top_.ctx->framerate);
    for (const auto& [name, enc] : {std::pair{"v720", &top_}, std::pair{"v480", &low_}}) {
      const auto [peak, avg] = bandwidth_of(spec_.out_dir / name / "index.m3u8");
      m << fmt::format(
          "#EXT-X-STREAM-INF:BANDWIDTH={},AVERAGE-BANDWIDTH={},RESOLUTION={}x{},FRAME-RATE={:.3f},"
          "CODECS=\"{}{}\"\n{}/index.m3u8\n",
          peak, avg, enc->ctx->width, enc->ctx->height, fps, avc1_codec(enc->ctx.get()),
          audio_codec, name);
    }
    std::ofstream out(spec_.out_dir / "master.m3u8", std::ios::trunc);
    out << m.str();
    if (!out) fail("cannot write master.m3u8");
  }

  const JobSpec& spec_;
  const std::function<void(double)>& progress_;
  Source clip_, sound_, duet_;
  int width_ = 0, height_ = 0, rotation_ = 0;
  double duration_s_ = 0;
  AVRational fps_{30, 1};
  GraphPtr graph_;
  Encoder top_, low_, audio_;
  OutputPtr hls_top_, hls_low_, mp4_, m4a_;
  FramePtr frame_ = new_frame();
  FramePtr out_frame_ = new_frame();
  FramePtr poster_candidate_ = new_frame();
  PacketPtr packet_ = new_packet();
  bool poster_done_ = false;
  double last_progress_ = 0;
};

}  // namespace

JobResult transcode(const JobSpec& spec, const std::function<void(double)>& progress) {
  av_log_set_level(AV_LOG_WARNING);
  av_log_set_callback(log_to_tail);
  g_log_tail.clear();
  try {
    Transcoder t(spec, progress);
    return t.run();
  } catch (const JobEnded& e) {
    return e.result;
  } catch (const std::bad_alloc&) {
    return crashed("out of memory");
  }
}

}  // namespace riff::media
