#pragma once
// Logging: spdlog to stderr for people; access logs as JSON lines.

#include <string_view>

namespace riff {

/// Sets up the default logger at `level` ("debug", "info", "warn", "error").
void init_logging(std::string_view level);

}  // namespace riff
