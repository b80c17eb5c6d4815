// run_probe(): the FFmpeg and libebur128 side of the ingest child. One
// decoding pass resamples the source to 44.1 kHz stereo float, feeds the
// loudness meter and, unless told not to, three AAC encoders (one per tier)
// each muxed into its own faststart MP4.

#include <ebur128.h>

extern "C" {
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <memory>

#include "riff/media/libav.hpp"
#include "riff/music/clip_cut.hpp"
#include "riff/music/model.hpp"
#include "riff/music/probe_job.hpp"

namespace riff::music {
namespace fs = std::filesystem;

namespace {

constexpr int kRate = 44100;
constexpr int kChannels = 2;

/// Ends the job early with its verdict; caught once, in run_probe().
struct Ended {
  ProbeResult result;
};

[[noreturn]] void reject(std::string reason, std::string message) {
  ProbeResult r;
  r.kind = ProbeResult::Kind::kRejected;
  r.reason = std::move(reason);
  r.message = std::move(message);
  throw Ended{std::move(r)};
}
[[noreturn]] void fail(std::string message) {
  ProbeResult r;
  r.kind = ProbeResult::Kind::kCrashed;
  r.message = std::move(message);
  throw Ended{std::move(r)};
}

std::string av_error(int err) {
  return media::av::error_text(err);
}
void check(int err, std::string_view what) {
  if (err < 0) fail(fmt::format("{}: {}", what, av_error(err)));
}

struct FifoFree {
  void operator()(AVAudioFifo* f) const { av_audio_fifo_free(f); }
};
struct MeterFree {
  void operator()(ebur128_state* s) const { ebur128_destroy(&s); }
};
using media::av::CodecPtr;
using media::av::FramePtr;
using media::av::InputPtr;
using media::av::OutputPtr;
using media::av::PacketPtr;
using media::av::SwrPtr;
using FifoPtr = std::unique_ptr<AVAudioFifo, FifoFree>;
using MeterPtr = std::unique_ptr<ebur128_state, MeterFree>;

/// One tier: an AAC encoder and the MP4 it writes.
struct TierOut {
  int kbps = 0;
  fs::path path;
  CodecPtr enc;
  OutputPtr mux;
  AVStream* stream = nullptr;
  OutputPtr hls;  // the same packets as HLS (fMP4 segments) in hls<kbps>/
  AVStream* hls_stream = nullptr;
  std::int64_t packets = 0;  // AAC frames written
};

TierOut open_tier(const fs::path& dir, int kbps) {
  TierOut t;
  t.kbps = kbps;
  t.path = dir / fmt::format("a{}.m4a", kbps);
  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_AAC);
  if (!codec) fail("no AAC encoder in this FFmpeg");
  t.enc.reset(avcodec_alloc_context3(codec));
  if (!t.enc) fail("out of memory");
  t.enc->sample_rate = kRate;
  t.enc->sample_fmt = AV_SAMPLE_FMT_FLTP;
  av_channel_layout_default(&t.enc->ch_layout, kChannels);
  t.enc->bit_rate = std::int64_t{kbps} * 1000;
  t.enc->time_base = {1, kRate};
  AVFormatContext* raw = nullptr;
  check(avformat_alloc_output_context2(&raw, nullptr, "mp4", t.path.c_str()), "mp4 muxer");
  t.mux.reset(raw);
  if (t.mux->oformat->flags & AVFMT_GLOBALHEADER) t.enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  check(avcodec_open2(t.enc.get(), codec, nullptr), "open AAC encoder");
  t.stream = avformat_new_stream(t.mux.get(), nullptr);
  if (!t.stream) fail("out of memory");
  check(avcodec_parameters_from_context(t.stream->codecpar, t.enc.get()), "stream parameters");
  t.stream->time_base = t.enc->time_base;
  check(avio_open(&t.mux->pb, t.path.c_str(), AVIO_FLAG_WRITE), "create " + t.path.string());
  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "movflags", "+faststart", 0);
  const int err = avformat_write_header(t.mux.get(), &opts);
  av_dict_free(&opts);
  check(err, "write MP4 header");

  // HLS: 6 s CMAF segments with an init segment, a VOD playlist per tier.
  const fs::path hls_dir = dir / fmt::format("hls{}", kbps);
  fs::create_directories(hls_dir);
  raw = nullptr;
  const std::string playlist = (hls_dir / "index.m3u8").string();
  check(avformat_alloc_output_context2(&raw, nullptr, "hls", playlist.c_str()), "hls muxer");
  t.hls.reset(raw);
  t.hls_stream = avformat_new_stream(t.hls.get(), nullptr);
  if (!t.hls_stream) fail("out of memory");
  check(avcodec_parameters_from_context(t.hls_stream->codecpar, t.enc.get()), "stream parameters");
  t.hls_stream->time_base = t.enc->time_base;
  AVDictionary* hls_opts = nullptr;
  av_dict_set(&hls_opts, "hls_time", "6", 0);
  av_dict_set(&hls_opts, "hls_playlist_type", "vod", 0);
  av_dict_set(&hls_opts, "hls_segment_type", "fmp4", 0);
  av_dict_set(&hls_opts, "hls_fmp4_init_filename", "init.mp4", 0);
  av_dict_set(&hls_opts, "hls_flags", "independent_segments", 0);
  av_dict_set(&hls_opts, "hls_segment_filename", (hls_dir / "seg%03d.m4s").c_str(), 0);
  const int hls_err = avformat_write_header(t.hls.get(), &hls_opts);
  av_dict_free(&hls_opts);
  check(hls_err, "write HLS header");
  return t;
}

/// Sends `frame` (nullptr flushes) to the encoder and writes what comes out.
void encode(TierOut& t, const AVFrame* frame, AVPacket* pkt) {
  check(avcodec_send_frame(t.enc.get(), frame), "encode AAC");
  for (;;) {
    const int err = avcodec_receive_packet(t.enc.get(), pkt);
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return;
    check(err, "encode AAC");
    PacketPtr copy(av_packet_clone(pkt));
    if (!copy) fail("out of memory");
    av_packet_rescale_ts(copy.get(), t.enc->time_base, t.hls_stream->time_base);
    copy->stream_index = t.hls_stream->index;
    check(av_interleaved_write_frame(t.hls.get(), copy.get()), "write HLS segment");
    av_packet_rescale_ts(pkt, t.enc->time_base, t.stream->time_base);
    pkt->stream_index = t.stream->index;
    ++t.packets;
    check(av_interleaved_write_frame(t.mux.get(), pkt), "write " + t.path.filename().string());
  }
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) fail("write " + path.string());
}

/// The whole job; throws Ended for anything but success.
ProbeResult probe(const ProbeSpec& spec) {
  ProbeResult r;
  std::error_code ec;
  const auto size = fs::file_size(spec.input, ec);
  if (ec) reject("not_audio", "cannot read the file: " + ec.message());
  if (size == 0) reject("empty", "the file is empty");

  TagRead tags = read_tags(spec.input);
  r.tags = std::move(tags.tags);

  AVFormatContext* raw = nullptr;
  int err = avformat_open_input(&raw, spec.input.c_str(), nullptr, nullptr);
  if (err < 0)
    reject("not_audio", fmt::format("not an audio file riff can read ({})", av_error(err)));
  InputPtr in(raw);
  err = avformat_find_stream_info(in.get(), nullptr);
  if (err < 0)
    reject("not_audio", fmt::format("not an audio file riff can read ({})", av_error(err)));
  const int si = av_find_best_stream(in.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (si < 0) reject("not_audio", "the file has no audio stream");
  AVStream* st = in->streams[si];
  for (unsigned i = 0; i < in->nb_streams; ++i) {
    if (static_cast<int>(i) != si) in->streams[i]->discard = AVDISCARD_ALL;
  }
  if (in->duration != AV_NOPTS_VALUE && in->duration / 1000 > spec.max_duration_ms) {
    reject("too_long", fmt::format("longer than {} minutes", spec.max_duration_ms / 60000));
  }
  const AVCodec* codec = avcodec_find_decoder(st->codecpar->codec_id);
  if (!codec) reject("not_audio", "no decoder for this audio");
  CodecPtr dec(avcodec_alloc_context3(codec));
  if (!dec) fail("out of memory");
  check(avcodec_parameters_to_context(dec.get(), st->codecpar), "decoder parameters");
  err = avcodec_open2(dec.get(), codec, nullptr);
  if (err < 0) reject("not_audio", fmt::format("cannot decode this audio ({})", av_error(err)));
  r.codec = codec->name;
  r.sample_rate = dec->sample_rate;
  r.channels = dec->ch_layout.nb_channels;
  r.bit_rate = in->bit_rate > 0 ? in->bit_rate : st->codecpar->bit_rate;
  if (dec->sample_rate <= 0 || dec->sample_rate > 768000 || r.channels <= 0 || r.channels > 32) {
    reject("not_audio", "implausible sample rate or channel count");
  }

  if (tags.cover) {
    r.cover_file = tags.cover->mime == "image/png" ? "cover.png" : "cover.jpg";
    write_file(spec.out_dir / r.cover_file, tags.cover->bytes);
  }

  MeterPtr meter(ebur128_init(kChannels, kRate, EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK));
  if (!meter) fail("cannot start the loudness meter");
  std::vector<TierOut> tiers;
  if (spec.transcode) {
    for (int kbps : kTiers) tiers.push_back(open_tier(spec.out_dir, kbps));
  }
  FifoPtr fifo(av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, kChannels, 4096));
  if (!fifo) fail("out of memory");

  SwrPtr swr;
  AVChannelLayout in_layout{};  // a source without a layout gets the default for its count
  auto set_up_resampler = [&](const AVFrame* f) {
    av_channel_layout_uninit(&in_layout);
    if (f->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || f->ch_layout.nb_channels == 0) {
      av_channel_layout_default(&in_layout,
                                f->ch_layout.nb_channels ? f->ch_layout.nb_channels : r.channels);
    } else {
      check(av_channel_layout_copy(&in_layout, &f->ch_layout), "channel layout");
    }
    AVChannelLayout out_layout{};
    av_channel_layout_default(&out_layout, kChannels);
    SwrContext* s = nullptr;
    check(swr_alloc_set_opts2(&s, &out_layout, AV_SAMPLE_FMT_FLTP, kRate, &in_layout,
                              static_cast<AVSampleFormat>(f->format), f->sample_rate, 0, nullptr),
          "resampler");
    swr.reset(s);
    // A mono source plays from both speakers at full level, as other players
    // do; swresample's default would put it 3 dB down on each side.
    if (in_layout.nb_channels == 1) {
      static const double kDualMono[2] = {1.0, 1.0};  // out x in, stride 1
      check(swr_set_matrix(s, kDualMono, 1), "resampler matrix");
    }
    check(swr_init(s), "resampler");
  };

  PacketPtr pkt(av_packet_alloc()), out_pkt(av_packet_alloc());
  FramePtr frame(av_frame_alloc()), chunk(av_frame_alloc());
  if (!pkt || !out_pkt || !frame || !chunk) fail("out of memory");
  std::vector<float> left, right, interleaved;
  std::vector<double> second_energy;  // mean square of each whole second, for the clip
  double energy = 0;
  std::int64_t samples = 0, encoded = 0;
  const std::int64_t max_samples = spec.max_duration_ms * kRate / 1000;

  auto feed_encoders = [&](bool final) {
    const int frame_size = tiers.empty() ? 1024 : tiers.front().enc->frame_size;
    while (av_audio_fifo_size(fifo.get()) >= frame_size ||
           (final && av_audio_fifo_size(fifo.get()) > 0)) {
      const int n = std::min(frame_size, av_audio_fifo_size(fifo.get()));
      av_frame_unref(chunk.get());
      chunk->nb_samples = n;
      chunk->format = AV_SAMPLE_FMT_FLTP;
      chunk->sample_rate = kRate;
      av_channel_layout_default(&chunk->ch_layout, kChannels);
      check(av_frame_get_buffer(chunk.get(), 0), "audio buffer");
      if (av_audio_fifo_read(fifo.get(), reinterpret_cast<void**>(chunk->data), n) != n)
        fail("audio fifo");
      chunk->pts = encoded;
      encoded += n;
      for (auto& t : tiers) encode(t, chunk.get(), out_pkt.get());
    }
  };

  // Resampled planar samples go to the meter (interleaved) and the encoders.
  auto take = [&](const AVFrame* f) {
    if (!swr) set_up_resampler(f);
    const int in_samples = f ? f->nb_samples : 0;
    const int cap = static_cast<int>(swr_get_out_samples(swr.get(), in_samples)) + 32;
    left.resize(cap);
    right.resize(cap);
    uint8_t* outs[2] = {reinterpret_cast<uint8_t*>(left.data()),
                        reinterpret_cast<uint8_t*>(right.data())};
    const int n =
        swr_convert(swr.get(), outs, cap,
                    f ? const_cast<const uint8_t**>(f->extended_data) : nullptr, in_samples);
    check(n, "resample");
    if (n == 0) return;
    interleaved.resize(static_cast<std::size_t>(n) * 2);
    for (int i = 0; i < n; ++i) {
      interleaved[2 * i] = left[i];
      interleaved[2 * i + 1] = right[i];
    }
    if (ebur128_add_frames_float(meter.get(), interleaved.data(), static_cast<std::size_t>(n)) !=
        EBUR128_SUCCESS) {
      fail("loudness meter");
    }
    for (int i = 0; i < n; ++i) {
      energy += 0.5 * (double{left[i]} * left[i] + double{right[i]} * right[i]);
      if ((samples + i + 1) % kRate == 0) {
        second_energy.push_back(energy / kRate);
        energy = 0;
      }
    }
    samples += n;
    if (samples > max_samples)
      reject("too_long", fmt::format("longer than {} minutes", spec.max_duration_ms / 60000));
    if (!tiers.empty()) {
      if (av_audio_fifo_write(fifo.get(), reinterpret_cast<void**>(outs), n) != n)
        fail("audio fifo");
      feed_encoders(false);
    }
  };

  auto drain_decoder = [&] {
    for (;;) {
      const int e = avcodec_receive_frame(dec.get(), frame.get());
      if (e == AVERROR(EAGAIN) || e == AVERROR_EOF) return;
      if (e < 0) return;  // a broken frame is skipped; the rest of the file may decode
      take(frame.get());
      av_frame_unref(frame.get());
    }
  };

  int decode_errors = 0;
  while ((err = av_read_frame(in.get(), pkt.get())) >= 0) {
    if (pkt->stream_index == si) {
      if (avcodec_send_packet(dec.get(), pkt.get()) < 0) ++decode_errors;
      drain_decoder();
    }
    av_packet_unref(pkt.get());
    if (decode_errors > 1000) reject("not_audio", "too many undecodable packets");
  }
  avcodec_send_packet(dec.get(), nullptr);
  drain_decoder();
  if (swr) take(nullptr);
  if (samples == 0) reject("empty", "no audio could be decoded");
  if (!tiers.empty()) {
    feed_encoders(true);
    for (auto& t : tiers) {
      encode(t, nullptr, out_pkt.get());
      check(av_write_trailer(t.mux.get()), "finish " + t.path.filename().string());
      check(av_write_trailer(t.hls.get()), "finish HLS");
      r.tiers.push_back(t.kbps);
      const std::int64_t delay = t.enc->initial_padding;
      r.gapless.push_back({t.kbps, delay,
                           std::max<std::int64_t>(0, t.packets * t.enc->frame_size - delay - samples)});
    }
  }
  r.duration_samples = samples;
  av_channel_layout_uninit(&in_layout);

  r.duration_ms = samples * 1000 / kRate;
  double lufs = 0;
  if (ebur128_loudness_global(meter.get(), &lufs) == EBUR128_SUCCESS && std::isfinite(lufs)) {
    r.loudness_lufs = std::round(lufs * 100) / 100;
  }
  double peak = 0;
  for (unsigned c = 0; c < kChannels; ++c) {
    double p = 0;
    if (ebur128_true_peak(meter.get(), c, &p) == EBUR128_SUCCESS) peak = std::max(peak, p);
  }
  if (peak > 0) r.true_peak_dbtp = std::round(20 * std::log10(peak) * 100) / 100;

  if (spec.clip_ms > 0 && !tiers.empty()) {
    const ClipWindow want =
        choose_clip_window(r.duration_ms, spec.clip_ms, spec.clip_start_ms, second_energy);
    tiers.clear();  // closes the tier files before they are read back
    auto cut = cut_clip(spec.out_dir / "a160.m4a", spec.out_dir / "clip.m4a", want);
    if (!cut) fail("sound clip: " + cut.status().message());
    r.clip_file = "clip.m4a";
    r.clip_start_ms = cut->start_ms;
    r.clip_duration_ms = cut->duration_ms;
  }
  return r;
}

}  // namespace

ProbeResult run_probe(const ProbeSpec& spec) {
  av_log_set_level(AV_LOG_ERROR);
  try {
    return probe(spec);
  } catch (Ended& e) {
    return std::move(e.result);
  }
}

}  // namespace riff::music
