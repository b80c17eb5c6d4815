#pragma once
// /healthz, /readyz and /metrics.

#include "riff/core/metrics.hpp"
#include "riff/db/database.hpp"
#include "riff/net/router.hpp"

namespace riff::app {

void mount_system_routes(net::Router& router, db::Database& db, const Metrics& metrics);

}  // namespace riff::app
