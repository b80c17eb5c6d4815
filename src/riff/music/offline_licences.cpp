#include "riff/music/offline_licences.hpp"

#include <sodium.h>

#include <boost/json.hpp>

namespace riff::music {

namespace {

constexpr std::string_view kColumns = "id, user_id, track_id, issued_at, expires_at, kbps";

OfflineLicence from_row(const db::Row& r) {
  return {r.i64(0), r.i64(1), r.i64(2), r.i64(3), r.i64(4), static_cast<int>(r.i64(5)), {}};
}

std::string b64url(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

}  // namespace

OfflineLicences::OfflineLicences(db::Database& db, IdGenerator& ids, const Clock& clock,
                                 Catalog& catalog, Subscriptions& subscriptions,
                                 const std::string& secret, int licence_days)
    : db_(db),
      ids_(ids),
      clock_(clock),
      catalog_(catalog),
      subscriptions_(subscriptions),
      licence_ms_(static_cast<std::int64_t>(licence_days) * 86'400'000) {
  // A key of its own, so a licence MAC says nothing about the secret's other uses.
  unsigned char key[crypto_generichash_KEYBYTES];
  static constexpr std::string_view kLabel = "riff offline licence v1";
  crypto_generichash(key, sizeof key, reinterpret_cast<const unsigned char*>(kLabel.data()),
                     kLabel.size(), reinterpret_cast<const unsigned char*>(secret.data()),
                     std::min<std::size_t>(secret.size(), crypto_generichash_KEYBYTES_MAX));
  mac_key_.assign(reinterpret_cast<char*>(key), sizeof key);
}

void OfflineLicences::sign(OfflineLicence& l) const {
  const std::string payload = boost::json::serialize(boost::json::object{
      {"lid", id_to_string(l.id)},
      {"sub", id_to_string(l.user_id)},
      {"track", id_to_string(l.track_id)},
      {"kbps", l.kbps},
      {"iat", l.issued_at / 1000},
      {"exp", l.expires_at / 1000}});
  unsigned char mac[32];
  crypto_generichash(mac, sizeof mac, reinterpret_cast<const unsigned char*>(payload.data()),
                     payload.size(), reinterpret_cast<const unsigned char*>(mac_key_.data()),
                     mac_key_.size());
  l.signed_doc =
      b64url(payload) + "." + b64url(std::string_view(reinterpret_cast<char*>(mac), sizeof mac));
}

Status OfflineLicences::require_premium(Id user_id) {
  RIFF_ASSIGN_OR_RETURN(Plan plan, subscriptions_.effective_plan(user_id));
  if (plan != Plan::kPremium) return Status::forbidden("Offline downloads are part of Premium.");
  return Status::ok();
}

Result<OfflineLicence> OfflineLicences::issue(Id user_id, Id track_id) {
  RIFF_RETURN_IF_ERROR(require_premium(user_id));
  RIFF_ASSIGN_OR_RETURN(Track t, catalog_.track(track_id));
  auto tier = choose_tier(Plan::kPremium, 0, t.tiers);
  if (!tier) return Status::conflict("This track has no downloadable files yet.");
  const std::int64_t now = clock_.now_ms();
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.transact_result([&](db::Conn& c) {
        return c.query(
            "INSERT INTO music_offline_licences (id, user_id, track_id, issued_at, expires_at, kbps)"
            " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, track_id) DO UPDATE SET"
            " issued_at = excluded.issued_at, expires_at = excluded.expires_at,"
            " kbps = excluded.kbps RETURNING " + std::string(kColumns),
            {ids_.next(), user_id, track_id, now, now + licence_ms_, *tier});
      }));
  if (rows.empty()) return Status::internal("licence upsert returned no row");
  OfflineLicence l = from_row(rows[0]);
  sign(l);
  return l;
}

Result<OfflineLicence> OfflineLicences::load(Id user_id, Id track_id) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query("SELECT " + std::string(kColumns) +
                    " FROM music_offline_licences WHERE user_id = $1 AND track_id = $2",
                {user_id, track_id}));
  if (rows.empty()) return Status::not_found("You have no offline licence for this track.");
  OfflineLicence l = from_row(rows[0]);
  sign(l);
  return l;
}

Result<OfflineLicence> OfflineLicences::renew(Id user_id, Id track_id) {
  RIFF_RETURN_IF_ERROR(load(user_id, track_id).status());
  RIFF_RETURN_IF_ERROR(require_premium(user_id));
  RIFF_RETURN_IF_ERROR(db_.exec("UPDATE music_offline_licences SET expires_at = $1"
                                " WHERE user_id = $2 AND track_id = $3",
                                {clock_.now_ms() + licence_ms_, user_id, track_id})
                           .status());
  return load(user_id, track_id);
}

Result<OfflineLicencePage> OfflineLicences::list(Id user_id, int limit,
                                                 const std::optional<std::string>& cursor) {
  OfflineLicencePage page;
  RIFF_ASSIGN_OR_RETURN(Plan plan, subscriptions_.effective_plan(user_id));
  if (plan != Plan::kPremium) return page;
  Id before = INT64_MAX;
  if (cursor) {
    auto parsed = parse_id(*cursor);
    if (!parsed) return Status::invalid("/cursor", "not a cursor from this list");
    before = *parsed;
  }
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query("SELECT " + std::string(kColumns) +
                    " FROM music_offline_licences WHERE user_id = $1 AND expires_at > $2"
                    " AND id < $3 ORDER BY id DESC LIMIT $4",
                {user_id, clock_.now_ms(), before, std::int64_t{limit} + 1}));
  for (const auto& r : rows) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.next_cursor = id_to_string(page.items.back().id);
      break;
    }
    page.items.push_back(from_row(r));
    sign(page.items.back());
  }
  return page;
}

Result<OfflineDownload> OfflineLicences::download(Id user_id, Id track_id) {
  RIFF_ASSIGN_OR_RETURN(OfflineLicence l, load(user_id, track_id));
  RIFF_RETURN_IF_ERROR(require_premium(user_id));
  if (l.expires_at <= clock_.now_ms()) {
    return Status::forbidden("This offline licence has expired; renew it.");
  }
  return OfflineDownload{catalog_.tier_path(l.track_id, l.kbps), l.kbps};
}

}  // namespace riff::music
