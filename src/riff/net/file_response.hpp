#pragma once
// One resolved file as a response: ETag/If-None-Match, a single byte range
// (206/416) and the body as a FileBody slice for sendfile. For routes that
// decide themselves who may read a file (private media) and so cannot use
// the public static mounts.
//
// Thread-safe; stats the file on each call.

#include <optional>
#include <string>
#include <string_view>

#include "riff/net/http.hpp"

namespace riff::net {

/// The response for a GET/HEAD of `path`, or nullopt when it is not a
/// regular file. `cache_control` is sent as is.
std::optional<Response> file_response(const Request& req, const std::string& path,
                                      std::string_view cache_control);

}  // namespace riff::net
