#include "riff/orders/render.hpp"

#include "riff/core/clock.hpp"
#include "riff/net/json.hpp"

namespace riff::orders {
namespace {

namespace json = boost::json;

json::value string_or_null(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return json::value(*s);
}

json::object address_json(const ShippingAddress& a) {
  return {{"name", a.name},       {"line1", a.line1},
          {"line2", a.line2},     {"city", a.city},
          {"region", a.region},   {"postal_code", a.postal_code},
          {"country", a.country}, {"phone", a.phone}};
}

json::object item_json(const OrderItem& i, bool seller_view) {
  json::object o{{"variant_id", id_to_string(i.variant_id)},
                 {"product_id", id_to_string(i.product_id)},
                 {"title", i.title},
                 {"variant_title", i.variant_title},
                 {"sku", i.sku},
                 {"unit_price", i.unit_price},
                 {"quantity", i.quantity},
                 {"discount", i.discount},
                 {"amount", i.amount()}};
  if (seller_view) {
    o["creator_id"] = i.creator_id ? json::value(id_to_string(*i.creator_id)) : json::value(nullptr);
    o["commission_rate_bps"] = i.commission_bps;
    o["commission"] = i.commission;
  }
  return o;
}

}  // namespace

json::object cart_json(const Cart& cart) {
  json::array lines;
  std::int64_t subtotal = 0;
  std::string currency;
  bool one_currency = true;
  for (const auto& l : cart.lines) {
    const auto& i = l.item;
    if (currency.empty()) currency = i.currency;
    if (currency != i.currency) one_currency = false;
    subtotal += i.unit_price * l.quantity;
    lines.push_back(json::object{
        {"variant_id", id_to_string(i.variant_id)},
        {"product_id", id_to_string(i.product_id)},
        {"shop", json::object{{"id", id_to_string(i.shop_id)},
                              {"handle", i.shop_handle},
                              {"name", i.shop_name}}},
        {"title", i.title},
        {"variant_title", i.variant_title},
        {"sku", i.sku},
        {"image_url", i.image_path ? json::value("/media/" + *i.image_path) : json::value(nullptr)},
        {"unit_price", i.unit_price},
        {"currency", i.currency},
        {"quantity", l.quantity},
        {"available", i.available},
        {"purchasable", i.purchasable && i.available >= l.quantity},
        {"added_at", to_rfc3339(l.added_at)},
    });
  }
  return {{"items", std::move(lines)},
          {"item_count", cart.item_count},
          {"currency", one_currency && !currency.empty() ? json::value(currency) : json::value(nullptr)},
          {"subtotal", one_currency ? json::value(subtotal) : json::value(nullptr)}};
}

json::object order_json(const Order& o, Id viewer) {
  const bool seller_view = viewer == o.seller_id;
  json::array items;
  for (const auto& i : o.items) items.push_back(item_json(i, seller_view));
  json::array history;
  for (const auto& e : o.events) {
    history.push_back(json::object{{"status", to_string(e.status)},
                                   {"note", e.note},
                                   {"at", to_rfc3339(e.created_at)}});
  }
  json::object out{
      {"id", id_to_string(o.id)},
      {"checkout_id", id_to_string(o.checkout_id)},
      {"status", to_string(o.status)},
      {"shop", json::object{{"id", id_to_string(o.shop_id)},
                            {"handle", o.shop_handle},
                            {"name", o.shop_name}}},
      {"buyer_id", id_to_string(o.buyer_id)},
      {"currency", o.currency},
      {"subtotal", o.subtotal},
      {"discount", o.discount},
      {"shipping", o.shipping},
      {"tax", o.tax},
      {"total", o.total},
      {"refunded", o.refunded},
      {"coupon_code", string_or_null(o.coupon_code)},
      {"shipping_option", o.shipping_option},
      {"shipping_address", address_json(o.address)},
      {"carrier", string_or_null(o.carrier)},
      {"tracking_number", string_or_null(o.tracking_number)},
      {"cancel_reason", string_or_null(o.cancel_reason)},
      {"pay_by", o.status == OrderStatus::kUnpaid ? json::value(to_rfc3339(o.expires_at))
                                                  : json::value(nullptr)},
      {"paid_at", net::time_or_null(o.paid_at)},
      {"shipped_at", net::time_or_null(o.shipped_at)},
      {"delivered_at", net::time_or_null(o.delivered_at)},
      {"completed_at", net::time_or_null(o.completed_at)},
      {"cancelled_at", net::time_or_null(o.cancelled_at)},
      {"created_at", to_rfc3339(o.created_at)},
      {"items", std::move(items)},
      {"history", std::move(history)},
  };
  if (seller_view) {
    const Allocation a = o.allocation();
    out["platform_fee"] = o.platform_fee;
    out["commission_total"] = o.commission_total();
    out["seller_share"] = a.seller;
  }
  return out;
}

json::object checkout_json(const Checkout& c) {
  json::array orders;
  for (const auto& o : c.orders) orders.push_back(order_json(o, c.buyer_id));
  return {{"id", id_to_string(c.id)},
          {"status", to_string(c.state)},
          {"currency", c.currency},
          {"total", c.amount},
          {"payment_intent", string_or_null(c.intent_id)},
          {"decline_code", string_or_null(c.decline_code)},
          {"pay_by", to_rfc3339(c.expires_at)},
          {"created_at", to_rfc3339(c.created_at)},
          {"orders", std::move(orders)}};
}

json::object shipping_option_json(const ShippingOption& o) {
  return {{"id", id_to_string(o.id)},
          {"name", o.name},
          {"price", o.price},
          {"min_days", o.min_days},
          {"max_days", o.max_days}};
}

json::object coupon_json(const Coupon& c) {
  return {{"id", id_to_string(c.id)},
          {"code", c.code},
          {"kind", to_string(c.kind)},
          {"value", c.value},
          {"min_subtotal", c.min_subtotal},
          {"starts_at", to_rfc3339(c.starts_at)},
          {"ends_at", net::time_or_null(c.ends_at)},
          {"max_uses", c.max_uses ? json::value(*c.max_uses) : json::value(nullptr)},
          {"uses", c.uses},
          {"per_buyer_limit", c.per_buyer_limit},
          {"active", c.active},
          {"created_at", to_rfc3339(c.created_at)}};
}

json::object return_json(const ReturnRequest& r) {
  return {{"id", id_to_string(r.id)},
          {"order_id", id_to_string(r.order_id)},
          {"kind", r.send_back ? "return_and_refund" : "refund_only"},
          {"amount", r.amount},
          {"currency", r.currency},
          {"reason", r.reason},
          {"state", to_string(r.state)},
          {"seller_note", r.seller_note},
          {"respond_by", to_rfc3339(r.respond_by)},
          {"decided_at", net::time_or_null(r.decided_at)},
          {"auto_approved", r.auto_approved},
          {"created_at", to_rfc3339(r.created_at)}};
}

json::object quote_json(const Quote& q) {
  json::array shops;
  for (const auto& s : q.shops) {
    json::array items;
    for (const auto& i : s.items) items.push_back(item_json(i, false));
    json::array options;
    for (const auto& o : s.shipping_options) options.push_back(shipping_option_json(o));
    shops.push_back(json::object{
        {"shop", json::object{{"id", id_to_string(s.shop_id)},
                              {"handle", s.shop_handle},
                              {"name", s.shop_name}}},
        {"items", std::move(items)},
        {"shipping_options", std::move(options)},
        {"shipping", s.shipping ? json::value(shipping_option_json(*s.shipping)) : json::value(nullptr)},
        {"coupon_code", s.coupon ? json::value(s.coupon->code) : json::value(nullptr)},
        {"subtotal", s.quote.subtotal},
        {"discount", s.quote.discount},
        {"shipping_price", s.quote.shipping},
        {"tax", s.quote.tax},
        {"total", s.quote.total},
    });
  }
  return {{"currency", q.currency},
          {"shops", std::move(shops)},
          {"subtotal", q.subtotal},
          {"discount", q.discount},
          {"shipping", q.shipping},
          {"tax", q.tax},
          {"total", q.total}};
}

}  // namespace riff::orders
