#pragma once
// For music's unit tests: the migrations a music schema stands on (jobs,
// accounts, video for sounds) followed by music's own, in order.

#include <vector>

#include "riff/accounts/schema.hpp"
#include "riff/db/database.hpp"
#include "riff/jobs/schema.hpp"
#include "riff/music/schema.hpp"
#include "riff/video/schema.hpp"

namespace riff::music::testing_support {

inline std::vector<db::Migration> music_test_migrations() {
  std::vector<db::Migration> m = jobs::migrations();
  for (auto& x : accounts::migrations()) m.push_back(std::move(x));
  for (auto& x : video::migrations()) m.push_back(std::move(x));
  for (auto& x : migrations()) m.push_back(std::move(x));
  return m;
}

}  // namespace riff::music::testing_support
