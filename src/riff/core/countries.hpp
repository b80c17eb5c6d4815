#pragma once
// ISO 3166-1 alpha-2 country codes, as accounts store a listener's country
// and music rights name territories.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riff/core/status.hpp"

namespace riff {

/// `code` in upper case when it is an officially assigned ISO 3166-1
/// alpha-2 code (any case accepted), else nullopt.
std::optional<std::string> normalize_country(std::string_view code);

/// "IN, id,BR" -> {"BR","ID","IN"} (sorted, unique); kInvalid naming a bad code.
Result<std::vector<std::string>> parse_country_list(std::string_view text);

}  // namespace riff
