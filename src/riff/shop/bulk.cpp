#include "riff/shop/bulk.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <set>

#include "riff/accounts/db_util.hpp"
#include "riff/shop/catalog_store.hpp"
#include "riff/shop/csv.hpp"
#include "riff/shop/model.hpp"

namespace riff::shop {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxReportedErrors = 1000;
constexpr std::array<std::string_view, 5> kProductColumns = {"title", "description", "category",
                                                             "status", "product_handle"};
constexpr std::array<std::string_view, 4> kNumberColumns = {"price", "compare_at_price",
                                                            "weight_grams", "on_hand"};

bool known_column(std::string_view c) {
  return std::find(kBulkColumns.begin(), kBulkColumns.end(), c) != kBulkColumns.end();
}

std::string cell(const BulkRow& r, std::string_view column) {
  auto it = r.cells.find(column);
  return it == r.cells.end() ? std::string() : it->second;
}

std::string option_column(std::size_t k, const char* part) {
  return fmt::format("option{}_{}", k + 1, part);
}

/// The "problem" cell carries a row's shape error (wrong field count, bad JSON value).
constexpr std::string_view kProblem = "\x01problem";

/// Collects row errors, at most kMaxReportedErrors.
struct Errors {
  std::vector<RowError>& list;
  void add(std::size_t row, std::string field, std::string message) {
    if (list.size() < kMaxReportedErrors)
      list.push_back({row, std::move(field), std::move(message)});
  }
};

std::optional<std::int64_t> parse_int(const std::string& s) {
  std::int64_t v = 0;
  const std::string t = trim(s);
  const char* end = t.data() + t.size();
  auto [ptr, ec] = std::from_chars(t.data(), end, v);
  if (t.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return v;
}

/// One product of the file: its rows, in file order.
struct Group {
  std::string handle;
  std::vector<const BulkRow*> rows;
};

/// The row and column a validation pointer ("/variants/2/price") names.
std::pair<std::size_t, std::string> locate(const Group& g, const std::string& pointer) {
  std::vector<std::string> parts;
  for (std::size_t i = 1, j; i <= pointer.size(); i = j + 1) {
    j = pointer.find('/', i);
    if (j == std::string::npos) j = pointer.size();
    parts.push_back(pointer.substr(i, j - i));
  }
  const std::size_t first = g.rows.front()->row;
  if (parts.empty()) return {first, ""};
  if (parts[0] == "variants" && parts.size() >= 2) {
    const std::size_t i = std::stoul(parts[1]);
    const std::size_t row = i < g.rows.size() ? g.rows[i]->row : first;
    if (parts.size() == 2) return {row, "sku"};
    if (parts[2] == "options") {
      return {row, option_column(parts.size() >= 4 ? std::stoul(parts[3]) : 0, "value")};
    }
    return {row, parts[2]};
  }
  if (parts[0] == "variants") return {first, "sku"};
  if (parts[0] == "options") {
    return {first, option_column(parts.size() >= 2 ? std::stoul(parts[1]) : 0, "name")};
  }
  if (parts[0] == "handle") return {first, "product_handle"};
  return {first, parts[0]};
}

void report_status(Errors& errors, const Group& g, const Status& st) {
  if (st.fields().empty()) {
    errors.add(g.rows.front()->row, "", st.message());
    return;
  }
  for (const auto& f : st.fields()) {
    auto [row, field] = locate(g, f.pointer);
    errors.add(row, field, f.detail);
  }
}

/// The draft of one group, or row errors.
std::optional<ProductDraft> draft_of(const Group& g, Errors& errors) {
  const std::size_t before = errors.list.size();
  const BulkRow& first = *g.rows.front();
  ProductDraft d;
  d.handle = g.handle;
  d.title = cell(first, "title");
  d.description = cell(first, "description");
  d.category = cell(first, "category");
  const std::string status = trim(cell(first, "status"));
  if (auto s = parse_product_status(status.empty() ? "draft" : status)) {
    d.status = *s;
  } else {
    errors.add(first.row, "status", "draft, active or archived");
  }
  for (std::size_t k = 0; k < kMaxOptions; ++k) {
    const std::string name = trim(cell(first, option_column(k, "name")));
    if (name.empty()) break;
    d.options.push_back({name, {}});
  }
  for (const BulkRow* r : g.rows) {
    if (auto p = r->cells.find(kProblem); p != r->cells.end()) errors.add(r->row, "", p->second);
    if (r != &first) {
      for (std::string_view column : kProductColumns) {
        const std::string v = cell(*r, column);
        if (!v.empty() && v != cell(first, column)) {
          errors.add(r->row, std::string(column),
                     fmt::format("Differs from the product's first row ({}).", first.row));
        }
      }
      for (std::size_t k = 0; k < kMaxOptions; ++k) {
        const std::string v = trim(cell(*r, option_column(k, "name")));
        if (!v.empty() && v != trim(cell(first, option_column(k, "name")))) {
          errors.add(r->row, option_column(k, "name"),
                     fmt::format("Differs from the product's first row ({}).", first.row));
        }
      }
    }
    Variant v;
    v.sku = cell(*r, "sku");
    for (std::size_t k = 0; k < kMaxOptions; ++k) {
      const std::string value = trim(cell(*r, option_column(k, "value")));
      if (k < d.options.size()) {
        v.option_values.push_back(value);
        auto& values = d.options[k].values;
        if (!value.empty() && std::find(values.begin(), values.end(), value) == values.end()) {
          values.push_back(value);
        }
      } else if (!value.empty()) {
        errors.add(r->row, option_column(k, "value"), "No option of that number is named.");
      }
    }
    struct Number {
      const char* column;
      bool required;
      std::int64_t* target;
    };
    std::optional<std::int64_t> compare_at;
    std::int64_t compare_at_value = 0;
    for (const Number& n :
         {Number{"price", true, &v.price}, Number{"compare_at_price", false, &compare_at_value},
          Number{"weight_grams", false, &v.weight_grams}, Number{"on_hand", false, &v.on_hand}}) {
      const std::string text = trim(cell(*r, n.column));
      if (text.empty()) {
        if (n.required) errors.add(r->row, n.column, "Required.");
        continue;
      }
      auto parsed = parse_int(text);
      if (!parsed) {
        errors.add(r->row, n.column, "An integer (money in minor units, e.g. 1999 for 19.99).");
        continue;
      }
      *n.target = *parsed;
      if (n.target == &compare_at_value) compare_at = *parsed;
    }
    v.compare_at_price = compare_at;
    d.variants.push_back(std::move(v));
  }
  if (errors.list.size() > before) return std::nullopt;
  auto valid = validate_product(std::move(d));
  if (!valid) {
    report_status(errors, g, valid.status());
    return std::nullopt;
  }
  return std::move(valid).value();
}

/// The cells of a row: each column's value for one variant of `p`.
BulkRow row_of(const Product& p, std::size_t i) {
  const Variant& v = p.variants[i];
  BulkRow r;
  r.cells["product_handle"] = p.handle;
  if (i == 0) {
    r.cells["title"] = p.title;
    r.cells["description"] = p.description;
    r.cells["category"] = p.category;
    r.cells["status"] = std::string(to_string(p.status));
    for (std::size_t k = 0; k < p.options.size() && k < kMaxOptions; ++k) {
      r.cells[option_column(k, "name")] = p.options[k].name;
    }
  }
  for (std::size_t k = 0; k < v.option_values.size() && k < kMaxOptions; ++k) {
    r.cells[option_column(k, "value")] = v.option_values[k];
  }
  r.cells["sku"] = v.sku;
  r.cells["price"] = std::to_string(v.price);
  if (v.compare_at_price) r.cells["compare_at_price"] = std::to_string(*v.compare_at_price);
  r.cells["weight_grams"] = std::to_string(v.weight_grams);
  r.cells["on_hand"] = std::to_string(v.on_hand);
  return r;
}

}  // namespace

Result<std::vector<BulkRow>> bulk_rows_from_csv(std::string_view text) {
  RIFF_ASSIGN_OR_RETURN(std::vector<CsvRecord> records, parse_csv(text, kMaxImportRows + 1));
  if (records.empty()) return Status::invalid("/csv", "The file is empty; it needs a header row.");
  std::vector<std::string> header;
  std::set<std::string> seen;
  for (const auto& raw : records.front()) {
    std::string name = trim(raw);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!known_column(name)) return Status::invalid("/csv", "Unknown column '" + name + "'.");
    if (!seen.insert(name).second) return Status::invalid("/csv", "Column '" + name + "' repeats.");
    header.push_back(name);
  }
  for (const char* required : {"product_handle", "sku", "price"}) {
    if (!seen.count(required)) {
      return Status::invalid("/csv", std::string("The header needs a '") + required + "' column.");
    }
  }
  std::vector<BulkRow> rows;
  for (std::size_t i = 1; i < records.size(); ++i) {
    BulkRow r;
    r.row = i + 1;
    const auto& rec = records[i];
    for (std::size_t k = 0; k < rec.size() && k < header.size(); ++k) r.cells[header[k]] = rec[k];
    if (rec.size() != header.size()) {
      r.cells[std::string(kProblem)] =
          fmt::format("{} fields; the header has {}.", rec.size(), header.size());
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

Result<std::vector<BulkRow>> bulk_rows_from_json(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return Status::invalid("/json", "Not JSON: " + ec.message());
  if (v.is_object() && v.as_object().contains("rows")) {
    json::value rows = v.as_object().at("rows");
    v = std::move(rows);
  }
  if (!v.is_array()) return Status::invalid("/json", "An array of rows (objects) is expected.");
  if (v.as_array().size() > kMaxImportRows) {
    return Status::invalid("/json", fmt::format("At most {} rows.", kMaxImportRows));
  }
  std::vector<BulkRow> rows;
  for (std::size_t i = 0; i < v.as_array().size(); ++i) {
    const auto& x = v.as_array()[i];
    BulkRow r;
    r.row = i + 1;
    if (!x.is_object()) {
      r.cells[std::string(kProblem)] = "A row is an object.";
      rows.push_back(std::move(r));
      continue;
    }
    for (const auto& [key, value] : x.as_object()) {
      if (!known_column(key)) {
        r.cells[std::string(kProblem)] = "Unknown column '" + std::string(key) + "'.";
      } else if (value.is_string()) {
        r.cells[std::string(key)] = std::string(value.as_string());
      } else if (value.is_int64()) {
        r.cells[std::string(key)] = std::to_string(value.as_int64());
      } else if (!value.is_null()) {
        r.cells[std::string(key)] = "?";
        r.cells[std::string(kProblem)] = "'" + std::string(key) + "' is a string or an integer.";
      }
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

std::string bulk_to_csv(const std::vector<BulkRow>& rows) {
  std::string out = csv_record(CsvRecord(kBulkColumns.begin(), kBulkColumns.end()));
  for (const auto& r : rows) {
    CsvRecord rec;
    for (std::string_view c : kBulkColumns) rec.push_back(cell(r, c));
    out += csv_record(rec);
  }
  return out;
}

std::string bulk_to_json(const std::vector<BulkRow>& rows) {
  json::array out;
  for (const auto& r : rows) {
    json::object o;
    for (std::string_view c : kBulkColumns) {
      const std::string v = cell(r, c);
      if (v.empty()) continue;
      const bool number =
          std::find(kNumberColumns.begin(), kNumberColumns.end(), c) != kNumberColumns.end();
      if (number && parse_int(v)) {
        o[c] = *parse_int(v);
      } else {
        o[c] = v;
      }
    }
    out.push_back(std::move(o));
  }
  return json::serialize(out);
}

BulkCatalog::BulkCatalog(db::Database& db, IdGenerator& ids, const Clock& clock)
    : db_(db), ids_(ids), clock_(clock) {}

Result<ImportReport> BulkCatalog::import(Id owner_id, const std::vector<BulkRow>& rows,
                                         bool dry_run) {
  ImportReport report;
  report.dry_run = dry_run;
  report.rows = rows.size();
  Errors errors{report.errors};
  if (rows.size() > kMaxImportRows) {
    return Status::invalid("/rows", fmt::format("At most {} rows.", kMaxImportRows));
  }
  std::vector<Group> groups;
  std::map<std::string, std::size_t> by_handle;
  for (const auto& r : rows) {
    const std::string handle = trim(cell(r, "product_handle"));
    if (handle.empty()) {
      errors.add(r.row, "product_handle", "Required: it groups the rows of a product.");
      continue;
    }
    auto [it, added] = by_handle.emplace(handle, groups.size());
    if (added) groups.push_back({handle, {}});
    groups[it->second].rows.push_back(&r);
  }
  std::vector<ProductDraft> drafts;
  for (const auto& g : groups) {
    if (auto d = draft_of(g, errors)) drafts.push_back(std::move(*d));
  }
  if (!report.errors.empty()) return report;

  // The writes: every product in one transaction, rolled back on any error
  // (and always on a dry run) once all products have been tried.
  const Status kRollback(Code::kConflict, "rollback");
  std::size_t created = 0, updated = 0;
  Status st = db_.transact([&](db::Conn& c) -> Status {
    report.errors.clear();
    created = updated = 0;
    RIFF_ASSIGN_OR_RETURN(db::Rows shop,
                          c.query("SELECT id FROM shops WHERE owner_id = $1", {owner_id}));
    if (shop.empty()) return Status::not_found("Open a shop first.");
    const Id shop_id = shop[0].i64(0);
    const std::int64_t now = clock_.now_ms();
    for (std::size_t i = 0; i < groups.size(); ++i) {
      RIFF_ASSIGN_OR_RETURN(std::optional<Id> existing,
                            find_product_by_handle(c, shop_id, drafts[i].handle));
      const Id id = existing.value_or(ids_.next());
      Status written =
          write_product(c, ids_, now, shop_id, id, existing.has_value(), drafts[i], "");
      if (written.code() == Code::kConflict && !written.fields().empty()) {
        report_status(errors, groups[i], written);
        continue;
      }
      RIFF_RETURN_IF_ERROR(written);
      ++(existing ? updated : created);
    }
    if (!report.errors.empty() || dry_run) return kRollback;
    return Status::ok();
  });
  if (!st && !(st.code() == kRollback.code() && st.message() == kRollback.message())) return st;
  report.products_created = created;
  report.products_updated = updated;
  report.applied = st.is_ok();
  return report;
}

Result<std::vector<BulkRow>> BulkCatalog::export_rows(Id owner_id) {
  std::vector<BulkRow> out;
  RIFF_RETURN_IF_ERROR(accounts::read_with(db_, [&](db::Conn& c) -> Status {
    RIFF_ASSIGN_OR_RETURN(db::Rows ids,
                          c.query("SELECT p.id FROM products p JOIN shops s ON s.id = p.shop_id"
                                  " WHERE s.owner_id = $1 ORDER BY p.id DESC",
                                  {owner_id}));
    for (std::size_t start = 0; start < ids.size(); start += 100) {
      std::vector<Id> batch;
      for (std::size_t i = start; i < ids.size() && i < start + 100; ++i) {
        batch.push_back(ids[i].i64(0));
      }
      RIFF_ASSIGN_OR_RETURN(std::vector<Product> products, load_products(c, batch));
      for (const auto& p : products) {
        for (std::size_t i = 0; i < p.variants.size(); ++i) out.push_back(row_of(p, i));
      }
    }
    return Status::ok();
  }));
  return out;
}

}  // namespace riff::shop
