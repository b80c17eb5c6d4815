#include "riff/shop/model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <utility>

namespace riff::shop {
namespace {

constexpr std::size_t kMaxTitle = 200;
constexpr std::size_t kMaxDescription = 20'000;
constexpr std::size_t kMaxOptionText = 60;
constexpr std::size_t kMaxSku = 64;

/// True when `s` is well-formed UTF-8 without control characters other than
/// newline and tab (those only when `multiline`).
bool clean_text(std::string_view s, bool multiline) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) || c == 0x7f) {
        return false;
      }
      ++i;
      continue;
    }
    int len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (int k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

struct Errors {
  std::vector<FieldError> list;
  void add(std::string pointer, std::string detail) {
    if (list.size() < 100) list.push_back({std::move(pointer), std::move(detail)});
  }
};

void check_text(Errors& e, const std::string& pointer, const std::string& value, std::size_t max,
                bool required, bool multiline) {
  if (required && value.empty()) {
    e.add(pointer, "Required.");
  } else if (value.size() > max) {
    e.add(pointer, fmt::format("At most {} bytes.", max));
  } else if (!clean_text(value, multiline)) {
    e.add(pointer, "Must be UTF-8 text without control characters.");
  }
}

}  // namespace

std::string_view to_string(ShopStatus s) {
  switch (s) {
    case ShopStatus::kActive:
      return "active";
    case ShopStatus::kPaused:
      return "paused";
    case ShopStatus::kClosed:
      return "closed";
  }
  return "active";
}

std::string_view to_string(ProductStatus s) {
  switch (s) {
    case ProductStatus::kDraft:
      return "draft";
    case ProductStatus::kActive:
      return "active";
    case ProductStatus::kArchived:
      return "archived";
  }
  return "draft";
}

std::optional<ShopStatus> parse_shop_status(std::string_view s) {
  for (auto v : {ShopStatus::kActive, ShopStatus::kPaused, ShopStatus::kClosed}) {
    if (to_string(v) == s) return v;
  }
  return std::nullopt;
}

std::optional<ProductStatus> parse_product_status(std::string_view s) {
  for (auto v : {ProductStatus::kDraft, ProductStatus::kActive, ProductStatus::kArchived}) {
    if (to_string(v) == s) return v;
  }
  return std::nullopt;
}

std::optional<int> currency_exponent(std::string_view code) {
  // The currencies riff prices in; the exponent is ISO 4217's minor unit.
  static constexpr std::array<std::pair<std::string_view, int>, 24> kCurrencies{{
      {"AUD", 2}, {"BRL", 2}, {"CAD", 2}, {"CHF", 2}, {"CNY", 2}, {"CZK", 2},
      {"DKK", 2}, {"EUR", 2}, {"GBP", 2}, {"HKD", 2}, {"IDR", 2}, {"INR", 2},
      {"JPY", 0}, {"KRW", 0}, {"MXN", 2}, {"NOK", 2}, {"NZD", 2}, {"PLN", 2},
      {"SEK", 2}, {"SGD", 2}, {"THB", 2}, {"TRY", 2}, {"USD", 2}, {"ZAR", 2},
  }};
  for (const auto& [c, e] : kCurrencies) {
    if (c == code) return e;
  }
  return std::nullopt;
}

bool valid_handle(std::string_view h) {
  if (h.size() < 2 || h.size() > 60) return false;
  for (char c : h) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      return false;
    }
  }
  return h.front() != '-' && h.back() != '-';
}

std::string slugify(std::string_view title) {
  std::string out;
  for (char ch : title) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) && c < 0x80) {
      out += static_cast<char>(std::tolower(c));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
    if (out.size() >= 60) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

Result<std::string> normalize_category(std::string_view raw, const std::string& pointer) {
  std::string out;
  int levels = 0;
  std::size_t start = 0;
  while (start <= raw.size()) {
    std::size_t end = raw.find('>', start);
    if (end == std::string_view::npos) end = raw.size();
    std::string segment = trim(raw.substr(start, end - start));
    start = end + 1;
    if (segment.empty()) continue;
    if (segment.size() > 60 || !clean_text(segment, false)) {
      return Status::invalid(pointer, "Each category level is 1-60 bytes of text.");
    }
    if (++levels > 5) return Status::invalid(pointer, "A category has at most 5 levels.");
    if (!out.empty()) out += " > ";
    out += segment;
  }
  return out;
}

Result<ProductDraft> validate_product(ProductDraft d, const std::string& p) {
  Errors e;
  d.title = trim(d.title);
  check_text(e, p + "/title", d.title, kMaxTitle, true, false);
  check_text(e, p + "/description", d.description, kMaxDescription, false, true);
  d.handle = trim(d.handle);
  if (d.handle.empty()) d.handle = slugify(d.title);
  if (!valid_handle(d.handle)) {
    e.add(p + "/handle", "2-60 of a-z, 0-9 and '-', not starting or ending with '-'.");
  }
  if (auto cat = normalize_category(d.category, p + "/category"); cat) {
    d.category = *cat;
  } else {
    for (const auto& f : cat.status().fields()) e.add(f.pointer, f.detail);
  }

  if (d.options.size() > kMaxOptions) {
    e.add(p + "/options", fmt::format("At most {} options.", kMaxOptions));
  }
  std::set<std::string> option_names;
  for (std::size_t i = 0; i < d.options.size() && i < kMaxOptions; ++i) {
    auto& o = d.options[i];
    const std::string op = fmt::format("{}/options/{}", p, i);
    o.name = trim(o.name);
    check_text(e, op + "/name", o.name, kMaxOptionText, true, false);
    if (!option_names.insert(o.name).second) e.add(op + "/name", "Option names are unique.");
    if (o.values.empty()) e.add(op + "/values", "An option has at least one value.");
    if (o.values.size() > kMaxOptionValues) {
      e.add(op + "/values", fmt::format("At most {} values.", kMaxOptionValues));
    }
    std::set<std::string> seen;
    for (std::size_t k = 0; k < o.values.size(); ++k) {
      o.values[k] = trim(o.values[k]);
      check_text(e, fmt::format("{}/values/{}", op, k), o.values[k], kMaxOptionText, true, false);
      if (!seen.insert(o.values[k]).second) {
        e.add(fmt::format("{}/values/{}", op, k), "Values of an option are unique.");
      }
    }
  }

  if (d.variants.empty()) e.add(p + "/variants", "A product has at least one variant.");
  if (d.variants.size() > kMaxVariants) {
    e.add(p + "/variants", fmt::format("At most {} variants.", kMaxVariants));
  }
  std::set<std::string> skus;
  std::set<std::vector<std::string>> combinations;
  for (std::size_t i = 0; i < d.variants.size() && i < kMaxVariants; ++i) {
    auto& v = d.variants[i];
    const std::string vp = fmt::format("{}/variants/{}", p, i);
    v.sku = trim(v.sku);
    check_text(e, vp + "/sku", v.sku, kMaxSku, true, false);
    if (!v.sku.empty() && !skus.insert(v.sku).second) {
      e.add(vp + "/sku", "SKUs are unique within a shop.");
    }
    if (v.price <= 0 || v.price > kMaxPrice) {
      e.add(vp + "/price", "A price is a positive amount in minor units.");
    }
    if (v.compare_at_price && (*v.compare_at_price <= v.price || *v.compare_at_price > kMaxPrice)) {
      e.add(vp + "/compare_at_price", "A compare-at price is above the price.");
    }
    if (v.weight_grams < 0 || v.weight_grams > kMaxStock) {
      e.add(vp + "/weight_grams", "A weight is 0 or more grams.");
    }
    if (v.on_hand < 0 || v.on_hand > kMaxStock) {
      e.add(vp + "/on_hand", "Stock on hand is 0 or more.");
    }
    for (auto& value : v.option_values) value = trim(value);
    if (v.option_values.size() != d.options.size()) {
      e.add(vp + "/options",
            fmt::format("A variant has one value for each of the {} options.", d.options.size()));
      continue;
    }
    for (std::size_t k = 0; k < d.options.size(); ++k) {
      const auto& values = d.options[k].values;
      if (std::find(values.begin(), values.end(), v.option_values[k]) == values.end()) {
        e.add(fmt::format("{}/options/{}", vp, k),
              fmt::format("'{}' is not a value of option '{}'.", v.option_values[k],
                          d.options[k].name));
      }
    }
    if (!combinations.insert(v.option_values).second) {
      e.add(vp + "/options", "Another variant has the same option values.");
    }
  }
  if (!e.list.empty()) return Status::invalid(std::move(e.list));
  return d;
}

}  // namespace riff::shop
