#pragma once
// `riffd music charts [--week YYYY-MM-DD]`: without --week, stores every
// ended week not stored yet (what the server does hourly); with it,
// recomputes that week and every later stored week, e.g. after late plays
// or a change of the point rules. Prints what it wrote and how long it took.

#include <string>

#include "riff/db/database.hpp"
#include "riff/music/charts.hpp"

namespace riff::music {

/// Returns the process exit code: 0 on success, 1 on a bad --week, 2 when
/// the database failed.
int run_charts_command(Charts& charts, const std::string& week);

}  // namespace riff::music
