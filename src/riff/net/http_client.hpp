#pragma once
// A small blocking HTTP/1.1 client (Boost.Beast) for calls riff makes to
// other services on a user's behalf: GET over http or https (certificates
// checked against the system's roots, with SNI), one connection per call,
// a deadline for the whole exchange and a cap on the body.
//
// Addresses are checked after name resolution: loopback, private,
// link-local and other non-public ranges are refused unless
// `allow_private`, so a user-supplied URL cannot reach riff's own network.
//
// Blocking: call it from the worker pool (route handlers are), never from
// an io thread. Thread-safe (no shared state).

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "riff/core/status.hpp"

namespace riff::net {

struct ClientOptions {
  std::chrono::milliseconds timeout{10'000};
  std::size_t max_body = 4 * 1024 * 1024;
  bool allow_private = false;
  std::string user_agent = "riff/1";
};

struct ClientResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

/// kInvalid for a URL that is not absolute http(s); kForbidden for an
/// address outside the public internet (see above); kUnavailable when the
/// server cannot be reached, the TLS handshake fails or the deadline passes.
Result<ClientResponse> http_get(std::string_view url, const ClientOptions& options = {});

}  // namespace riff::net
