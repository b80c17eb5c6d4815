#pragma once
// Maps (method, path) to a handler. Patterns are literal segments and
// `{name}` parameters; a final `{name*}` takes the rest of the path.
//
// Routes are added at start-up from one thread; match() is then safe from any
// number of threads (the table is not changed after the server starts).

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "riff/net/http.hpp"

namespace riff::net {

class WsHandler;

using Handler = std::function<Response(Request&)>;

/// Receives a request body piece by piece, for uploads that must not be held
/// in memory. Made per request by a streaming route once its head is accepted.
/// Both calls run on the worker pool, in order, never concurrently.
class BodySink {
 public:
  virtual ~BodySink() = default;
  /// Takes the next chunk. A non-ok Status stops reading; finish() follows.
  virtual Status write(std::string_view chunk) = 0;
  /// Ends the request: `complete` is false when the client went away, timed
  /// out or sent a malformed body. What was written stays written. The
  /// response is sent when the client is still there.
  virtual Response finish(bool complete, const Status& write_error) = 0;
};

/// The start of a streaming request: either an answer now (the body is not
/// read) or a sink for the body.
struct StreamStart {
  std::optional<Response> answer;
  std::unique_ptr<BodySink> sink;
};
using StreamHandler = std::function<StreamStart(Request&)>;

enum class Auth {
  kNone,      // no authentication attempted (health, static, benchmarks)
  kOptional,  // principal set when credentials are present and valid
  kRequired,  // 401 without a valid session
  kAdmin,     // 403 unless the principal is an admin
};

struct RouteOptions {
  Auth auth = Auth::kOptional;
  /// Runs on the blocking worker pool (database, hashing). Only handlers that
  /// do no I/O and finish in microseconds should set this to false.
  bool blocking = true;
  /// Bulk work whose latency matters less than everyone else's (event
  /// batches): runs on the background pool, whose threads have a lower CPU
  /// priority, so interactive requests keep theirs while it queues.
  bool background = false;
  /// Largest request body accepted, in bytes; 0 means the server default.
  std::size_t max_body = 0;
  /// Name of a rate-limit bucket applied per client address ("" = none).
  std::string rate_limit;
  /// Allowed without a CSRF token even with cookie auth (e.g. login, signup:
  /// they create the session and are guarded by SameSite=Lax and Origin checks).
  bool csrf_exempt = false;
};

struct Route {
  Method method;
  std::string pattern;
  Handler handler;
  RouteOptions options;
  std::shared_ptr<WsHandler> ws;  // set for WebSocket routes
  StreamHandler stream;           // set for streaming-body routes
  std::vector<std::string> segments;
  std::size_t index = 0;  // position in the table, for per-route metrics
};

struct Match {
  const Route* route = nullptr;
  std::vector<std::pair<std::string, std::string>> params;
  bool path_matched = false;  // true with route==nullptr means 405
};

class Router {
 public:
  void add(Method m, std::string pattern, Handler h, RouteOptions o = {});
  void get(std::string p, Handler h, RouteOptions o = {}) { add(Method::kGet, std::move(p), std::move(h), std::move(o)); }
  void post(std::string p, Handler h, RouteOptions o = {}) { add(Method::kPost, std::move(p), std::move(h), std::move(o)); }
  void put(std::string p, Handler h, RouteOptions o = {}) { add(Method::kPut, std::move(p), std::move(h), std::move(o)); }
  void patch(std::string p, Handler h, RouteOptions o = {}) { add(Method::kPatch, std::move(p), std::move(h), std::move(o)); }
  void del(std::string p, Handler h, RouteOptions o = {}) { add(Method::kDelete, std::move(p), std::move(h), std::move(o)); }
  /// A route whose body is streamed into a BodySink instead of buffered.
  /// `max_body` in the options bounds it.
  void stream(Method m, std::string pattern, StreamHandler h, RouteOptions o = {});
  /// A WebSocket endpoint (GET with Upgrade).
  void websocket(std::string pattern, std::shared_ptr<WsHandler> h, RouteOptions o = {});

  Match match(Method m, std::string_view path) const;
  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

 private:
  std::vector<std::unique_ptr<Route>> routes_;
};

}  // namespace riff::net
