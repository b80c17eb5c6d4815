#pragma once
// ShopService: a seller's shop. Any user may open one shop (the users.role
// "seller" is not required: opening a shop is what makes an account a
// seller). The shop's handle is its public address (/api/v1/shops/{handle});
// its currency prices every product and can change only while the shop has
// no products. Only the owner changes a shop. Others see active and paused
// shops; a closed shop is visible to its owner only.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <filesystem>
#include <optional>
#include <string>

#include "riff/accounts/avatar_files.hpp"
#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/shop/model.hpp"

namespace riff::shop {

/// Fields of a shop as its owner writes them; absent ones stay (or take
/// their default when opening). Opening needs name, handle and currency.
struct ShopFields {
  std::optional<std::string> name;
  std::optional<std::string> handle;
  std::optional<std::string> description;
  std::optional<std::string> policies;
  std::optional<Address> return_address;
  std::optional<std::string> currency;
  std::optional<ShopStatus> status;
};

class ShopService {
 public:
  /// Logos are stored under <media_dir>/shop/.
  ShopService(db::Database& db, IdGenerator& ids, const Clock& clock,
              std::filesystem::path media_dir);

  /// kConflict when the user already has a shop or the handle is taken;
  /// kInvalid naming each bad field.
  Result<Shop> open(Id owner_id, const ShopFields& fields);
  /// By id or handle; kNotFound for a closed shop unless `viewer` owns it.
  Result<Shop> get(std::string_view id_or_handle, std::optional<Id> viewer);
  /// The viewer's own shop; kNotFound when they have none.
  Result<Shop> mine(Id owner_id);
  /// kForbidden unless `user_id` owns the shop.
  Result<Shop> update(Id user_id, Id shop_id, const ShopFields& fields);
  /// Replaces the owner's logo (the old file is removed after the change commits).
  Result<Shop> set_logo(Id owner_id, accounts::ImageType type, std::string_view bytes);

  /// The shop row for a statement in progress.
  static Result<std::optional<Shop>> load(db::Conn& c, std::string_view where, Id key);

 private:
  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  accounts::AvatarFiles files_;
};

}  // namespace riff::shop
