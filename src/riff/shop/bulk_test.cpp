// Bulk import/export: rows grouped into products, every bad row reported
// with its row and column and nothing applied, dry runs, and an export that
// imports back unchanged, with hostile text in the cells.

#include "riff/shop/bulk.hpp"

#include <gtest/gtest.h>

#include "riff/shop/test_support.hpp"

namespace riff::shop {
namespace {

using testing_support::Backend;

const char* kHeader =
    "product_handle,title,description,category,status,option1_name,option1_value,sku,price,"
    "on_hand\r\n";

bool has_error(const ImportReport& r, std::size_t row, const std::string& field) {
  for (const auto& e : r.errors) {
    if (e.row == row && e.field == field) return true;
  }
  return false;
}

TEST(BulkRows, CsvHeaderMustNameKnownColumns) {
  EXPECT_FALSE(bulk_rows_from_csv("product_handle,sku,price,colour\n").is_ok());
  EXPECT_FALSE(bulk_rows_from_csv("product_handle,sku\n").is_ok());
  EXPECT_FALSE(bulk_rows_from_csv("sku,sku,price,product_handle\n").is_ok());
  auto rows = bulk_rows_from_csv("\xEF\xBB\xBF SKU ,Price,product_handle\nA,1,h\n");
  ASSERT_TRUE(rows.is_ok()) << rows.status().message();
  EXPECT_EQ((*rows)[0].row, 2u);
  EXPECT_EQ((*rows)[0].cells.at("sku"), "A");
}

class BulkTest : public testing_support::ShopTest {
 protected:
  void SetUp() override {
    ShopTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    bulk_ = std::make_unique<BulkCatalog>(*db_, ids_, clock_);
  }
  void TearDown() override {
    bulk_.reset();
    ShopTest::TearDown();
  }
  ImportReport import_csv(Id owner, const std::string& body, bool dry_run = false) {
    auto rows = bulk_rows_from_csv(body);
    EXPECT_TRUE(rows.is_ok()) << rows.status().message();
    auto report = bulk_->import(owner, *rows, dry_run);
    EXPECT_TRUE(report.is_ok()) << report.status().message();
    return *report;
  }
  std::size_t product_count() {
    return static_cast<std::size_t>((*db_->query("SELECT COUNT(*) FROM products"))[0].i64(0));
  }
  std::unique_ptr<BulkCatalog> bulk_;
};

TEST_P(BulkTest, BadRowsAreEachReportedAndNothingIsApplied) {
  const Id owner = seller("gus");
  const std::string body = std::string(kHeader) +
                           "tee,Tee,,Clothing,active,Size,S,TEE-S,1500,5\r\n"  // row 2: fine
                           "tee,,,,,,M,TEE-M,abc,5\r\n"                        // row 3: price
                           "tee,Other title,,,,,L,TEE-L,1500,5\r\n"            // row 4: title
                           "mug,Mug,,,active,,,MUG,0,1\r\n"                    // row 5: price 0
                           ",Nameless,,,,,,X,100,1\r\n"                        // row 6: handle
                           "cap,Cap,,,active,,,TEE-S,900,1\r\n";               // row 7: fine alone
  ImportReport r = import_csv(owner, body);
  EXPECT_FALSE(r.applied);
  EXPECT_TRUE(has_error(r, 3, "price"));
  EXPECT_TRUE(has_error(r, 4, "title"));
  EXPECT_TRUE(has_error(r, 5, "price"));
  EXPECT_TRUE(has_error(r, 6, "product_handle"));
  EXPECT_EQ(product_count(), 0u);
}

TEST_P(BulkTest, DatabaseConflictsAreRowErrorsAndRollEverythingBack) {
  const Id owner = seller("hal");
  ASSERT_TRUE(products_->create(owner, simple_draft("Kept", "TAKEN", 100, 1)).is_ok());
  const std::string body = std::string(kHeader) +
                           "new-one,New,,,active,,,FRESH,100,1\r\n"
                           "clash,Clash,,,active,,,TAKEN,100,1\r\n";
  ImportReport r = import_csv(owner, body);
  EXPECT_FALSE(r.applied);
  EXPECT_TRUE(has_error(r, 3, "sku")) << (r.errors.empty() ? "" : r.errors[0].field);
  EXPECT_EQ(product_count(), 1u) << "the valid product was not applied either";
}

TEST_P(BulkTest, DryRunWritesNothingAndTheRealRunApplies) {
  const Id owner = seller("ida");
  const std::string body = std::string(kHeader) +
                           "tee,Tee,,Clothing > Tops,active,Size,S,TEE-S,1500,5\r\n"
                           "tee,,,,,,M,TEE-M,1600,0\r\n";
  ImportReport dry = import_csv(owner, body, true);
  EXPECT_TRUE(dry.errors.empty());
  EXPECT_FALSE(dry.applied);
  EXPECT_EQ(dry.products_created, 1u);
  EXPECT_EQ(product_count(), 0u);
  ImportReport real = import_csv(owner, body);
  EXPECT_TRUE(real.applied);
  EXPECT_EQ(product_count(), 1u);
  // Importing again updates in place.
  ImportReport again = import_csv(owner, body);
  EXPECT_EQ(again.products_updated, 1u);
  EXPECT_EQ(product_count(), 1u);
}

TEST_P(BulkTest, ExportImportsBackUnchangedWithHostileText) {
  const Id owner = seller("jo");
  ProductDraft d;
  d.title = "=HYPERLINK(\"x\"), \"quoted\"";
  d.description = "line one\r\nline \"two\",\n\tthree";
  d.category = "Home > Kitchen";
  d.status = ProductStatus::kActive;
  d.options = {{"Size, fit", {"S \"small\"", "M"}}};
  for (const char* size : {"S \"small\"", "M"}) {
    Variant v;
    v.sku = std::string("SKU,") + size;
    v.option_values = {size};
    v.price = 1234;
    v.compare_at_price = 2000;
    v.weight_grams = 300;
    v.on_hand = 7;
    d.variants.push_back(v);
  }
  auto created = products_->create(owner, d);
  ASSERT_TRUE(created.is_ok()) << created.status().message();
  ASSERT_TRUE(products_->create(owner, simple_draft("Plain", "PLAIN", 5, 0)).is_ok());

  auto rows = bulk_->export_rows(owner);
  ASSERT_TRUE(rows.is_ok());
  for (const std::string& text : {bulk_to_csv(*rows), bulk_to_json(*rows)}) {
    const bool json = text.front() == '[';
    auto parsed = json ? bulk_rows_from_json(text) : bulk_rows_from_csv(text);
    ASSERT_TRUE(parsed.is_ok()) << parsed.status().message();
    auto report = bulk_->import(owner, *parsed, false);
    ASSERT_TRUE(report.is_ok());
    EXPECT_TRUE(report->errors.empty()) << report->errors[0].row << " " << report->errors[0].field
                                        << ": " << report->errors[0].message;
    EXPECT_EQ(report->products_updated, 2u);
    EXPECT_EQ(report->products_created, 0u);
    auto after = products_->get(owner, created->id);
    ASSERT_TRUE(after.is_ok());
    EXPECT_EQ(after->title, d.title);
    EXPECT_EQ(after->description, d.description);
    EXPECT_EQ(after->options[0].values, d.options[0].values);
    ASSERT_EQ(after->variants.size(), 2u);
    EXPECT_EQ(after->variants[0].id, created->variants[0].id);
    EXPECT_EQ(after->variants[0].sku, "SKU,S \"small\"");
    EXPECT_EQ(after->variants[1].compare_at_price, 2000);
    auto again = bulk_->export_rows(owner);
    ASSERT_TRUE(again.is_ok());
    EXPECT_EQ(json ? bulk_to_json(*again) : bulk_to_csv(*again),
              json ? bulk_to_json(*rows) : bulk_to_csv(*rows));
  }
}

INSTANTIATE_TEST_SUITE_P(Db, BulkTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         db::testing_support::backend_name);

}  // namespace
}  // namespace riff::shop
