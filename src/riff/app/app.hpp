#pragma once
// The composition root: the only place that knows how riff is wired. Builds
// the database, services, routes and server from a Config.

#include <memory>
#include <optional>

#include "riff/core/ids.hpp"

#include "riff/core/config.hpp"
#include "riff/core/status.hpp"

namespace riff::app {

class App {
 public:
  /// Opens the database (creating the data dir), applies migrations, builds
  /// every service and mounts every route. Does not listen yet.
  static Result<std::unique_ptr<App>> create(const Config& config);
  ~App();

  /// Binds, prints "riff listening on http://HOST:PORT", serves until
  /// SIGINT/SIGTERM, then drains in-flight requests and closes the database.
  int serve();

  /// Creates an account with the admin role (the `riffd admin create` command).
  Status create_admin(const std::string& handle, const std::string& email, const std::string& password);

  /// `riffd music import DIR`: imports a folder into the music catalog with
  /// a progress bar; returns the exit code (music/import_cli.hpp).
  int import_music(const std::string& dir, bool transcode);

  /// `riffd music charts [--week YYYY-MM-DD]`: stores the ended weeks' charts,
  /// or recomputes one week and those after it (music/charts_cli.hpp).
  int music_charts(const std::string& week);

  /// `riffd ledger verify`: checks every ledger invariant; 0 when all hold,
  /// 1 on a violation (ledger/verify.hpp).
  int ledger_verify();
  /// `riffd ledger balances [--owner ID]`: every account's balance.
  int ledger_balances(std::optional<Id> owner);

  /// Every route as "METHOD PATTERN", for `riffd routes` and the OpenAPI check.
  std::vector<std::string> route_table() const;

 private:
  struct Parts;
  explicit App(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace riff::app
