#include "riff/orders/model.hpp"

#include <algorithm>
#include <array>
#include <numeric>

#include "riff/core/countries.hpp"

namespace riff::orders {
namespace {

constexpr std::array<std::string_view, 6> kStatusNames = {
    "unpaid", "awaiting_shipment", "in_transit", "delivered", "completed", "cancelled"};

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string upper(std::string s) {
  for (char& ch : s) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  }
  return s;
}

}  // namespace

std::string_view to_string(OrderStatus s) { return kStatusNames.at(static_cast<std::size_t>(s)); }

std::optional<OrderStatus> parse_order_status(std::string_view s) {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == s) return static_cast<OrderStatus>(i);
  }
  return std::nullopt;
}

std::string_view to_string(ReturnState s) {
  switch (s) {
    case ReturnState::kRequested: return "requested";
    case ReturnState::kApproved: return "approved";
    case ReturnState::kRejected: return "rejected";
  }
  return "requested";
}

std::optional<ReturnState> parse_return_state(std::string_view s) {
  for (auto st : {ReturnState::kRequested, ReturnState::kApproved, ReturnState::kRejected}) {
    if (to_string(st) == s) return st;
  }
  return std::nullopt;
}

std::string_view to_string(CouponKind k) { return k == CouponKind::kPercent ? "percent" : "amount"; }

std::optional<CouponKind> parse_coupon_kind(std::string_view s) {
  if (s == "percent") return CouponKind::kPercent;
  if (s == "amount") return CouponKind::kAmount;
  return std::nullopt;
}

Result<ShippingAddress> validate_address(ShippingAddress a, const std::string& pointer_prefix) {
  std::vector<FieldError> errors;
  auto field = [&](std::string& value, std::string_view name, std::size_t max_len, bool required) {
    value = trim(value);
    const std::string pointer = pointer_prefix + "/" + std::string(name);
    if (required && value.empty()) {
      errors.push_back({pointer, std::string(name) + " is required"});
    } else if (value.size() > max_len) {
      errors.push_back({pointer, std::string(name) + " is at most " + std::to_string(max_len) +
                                     " bytes"});
    }
  };
  field(a.name, "name", 200, true);
  field(a.line1, "line1", 200, true);
  field(a.line2, "line2", 200, false);
  field(a.city, "city", 100, true);
  field(a.region, "region", 100, false);
  field(a.postal_code, "postal_code", 20, true);
  field(a.phone, "phone", 30, false);
  if (auto country = normalize_country(trim(a.country))) {
    a.country = *country;
  } else {
    errors.push_back({pointer_prefix + "/country", "country is an ISO 3166-1 alpha-2 code"});
  }
  if (!errors.empty()) return Status::invalid(std::move(errors));
  return a;
}

std::string normalize_coupon_code(std::string_view code) {
  std::string c = upper(trim(code));
  if (c.size() < 3 || c.size() > 32) return {};
  for (char ch : c) {
    const bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
    if (!ok) return {};
  }
  return c;
}

Status validate_coupon(const Coupon& c) {
  std::vector<FieldError> errors;
  if (normalize_coupon_code(c.code) != c.code) {
    errors.push_back({"/code", "code is 3-32 of A-Z, 0-9, - and _"});
  }
  if (c.kind == CouponKind::kPercent && (c.value < 1 || c.value > 100)) {
    errors.push_back({"/value", "a percent coupon takes 1-100 percent off"});
  }
  if (c.kind == CouponKind::kAmount && (c.value < 1 || c.value > 100'000'000'000)) {
    errors.push_back({"/value", "an amount coupon takes a positive amount in minor units off"});
  }
  if (c.min_subtotal < 0) errors.push_back({"/min_subtotal", "min_subtotal is not negative"});
  if (c.ends_at && *c.ends_at <= c.starts_at) {
    errors.push_back({"/ends_at", "ends_at is after starts_at"});
  }
  if (c.max_uses && *c.max_uses < 1) errors.push_back({"/max_uses", "max_uses is at least 1"});
  if (c.per_buyer_limit < 0) {
    errors.push_back({"/per_buyer_limit", "per_buyer_limit is 0 (no limit) or more"});
  }
  if (!errors.empty()) return Status::invalid(std::move(errors));
  return Status::ok();
}

Result<TaxTable> TaxTable::parse(std::string_view text) {
  TaxTable t;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto comma = std::min(text.find(',', pos), text.size());
    const std::string item = trim(text.substr(pos, comma - pos));
    pos = comma + 1;
    if (item.empty()) {
      if (comma == text.size()) break;
      continue;
    }
    const auto colon = item.find(':');
    const std::string where = upper(trim(std::string_view(item).substr(0, colon)));
    if (colon == std::string::npos) {
      return Status::invalid("", "expected CC:BPS or CC-REGION:BPS, got \"" + item + "\"");
    }
    const std::string country = where.substr(0, where.find('-'));
    if (!normalize_country(country)) {
      return Status::invalid("", "\"" + where + "\" does not start with an ISO 3166-1 code");
    }
    const std::string bps = trim(std::string_view(item).substr(colon + 1));
    std::int64_t rate = -1;
    if (!bps.empty() && bps.size() <= 5 &&
        std::all_of(bps.begin(), bps.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
      rate = std::stoll(bps);
    }
    if (rate < 0 || rate > 5000) {
      return Status::invalid("", "the rate of " + where + " is 0-5000 basis points");
    }
    t.rates_[where] = rate;
  }
  return t;
}

std::int64_t TaxTable::rate_bps(std::string_view country, std::string_view region) const {
  if (!region.empty()) {
    if (auto it = rates_.find(upper(std::string(country)) + "-" + upper(trim(region)));
        it != rates_.end()) {
      return it->second;
    }
  }
  if (auto it = rates_.find(upper(std::string(country))); it != rates_.end()) return it->second;
  return 0;
}

std::int64_t apply_bps(std::int64_t amount, std::int64_t bps) {
  // Amounts are bounded far below 2^63 / 10^4 (kMaxPrice x kMaxLineQuantity x lines).
  return (amount * bps + kBasisPoints / 2) / kBasisPoints;
}

std::int64_t coupon_discount(const Coupon& c, std::int64_t subtotal) {
  if (subtotal <= 0 || subtotal < c.min_subtotal) return 0;
  if (c.kind == CouponKind::kPercent) return subtotal * c.value / 100;
  return std::min(c.value, subtotal);
}

OrderQuote quote_order(const std::vector<PriceLine>& lines, std::int64_t shipping,
                       const Coupon* coupon, std::int64_t tax_bps, std::int64_t fee_bps) {
  OrderQuote q;
  std::vector<std::int64_t> amounts;
  amounts.reserve(lines.size());
  for (const auto& l : lines) {
    amounts.push_back(l.unit_price * l.quantity);
    q.subtotal += amounts.back();
  }
  q.discount = coupon != nullptr ? coupon_discount(*coupon, q.subtotal) : 0;
  // Largest remainder: each line gets floor(discount x share), the leftover
  // units go to the lines with the largest remainders (earlier lines first).
  q.line_discounts.assign(lines.size(), 0);
  if (q.discount > 0) {
    std::vector<std::pair<std::int64_t, std::size_t>> remainders;
    std::int64_t given = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      // discount <= subtotal, so the product stays within 2^63 for real prices.
      const __int128 share = static_cast<__int128>(q.discount) * amounts[i];
      q.line_discounts[i] = static_cast<std::int64_t>(share / q.subtotal);
      remainders.push_back({static_cast<std::int64_t>(share % q.subtotal), i});
      given += q.line_discounts[i];
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t k = 0; given < q.discount; ++k, ++given) {
      ++q.line_discounts[remainders[k % remainders.size()].second];
    }
  }
  q.shipping = shipping;
  const std::int64_t goods = q.subtotal - q.discount;
  q.tax = apply_bps(goods + shipping, tax_bps);
  q.total = goods + shipping + q.tax;
  q.platform_fee = apply_bps(goods, fee_bps);
  return q;
}

std::int64_t Order::commission_total() const {
  std::int64_t sum = 0;
  for (const auto& i : items) sum += i.commission;
  return sum;
}

Allocation Order::allocation() const {
  Allocation a;
  a.platform_fee = platform_fee;
  a.tax = tax;
  for (const auto& i : items) {
    if (i.creator_id && i.commission > 0) a.creators[*i.creator_id] += i.commission;
  }
  a.seller = total - platform_fee - tax - commission_total();
  return a;
}

}  // namespace riff::orders
