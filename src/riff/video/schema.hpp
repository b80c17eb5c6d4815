#pragma once
// The short-video module's tables: migrations 200..299. The core tables
// (videos, sounds, hashtags, uploads) are 200..219; engagement, search and
// feeds add theirs from 220.

#include <vector>

#include "riff/db/database.hpp"

namespace riff::video {

std::vector<db::Migration> migrations();

}  // namespace riff::video
