// Catalog rules: product validation (prices, SKUs, options against
// variants, limits), handles and categories; ownership and visibility of
// products; variant writes matched by SKU that keep reservations whole.

#include "riff/shop/catalog.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "riff/shop/test_support.hpp"

namespace riff::shop {
namespace {

using testing_support::Backend;

std::vector<std::string> pointers(const Status& st) {
  std::vector<std::string> out;
  for (const auto& f : st.fields()) out.push_back(f.pointer);
  return out;
}

bool names(const Status& st, const std::string& pointer) {
  auto p = pointers(st);
  return std::find(p.begin(), p.end(), pointer) != p.end();
}

ProductDraft shirt() {
  ProductDraft d;
  d.title = "Blue Shirt!";
  d.options = {{"Size", {"S", "M"}}, {"Colour", {"red", "blue"}}};
  for (const auto& size : {"S", "M"}) {
    for (const auto& colour : {"red", "blue"}) {
      Variant v;
      v.sku = std::string("SH-") + size + "-" + colour;
      v.option_values = {size, colour};
      v.price = 2500;
      v.on_hand = 3;
      d.variants.push_back(v);
    }
  }
  return d;
}

TEST(ProductRules, AValidProductGetsAHandleFromItsTitleAndATidyCategory) {
  ProductDraft d = shirt();
  d.category = "  Clothing>  Tops > >T-shirts ";
  auto valid = validate_product(d);
  ASSERT_TRUE(valid.is_ok()) << valid.status().message();
  EXPECT_EQ(valid->handle, "blue-shirt");
  EXPECT_EQ(valid->category, "Clothing > Tops > T-shirts");
}

TEST(ProductRules, EveryProblemIsNamedByItsPointer) {
  ProductDraft d = shirt();
  d.title = "";
  d.handle = "Bad Handle";
  d.variants[0].price = 0;
  d.variants[1].sku = d.variants[2].sku;
  d.variants[1].compare_at_price = 100;  // below the price
  d.variants[2].option_values = {"XL", "red"};
  d.variants[3].option_values = {"S"};
  d.variants[3].on_hand = -1;
  auto st = validate_product(d).status();
  ASSERT_EQ(st.code(), Code::kInvalid);
  for (const char* p :
       {"/title", "/handle", "/variants/0/price", "/variants/2/sku", "/variants/1/compare_at_price",
        "/variants/2/options/0", "/variants/3/options", "/variants/3/on_hand"}) {
    EXPECT_TRUE(names(st, p)) << p << " not among the errors";
  }
}

TEST(ProductRules, OptionsAndVariantsMustAgree) {
  ProductDraft d = shirt();
  d.variants[1].option_values = d.variants[0].option_values;  // same combination twice
  EXPECT_TRUE(names(validate_product(d).status(), "/variants/1/options"));

  ProductDraft no_variants = shirt();
  no_variants.variants.clear();
  EXPECT_TRUE(names(validate_product(no_variants).status(), "/variants"));

  ProductDraft dup_values = shirt();
  dup_values.options[0].values = {"S", "S"};
  EXPECT_TRUE(names(validate_product(dup_values).status(), "/options/0/values/1"));

  ProductDraft four = shirt();
  four.options.push_back({"A", {"1"}});
  four.options.push_back({"B", {"1"}});
  EXPECT_TRUE(names(validate_product(four).status(), "/options"));

  ProductDraft many = shirt();
  many.options.clear();
  many.variants.resize(1);
  many.variants[0].option_values.clear();
  for (std::size_t i = 1; i <= kMaxVariants; ++i) {
    Variant v = many.variants[0];
    v.sku = "X" + std::to_string(i);
    many.variants.push_back(v);
  }
  EXPECT_TRUE(names(validate_product(many).status(), "/variants"));
}

TEST(ProductRules, HandlesAndCategories) {
  EXPECT_EQ(slugify("  Ünïcode -- Shirt (2)  "), "n-code-shirt-2");
  EXPECT_TRUE(valid_handle("a1"));
  EXPECT_FALSE(valid_handle("-a"));
  EXPECT_FALSE(valid_handle("a"));
  EXPECT_FALSE(valid_handle("A1"));
  EXPECT_FALSE(normalize_category("a>b>c>d>e>f", "/category").is_ok());
  EXPECT_FALSE(normalize_category(std::string(61, 'x'), "/category").is_ok());
  EXPECT_EQ(*normalize_category("", "/category"), "");
  EXPECT_EQ(currency_exponent("JPY"), 0);
  EXPECT_EQ(currency_exponent("USD"), 2);
  EXPECT_EQ(currency_exponent("usd"), std::nullopt);
}

class CatalogTest : public testing_support::ShopTest {};

TEST_P(CatalogTest, DraftsAreVisibleToTheOwnerOnlyAndOthersCannotEdit) {
  const Id owner = seller("ann");
  const Id other = user("bob");
  ProductDraft d = shirt();
  d.status = ProductStatus::kDraft;
  auto p = products_->create(owner, d);
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  EXPECT_EQ(p->price_min, 2500);
  EXPECT_TRUE(products_->get(owner, p->id).is_ok());
  EXPECT_EQ(products_->get(other, p->id).status().code(), Code::kNotFound);
  EXPECT_EQ(products_->get(std::nullopt, p->id).status().code(), Code::kNotFound);
  ProductPatch publish;
  publish.status = ProductStatus::kActive;
  EXPECT_EQ(products_->update(other, p->id, publish).status().code(), Code::kNotFound);
  ASSERT_TRUE(products_->update(owner, p->id, publish).is_ok());
  EXPECT_TRUE(products_->get(other, p->id).is_ok());
  ProductPatch steal;
  steal.title = "Mine";
  EXPECT_EQ(products_->update(other, p->id, steal).status().code(), Code::kForbidden);
  EXPECT_EQ(products_->get(other, p->id)->title, "Blue Shirt!");

  // A paused shop hides its active products from others.
  const Shop shop = *shops_->mine(owner);
  ShopFields pause;
  pause.status = ShopStatus::kPaused;
  ASSERT_TRUE(shops_->update(owner, shop.id, pause).is_ok());
  EXPECT_EQ(products_->get(other, p->id).status().code(), Code::kNotFound);
  EXPECT_TRUE(products_->get(owner, p->id).is_ok());
}

TEST_P(CatalogTest, SkusAreUniqueAcrossTheShopAndVariantsKeepTheirIds) {
  const Id owner = seller("cat");
  auto a = products_->create(owner, simple_draft("Mug", "MUG-1", 900, 4));
  ASSERT_TRUE(a.is_ok());
  auto clash = products_->create(owner, simple_draft("Cup", "MUG-1", 900, 4));
  EXPECT_EQ(clash.status().code(), Code::kConflict);
  EXPECT_TRUE(names(clash.status(), "/variants/0/sku"));
  auto mine = products_->list_shop(owner, shops_->mine(owner)->id, {20, std::nullopt});
  ASSERT_TRUE(mine.is_ok());
  EXPECT_EQ(mine->items.size(), 1u) << "the failed create left nothing behind";

  // Another shop may use the same SKU.
  const Id rival = seller("dan");
  EXPECT_TRUE(products_->create(rival, simple_draft("Mug", "MUG-1", 900, 4)).is_ok());

  // Replacing the variants keeps the stored one (and its reservation) by SKU.
  const Id vid = a->variants[0].id;
  ASSERT_TRUE(stock_->reserve(vid, 3, 1, clock_.now_ms() + 60'000).is_ok());
  ProductPatch patch;
  Variant kept = a->variants[0];
  kept.price = 1100;
  kept.on_hand = 5;
  kept.option_values = {"S"};
  Variant added = kept;
  added.sku = "MUG-2";
  added.option_values = {"L"};
  // Two variants need an option to tell them apart.
  patch.options = std::vector<ProductOption>{{"Size", {"S", "L"}}};
  patch.variants = std::vector<Variant>{kept, added};
  auto updated = products_->update(owner, a->id, patch);
  ASSERT_TRUE(updated.is_ok()) << updated.status().message();
  EXPECT_EQ(updated->variants[0].id, vid);
  EXPECT_EQ(updated->variants[0].reserved, 3);
  EXPECT_EQ(updated->price_max, 1100);

  // on_hand below the reserved units, or dropping a variant with a hold, is refused.
  kept.on_hand = 2;
  patch.variants = std::vector<Variant>{kept, added};
  auto below = products_->update(owner, a->id, patch);
  EXPECT_EQ(below.status().code(), Code::kConflict);
  EXPECT_TRUE(names(below.status(), "/variants/0/on_hand"));
  patch.variants = std::vector<Variant>{added};
  patch.options = std::vector<ProductOption>{{"Size", {"L"}}};
  EXPECT_EQ(products_->update(owner, a->id, patch).status().code(), Code::kConflict);
  EXPECT_EQ(products_->get(owner, a->id)->variants.size(), 2u);
}

TEST_P(CatalogTest, OneShopPerAccountAndHandlesAreUnique) {
  const Id owner = seller("eve");
  ShopFields again;
  again.name = "Second";
  again.handle = "second-shop";
  again.currency = "USD";
  EXPECT_EQ(shops_->open(owner, again).status().code(), Code::kConflict);
  const Id other = user("fay");
  again.handle = "eve-shop";
  auto taken = shops_->open(other, again);
  EXPECT_EQ(taken.status().code(), Code::kConflict);
  EXPECT_TRUE(names(taken.status(), "/handle"));
  // The currency is fixed once the shop has products.
  ASSERT_TRUE(products_->create(owner, simple_draft("Pen", "PEN", 100, 1)).is_ok());
  ShopFields euro;
  euro.currency = "EUR";
  EXPECT_EQ(shops_->update(owner, shops_->mine(owner)->id, euro).status().code(), Code::kConflict);
}

INSTANTIATE_TEST_SUITE_P(Db, CatalogTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         db::testing_support::backend_name);

}  // namespace
}  // namespace riff::shop
