#pragma once
// LinkService: products attached to videos (the product card in feeds),
// creators' showcases, and product taps, the attribution input for
// affiliate commissions.
//
// - A video's author attaches up to kMaxVideoProducts active products of
//   active shops (any shop: creators promote other sellers' products).
// - A showcase is a user's list of up to kMaxShowcase products on their
//   profile; it lists only products others may see at the time.
// - A tap records that a logged-in viewer opened a product from a creator's
//   video, showcase or live stream. The creator is derived from the source
//   where riff knows it (a video's author); a showcase tap must name a
//   creator whose showcase holds the product. last_tap() answers checkout's
//   question: which creator, if any, gets the sale (the latest tap of that
//   buyer on that product within the attribution window).
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "riff/accounts/model.hpp"
#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/shop/model.hpp"

namespace riff::shop {

inline constexpr std::size_t kMaxVideoProducts = 3;
inline constexpr std::size_t kMaxShowcase = 500;

enum class TapSource { kVideo = 0, kShowcase = 1, kLive = 2 };
std::string_view to_string(TapSource s);
std::optional<TapSource> parse_tap_source(std::string_view s);

struct Tap {
  Id id = 0;
  Id user_id = 0;
  Id product_id = 0;
  Id creator_id = 0;
  TapSource source = TapSource::kVideo;
  std::optional<Id> video_id;
  std::int64_t created_at = 0;
};

/// What a video's product card shows.
struct ProductCard {
  Id product_id = 0;
  std::string title;
  std::string currency;
  std::int64_t price_min = 0;
  std::int64_t price_max = 0;
  std::optional<std::string> image_path;  // the first image, relative to <data_dir>/media
};

struct TapInput {
  TapSource source = TapSource::kVideo;
  std::optional<Id> video_id;
  std::optional<Id> creator_id;
};

class LinkService {
 public:
  /// `attribution_window_ms`: how long a tap can win a sale (default 7 days).
  LinkService(db::Database& db, IdGenerator& ids, const Clock& clock,
              std::int64_t attribution_window_ms);

  /// kNotFound for an unknown or deleted video, kForbidden unless `user_id`
  /// wrote it, kConflict for a product others cannot see or a full video.
  /// Attaching one already attached is a no-op. Returns the video's products.
  Result<std::vector<ProductCard>> attach(Id user_id, Id video_id, Id product_id);
  Result<std::vector<ProductCard>> detach(Id user_id, Id video_id, Id product_id);

  /// The showcase of the user with `handle`, newest first (visible products only).
  Result<accounts::Page<Product>> showcase(std::string_view handle,
                                           const accounts::PageRequest& page);
  /// kConflict for a product others cannot see or a full showcase.
  Status add_to_showcase(Id user_id, Id product_id);
  /// kNotFound when it was not in the showcase.
  Status remove_from_showcase(Id user_id, Id product_id);

  /// Records a tap by `user_id`. kInvalid when the source does not hold
  /// the product (a video it is not attached to, a showcase without it).
  Result<Tap> record_tap(Id user_id, Id product_id, const TapInput& input);
  /// The tap that wins a purchase of `product_id` by `buyer_id` at `at_ms`:
  /// the latest within the attribution window; nullopt when none.
  Result<std::optional<Tap>> last_tap(db::Conn& c, Id buyer_id, Id product_id, std::int64_t at_ms);

  /// Product cards for a page of videos: video id -> its visible products,
  /// in the order they were attached. One query whatever the number of videos.
  static Result<std::unordered_map<Id, std::vector<ProductCard>>> video_cards(
      db::Conn& c, const std::vector<Id>& video_ids);

 private:
  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  std::int64_t window_ms_;
};

}  // namespace riff::shop
