#pragma once
// The HTTP/1.1 + WebSocket server: Boost.Beast on Asio C++20 coroutines, one
// io_context thread per core, a worker pool for blocking handlers.
//
// Lifetime: construct, run() on the calling thread (blocks), stop() from any
// thread or a signal handler thread. stop() stops accepting, lets in-flight
// requests finish (up to a grace period) and returns run().

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "riff/net/http.hpp"
#include "riff/net/router.hpp"

namespace riff {
class Metrics;
}

namespace riff::net {

/// Establishes who sent a request (session cookie or Bearer token). Called on
/// the worker pool, may block.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual std::optional<Principal> authenticate(const Request& req) = 0;
  /// For a cookie-authenticated mutation: true when the request carries the
  /// CSRF token that belongs to its session (header X-CSRF-Token).
  virtual bool csrf_ok(const Request& req) = 0;
};

/// Decides whether a request from `key` in `bucket` may proceed now. Thread-safe.
class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  /// Returns 0 when allowed, else the seconds to wait.
  virtual int acquire(std::string_view bucket, std::string_view key) = 0;
};

/// A directory served under a URL prefix, with Range, ETag and gzip.
struct StaticMount {
  std::string url_prefix;           // "/" or "/media/"
  std::filesystem::path dir;
  bool spa_fallback = false;        // unknown paths without a dot serve index.html
  bool immutable_assets = false;    // long cache for hashed asset names
};

struct ServerOptions {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8080;        // 0 picks a free port; see Server::port()
  int io_threads = 0;               // 0 = one per core
  int worker_threads = 0;           // 0 = 4 per core
  int background_threads = 0;       // for RouteOptions::background; 0 = one per core
  int background_nice = 10;         // how much lower their CPU priority is
  std::size_t max_body_bytes = 1 << 20;
  int header_timeout_ms = 10'000;   // whole request head must arrive within this
  int body_timeout_ms = 60'000;
  int idle_timeout_ms = 75'000;     // keep-alive connection with no request
  int shutdown_grace_ms = 10'000;
  std::size_t max_connections = 100'000;
  std::vector<StaticMount> static_mounts;
};

class Server {
 public:
  Server(ServerOptions options, const Router& router, Metrics& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void set_authenticator(Authenticator* a);
  void set_rate_limiter(RateLimiter* r);
  /// One JSON line per request on stdout (on by default).
  void set_access_log(bool enabled);

  /// Binds the listening socket; after this, port() is known. Throws on failure.
  void bind();
  /// Serves until stop(). Calls bind() if not yet bound.
  void run();
  void stop();
  std::uint16_t port() const;
  /// Connections open right now (for metrics and tests).
  std::size_t open_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace riff::net
