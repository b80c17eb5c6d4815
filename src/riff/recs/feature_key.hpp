#pragma once
// Hashed feature ids: what the embedding table is keyed by. A feature is a
// kind (viewer, video, creator, ...) and an id; both are folded into one
// 64-bit key so that every kind shares one collisionless table without two
// kinds' ids meeting (video 7 and creator 7 are different keys).

#include <cstdint>

#include "riff/core/ids.hpp"

namespace riff::recs {

/// Stored in snapshots through the keys: never renumber, only add.
enum class FeatureKind : std::uint8_t {
  kViewer = 1,
  kVideo = 2,
  kCreator = 3,
  kSound = 4,
  kHashtag = 5,
  kViewerTaste = 6,  // running mean of the videos a viewer engaged with
};

/// A bijective 64-bit mix (splitmix64's finalizer): spreads dense ids over
/// the key space so that cuckoo buckets fill evenly.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

/// The table key of feature (kind, id). The top 8 bits hold the kind, so
/// keys of different kinds never collide; the low 56 bits are the id's low
/// 56 bits xored with a per-kind constant (riff ids fit: 41 bits of time +
/// 22 more), so (kind, id) <-> key is one to one. The table's hasher
/// (mix64) spreads the keys over buckets.
constexpr std::uint64_t feature_key(FeatureKind kind, Id id) {
  constexpr std::uint64_t kLow56 = (std::uint64_t{1} << 56) - 1;
  return (std::uint64_t{static_cast<std::uint8_t>(kind)} << 56) |
         ((static_cast<std::uint64_t>(id) ^ (mix64(static_cast<std::uint64_t>(kind)) & kLow56)) &
          kLow56);
}

constexpr FeatureKind kind_of(std::uint64_t key) {
  return static_cast<FeatureKind>(key >> 56);
}

constexpr Id id_of(std::uint64_t key) {
  constexpr std::uint64_t kLow56 = (std::uint64_t{1} << 56) - 1;
  return static_cast<Id>((key ^ mix64(key >> 56)) & kLow56);
}

}  // namespace riff::recs
