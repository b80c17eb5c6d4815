#pragma once
// LiveHub: the WebSocket endpoint GET /api/v1/ws and the in-process
// UserPublisher behind it.
//
// On open it sends {"type":"hello","user_id":"<id>"|null}; it answers
// {"type":"ping"} with {"type":"pong"}; publish(user, text) sends `text` to
// every open socket of that user on this node. Anonymous sockets get hello
// and pong but no pushes.
//
// Thread-safe: callbacks come from I/O threads, publish() from any thread.
// Nothing here blocks; sends are queued by the channel.

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "riff/accounts/publisher.hpp"
#include "riff/net/websocket.hpp"

namespace riff::accounts {

class LiveHub final : public net::WsHandler, public UserPublisher {
 public:
  void on_open(const std::shared_ptr<net::WsChannel>& ch, const net::Request& upgrade) override;
  void on_message(const std::shared_ptr<net::WsChannel>& ch, std::string_view text) override;
  void on_close(const std::shared_ptr<net::WsChannel>& ch) override;

  void publish(Id user_id, std::string json_text) override;

  /// Open sockets of `user_id` on this node.
  std::size_t connections_of(Id user_id) const;
  /// Open authenticated sockets on this node.
  std::size_t connection_count() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<Id, std::vector<std::shared_ptr<net::WsChannel>>> by_user_;
  std::size_t count_ = 0;
};

}  // namespace riff::accounts
