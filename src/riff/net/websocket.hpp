#pragma once
// WebSocket endpoints. The server owns the socket; handlers get a channel they
// may keep and send on from any thread.

#include <memory>
#include <string>

#include "riff/net/http.hpp"

namespace riff::net {

/// One open WebSocket. send() and close() are thread-safe and never block:
/// messages are queued and written in order; a peer that stops reading is
/// disconnected once its queue passes a limit.
class WsChannel {
 public:
  virtual ~WsChannel() = default;
  virtual void send(std::string text) = 0;
  virtual void close() = 0;
  virtual const std::optional<Principal>& principal() const = 0;
  virtual std::uint64_t id() const = 0;
};

/// Callbacks for one WebSocket route; called on I/O threads, so they must not block.
class WsHandler {
 public:
  virtual ~WsHandler() = default;
  virtual void on_open(const std::shared_ptr<WsChannel>& ch, const Request& upgrade) {}
  virtual void on_message(const std::shared_ptr<WsChannel>& ch, std::string_view text) {}
  virtual void on_close(const std::shared_ptr<WsChannel>& ch) {}
};

}  // namespace riff::net
