#pragma once
// Plain types of the shop module: shops, products with options and
// variants, and the rules that check them before anything is stored.
//
// Money is an integer amount of the shop currency's minor units (cents for
// USD, yen for JPY); every product of a shop is priced in the shop's currency.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"

namespace riff::shop {

// Catalog limits; imports and the API enforce the same numbers.
inline constexpr std::size_t kMaxOptions = 3;
inline constexpr std::size_t kMaxOptionValues = 50;
inline constexpr std::size_t kMaxVariants = 100;
inline constexpr std::size_t kMaxImages = 10;
inline constexpr std::int64_t kMaxPrice = 100'000'000'000;  // minor units
inline constexpr std::int64_t kMaxStock = 1'000'000'000;

/// Stored as integers; keep the numbers stable.
enum class ShopStatus { kActive = 0, kPaused = 1, kClosed = 2 };
enum class ProductStatus { kDraft = 0, kActive = 1, kArchived = 2 };

std::string_view to_string(ShopStatus s);
std::string_view to_string(ProductStatus s);
std::optional<ShopStatus> parse_shop_status(std::string_view s);
std::optional<ProductStatus> parse_product_status(std::string_view s);

struct Address {
  std::string name;
  std::string line1;
  std::string line2;
  std::string city;
  std::string region;
  std::string postal_code;
  std::string country;  // ISO 3166-1 alpha-2, or empty when unset
};

struct Shop {
  Id id = 0;
  Id owner_id = 0;
  std::string owner_handle;
  std::string handle;
  std::string name;
  std::string description;
  std::optional<std::string> logo_path;  // relative to <data_dir>/media
  std::string policies;
  Address return_address;
  std::string currency;  // ISO 4217
  ShopStatus status = ShopStatus::kActive;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct ProductOption {
  std::string name;
  std::vector<std::string> values;
};

struct Variant {
  Id id = 0;
  std::string sku;
  std::vector<std::string> option_values;  // one per product option, in order
  std::int64_t price = 0;
  std::optional<std::int64_t> compare_at_price;
  std::int64_t weight_grams = 0;
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;
  /// False when a writer left on_hand out: an existing variant keeps its
  /// stock (a form opened before a sale must not put sold units back), a
  /// new one starts at 0.
  bool on_hand_given = true;
  std::int64_t available() const { return on_hand - reserved; }
};

struct ProductImage {
  Id id = 0;
  std::string path;  // relative to <data_dir>/media
};

struct Product {
  Id id = 0;
  Id shop_id = 0;
  std::string shop_handle;
  std::string shop_name;
  Id shop_owner_id = 0;
  ShopStatus shop_status = ShopStatus::kActive;
  std::string currency;
  std::string handle;
  std::string title;
  std::string description;
  std::string category;
  ProductStatus status = ProductStatus::kDraft;
  std::vector<ProductOption> options;
  std::vector<Variant> variants;
  std::vector<ProductImage> images;
  std::int64_t price_min = 0;
  std::int64_t price_max = 0;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;

  /// Others see it only when both the product and its shop are active.
  bool publicly_visible() const {
    return status == ProductStatus::kActive && shop_status == ShopStatus::kActive;
  }
};

/// A product as a seller writes it (create, replace, import). Variant ids
/// are not given: variants are matched to stored ones by SKU.
struct ProductDraft {
  std::string handle;  // empty: made from the title
  std::string title;
  std::string description;
  std::string category;
  ProductStatus status = ProductStatus::kDraft;
  std::vector<ProductOption> options;
  std::vector<Variant> variants;
};

/// The minor-unit digits of a supported ISO 4217 currency; nullopt otherwise.
std::optional<int> currency_exponent(std::string_view code);

/// A handle: 2-60 of [a-z0-9-], starting and ending with a letter or digit.
bool valid_handle(std::string_view handle);
/// A handle made from a title ("Blue Shirt!" -> "blue-shirt"); may be empty.
std::string slugify(std::string_view title);

/// A category path normalised: segments split on '>' and trimmed, empty ones
/// dropped, joined with " > " ("Clothing > Tops"). kInvalid at `pointer` for
/// more than 5 levels or a segment over 60 bytes.
Result<std::string> normalize_category(std::string_view raw, const std::string& pointer);

/// Checks and normalises a draft: title, handle (made from the title when
/// empty), category, options (names and values unique, at most kMaxOptions),
/// variants (at least one, at most kMaxVariants, SKUs unique, one value of
/// each option, every combination once, price > 0, compare-at above price,
/// stock and weight >= 0). Every problem is reported as a field error with a
/// JSON pointer under `pointer_prefix` ("" for an API body).
Result<ProductDraft> validate_product(ProductDraft draft, const std::string& pointer_prefix = "");

/// Trims ASCII whitespace at both ends.
std::string trim(std::string_view s);

}  // namespace riff::shop
