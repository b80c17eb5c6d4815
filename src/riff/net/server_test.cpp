// The server over real sockets: a Server on a free loopback port, spoken to
// with plain POSIX sockets so the test depends on nothing but the kernel.

#include "riff/net/server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "riff/core/metrics.hpp"

namespace riff::net {
namespace {

class Client {
 public:
  explicit Client(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) ADD_FAILURE() << "connect";
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Client() { close(); }
  void send(std::string_view s) { ASSERT_EQ(::write(fd_, s.data(), s.size()), static_cast<ssize_t>(s.size())); }
  // Reads one response: head plus Content-Length bytes.
  std::string read_response() {
    std::string data;
    char buf[65536];
    for (;;) {
      auto head_end = data.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        auto cl = data.find("Content-Length: ");
        std::size_t len = cl == std::string::npos ? 0 : std::stoul(data.substr(cl + 16));
        if (data.size() >= head_end + 4 + len) return data.substr(0, head_end + 4 + len);
      }
      ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n <= 0) return data;
      data.append(buf, static_cast<std::size_t>(n));
    }
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// Collects what a streaming route received.
struct Received {
  std::mutex mu;
  std::string bytes;
  int finishes = 0;
  bool complete = false;
};

class RecordingSink final : public BodySink {
 public:
  explicit RecordingSink(Received& r) : r_(r) {}
  Status write(std::string_view chunk) override {
    std::lock_guard lock(r_.mu);
    r_.bytes.append(chunk);
    return Status::ok();
  }
  Response finish(bool complete, const Status&) override {
    std::lock_guard lock(r_.mu);
    ++r_.finishes;
    r_.complete = complete;
    return Response::json(200, "{\"got\":" + std::to_string(r_.bytes.size()) + "}");
  }

 private:
  Received& r_;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.get("/hello", [](Request&) { return Response::json(200, R"({"ok":true})"); }, {.blocking = false});
    router_.post("/echo", [](Request& r) { return Response::text(200, r.body); });
    router_.get("/boom", [](Request&) -> Response { throw std::runtime_error("secret internals"); });
    // The nice value of the thread a handler runs on.
    auto nice_here = [](Request&) {
      const int nice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)));
      return Response::json(200, "{\"nice\":" + std::to_string(nice) + "}");
    };
    router_.get("/nice", nice_here);
    router_.post("/bulk", nice_here, {.background = true});
    router_.stream(
        Method::kPost, "/upload",
        [this](Request& r) {
          StreamStart s;
          if (r.header("X-Reject")) {
            s.answer = Response::json(409, "{}");
          } else {
            s.sink = std::make_unique<RecordingSink>(received_);
          }
          return s;
        },
        {.max_body = 10 * 1024 * 1024});
    ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.io_threads = 2;
    o.worker_threads = 2;
    o.max_body_bytes = 1024;
    o.body_timeout_ms = 500;
    server_ = std::make_unique<Server>(o, router_, metrics_);
    server_->set_access_log(false);
    server_->bind();
    thread_ = std::thread([this] { server_->run(); });
  }
  void TearDown() override {
    server_->stop();
    thread_.join();
  }
  void wait_for_finish() {
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard lock(received_.mu);
        if (received_.finishes > 0) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  Router router_;
  Metrics metrics_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  Received received_;
};

TEST_F(ServerTest, ServesSeveralRequestsOnOneKeepAliveConnection) {
  Client c(server_->port());
  for (int i = 0; i < 3; ++i) {
    c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string r = c.read_response();
    EXPECT_NE(r.find("HTTP/1.1 200"), std::string::npos);
    EXPECT_NE(r.find(R"({"ok":true})"), std::string::npos);
  }
}

TEST_F(ServerTest, BackgroundRoutesRunAtALowerPriorityThanTheOthers) {
  Client c(server_->port());
  auto nice_of = [&](const std::string& request) {
    c.send(request);
    const std::string r = c.read_response();
    const auto at = r.find("{\"nice\":");
    EXPECT_NE(at, std::string::npos) << r;
    return std::stoi(r.substr(at + 8));
  };
  const int normal = nice_of("GET /nice HTTP/1.1\r\nHost: x\r\n\r\n");
  for (int i = 0; i < 4; ++i) {  // whichever of the pool's threads takes it
    EXPECT_EQ(nice_of("POST /bulk HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"),
              std::min(normal + 10, 19));
  }
  EXPECT_EQ(nice_of("GET /nice HTTP/1.1\r\nHost: x\r\n\r\n"), normal);
}

TEST_F(ServerTest, BlockingHandlersSeeTheBody) {
  Client c(server_->port());
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  std::string r = c.read_response();
  EXPECT_NE(r.find("HTTP/1.1 200"), std::string::npos);
  EXPECT_EQ(r.substr(r.size() - 5), "hello");
}

TEST_F(ServerTest, BodyOverTheLimitIs413) {
  Client c(server_->port());
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
  std::string r = c.read_response();
  EXPECT_NE(r.find("HTTP/1.1 413"), std::string::npos);
  EXPECT_NE(r.find("application/problem+json"), std::string::npos);
}

TEST_F(ServerTest, ExceptionsBecome500WithoutLeakingInternals) {
  Client c(server_->port());
  c.send("GET /boom HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string r = c.read_response();
  EXPECT_NE(r.find("HTTP/1.1 500"), std::string::npos);
  EXPECT_EQ(r.find("secret internals"), std::string::npos);
}

TEST_F(ServerTest, StreamingRouteReceivesTheWholeBodyBeyondTheBufferedLimit) {
  std::string body(3 * 1024 * 1024 + 17, 'a');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
  Client c(server_->port());
  c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n");
  c.send(body);
  std::string r = c.read_response();
  EXPECT_NE(r.find("HTTP/1.1 200"), std::string::npos);
  wait_for_finish();
  std::lock_guard lock(received_.mu);
  EXPECT_TRUE(received_.complete);
  EXPECT_EQ(received_.bytes, body);
}

TEST_F(ServerTest, StreamingRouteCutOffMidwayKeepsWhatArrived) {
  Client c(server_->port());
  c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
  c.send(std::string(40000, 'z'));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  c.close();
  wait_for_finish();
  std::lock_guard lock(received_.mu);
  EXPECT_EQ(received_.finishes, 1);
  EXPECT_FALSE(received_.complete);
  EXPECT_EQ(received_.bytes, std::string(40000, 'z'));
}

TEST_F(ServerTest, StreamingRouteCanAnswerBeforeTheBody) {
  Client c(server_->port());
  c.send("POST /upload HTTP/1.1\r\nHost: x\r\nX-Reject: 1\r\nContent-Length: 10\r\n\r\n0123456789");
  std::string r = c.read_response();
  EXPECT_NE(r.find("HTTP/1.1 409"), std::string::npos);
  std::lock_guard lock(received_.mu);
  EXPECT_TRUE(received_.bytes.empty());
}

TEST_F(ServerTest, MetricsCountRequestsByRoute) {
  Client c(server_->port());
  c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  c.read_response();
  // Counted right after the response is written, so the client may be first.
  const std::string expected = R"(riff_http_requests_total{route="/hello",method="GET",status="2xx"} 1)";
  for (int i = 0; i < 200 && metrics_.render().find(expected) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_NE(metrics_.render().find(expected), std::string::npos);
}

}  // namespace
}  // namespace riff::net
