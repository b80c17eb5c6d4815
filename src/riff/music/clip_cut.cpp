#include "riff/music/clip_cut.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "riff/media/libav.hpp"

namespace riff::music {
namespace fs = std::filesystem;

ClipWindow choose_clip_window(std::int64_t song_ms, std::int64_t clip_ms,
                              std::int64_t wanted_start_ms,
                              const std::vector<double>& second_energy) {
  if (song_ms <= 0 || clip_ms <= 0) return {0, 0};
  if (song_ms <= clip_ms) return {0, song_ms};
  std::int64_t start = 0;
  if (wanted_start_ms >= 0) {
    start = wanted_start_ms;
  } else {
    // The loudest run of whole seconds as long as the clip; a later run must
    // be louder by more than 0.1% (rounding, dither) to win over an earlier one.
    const std::size_t width = static_cast<std::size_t>((clip_ms + 999) / 1000);
    if (second_energy.size() > width) {
      double sum = 0;
      for (std::size_t i = 0; i < width; ++i) sum += second_energy[i];
      double best = sum;
      std::size_t best_at = 0;
      for (std::size_t i = width; i < second_energy.size(); ++i) {
        sum += second_energy[i] - second_energy[i - width];
        if (sum > best * (1 + 1e-3) + 1e-12) {
          best = sum;
          best_at = i - width + 1;
        }
      }
      start = static_cast<std::int64_t>(best_at) * 1000;
    }
  }
  start = std::clamp<std::int64_t>(start, 0, song_ms - clip_ms);
  return {start, clip_ms};
}

Result<ClipWindow> cut_clip(const fs::path& input, const fs::path& output, ClipWindow window) {
  namespace av = media::av;
  auto failed = [](std::string_view what, int err) {
    return Status::unavailable(fmt::format("{}: {}", what, av::error_text(err)));
  };
  AVFormatContext* raw = nullptr;
  int err = avformat_open_input(&raw, input.c_str(), nullptr, nullptr);
  if (err < 0) return failed("open " + input.filename().string(), err);
  av::InputPtr in(raw);
  if ((err = avformat_find_stream_info(in.get(), nullptr)) < 0) return failed("read tier", err);
  const int si = av_find_best_stream(in.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (si < 0) return Status::invalid("/input", "the tier has no audio");
  AVStream* ist = in->streams[si];

  // Packets carry the song's timeline: the demuxer applies the tier's edit
  // list, so the priming packet starts below 0.
  std::vector<av::PacketPtr> packets;
  av::PacketPtr pkt(av_packet_alloc());
  if (!pkt) return Status::internal("out of memory");
  while ((err = av_read_frame(in.get(), pkt.get())) >= 0) {
    if (pkt->stream_index == si && pkt->pts != AV_NOPTS_VALUE) {
      packets.emplace_back(av_packet_clone(pkt.get()));
      if (!packets.back()) return Status::internal("out of memory");
    }
    av_packet_unref(pkt.get());
  }
  if (err != AVERROR_EOF) return failed("read tier", err);
  if (packets.empty()) return Status::invalid("/input", "the tier has no audio packets");

  const AVRational ms{1, 1000};
  const std::int64_t song_end = packets.back()->pts + packets.back()->duration;
  std::int64_t start = av_rescale_q(std::max<std::int64_t>(window.start_ms, 0), ms, ist->time_base);
  std::int64_t end = start + av_rescale_q(window.duration_ms, ms, ist->time_base);
  end = std::min(end, song_end);
  start = std::clamp<std::int64_t>(start, 0, end);
  if (end <= start) return Status::invalid("/window", "the clip window is empty");

  // The packet holding `start`, and one before it as pre-roll.
  std::size_t first = 0;
  while (first + 1 < packets.size() && packets[first + 1]->pts <= start) ++first;
  if (first > 0) --first;

  AVFormatContext* oraw = nullptr;
  if ((err = avformat_alloc_output_context2(&oraw, nullptr, "mp4", output.c_str())) < 0)
    return failed("mp4 muxer", err);
  av::OutputPtr out(oraw);
  AVStream* ost = avformat_new_stream(out.get(), nullptr);
  if (!ost) return Status::internal("out of memory");
  if ((err = avcodec_parameters_copy(ost->codecpar, ist->codecpar)) < 0)
    return failed("stream parameters", err);
  ost->codecpar->codec_tag = 0;
  ost->time_base = ist->time_base;
  if ((err = avio_open(&out->pb, output.c_str(), AVIO_FLAG_WRITE)) < 0)
    return failed("create " + output.filename().string(), err);
  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "movflags", "+faststart", 0);
  err = avformat_write_header(out.get(), &opts);
  av_dict_free(&opts);
  if (err < 0) return failed("write clip header", err);
  for (std::size_t i = first; i < packets.size() && packets[i]->pts < end; ++i) {
    AVPacket* p = packets[i].get();
    p->duration = std::min(p->duration, end - p->pts);  // the last one ends at the window's end
    p->pts -= start;
    p->dts = p->pts;
    av_packet_rescale_ts(p, ist->time_base, ost->time_base);
    p->stream_index = ost->index;
    p->pos = -1;
    if ((err = av_interleaved_write_frame(out.get(), p)) < 0) return failed("write clip", err);
  }
  if ((err = av_write_trailer(out.get())) < 0) return failed("finish clip", err);
  return ClipWindow{av_rescale_q(start, ist->time_base, ms),
                    av_rescale_q(end - start, ist->time_base, ms)};
}

}  // namespace riff::music
