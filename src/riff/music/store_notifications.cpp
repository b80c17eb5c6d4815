#include "riff/music/store_notifications.hpp"

#include <charconv>

namespace riff::music {

namespace json = boost::json;

std::string json_string(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<std::int64_t> json_int(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v->as_uint64());
  }
  if (v->is_string()) {
    const auto& s = v->as_string();
    std::int64_t out = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && end == s.data() + s.size()) return out;
  }
  return std::nullopt;
}

StoreNotifications::StoreNotifications(db::Database& db, const Clock& clock,
                                       Subscriptions& subscriptions, StoreOptions options)
    : db_(db), clock_(clock), subscriptions_(subscriptions), options_(std::move(options)) {}

Result<NotificationOutcome> StoreNotifications::record(SubSource source,
                                                       const std::string& notification_id,
                                                       const std::string& type,
                                                       const std::string& account_token,
                                                       const std::string& transaction_id,
                                                       const std::optional<SubEvent>& event) {
  return db_.transact_result([&](db::Conn& c) -> Result<NotificationOutcome> {
    NotificationOutcome out;
    out.type = type;
    if (!account_token.empty()) {
      RIFF_ASSIGN_OR_RETURN(out.user_id, subscriptions_.user_for_token(c, account_token));
    }
    if (!out.user_id) {
      RIFF_ASSIGN_OR_RETURN(out.user_id,
                            subscriptions_.user_for_transaction(c, source, transaction_id));
    }
    // The primary key makes a concurrent replay wait for this transaction,
    // then find the row: each notification is applied once.
    RIFF_ASSIGN_OR_RETURN(
        std::int64_t inserted,
        c.exec("INSERT INTO music_store_notifications (source, notification_id,"
               " notification_type, user_id, received_at) VALUES ($1, $2, $3, $4, $5)"
               " ON CONFLICT (source, notification_id) DO NOTHING",
               {sub_source_name(source), notification_id, type, out.user_id, clock_.now_ms()}));
    if (inserted == 0) {
      out.duplicate = true;
      return out;
    }
    if (out.user_id && event) {
      RIFF_ASSIGN_OR_RETURN(std::optional<Subscription> after,
                            subscriptions_.apply(c, *out.user_id, *event));
      out.applied = after.has_value();
    }
    return out;
  });
}

}  // namespace riff::music
