#include "riff/accounts/live_hub.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace riff::accounts {

void LiveHub::on_open(const std::shared_ptr<net::WsChannel>& ch, const net::Request&) {
  const auto& principal = ch->principal();
  boost::json::object hello{{"type", "hello"}, {"user_id", nullptr}};
  if (principal) {
    hello["user_id"] = id_to_string(principal->user_id);
    std::lock_guard lock(mu_);
    by_user_[principal->user_id].push_back(ch);
    ++count_;
  }
  ch->send(boost::json::serialize(hello));
}

void LiveHub::on_message(const std::shared_ptr<net::WsChannel>& ch, std::string_view text) {
  boost::system::error_code ec;
  boost::json::value msg = boost::json::parse(text, ec);
  if (ec || !msg.is_object()) return;  // not ours to interpret; ignore
  const auto* type = msg.as_object().if_contains("type");
  if (type != nullptr && type->is_string() && type->as_string() == "ping") {
    ch->send(R"({"type":"pong"})");
  }
}

void LiveHub::on_close(const std::shared_ptr<net::WsChannel>& ch) {
  const auto& principal = ch->principal();
  if (!principal) return;
  std::lock_guard lock(mu_);
  auto it = by_user_.find(principal->user_id);
  if (it == by_user_.end()) return;
  auto& list = it->second;
  auto gone =
      std::remove_if(list.begin(), list.end(), [&](const auto& c) { return c->id() == ch->id(); });
  count_ -= static_cast<std::size_t>(std::distance(gone, list.end()));
  list.erase(gone, list.end());
  if (list.empty()) by_user_.erase(it);
}

void LiveHub::publish(Id user_id, std::string json_text) {
  // Copy the targets and send outside the lock: send() only queues, but a
  // channel may call back into on_close when its queue overflows.
  std::vector<std::shared_ptr<net::WsChannel>> targets;
  {
    std::lock_guard lock(mu_);
    auto it = by_user_.find(user_id);
    if (it == by_user_.end()) return;
    targets = it->second;
  }
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (i + 1 == targets.size()) {
      targets[i]->send(std::move(json_text));
    } else {
      targets[i]->send(json_text);
    }
  }
}

std::size_t LiveHub::connections_of(Id user_id) const {
  std::lock_guard lock(mu_);
  auto it = by_user_.find(user_id);
  return it == by_user_.end() ? 0 : it->second.size();
}

std::size_t LiveHub::connection_count() const {
  std::lock_guard lock(mu_);
  return count_;
}

}  // namespace riff::accounts
