#pragma once
// HTTP validators and byte ranges for file responses (RFC 9110 sections 8.8.3,
// 13.1.2, 14): shared by the public static mounts and private media routes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace riff::net {

/// A single byte range, inclusive. first > last means unsatisfiable (416).
struct ByteRange {
  std::uint64_t first, last;
};

/// Parses one "bytes=a-b", "bytes=a-" or "bytes=-n" range for a file of
/// `size` bytes. nullopt means ignore the header and send the whole file
/// (malformed, or several ranges).
std::optional<ByteRange> parse_byte_range(std::string_view header, std::uint64_t size);

/// True when an If-None-Match list names `etag` (weak comparison) or is "*".
bool etag_matches(std::string_view if_none_match, std::string_view etag);

/// A strong ETag from a file's size and modification time in nanoseconds.
std::string file_etag(std::uint64_t size, std::uint64_t mtime_ns);

}  // namespace riff::net
