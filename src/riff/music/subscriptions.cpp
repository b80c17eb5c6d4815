#include "riff/music/subscriptions.hpp"

#include <sodium.h>

#include <array>
#include <cstdio>

namespace riff::music {

namespace {

constexpr std::string_view kStatusNames[] = {"active", "cancelled", "expired", "refunded"};
constexpr std::string_view kSourceNames[] = {"admin", "app_store", "google_play"};

template <class E, std::size_t N>
std::optional<E> parse_enum(std::string_view s, const std::string_view (&names)[N]) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}

constexpr std::string_view kColumns =
    "plan, status, source, current_period_end, auto_renew, original_transaction_id, product_id,"
    " updated_at";

Subscription from_row(const db::Row& r) {
  Subscription s;
  s.plan = parse_plan(r.str(0)).value_or(Plan::kFree);
  s.status = parse_sub_status(r.str(1)).value_or(SubStatus::kExpired);
  s.source = parse_sub_source(r.str(2)).value_or(SubSource::kAdmin);
  s.period_end_ms = r.opt_i64(3);
  s.auto_renew = r.boolean(4);
  s.original_transaction_id = r.str(5);
  s.product_id = r.str(6);
  s.updated_at = r.i64(7);
  return s;
}

Status save(db::Conn& c, Id user_id, const Subscription& s) {
  return c
      .exec(
          "INSERT INTO music_subscriptions (user_id, plan, status, source, current_period_end,"
          " auto_renew, original_transaction_id, product_id, updated_at)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
          " ON CONFLICT (user_id) DO UPDATE SET plan = excluded.plan, status = excluded.status,"
          " source = excluded.source, current_period_end = excluded.current_period_end,"
          " auto_renew = excluded.auto_renew,"
          " original_transaction_id = excluded.original_transaction_id,"
          " product_id = excluded.product_id, updated_at = excluded.updated_at",
          {user_id, plan_name(s.plan), sub_status_name(s.status), sub_source_name(s.source),
           s.period_end_ms, std::int64_t{s.auto_renew ? 1 : 0}, s.original_transaction_id,
           s.product_id, s.updated_at})
      .status();
}

/// A random RFC 4122 version 4 UUID, lowercase.
std::string new_uuid() {
  std::array<unsigned char, 16> b{};
  randombytes_buf(b.data(), b.size());
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

bool live(const Subscription& s) {
  return s.status == SubStatus::kActive || s.status == SubStatus::kCancelled;
}

}  // namespace

std::string_view sub_status_name(SubStatus s) { return kStatusNames[static_cast<int>(s)]; }
std::optional<SubStatus> parse_sub_status(std::string_view s) {
  return parse_enum<SubStatus>(s, kStatusNames);
}
std::string_view sub_source_name(SubSource s) { return kSourceNames[static_cast<int>(s)]; }
std::optional<SubSource> parse_sub_source(std::string_view s) {
  return parse_enum<SubSource>(s, kSourceNames);
}

std::optional<Subscription> apply_event(const std::optional<Subscription>& current,
                                        const SubEvent& e, std::int64_t now_ms) {
  using K = SubEvent::Kind;
  // A store renewal may arrive before the purchase it renews (the stores do
  // not promise order): it starts the subscription.
  if (e.kind == K::kPurchase || (e.kind == K::kRenew && !current && e.period_end_ms)) {
    Subscription s;
    s.plan = Plan::kPremium;
    s.status = SubStatus::kActive;
    s.source = e.source;
    s.period_end_ms = e.period_end_ms;
    s.auto_renew = e.source != SubSource::kAdmin;
    s.original_transaction_id = e.original_transaction_id;
    s.product_id = e.product_id;
    s.updated_at = now_ms;
    return s;
  }
  if (!current) return std::nullopt;
  Subscription s = *current;
  s.updated_at = now_ms;
  if (!e.product_id.empty()) s.product_id = e.product_id;
  switch (e.kind) {
    case K::kPurchase:
      break;  // handled above
    case K::kRenew:
      // A renewal that arrives after a refund is a new payment: premium again.
      s.plan = Plan::kPremium;
      s.status = SubStatus::kActive;
      s.auto_renew = true;
      if (e.period_end_ms && (!s.period_end_ms || *e.period_end_ms > *s.period_end_ms)) {
        s.period_end_ms = e.period_end_ms;
      }
      break;
    case K::kAutoRenewOff:
      s.auto_renew = false;
      if (s.status == SubStatus::kActive) s.status = SubStatus::kCancelled;
      break;
    case K::kAutoRenewOn:
      s.auto_renew = true;
      if (s.status == SubStatus::kCancelled) s.status = SubStatus::kActive;
      break;
    case K::kExpire:
      if (live(s)) s.status = SubStatus::kExpired;
      s.auto_renew = false;
      if (!s.period_end_ms || *s.period_end_ms > now_ms) s.period_end_ms = now_ms;
      break;
    case K::kRefund:
      s.status = SubStatus::kRefunded;
      s.auto_renew = false;
      if (!s.period_end_ms || *s.period_end_ms > now_ms) s.period_end_ms = now_ms;
      break;
  }
  return s;
}

Plan effective_plan(const std::optional<Subscription>& sub, std::int64_t now_ms) {
  if (!sub || sub->plan != Plan::kPremium || !live(*sub)) return Plan::kFree;
  if (sub->period_end_ms && now_ms >= *sub->period_end_ms) return Plan::kFree;
  return Plan::kPremium;
}

SubStatus effective_status(const Subscription& sub, std::int64_t now_ms) {
  if (live(sub) && sub.period_end_ms && now_ms >= *sub.period_end_ms) return SubStatus::kExpired;
  return sub.status;
}

Subscriptions::Subscriptions(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

Result<std::optional<Subscription>> Subscriptions::get(Id user_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT " + std::string(kColumns) +
                                      " FROM music_subscriptions WHERE user_id = $1",
                                  {user_id}));
  if (rows.empty()) return std::optional<Subscription>{};
  return std::optional<Subscription>{from_row(rows[0])};
}

Result<std::optional<Subscription>> Subscriptions::get(db::Conn& c, Id user_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        c.query("SELECT " + std::string(kColumns) +
                                    " FROM music_subscriptions WHERE user_id = $1 FOR UPDATE",
                                {user_id}));
  if (rows.empty()) return std::optional<Subscription>{};
  return std::optional<Subscription>{from_row(rows[0])};
}

Result<Plan> Subscriptions::effective_plan(Id user_id) {
  RIFF_ASSIGN_OR_RETURN(std::optional<Subscription> sub, get(user_id));
  return music::effective_plan(sub, clock_.now_ms());
}

Result<std::optional<Subscription>> Subscriptions::apply(db::Conn& c, Id user_id,
                                                         const SubEvent& event) {
  RIFF_ASSIGN_OR_RETURN(std::optional<Subscription> current, get(c, user_id));
  std::optional<Subscription> next = apply_event(current, event, clock_.now_ms());
  if (next) RIFF_RETURN_IF_ERROR(save(c, user_id, *next));
  return next;
}

Result<std::optional<Subscription>> Subscriptions::admin_set(
    Id user_id, Plan plan, std::optional<std::int64_t> period_end_ms) {
  return db_.transact_result([&](db::Conn& c) -> Result<std::optional<Subscription>> {
    SubEvent e;
    e.source = SubSource::kAdmin;
    e.kind = plan == Plan::kPremium ? SubEvent::Kind::kPurchase : SubEvent::Kind::kExpire;
    e.period_end_ms = period_end_ms;
    return apply(c, user_id, e);
  });
}

Result<Subscription> Subscriptions::cancel(Id user_id) {
  const std::int64_t now = clock_.now_ms();
  return db_.transact_result([&](db::Conn& c) -> Result<Subscription> {
    RIFF_ASSIGN_OR_RETURN(std::optional<Subscription> current, get(c, user_id));
    if (!current || music::effective_plan(current, now) != Plan::kPremium) {
      return Status::not_found("You have no subscription to cancel.");
    }
    if (current->source != SubSource::kAdmin) {
      return Status::conflict(
          "This subscription is billed by the app store; cancel it in the store's "
          "subscription settings.");
    }
    SubEvent e;
    e.kind = SubEvent::Kind::kAutoRenewOff;
    Subscription next = *apply_event(current, e, now);
    RIFF_RETURN_IF_ERROR(save(c, user_id, next));
    return next;
  });
}

Result<std::string> Subscriptions::account_token(Id user_id) {
  auto existing = [&]() -> Result<std::optional<std::string>> {
    RIFF_ASSIGN_OR_RETURN(
        db::Rows rows,
        db_.query("SELECT account_token FROM music_store_accounts WHERE user_id = $1", {user_id}));
    if (rows.empty()) return std::optional<std::string>{};
    return std::optional<std::string>{rows[0].str(0)};
  };
  RIFF_ASSIGN_OR_RETURN(std::optional<std::string> token, existing());
  if (token) return *token;
  RIFF_RETURN_IF_ERROR(db_.exec("INSERT INTO music_store_accounts (user_id, account_token,"
                                " created_at) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO NOTHING",
                                {user_id, new_uuid(), clock_.now_ms()})
                           .status());
  RIFF_ASSIGN_OR_RETURN(token, existing());
  if (!token) return Status::internal("account token vanished");
  return *token;
}

Result<std::optional<Id>> Subscriptions::user_for_token(db::Conn& c, std::string_view token) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query("SELECT user_id FROM music_store_accounts WHERE account_token = lower($1)", {token}));
  if (rows.empty()) return std::optional<Id>{};
  return std::optional<Id>{rows[0].i64(0)};
}

Result<std::optional<Id>> Subscriptions::user_for_transaction(
    db::Conn& c, SubSource source, std::string_view original_transaction_id) {
  if (original_transaction_id.empty()) return std::optional<Id>{};
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        c.query("SELECT user_id FROM music_subscriptions WHERE source = $1"
                                " AND original_transaction_id = $2",
                                {sub_source_name(source), original_transaction_id}));
  if (rows.empty()) return std::optional<Id>{};
  return std::optional<Id>{rows[0].i64(0)};
}

}  // namespace riff::music
