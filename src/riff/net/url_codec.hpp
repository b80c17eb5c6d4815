#pragma once
// Percent-decoding and base64url, small enough to own.

#include <optional>
#include <string>
#include <string_view>

namespace riff::net {

/// Decodes %XX escapes (and '+' as space when `plus_is_space`). Invalid
/// escapes are kept as they are.
std::string percent_decode(std::string_view s, bool plus_is_space = false);
std::string percent_encode(std::string_view s);

std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace riff::net
