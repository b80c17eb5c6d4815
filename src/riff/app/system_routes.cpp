#include "riff/app/system_routes.hpp"

namespace riff::app {

void mount_system_routes(net::Router& router, db::Database& db, const Metrics& metrics) {
  // Liveness: answers while the process can serve at all; no database.
  router.get("/healthz", [](net::Request&) { return net::Response::json(200, R"({"status":"ok"})"); },
             {.auth = net::Auth::kNone, .blocking = false});
  // Readiness: the database answers.
  router.get(
      "/readyz",
      [&db](net::Request&) {
        if (auto st = db.ping(); !st) {
          return net::problem_response({503, "unavailable", "Not ready", "database: " + st.message(), {}, 5});
        }
        return net::Response::json(200, R"({"status":"ready"})");
      },
      {.auth = net::Auth::kNone});
  router.get(
      "/metrics",
      [&metrics](net::Request&) {
        return net::Response::text(200, metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
      },
      {.auth = net::Auth::kNone, .blocking = false});
}

}  // namespace riff::app
