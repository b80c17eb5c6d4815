#pragma once
// Tables of engagement and discovery: likes, comments, views, shares and the
// search index (migrations 220..299).

#include <vector>

#include "riff/db/database.hpp"

namespace riff::video {

/// Needs video::migrations() (200..219) applied first; versions order them.
std::vector<db::Migration> engagement_migrations();

}  // namespace riff::video
