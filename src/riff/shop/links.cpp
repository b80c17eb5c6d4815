#include "riff/shop/links.hpp"

#include "riff/accounts/cursor.hpp"
#include "riff/accounts/db_util.hpp"
#include "riff/shop/catalog_store.hpp"

namespace riff::shop {
namespace {

/// Ok when others may see the product. Otherwise kNotFound, or kConflict
/// for the shop's owner (who may see it, but not link it while inactive).
Status check_visible(db::Conn& c, Id product_id, Id user_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        c.query("SELECT p.status, s.status, s.owner_id FROM products p"
                                " JOIN shops s ON s.id = p.shop_id WHERE p.id = $1",
                                {product_id}));
  if (rows.empty()) return Status::not_found("No such product.");
  if (rows[0].i64(0) != static_cast<int>(ProductStatus::kActive) ||
      rows[0].i64(1) != static_cast<int>(ShopStatus::kActive)) {
    if (rows[0].i64(2) != user_id) return Status::not_found("No such product.");
    return Status::conflict("Only active products of active shops can be linked.");
  }
  return Status::ok();
}

/// The video's author; kNotFound for an unknown or deleted video.
Result<Id> video_author(db::Conn& c, Id video_id) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query("SELECT author_id FROM videos WHERE id = $1 AND status <> 3", {video_id}));
  if (rows.empty()) return Status::not_found("No such video.");
  return rows[0].i64(0);
}

Result<std::vector<ProductCard>> cards_of(db::Conn& c, Id video_id) {
  RIFF_ASSIGN_OR_RETURN(auto cards, LinkService::video_cards(c, {video_id}));
  return std::move(cards[video_id]);
}

}  // namespace

std::string_view to_string(TapSource s) {
  switch (s) {
    case TapSource::kVideo:
      return "video";
    case TapSource::kShowcase:
      return "showcase";
    case TapSource::kLive:
      return "live";
  }
  return "video";
}

std::optional<TapSource> parse_tap_source(std::string_view s) {
  for (auto v : {TapSource::kVideo, TapSource::kShowcase, TapSource::kLive}) {
    if (to_string(v) == s) return v;
  }
  return std::nullopt;
}

LinkService::LinkService(db::Database& db, IdGenerator& ids, const Clock& clock,
                         std::int64_t attribution_window_ms)
    : db_(db), ids_(ids), clock_(clock), window_ms_(attribution_window_ms) {}

Result<std::unordered_map<Id, std::vector<ProductCard>>> LinkService::video_cards(
    db::Conn& c, const std::vector<Id>& video_ids) {
  std::unordered_map<Id, std::vector<ProductCard>> out;
  if (video_ids.empty()) return out;
  std::vector<db::Param> params(video_ids.begin(), video_ids.end());
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query("SELECT vp.video_id, p.id, p.title, s.currency, p.price_min, p.price_max,"
              " (SELECT i.path FROM product_images i WHERE i.product_id = p.id"
              " ORDER BY i.position LIMIT 1)"
              " FROM video_products vp JOIN products p ON p.id = vp.product_id"
              " JOIN shops s ON s.id = p.shop_id"
              " WHERE vp.video_id IN (" +
                  placeholders(1, video_ids.size()) +
                  ")"
                  " AND p.status = 1 AND s.status = 0 ORDER BY vp.video_id, vp.position",
              params));
  for (const auto& r : rows) {
    out[r.i64(0)].push_back({r.i64(1), r.str(2), r.str(3), r.i64(4), r.i64(5), r.opt_str(6)});
  }
  return out;
}

Result<std::vector<ProductCard>> LinkService::attach(Id user_id, Id video_id, Id product_id) {
  return db_.transact_result([&](db::Conn& c) -> Result<std::vector<ProductCard>> {
    RIFF_ASSIGN_OR_RETURN(Id author, video_author(c, video_id));
    if (author != user_id)
      return Status::forbidden("Only the video's author links products to it.");
    RIFF_RETURN_IF_ERROR(check_visible(c, product_id, user_id));
    // Lock the video so that two attaches cannot both pass the count.
    RIFF_RETURN_IF_ERROR(
        c.query("SELECT id FROM videos WHERE id = $1 FOR UPDATE", {video_id}).status());
    RIFF_ASSIGN_OR_RETURN(db::Rows linked, c.query("SELECT product_id, position FROM video_products"
                                                   " WHERE video_id = $1 ORDER BY position",
                                                   {video_id}));
    for (const auto& r : linked) {
      if (r.i64(0) == product_id) return cards_of(c, video_id);
    }
    if (linked.size() >= kMaxVideoProducts) {
      return Status::conflict("A video links at most " + std::to_string(kMaxVideoProducts) +
                              " products.");
    }
    const std::int64_t position = linked.empty() ? 0 : linked[linked.size() - 1].i64(1) + 1;
    RIFF_RETURN_IF_ERROR(c.exec("INSERT INTO video_products (video_id, product_id, position,"
                                " created_at) VALUES ($1, $2, $3, $4)",
                                {video_id, product_id, position, clock_.now_ms()})
                             .status());
    return cards_of(c, video_id);
  });
}

Result<std::vector<ProductCard>> LinkService::detach(Id user_id, Id video_id, Id product_id) {
  return db_.transact_result([&](db::Conn& c) -> Result<std::vector<ProductCard>> {
    RIFF_ASSIGN_OR_RETURN(Id author, video_author(c, video_id));
    if (author != user_id)
      return Status::forbidden("Only the video's author links products to it.");
    RIFF_ASSIGN_OR_RETURN(
        std::int64_t n, c.exec("DELETE FROM video_products WHERE video_id = $1 AND product_id = $2",
                               {video_id, product_id}));
    if (n == 0) return Status::not_found("The product is not linked to this video.");
    return cards_of(c, video_id);
  });
}

Result<accounts::Page<Product>> LinkService::showcase(std::string_view handle,
                                                      const accounts::PageRequest& page) {
  accounts::CursorKey before = accounts::kFirstPage;
  if (page.cursor) {
    auto key = accounts::decode_cursor(*page.cursor);
    if (!key) return Status::invalid("/cursor", "Not a cursor from this list.");
    before = *key;
  }
  accounts::Page<Product> out;
  RIFF_RETURN_IF_ERROR(accounts::read_with(db_, [&](db::Conn& c) -> Status {
    RIFF_ASSIGN_OR_RETURN(db::Rows user, c.query("SELECT id FROM users WHERE handle = lower($1)",
                                                 {std::string(handle)}));
    if (user.empty()) return Status::not_found("No such user.");
    RIFF_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.query("SELECT sc.product_id, sc.created_at FROM showcase_items sc"
                " JOIN products p ON p.id = sc.product_id JOIN shops s ON s.id = p.shop_id"
                " WHERE sc.user_id = $1 AND p.status = 1 AND s.status = 0"
                " AND (sc.created_at < $2 OR (sc.created_at = $2 AND sc.product_id < $3))"
                " ORDER BY sc.created_at DESC, sc.product_id DESC LIMIT $4",
                {user[0].i64(0), before.time, before.id, page.limit + 1}));
    std::vector<Id> ids;
    for (std::size_t i = 0; i < rows.size() && i < static_cast<std::size_t>(page.limit); ++i) {
      ids.push_back(rows[i].i64(0));
    }
    if (rows.size() > static_cast<std::size_t>(page.limit)) {
      const auto& last = rows[page.limit - 1];
      out.next_cursor = accounts::encode_cursor({last.i64(1), last.i64(0)});
    }
    RIFF_ASSIGN_OR_RETURN(out.items, load_products(c, ids));
    return Status::ok();
  }));
  return out;
}

Status LinkService::add_to_showcase(Id user_id, Id product_id) {
  return db_.transact([&](db::Conn& c) -> Status {
    RIFF_RETURN_IF_ERROR(check_visible(c, product_id, user_id));
    RIFF_RETURN_IF_ERROR(
        c.query("SELECT id FROM users WHERE id = $1 FOR UPDATE", {user_id}).status());
    RIFF_ASSIGN_OR_RETURN(
        db::Rows count,
        c.query("SELECT COUNT(*) FROM showcase_items WHERE user_id = $1", {user_id}));
    if (count[0].i64(0) >= static_cast<std::int64_t>(kMaxShowcase)) {
      return Status::conflict("A showcase holds at most " + std::to_string(kMaxShowcase) +
                              " products.");
    }
    return c
        .exec(
            "INSERT INTO showcase_items (user_id, product_id, created_at)"
            " VALUES ($1, $2, $3) ON CONFLICT (user_id, product_id) DO NOTHING",
            {user_id, product_id, clock_.now_ms()})
        .status();
  });
}

Status LinkService::remove_from_showcase(Id user_id, Id product_id) {
  RIFF_ASSIGN_OR_RETURN(
      std::int64_t n, db_.exec("DELETE FROM showcase_items WHERE user_id = $1 AND product_id = $2",
                               {user_id, product_id}));
  if (n == 0) return Status::not_found("The product is not in your showcase.");
  return Status::ok();
}

Result<Tap> LinkService::record_tap(Id user_id, Id product_id, const TapInput& in) {
  return db_.transact_result([&](db::Conn& c) -> Result<Tap> {
    // Taps on products others cannot see (a seller's own draft included) count for nothing.
    Status visible = check_visible(c, product_id, user_id);
    if (visible.code() == Code::kConflict) return Status::not_found("No such product.");
    RIFF_RETURN_IF_ERROR(visible);
    Tap tap;
    tap.id = ids_.next();
    tap.user_id = user_id;
    tap.product_id = product_id;
    tap.source = in.source;
    tap.created_at = clock_.now_ms();
    switch (in.source) {
      case TapSource::kVideo: {
        if (!in.video_id) return Status::invalid("/video_id", "A video tap names its video.");
        RIFF_ASSIGN_OR_RETURN(Id author, video_author(c, *in.video_id));
        RIFF_ASSIGN_OR_RETURN(db::Rows linked,
                              c.query("SELECT 1 FROM video_products WHERE video_id = $1"
                                      " AND product_id = $2",
                                      {*in.video_id, product_id}));
        if (linked.empty())
          return Status::invalid("/video_id", "The video does not link this product.");
        if (in.creator_id && *in.creator_id != author) {
          return Status::invalid("/creator_id", "A video's creator is its author.");
        }
        tap.video_id = in.video_id;
        tap.creator_id = author;
        break;
      }
      case TapSource::kShowcase: {
        if (!in.creator_id) return Status::invalid("/creator_id", "Name the showcase's owner.");
        RIFF_ASSIGN_OR_RETURN(db::Rows held,
                              c.query("SELECT 1 FROM showcase_items WHERE user_id = $1"
                                      " AND product_id = $2",
                                      {*in.creator_id, product_id}));
        if (held.empty())
          return Status::invalid("/creator_id", "That showcase does not hold this product.");
        tap.creator_id = *in.creator_id;
        break;
      }
      case TapSource::kLive: {
        if (!in.creator_id) return Status::invalid("/creator_id", "Name the stream's creator.");
        RIFF_ASSIGN_OR_RETURN(db::Rows exists,
                              c.query("SELECT 1 FROM users WHERE id = $1", {*in.creator_id}));
        if (exists.empty()) return Status::invalid("/creator_id", "No such creator.");
        tap.creator_id = *in.creator_id;
        break;
      }
    }
    RIFF_RETURN_IF_ERROR(
        c.exec("INSERT INTO product_taps (id, user_id, product_id, creator_id,"
               " source, video_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
               {tap.id, user_id, product_id, tap.creator_id, static_cast<int>(tap.source),
                tap.video_id, tap.created_at})
            .status());
    return tap;
  });
}

Result<std::optional<Tap>> LinkService::last_tap(db::Conn& c, Id buyer_id, Id product_id,
                                                 std::int64_t at_ms) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query("SELECT id, creator_id, source, video_id, created_at FROM product_taps"
              " WHERE user_id = $1 AND product_id = $2 AND created_at > $3 AND created_at <= $4"
              " ORDER BY created_at DESC, id DESC LIMIT 1",
              {buyer_id, product_id, at_ms - window_ms_, at_ms}));
  if (rows.empty()) return std::optional<Tap>();
  const auto& r = rows[0];
  const auto source = r.i64(2);
  return std::optional<Tap>(
      Tap{r.i64(0), buyer_id, product_id, r.i64(1),
          source >= 0 && source <= 2 ? static_cast<TapSource>(source) : TapSource::kVideo,
          r.opt_i64(3), r.i64(4)});
}

}  // namespace riff::shop
