#pragma once
// The command-line side of Config: CLI11 options for every config key.
// Included only by the app's main (CLI11 is a heavy header).

#include <CLI/CLI.hpp>

#include "riff/core/config.hpp"

namespace riff {

/// Adds `--config FILE` and one `--<key>` flag per configuration key to `app`,
/// recording given values into `sources` (which must outlive parsing).
void add_config_flags(CLI::App& app, ConfigSources& sources);

}  // namespace riff
