#pragma once
// Several nodes, one learner (Monolith's training/serving split): the
// learner publishes the parameters touched since its last publication as a
// delta file in the shared data dir every minute or so; serving nodes apply
// the new ones in order. A serving node starts from the learner's latest
// snapshot and the deltas published after it.
//
//   <dir>/<seq, 20 digits>.delta   written to a temp name, then renamed
//
// A delta is absolute (rows' current values), so applying the deltas after
// a snapshot in order gives the learner's state at the last one.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "riff/core/status.hpp"
#include "riff/recs/model.hpp"

namespace riff::recs {

/// The bytes of a delta file: magic, version, dims, the two tables, the
/// heads' calibration, and a CRC-32 of everything before it.
std::string encode_delta(const ModelDelta& delta);
/// Refuses anything encode_delta did not write (or that was cut short).
Result<ModelDelta> decode_delta(std::string_view bytes);

class DeltaLog {
 public:
  explicit DeltaLog(std::filesystem::path dir) : dir_(std::move(dir)) {}

  /// Writes `delta` as the next sequence number; returns it.
  Result<std::uint64_t> publish(const ModelDelta& delta);
  /// Sequence numbers after `seq`, ascending.
  Result<std::vector<std::uint64_t>> after(std::uint64_t seq) const;
  Result<ModelDelta> read(std::uint64_t seq) const;
  /// The highest sequence number written (0 when none).
  std::uint64_t last() const;
  /// Deletes the deltas up to and including `seq`; returns how many.
  std::size_t prune(std::uint64_t seq);

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path path_of(std::uint64_t seq) const;

 private:
  std::filesystem::path dir_;
};

/// What a learner's snapshot covers, saved next to it: the last delta
/// published before it and the last stored event it learned.
struct SyncMark {
  std::uint64_t delta_seq = 0;
  std::int64_t event_id = 0;
};
Status write_sync_mark(const std::filesystem::path& model_dir, const SyncMark& mark);
/// A missing file is {0, 0}: nothing published, nothing learned.
Result<SyncMark> read_sync_mark(const std::filesystem::path& model_dir);

}  // namespace riff::recs
