#include "riff/shop/shops.hpp"

#include <fmt/format.h>

#include <cctype>

#include "riff/accounts/db_util.hpp"

namespace riff::shop {
namespace {

constexpr std::string_view kColumns =
    "SELECT s.id, s.owner_id, u.handle, s.handle, s.name, s.description, s.logo_path,"
    " s.policies, s.return_name, s.return_line1, s.return_line2, s.return_city,"
    " s.return_region, s.return_postal_code, s.return_country, s.currency, s.status,"
    " s.created_at, s.updated_at FROM shops s JOIN users u ON u.id = s.owner_id ";

Shop from_row(const db::Row& r) {
  Shop s;
  s.id = r.i64(0);
  s.owner_id = r.i64(1);
  s.owner_handle = r.str(2);
  s.handle = r.str(3);
  s.name = r.str(4);
  s.description = r.str(5);
  s.logo_path = r.opt_str(6);
  s.policies = r.str(7);
  s.return_address = {r.str(8), r.str(9), r.str(10), r.str(11), r.str(12), r.str(13), r.str(14)};
  s.currency = r.str(15);
  const auto status = r.i64(16);
  s.status = status >= 0 && status <= 2 ? static_cast<ShopStatus>(status) : ShopStatus::kClosed;
  s.created_at = r.i64(17);
  s.updated_at = r.i64(18);
  return s;
}

bool plain_text(std::string_view s, bool multiline) {
  for (unsigned char c : s) {
    if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) || c == 0x7f) {
      return false;
    }
  }
  return true;
}

/// Checks the fields present; `opening` also requires name, handle, currency.
Status check_fields(ShopFields& f, bool opening) {
  std::vector<FieldError> errors;
  auto text = [&](std::optional<std::string>& v, const char* pointer, std::size_t max,
                  bool multiline, bool required) {
    if (!v) {
      if (required) errors.push_back({pointer, "Required."});
      return;
    }
    if (!multiline) *v = trim(*v);
    if (required && v->empty()) errors.push_back({pointer, "Required."});
    if (v->size() > max) errors.push_back({pointer, fmt::format("At most {} bytes.", max)});
    if (!plain_text(*v, multiline)) errors.push_back({pointer, "No control characters."});
  };
  text(f.name, "/name", 100, false, opening);
  text(f.description, "/description", 5000, true, false);
  text(f.policies, "/policies", 20000, true, false);
  if (f.handle) {
    *f.handle = trim(*f.handle);
    for (auto& c : *f.handle) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!valid_handle(*f.handle)) {
      errors.push_back({"/handle", "2-60 of a-z, 0-9 and '-', not starting or ending with '-'."});
    }
  } else if (opening) {
    errors.push_back({"/handle", "Required."});
  }
  if (f.currency) {
    if (!currency_exponent(*f.currency)) {
      errors.push_back({"/currency", "A supported ISO 4217 code such as USD or EUR."});
    }
  } else if (opening) {
    errors.push_back({"/currency", "Required."});
  }
  if (f.return_address) {
    Address& a = *f.return_address;
    for (auto [field, name] : {std::pair{&a.name, "name"},
                               {&a.line1, "line1"},
                               {&a.line2, "line2"},
                               {&a.city, "city"},
                               {&a.region, "region"},
                               {&a.postal_code, "postal_code"}}) {
      *field = trim(*field);
      if (field->size() > 200 || !plain_text(*field, false)) {
        errors.push_back({std::string("/return_address/") + name, "At most 200 bytes of text."});
      }
    }
    a.country = trim(a.country);
    for (auto& c : a.country) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!a.country.empty() &&
        (a.country.size() != 2 || !std::isalpha(static_cast<unsigned char>(a.country[0])) ||
         !std::isalpha(static_cast<unsigned char>(a.country[1])))) {
      errors.push_back({"/return_address/country", "An ISO 3166-1 alpha-2 code such as US."});
    }
  }
  if (!errors.empty()) return Status::invalid(std::move(errors));
  return Status::ok();
}

Status handle_taken() {
  return Status::conflict({{"/handle", "This shop handle is taken."}});
}

}  // namespace

ShopService::ShopService(db::Database& db, IdGenerator& ids, const Clock& clock,
                         std::filesystem::path media_dir)
    : db_(db), ids_(ids), clock_(clock), files_(std::move(media_dir), "shop") {}

Result<std::optional<Shop>> ShopService::load(db::Conn& c, std::string_view where, Id key) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows, c.query(std::string(kColumns) + std::string(where), {key}));
  if (rows.empty()) return std::optional<Shop>();
  return std::optional<Shop>(from_row(rows[0]));
}

Result<Shop> ShopService::open(Id owner_id, const ShopFields& input) {
  ShopFields f = input;
  RIFF_RETURN_IF_ERROR(check_fields(f, true));
  const Id id = ids_.next();
  const std::int64_t now = clock_.now_ms();
  const Address a = f.return_address.value_or(Address{});
  return db_.transact_result([&](db::Conn& c) -> Result<Shop> {
    RIFF_ASSIGN_OR_RETURN(db::Rows own,
                          c.query("SELECT 1 FROM shops WHERE owner_id = $1", {owner_id}));
    if (!own.empty()) return Status::conflict("You already have a shop; one per account.");
    RIFF_ASSIGN_OR_RETURN(
        std::int64_t n, c.exec("INSERT INTO shops (id, owner_id, handle, name, description,"
                               " policies, return_name, return_line1, return_line2, return_city,"
                               " return_region, return_postal_code, return_country, currency,"
                               " status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6,"
                               " $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)"
                               " ON CONFLICT (handle) DO NOTHING",
                               {id, owner_id, *f.handle, *f.name, f.description.value_or(""),
                                f.policies.value_or(""), a.name, a.line1, a.line2, a.city, a.region,
                                a.postal_code, a.country, *f.currency,
                                static_cast<int>(f.status.value_or(ShopStatus::kActive)), now}));
    if (n == 0) return handle_taken();
    RIFF_ASSIGN_OR_RETURN(auto shop, load(c, "WHERE s.id = $1", id));
    return std::move(*shop);
  });
}

Result<Shop> ShopService::get(std::string_view id_or_handle, std::optional<Id> viewer) {
  std::optional<Shop> out;
  RIFF_RETURN_IF_ERROR(accounts::read_with(db_, [&](db::Conn& c) -> Status {
    if (auto id = parse_id(id_or_handle)) {
      RIFF_ASSIGN_OR_RETURN(out, load(c, "WHERE s.id = $1", *id));
    }
    if (!out) {
      RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                            c.query(std::string(kColumns) + "WHERE s.handle = lower($1)",
                                    {std::string(id_or_handle)}));
      if (!rows.empty()) out = from_row(rows[0]);
    }
    return Status::ok();
  }));
  if (!out || (out->status == ShopStatus::kClosed && viewer != out->owner_id)) {
    return Status::not_found("No such shop.");
  }
  return std::move(*out);
}

Result<Shop> ShopService::mine(Id owner_id) {
  std::optional<Shop> out;
  RIFF_RETURN_IF_ERROR(accounts::read_with(db_, [&](db::Conn& c) -> Status {
    RIFF_ASSIGN_OR_RETURN(out, load(c, "WHERE s.owner_id = $1", owner_id));
    return Status::ok();
  }));
  if (!out) return Status::not_found("You have no shop yet.");
  return std::move(*out);
}

Result<Shop> ShopService::update(Id user_id, Id shop_id, const ShopFields& input) {
  ShopFields f = input;
  RIFF_RETURN_IF_ERROR(check_fields(f, false));
  return db_.transact_result([&](db::Conn& c) -> Result<Shop> {
    RIFF_ASSIGN_OR_RETURN(auto shop, load(c, "WHERE s.id = $1 FOR UPDATE OF s", shop_id));
    if (!shop || (shop->status == ShopStatus::kClosed && shop->owner_id != user_id)) {
      return Status::not_found("No such shop.");
    }
    if (shop->owner_id != user_id) return Status::forbidden("Only the shop's owner can change it.");
    if (f.currency && *f.currency != shop->currency) {
      RIFF_ASSIGN_OR_RETURN(
          db::Rows any, c.query("SELECT 1 FROM products WHERE shop_id = $1 LIMIT 1", {shop_id}));
      if (!any.empty()) {
        return Status::conflict(
            {{"/currency",
              "The currency prices every product; it cannot change once there are products."}});
      }
    }
    if (f.handle && *f.handle != shop->handle) {
      RIFF_ASSIGN_OR_RETURN(db::Rows taken,
                            c.query("SELECT 1 FROM shops WHERE handle = $1", {*f.handle}));
      if (!taken.empty()) return handle_taken();
    }
    const Address a = f.return_address.value_or(shop->return_address);
    const std::optional<std::int64_t> status =
        f.status ? std::optional<std::int64_t>(static_cast<int>(*f.status)) : std::nullopt;
    RIFF_RETURN_IF_ERROR(
        c.exec("UPDATE shops SET name = COALESCE($2, name), handle = COALESCE($3, handle),"
               " description = COALESCE($4, description), policies = COALESCE($5, policies),"
               " currency = COALESCE($6, currency), status = COALESCE($7, status),"
               " return_name = $8, return_line1 = $9, return_line2 = $10, return_city = $11,"
               " return_region = $12, return_postal_code = $13, return_country = $14,"
               " updated_at = $15 WHERE id = $1",
               {shop_id, f.name, f.handle, f.description, f.policies, f.currency, status, a.name,
                a.line1, a.line2, a.city, a.region, a.postal_code, a.country, clock_.now_ms()})
            .status());
    RIFF_ASSIGN_OR_RETURN(auto updated, load(c, "WHERE s.id = $1", shop_id));
    return std::move(*updated);
  });
}

Result<Shop> ShopService::set_logo(Id owner_id, accounts::ImageType type, std::string_view bytes) {
  if (!accounts::magic_matches(type, bytes)) {
    return Status::invalid("/logo", "The body is not an image of the type it claims.");
  }
  RIFF_ASSIGN_OR_RETURN(Shop shop, mine(owner_id));
  RIFF_ASSIGN_OR_RETURN(std::string path, files_.write(shop.id, type, bytes));
  std::optional<std::string> old;
  auto updated = db_.transact_result([&](db::Conn& c) -> Result<Shop> {
    RIFF_ASSIGN_OR_RETURN(auto current, load(c, "WHERE s.id = $1 FOR UPDATE OF s", shop.id));
    if (!current) return Status::not_found("You have no shop yet.");
    old = current->logo_path;
    RIFF_RETURN_IF_ERROR(c.exec("UPDATE shops SET logo_path = $2, updated_at = $3 WHERE id = $1",
                                {shop.id, path, clock_.now_ms()})
                             .status());
    current->logo_path = path;
    return std::move(*current);
  });
  if (!updated) {
    files_.remove(path);
    return updated.status();
  }
  if (old) files_.remove(*old);
  return updated;
}

}  // namespace riff::shop
