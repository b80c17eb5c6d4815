#pragma once
// Where live events for a user go. In one process, LiveHub delivers them to
// the user's open WebSockets; with several nodes, an implementation publishes
// to Redis and every node's subscriber hands the message to its own LiveHub.

#include <string>

#include "riff/core/ids.hpp"

namespace riff::accounts {

class UserPublisher {
 public:
  virtual ~UserPublisher() = default;
  /// Delivers `json_text` to every live connection of `user_id`. Must not
  /// block (it is called after a commit, possibly on an I/O thread) and is
  /// best-effort: a user with no connection simply misses it. Thread-safe.
  virtual void publish(Id user_id, std::string json_text) = 0;
};

}  // namespace riff::accounts
