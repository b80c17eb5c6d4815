// Every route the router serves is documented in docs/api/openapi.yaml, and
// nothing documented is missing from the router.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "riff/app/app.hpp"

namespace riff::app {
namespace {

// Reads "METHOD /path" pairs from the `paths:` section: a path key is indented
// two spaces and starts with '/', an operation key four spaces.
std::set<std::string> documented_routes(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::set<std::string> out;
  std::string line, current;
  bool in_paths = false;
  static const std::regex path_key(R"(^  (/[^:]*):\s*$)");
  static const std::regex op_key(R"(^    (get|put|post|patch|delete|head|options):\s*$)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (line.rfind("paths:", 0) == 0) {
      in_paths = true;
      continue;
    }
    if (in_paths && !line.empty() && line[0] != ' ' && line[0] != '#') in_paths = false;
    if (!in_paths) continue;
    if (std::regex_match(line, m, path_key)) {
      current = m[1];
    } else if (!current.empty() && std::regex_match(line, m, op_key)) {
      std::string method = m[1];
      for (auto& c : method) c = static_cast<char>(std::toupper(c));
      out.insert(method + " " + current);
    }
  }
  return out;
}

TEST(OpenApi, DocumentsEveryRouteAndNoOthers) {
  auto dir = std::filesystem::temp_directory_path() / ("riff-openapi-" + std::to_string(::getpid()));
  Config config;
  config.data_dir = dir.string();
  auto app = App::create(config);
  ASSERT_TRUE(app) << app.status().message();
  std::set<std::string> served;
  for (const auto& r : (*app)->route_table()) served.insert(r);
  auto documented = documented_routes(std::filesystem::path(RIFF_SOURCE_DIR) / "docs/api/openapi.yaml");
  ASSERT_FALSE(documented.empty()) << "could not read docs/api/openapi.yaml";
  for (const auto& r : served) EXPECT_TRUE(documented.count(r)) << "undocumented route: " << r;
  for (const auto& r : documented) EXPECT_TRUE(served.count(r)) << "documented but not served: " << r;
  app->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace riff::app
