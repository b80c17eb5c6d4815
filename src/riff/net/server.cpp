#include "riff/net/server.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <deque>
#include <thread>
#include <unordered_map>

#include "riff/core/metrics.hpp"
#include "riff/core/thread_priority.hpp"
#include "riff/net/access_log.hpp"
#include "riff/net/static_files.hpp"
#include "riff/net/url_codec.hpp"
#include "riff/net/websocket.hpp"

namespace riff::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using namespace asio::experimental::awaitable_operators;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

namespace {

std::string_view reason(int status) {
  return http::obsolete_reason(static_cast<http::status>(status));
}

// The Date header, formatted once a second per thread.
const std::string& http_date() {
  thread_local std::string cached;
  thread_local std::time_t cached_at = 0;
  std::time_t now = std::time(nullptr);
  if (now != cached_at) {
    cached_at = now;
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached = buf;
  }
  return cached;
}

bool is_mutation(Method m) {
  return m == Method::kPost || m == Method::kPut || m == Method::kPatch || m == Method::kDelete;
}

struct RouteStats {
  std::array<Counter*, 5> by_class{};  // 1xx..5xx
  Histogram* latency = nullptr;
};

}  // namespace

// Per-connection state the server can reach for shutdown; lives in the
// connection coroutine's frame and is touched only on its io_context thread.
struct ConnHandle {
  tcp::socket* socket = nullptr;
  bool busy = false;
};

class WsChannelImpl;

struct Server::Impl {
  ServerOptions opts;
  const Router& router;
  Metrics& metrics;
  Authenticator* auth = nullptr;
  RateLimiter* limiter = nullptr;
  StaticFiles statics;
  AccessLog access_log;

  std::vector<std::unique_ptr<asio::io_context>> ioc;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::unique_ptr<asio::thread_pool> pool;
  std::unique_ptr<asio::thread_pool> background;  // RouteOptions::background, lower priority
  std::vector<std::unordered_map<ConnHandle*, bool>> conns;  // per io_context
  std::atomic<std::size_t> open{0};
  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> next_request{0};
  std::atomic<std::uint64_t> next_ws{0};
  std::uint16_t bound_port = 0;
  bool bound = false;

  std::vector<RouteStats> route_stats;
  RouteStats static_stats, unmatched_stats;

  Impl(ServerOptions o, const Router& r, Metrics& m)
      : opts(std::move(o)), router(r), metrics(m), statics(opts.static_mounts) {}

  RouteStats make_stats(const std::string& route, std::string_view method) {
    RouteStats s;
    for (int c = 1; c <= 5; ++c) {
      s.by_class[c - 1] = &metrics.counter("riff_http_requests_total", "HTTP requests by route and status class",
                                           fmt::format("route=\"{}\",method=\"{}\",status=\"{}xx\"", route, method, c));
    }
    s.latency = &metrics.histogram("riff_http_request_duration_seconds", "HTTP request latency by route",
                                   fmt::format("route=\"{}\",method=\"{}\"", route, method));
    return s;
  }

  asio::awaitable<void> accept_loop(tcp::acceptor& acc, std::size_t idx);
  asio::awaitable<void> session(tcp::socket socket, std::size_t idx);
  asio::awaitable<Response> dispatch(Request& req, const Match& m);
  asio::awaitable<bool> write_response(tcp::socket& sock, const Request& req, Response& res, bool keep_alive);
  asio::awaitable<void> websocket_session(beast::tcp_stream stream, http::request<http::string_body> upgrade,
                                          Request req, std::shared_ptr<WsHandler> handler, std::size_t idx);
  Response run_handler(Request& req, const Route& route);
  void admit(Request& req, const Route& route);
  template <class Fn>
  Response guarded(Request& req, Fn&& fn);
  asio::awaitable<Response> stream_body(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                        http::request_parser<http::string_body>& parser, Request& req,
                                        const Route& route, bool& keep_alive);
};

// ---- WebSocket channel -------------------------------------------------------

class WsChannelImpl final : public WsChannel, public std::enable_shared_from_this<WsChannelImpl> {
 public:
  static constexpr std::size_t kMaxQueuedBytes = 4 << 20;

  WsChannelImpl(websocket::stream<beast::tcp_stream>& ws, asio::any_io_executor ex,
                std::optional<Principal> p, std::uint64_t id)
      : ws_(&ws), ex_(std::move(ex)), principal_(std::move(p)), id_(id), wake_(ex_) {
    wake_.expires_at(std::chrono::steady_clock::time_point::max());
  }

  void send(std::string text) override {
    asio::post(ex_, [self = shared_from_this(), text = std::move(text)]() mutable {
      if (self->closed_) return;
      self->queued_bytes_ += text.size();
      if (self->queued_bytes_ > kMaxQueuedBytes) {  // a peer that stops reading is let go
        self->close_now();
        return;
      }
      self->queue_.push_back(std::move(text));
      self->wake_.cancel();
    });
  }
  void close() override {
    asio::post(ex_, [self = shared_from_this()] { self->close_now(); });
  }
  const std::optional<Principal>& principal() const override { return principal_; }
  std::uint64_t id() const override { return id_; }

  // Runs on the connection's executor until closed.
  asio::awaitable<void> writer() {
    while (!closed_) {
      if (queue_.empty()) {
        co_await wake_.async_wait(kTuple);
        continue;
      }
      std::string msg = std::move(queue_.front());
      queue_.pop_front();
      queued_bytes_ -= msg.size();
      ws_->text(true);
      auto [ec, n] = co_await ws_->async_write(asio::buffer(msg), kTuple);
      if (ec) {
        closed_ = true;
        break;
      }
    }
  }
  void close_now() {
    if (closed_) return;
    closed_ = true;
    wake_.cancel();
    beast::get_lowest_layer(*ws_).socket().close();
  }
  void detach() {
    closed_ = true;
    wake_.cancel();
    ws_ = nullptr;
  }

 private:
  websocket::stream<beast::tcp_stream>* ws_;
  asio::any_io_executor ex_;
  std::optional<Principal> principal_;
  std::uint64_t id_;
  asio::steady_timer wake_;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  bool closed_ = false;
};

// ---- helpers ---------------------------------------------------------------

// Runs `fn` on the worker pool and resumes the caller on its own executor.
template <class Fn>
asio::awaitable<Response> on_pool(asio::thread_pool& pool, Fn fn) {
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(Response)>(
      [&pool, fn = std::move(fn)](auto handler) mutable {
        auto ex = asio::get_associated_executor(handler);
        asio::post(pool, [fn = std::move(fn), handler = std::move(handler), ex]() mutable {
          Response r = fn();
          asio::post(ex, [handler = std::move(handler), r = std::move(r)]() mutable { std::move(handler)(std::move(r)); });
        });
      },
      asio::use_awaitable);
}

Request to_request(const http::request_header<>& h, const std::string& ip) {
  Request r;
  r.method = parse_method(std::string_view(h.method_string().data(), h.method_string().size()));
  r.target = std::string(h.target());
  auto q = r.target.find('?');
  r.path = percent_decode(std::string_view(r.target).substr(0, q));
  if (q != std::string::npos) r.query_string = r.target.substr(q + 1);
  for (const auto& f : h) r.headers.add(std::string(f.name_string()), std::string(f.value()));
  r.remote_ip = ip;
  return r;
}

// Authentication, role and CSRF checks shared by every kind of route.
// Throws HttpError when the request may not proceed.
void Server::Impl::admit(Request& req, const Route& route) {
  if (route.options.auth != Auth::kNone && auth) req.principal = auth->authenticate(req);
  if (route.options.auth == Auth::kRequired || route.options.auth == Auth::kAdmin) {
    if (!req.principal) throw HttpError(401, "unauthenticated", "Authentication required", "Log in first.");
    if (route.options.auth == Auth::kAdmin && req.principal->role != Role::kAdmin) {
      throw HttpError(403, "forbidden", "Not allowed", "This needs an administrator.");
    }
  }
  if (req.principal && req.principal->via_cookie && is_mutation(req.method) && !route.options.csrf_exempt &&
      !(auth && auth->csrf_ok(req))) {
    throw HttpError(403, "csrf", "Missing or wrong CSRF token",
                    "Send the riff_csrf cookie's value in the X-CSRF-Token header.");
  }
}

// Runs `fn` and turns what it throws into problem+json.
template <class Fn>
Response Server::Impl::guarded(Request& req, Fn&& fn) {
  try {
    return fn();
  } catch (const HttpError& e) {
    return problem_response(e.problem(), req.path);
  } catch (const std::exception& e) {
    spdlog::error("request {} {} failed: {}", req.request_id, req.path, e.what());
    return problem_response({500, "internal", "Internal error", "", {}, 0}, req.path);
  }
}

Response Server::Impl::run_handler(Request& req, const Route& route) {
  return guarded(req, [&] {
    admit(req, route);
    return route.handler(req);
  });
}

asio::awaitable<Response> Server::Impl::dispatch(Request& req, const Match& m) {
  const Route& route = *m.route;
  req.params = m.params;
  if (!route.options.rate_limit.empty() && limiter) {
    if (int wait = limiter->acquire(route.options.rate_limit, req.remote_ip); wait > 0) {
      co_return problem_response({429, "rate-limited", "Too many requests",
                                  "Slow down and try again later.", {}, wait}, req.path);
    }
  }
  if (route.options.background) {
    co_return co_await on_pool(*background, [this, &req, &route] {
      // The pool's threads do only this work: lower each one's priority once.
      thread_local const bool lowered = lower_this_thread_priority(opts.background_nice);
      (void)lowered;
      return run_handler(req, route);
    });
  }
  if (route.options.blocking) {
    co_return co_await on_pool(*pool, [this, &req, &route] { return run_handler(req, route); });
  }
  co_return run_handler(req, route);
}

asio::awaitable<bool> Server::Impl::write_response(tcp::socket& sock, const Request& req, Response& res,
                                                   bool keep_alive) {
  std::string head;
  head.reserve(256);
  fmt::format_to(std::back_inserter(head), "HTTP/1.1 {} {}\r\nServer: riff\r\nDate: {}\r\n", res.status,
                 reason(res.status), http_date());
  for (const auto& [k, v] : res.headers.items()) fmt::format_to(std::back_inserter(head), "{}: {}\r\n", k, v);
  if (!req.request_id.empty()) fmt::format_to(std::back_inserter(head), "X-Request-Id: {}\r\n", req.request_id);
  const bool no_body = res.status == 304 || res.status == 204 || (res.status >= 100 && res.status < 200);
  const std::uint64_t length = res.file ? res.file->length : res.body.size();
  if (!no_body) fmt::format_to(std::back_inserter(head), "Content-Length: {}\r\n", length);
  head += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  const bool send_body = !no_body && req.method != Method::kHead;

  if (!res.file || !send_body) {
    std::array<asio::const_buffer, 2> bufs{asio::buffer(head),
                                           send_body ? asio::buffer(res.body) : asio::const_buffer()};
    auto [ec, n] = co_await asio::async_write(sock, bufs, kTuple);
    co_return !ec;
  }
  int fd = ::open(res.file->path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) co_return false;
  // Cork the socket so the head and the first file bytes share packets (as
  // nginx's tcp_nopush does); uncorking at the end flushes the tail.
  int one = 1, zero = 0;
  ::setsockopt(sock.native_handle(), IPPROTO_TCP, TCP_CORK, &one, sizeof one);
  struct Cleanup {
    int fd, sock, zero;
    ~Cleanup() {
      ::setsockopt(sock, IPPROTO_TCP, TCP_CORK, &zero, sizeof zero);
      ::close(fd);
    }
  } cleanup{fd, sock.native_handle(), zero};
  auto [ec, n] = co_await asio::async_write(sock, asio::buffer(head), kTuple);
  if (ec) co_return false;
  off_t off = static_cast<off_t>(res.file->offset);
  std::uint64_t left = res.file->length;
  sock.native_non_blocking(true);
  asio::steady_timer timer(sock.get_executor());
  while (left > 0) {
    ssize_t sent = ::sendfile(sock.native_handle(), fd, &off, std::min<std::uint64_t>(left, 1 << 21));
    if (sent > 0) {
      left -= static_cast<std::uint64_t>(sent);
      continue;
    }
    if (sent < 0 && (errno == EAGAIN || errno == EINTR)) {
      // Wait for room in the socket, but not forever: a reader that stalls is let go.
      timer.expires_after(std::chrono::milliseconds(opts.idle_timeout_ms));
      auto r = co_await (sock.async_wait(tcp::socket::wait_write, kTuple) || timer.async_wait(kTuple));
      if (r.index() == 1) co_return false;
      if (std::get<0>(std::get<0>(r))) co_return false;
      continue;
    }
    co_return false;  // error, or the file shrank under us
  }
  co_return true;
}

asio::awaitable<void> Server::Impl::session(tcp::socket socket, std::size_t idx) {
  beast::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  std::string ip;
  if (auto ep = socket.remote_endpoint(ec); !ec) ip = ep.address().to_string();
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  ConnHandle handle{&stream.socket(), false};
  auto& registry = conns[idx];
  registry.emplace(&handle, true);
  ++open;
  struct Unregister {
    Impl* self;
    std::size_t idx;
    ConnHandle* h;
    ~Unregister() {
      self->conns[idx].erase(h);
      --self->open;
    }
  } unregister{this, idx, &handle};

  // Set when we answer without reading a body the client is still sending:
  // closing at once would make the kernel reset the connection and the
  // client could lose our answer, so we drain for a while first (as nginx's
  // lingering close does).
  bool linger = false;
  while (!stopping) {
    handle.busy = false;
    // Idle keep-alive wait for the first byte, then the head must arrive in time.
    if (buffer.size() == 0) {
      stream.expires_after(std::chrono::milliseconds(opts.idle_timeout_ms));
      auto [rec, n] = co_await stream.async_read_some(buffer.prepare(4096), kTuple);
      if (rec) break;
      buffer.commit(n);
    }
    handle.busy = true;
    auto started = std::chrono::steady_clock::now();
    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    stream.expires_after(std::chrono::milliseconds(opts.header_timeout_ms));
    auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, kTuple);
    if (hec) {
      if (hec == http::error::header_limit) {
        Request dummy;
        Response r = problem_response({431, "header-too-large", "Request header too large", "", {}, 0});
        co_await write_response(stream.socket(), dummy, r, false);
      } else if (hec != beast::error::timeout && hec != http::error::end_of_stream && hec != asio::error::eof &&
                 hec != asio::error::connection_reset && hec != asio::error::operation_aborted) {
        Request dummy;
        Response r = problem_response({400, "bad-request", "Malformed HTTP request", hec.message(), {}, 0});
        co_await write_response(stream.socket(), dummy, r, false);
      }
      break;
    }
    auto& hdr = parser.get();
    Request req = to_request(hdr, ip);
    if (auto rid = req.header("X-Request-Id"); rid && !rid->empty() && rid->size() <= 64) {
      req.request_id = std::string(*rid);
    } else {
      req.request_id = fmt::format("{:x}-{:x}", static_cast<unsigned>(idx), next_request.fetch_add(1));
    }
    bool keep_alive = parser.keep_alive() && !stopping;
    Match m = router.match(req.method, req.path);
    RouteStats* stats = &unmatched_stats;
    std::string_view route_label = "(unmatched)";
    Response res;
    std::optional<Response> early;  // an answer decided before the handler runs

    if (m.route && m.route->ws && websocket::is_upgrade(hdr)) {
      auto handler = m.route->ws;
      auto route = m.route;
      req.params = m.params;
      // Authentication may touch the database: do it on the pool.
      if (route->options.auth != Auth::kNone && auth) {
        co_await on_pool(*pool, [this, &req] {
          req.principal = auth->authenticate(req);
          return Response{};
        });
      }
      if (route->options.auth == Auth::kRequired && !req.principal) {
        Response denied = problem_response({401, "unauthenticated", "Authentication required", "", {}, 0}, req.path);
        co_await write_response(stream.socket(), req, denied, false);
        break;
      }
      registry.erase(&handle);  // the WebSocket session registers itself
      registry.emplace(&handle, true);
      co_await websocket_session(std::move(stream), parser.release(), std::move(req), handler, idx);
      co_return;
    }

    if (m.route && m.route->stream) {
      stats = &route_stats[m.route->index];
      route_label = m.route->pattern;
      req.params = m.params;
      std::size_t limit = m.route->options.max_body ? m.route->options.max_body : opts.max_body_bytes;
      if (auto cl = parser.content_length(); cl && *cl > limit) {
        res = problem_response({413, "too-large", "Request body too large",
                                fmt::format("The body may be at most {} bytes.", limit), {}, 0}, req.path);
        keep_alive = false;
        linger = true;
      } else {
        parser.body_limit(limit);
        res = co_await stream_body(stream, buffer, parser, req, *m.route, keep_alive);
        if (!keep_alive) linger = true;
      }
      // Counted before the write: a client that has its answer sees it counted.
      stats->by_class[std::clamp(res.status / 100, 1, 5) - 1]->inc();
      bool ok = co_await write_response(stream.socket(), req, res, keep_alive);
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      stats->latency->observe(secs);
      if (access_log.enabled()) access_log.write(req, route_label, res.status, res.body.size(), secs);
      if (!ok || !keep_alive) break;
      continue;
    }

    // Body: route limit, then read it within the body timeout.
    std::size_t limit = opts.max_body_bytes;
    if (m.route && m.route->options.max_body) limit = m.route->options.max_body;
    if (auto cl = parser.content_length(); cl && *cl > limit) {
      early = problem_response({413, "too-large", "Request body too large",
                                fmt::format("The body may be at most {} bytes.", limit), {}, 0}, req.path);
      keep_alive = false;
      linger = true;
    } else if (!parser.is_done()) {
      if (auto ex = req.header("Expect"); ex && *ex == "100-continue") {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        co_await asio::async_write(stream.socket(), asio::buffer(kContinue), kTuple);
      }
      parser.body_limit(limit);
      stream.expires_after(std::chrono::milliseconds(opts.body_timeout_ms));
      auto [bec, bn] = co_await http::async_read(stream, buffer, parser, kTuple);
      if (bec == http::error::body_limit) {
        early = problem_response({413, "too-large", "Request body too large",
                                  fmt::format("The body may be at most {} bytes.", limit), {}, 0}, req.path);
        keep_alive = false;
        linger = true;
      } else if (bec) {
        break;
      }
    }
    stream.expires_never();

    if (early) {
      res = std::move(*early);
    } else {
      req.body = std::move(parser.get().body());
      if (m.route) {
        stats = &route_stats[m.route->index];
        route_label = m.route->pattern;
        res = co_await dispatch(req, m);
      } else if ((req.method == Method::kGet || req.method == Method::kHead) &&
                 !req.path.starts_with("/api/")) {
        stats = &static_stats;
        route_label = "(static)";
        if (auto s = statics.serve(req)) {
          res = std::move(*s);
        } else {
          res = problem_response({404, "not-found", "Not found", "No such page or file.", {}, 0}, req.path);
        }
      } else if (m.path_matched) {
        res = problem_response({405, "method-not-allowed", "Method not allowed", "", {}, 0}, req.path);
      } else {
        res = problem_response({404, "not-found", "Not found", "No such route.", {}, 0}, req.path);
      }
    }

    // Counted before the write: a client that has its answer sees it counted.
    stats->by_class[std::clamp(res.status / 100, 1, 5) - 1]->inc();
    bool ok = co_await write_response(stream.socket(), req, res, keep_alive);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    stats->latency->observe(secs);
    if (access_log.enabled()) {
      access_log.write(req, route_label, res.status,
                       res.file ? res.file->length : res.body.size(), secs);
    }
    if (!ok || !keep_alive) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (linger) {
    // Read and drop what the client still sends, for at most 2 s and 64 MiB.
    stream.expires_after(2s);
    std::vector<char> sink(64 * 1024);
    std::size_t drained = 0;
    while (drained < (64u << 20)) {
      auto [rec, n] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
      if (rec) break;
      drained += n;
    }
  }
}

asio::awaitable<void> Server::Impl::websocket_session(beast::tcp_stream stream,
                                                      http::request<http::string_body> upgrade, Request req,
                                                      std::shared_ptr<WsHandler> handler, std::size_t idx) {
  websocket::stream<beast::tcp_stream> ws(std::move(stream));
  beast::get_lowest_layer(ws).expires_never();
  ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws.read_message_max(64 * 1024);
  auto [aec] = co_await ws.async_accept(upgrade, kTuple);
  if (aec) co_return;
  auto ex = co_await asio::this_coro::executor;
  auto ch = std::make_shared<WsChannelImpl>(ws, ex, req.principal, next_ws.fetch_add(1) + 1);
  ConnHandle handle{&beast::get_lowest_layer(ws).socket(), false};
  conns[idx].emplace(&handle, true);
  asio::co_spawn(ex, ch->writer(), asio::detached);
  handler->on_open(ch, req);
  beast::flat_buffer buf;
  while (!stopping) {
    auto [ec, n] = co_await ws.async_read(buf, kTuple);
    if (ec) break;
    std::string_view text(static_cast<const char*>(buf.cdata().data()), buf.size());
    handler->on_message(ch, text);
    buf.consume(buf.size());
  }
  handler->on_close(ch);
  conns[idx].erase(&handle);
  ch->close_now();
  // The writer coroutine may still be parked on its timer: let it run out
  // before `ws` (which it points to) leaves scope.
  ch->detach();
  co_await asio::post(ex, asio::use_awaitable);
}

asio::awaitable<Response> Server::Impl::stream_body(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                                     http::request_parser<http::string_body>& parser,
                                                     Request& req, const Route& route, bool& keep_alive) {
  // Admission (auth, CSRF, the handler's own checks) before a byte of body.
  std::unique_ptr<BodySink> sink;
  Response answer = co_await on_pool(*pool, [&] {
    return guarded(req, [&] {
      admit(req, route);
      StreamStart start = route.stream(req);
      if (start.answer) return std::move(*start.answer);
      sink = std::move(start.sink);
      return Response{};
    });
  });
  if (!sink) {
    if (!parser.is_done()) keep_alive = false;  // the unread body makes the connection unusable
    co_return answer;
  }
  if (auto ex = req.header("Expect"); ex && *ex == "100-continue" && !parser.is_done()) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    co_await asio::async_write(stream.socket(), asio::buffer(kContinue), kTuple);
  }
  http::request_parser<http::buffer_body> body_parser(std::move(parser));
  std::vector<char> chunk(256 * 1024);
  bool complete = body_parser.is_done();
  Status write_error;
  while (!body_parser.is_done()) {
    body_parser.get().body().data = chunk.data();
    body_parser.get().body().size = chunk.size();
    // The timeout is for silence, not for the whole upload.
    stream.expires_after(std::chrono::milliseconds(opts.body_timeout_ms));
    auto [ec, n] = co_await http::async_read(stream, buffer, body_parser, kTuple);
    if (ec == http::error::need_buffer) ec = {};
    std::size_t got = chunk.size() - body_parser.get().body().size;
    if (got > 0) {
      std::string_view piece(chunk.data(), got);
      co_await on_pool(*pool, [&] {
        write_error = sink->write(piece);
        return Response{};
      });
      if (!write_error) break;
    }
    if (ec) break;
    complete = body_parser.is_done();
  }
  stream.expires_never();
  if (!complete) keep_alive = false;
  co_return co_await on_pool(*pool, [&] {
    return guarded(req, [&] { return sink->finish(complete, write_error); });
  });
}

asio::awaitable<void> Server::Impl::accept_loop(tcp::acceptor& acc, std::size_t idx) {
  while (!stopping) {
    auto [ec, sock] = co_await acc.async_accept(kTuple);
    if (ec) {
      if (stopping || ec == asio::error::operation_aborted) break;
      // Out of file descriptors and the like: back off a little, keep serving.
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer t(acc.get_executor(), 50ms);
      co_await t.async_wait(kTuple);
      continue;
    }
    if (open.load() >= opts.max_connections) continue;  // dropping the socket closes it
    asio::co_spawn(acc.get_executor(), session(std::move(sock), idx), asio::detached);
  }
}

// ---- Server ----------------------------------------------------------------

Server::Server(ServerOptions options, const Router& router, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics)) {
  auto& o = impl_->opts;
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  if (o.io_threads <= 0) o.io_threads = static_cast<int>(cores);
  if (o.worker_threads <= 0) o.worker_threads = static_cast<int>(cores * 4);
  if (o.background_threads <= 0) o.background_threads = static_cast<int>(cores);
  for (const auto& r : router.routes()) {
    impl_->route_stats.push_back(impl_->make_stats(r->pattern, method_name(r->method)));
  }
  impl_->static_stats = impl_->make_stats("(static)", "GET");
  impl_->unmatched_stats = impl_->make_stats("(unmatched)", "ANY");
  metrics.gauge("riff_http_open_connections", "Open HTTP and WebSocket connections",
                [impl = impl_.get()] { return static_cast<double>(impl->open.load()); });
}

Server::~Server() = default;

void Server::set_authenticator(Authenticator* a) { impl_->auth = a; }
void Server::set_rate_limiter(RateLimiter* r) { impl_->limiter = r; }
void Server::set_access_log(bool enabled) { impl_->access_log.set_enabled(enabled); }

void Server::bind() {
  auto& im = *impl_;
  if (im.bound) return;
  auto addr = asio::ip::make_address(im.opts.host);
  std::uint16_t port = im.opts.port;
  for (int i = 0; i < im.opts.io_threads; ++i) {
    im.ioc.push_back(std::make_unique<asio::io_context>(1));
    im.conns.emplace_back();
    auto acc = std::make_unique<tcp::acceptor>(*im.ioc.back());
    tcp::endpoint ep(addr, port);
    acc->open(ep.protocol());
    acc->set_option(asio::socket_base::reuse_address(true));
    // Every io thread has its own acceptor on the same port; the kernel spreads connections.
    int one = 1;
    ::setsockopt(acc->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    acc->bind(ep);
    acc->listen(asio::socket_base::max_listen_connections);
    if (port == 0) port = acc->local_endpoint().port();
    im.acceptors.push_back(std::move(acc));
  }
  im.bound_port = port;
  im.pool = std::make_unique<asio::thread_pool>(static_cast<std::size_t>(im.opts.worker_threads));
  im.background =
      std::make_unique<asio::thread_pool>(static_cast<std::size_t>(im.opts.background_threads));
  im.bound = true;
}

void Server::run() {
  bind();
  auto& im = *impl_;
  for (std::size_t i = 0; i < im.ioc.size(); ++i) {
    asio::co_spawn(*im.ioc[i], im.accept_loop(*im.acceptors[i], i), asio::detached);
  }
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < im.ioc.size(); ++i) {
    threads.emplace_back([&im, i] { im.ioc[i]->run(); });
  }
  im.ioc[0]->run();
  for (auto& t : threads) t.join();
  im.pool->join();
  im.background->join();
  im.access_log.flush();
}

void Server::stop() {
  auto& im = *impl_;
  if (im.stopping.exchange(true)) return;
  for (std::size_t i = 0; i < im.ioc.size(); ++i) {
    asio::post(*im.ioc[i], [&im, i] {
      beast::error_code ec;
      im.acceptors[i]->close(ec);
      // Idle connections are closed now; busy ones finish their response first.
      for (auto& [h, _] : im.conns[i]) {
        if (!h->busy) h->socket->close(ec);
      }
    });
  }
  // After the grace period, whatever is left is cut. The watcher runs on an
  // io_context, so it cannot outlive the server.
  asio::co_spawn(
      *im.ioc[0],
      [&im]() -> asio::awaitable<void> {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(im.opts.shutdown_grace_ms);
        asio::steady_timer t(*im.ioc[0]);
        while (im.open.load() > 0 && std::chrono::steady_clock::now() < deadline) {
          t.expires_after(10ms);
          co_await t.async_wait(kTuple);
        }
        for (auto& c : im.ioc) c->stop();
      },
      asio::detached);
}

std::uint16_t Server::port() const { return impl_->bound_port; }
std::size_t Server::open_connections() const { return impl_->open.load(); }

}  // namespace riff::net
