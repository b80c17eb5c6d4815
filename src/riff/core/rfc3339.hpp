#pragma once
// Reading RFC 3339 times from clients (writing them is to_rfc3339 in clock.hpp).

#include <cstdint>
#include <optional>
#include <string_view>

namespace riff {

/// Parses an RFC 3339 date-time ("2026-11-22T11:25:23Z", fractions of a
/// second and "+05:30" offsets allowed) to ms since the epoch; nullopt when malformed.
std::optional<std::int64_t> parse_rfc3339(std::string_view text);

}  // namespace riff
