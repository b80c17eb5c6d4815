#pragma once
// The hashtags a viewer picked as interests (the cold-start picker): the For
// You engine draws its first candidates from them before it has learned
// anything from the viewer's swipes.

#include <string>
#include <vector>

#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"

namespace riff::video {

inline constexpr std::size_t kMaxInterests = 20;

class InterestService {
 public:
  explicit InterestService(db::Database& db) : db_(db) {}

  /// The user's interests as hashtag names, in the order they were picked.
  Result<std::vector<std::string>> get(Id user);
  /// Replaces the user's interests: 0..kMaxInterests existing hashtags
  /// ("#Cats" and "cats" are the same; duplicates collapse). An unknown or
  /// malformed one is an error at /hashtags/N and nothing changes.
  Result<std::vector<std::string>> set(Id user, const std::vector<std::string>& hashtags);

  /// The hashtag ids, inside a caller's read.
  static Result<std::vector<Id>> ids(db::Conn& c, Id user);

 private:
  db::Database& db_;
};

}  // namespace riff::video
