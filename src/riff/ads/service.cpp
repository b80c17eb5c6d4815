#include "riff/ads/service.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <unordered_set>

#include "riff/ledger/ledger.hpp"
#include "riff/payments/gateway.hpp"
#include "riff/payments/webhooks.hpp"

namespace riff::ads {
namespace {

namespace lg = riff::ledger;

constexpr std::string_view kCampaignColumns =
    "id, advertiser_id, name, video_id, product_id, currency, budget, cpm_bid, cpc_bid, countries,"
    " hashtags, status, starts_at, ends_at, spent_micros, billed, impressions, taps, created_at";

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    const auto comma = std::min(s.find(',', pos), s.size());
    if (comma > pos) out.push_back(s.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) {
    if (!out.empty()) out += ",";
    out += x;
  }
  return out;
}

Campaign campaign_from(const db::Row& r) {
  Campaign c;
  c.id = r.i64(0);
  c.advertiser_id = r.i64(1);
  c.name = r.str(2);
  c.video_id = r.i64(3);
  c.product_id = r.opt_i64(4);
  c.currency = r.str(5);
  c.budget = r.i64(6);
  c.cpm_bid = r.i64(7);
  c.cpc_bid = r.i64(8);
  c.countries = split(r.str(9));
  c.hashtags = split(r.str(10));
  const auto st = r.i64(11);
  c.status = st >= 0 && st <= 3 ? static_cast<CampaignStatus>(st) : CampaignStatus::kPaused;
  c.starts_at = r.i64(12);
  c.ends_at = r.opt_i64(13);
  c.spent_micros = r.i64(14);
  c.billed = r.i64(15);
  c.impressions = r.i64(16);
  c.taps = r.i64(17);
  c.created_at = r.i64(18);
  return c;
}

std::string token_hash(std::string_view token) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string nonce() {
  unsigned char raw[8];
  randombytes_buf(raw, sizeof raw);
  char hex[sizeof raw * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  return hex;
}

Result<std::int64_t> budget_of(db::Conn& c, Id advertiser, const std::string& currency) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        c.query("SELECT net FROM ledger_accounts WHERE kind = $1 AND owner_id = $2"
                                " AND currency = $3",
                                {lg::kAdBudget, advertiser, currency}));
  return rows.empty() ? std::int64_t{0} : -rows[0].i64(0);  // credit-normal
}

}  // namespace

AdService::AdService(db::Database& db, IdGenerator& ids, const Clock& clock,
                     payments::PaymentGateway& gateway, lg::Ledger& ledger, std::string token_key,
                     AdOptions options)
    : db_(db),
      ids_(ids),
      clock_(clock),
      gateway_(gateway),
      ledger_(ledger),
      token_key_(std::move(token_key)),
      options_(options) {}

Result<Funding> AdService::fund(Id advertiser_id, const std::string& idempotency_key,
                                std::int64_t amount, const std::string& currency,
                                const std::string& payment_method) {
  std::vector<FieldError> errors;
  if (amount < 100 || amount > 100'000'000'000) errors.push_back({"/amount", "amount is at least 100 minor units"});
  if (!lg::valid_currency(currency)) errors.push_back({"/currency", "an ISO 4217 code like USD"});
  if (payment_method.empty()) errors.push_back({"/payment_method", "payment_method is required"});
  if (!errors.empty()) return Status::invalid(std::move(errors));
  const std::int64_t now = clock_.now_ms();
  Id id = ids_.next();
  RIFF_RETURN_IF_ERROR(db_.transact([&](db::Conn& c) -> Status {
    RIFF_ASSIGN_OR_RETURN(db::Rows seen,
                          c.query("SELECT id, amount, currency FROM ad_fundings"
                                  " WHERE advertiser_id = $1 AND idempotency_key = $2",
                                  {advertiser_id, idempotency_key}));
    if (!seen.empty()) {
      if (seen[0].i64(1) != amount || seen[0].str(2) != currency) {
        return Status::conflict("This Idempotency-Key was used for another funding.");
      }
      id = seen[0].i64(0);
      return Status::ok();
    }
    return c.exec("INSERT INTO ad_fundings (id, advertiser_id, idempotency_key, amount, currency,"
                  " state, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $6)",
                  {id, advertiser_id, idempotency_key, amount, currency, now})
        .status();
  }));
  // The gateway's own key makes a retry one charge.
  payments::AuthorizeRequest ask;
  ask.amount = amount;
  ask.currency = currency;
  ask.payment_method = payment_method;
  ask.customer_id = advertiser_id;
  ask.reference = "adfunds:" + std::to_string(id);
  ask.idempotency_key = ask.reference;
  auto intent = gateway_.authorize(ask);
  if (!intent) {
    if (intent.status().code() == Code::kInvalid) {
      (void)db_.exec("UPDATE ad_fundings SET state = 2, decline_code = 'invalid_payment_method',"
                     " updated_at = $2 WHERE id = $1 AND state = 0",
                     {id, clock_.now_ms()});
    }
    return intent.status();
  }
  if (intent->status == payments::IntentStatus::kFailed) {
    RIFF_RETURN_IF_ERROR(db_.exec("UPDATE ad_fundings SET state = 2, decline_code = $2,"
                                  " updated_at = $3 WHERE id = $1 AND state = 0",
                                  {id, intent->decline_code, clock_.now_ms()})
                             .status());
  } else {
    RIFF_RETURN_IF_ERROR(db_.exec("UPDATE ad_fundings SET intent_id = $2 WHERE id = $1",
                                  {id, intent->id})
                             .status());
  }
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT id, advertiser_id, amount, currency, state, decline_code,"
                                  " created_at FROM ad_fundings WHERE id = $1",
                                  {id}));
  const auto& r = rows[0];
  return Funding{r.i64(0), r.i64(1), r.i64(2), r.str(3), static_cast<FundingState>(r.i64(4)),
                 r.opt_str(5), r.i64(6)};
}

Result<std::vector<Funding>> AdService::fundings(Id advertiser_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT id, advertiser_id, amount, currency, state, decline_code,"
                                  " created_at FROM ad_fundings WHERE advertiser_id = $1"
                                  " ORDER BY id DESC LIMIT 200",
                                  {advertiser_id}));
  std::vector<Funding> out;
  for (const auto& r : rows) {
    out.push_back({r.i64(0), r.i64(1), r.i64(2), r.str(3), static_cast<FundingState>(r.i64(4)),
                   r.opt_str(5), r.i64(6)});
  }
  return out;
}

Result<std::int64_t> AdService::balance(Id advertiser_id, const std::string& currency) {
  std::int64_t out = 0;
  RIFF_RETURN_IF_ERROR(db_.read([&](db::Conn& c) -> Result<db::Rows> {
                         RIFF_ASSIGN_OR_RETURN(out, budget_of(c, advertiser_id, currency));
                         return db::Rows{};
                       }).status());
  return out;
}

Status AdService::payment_succeeded(db::Conn& c, const payments::WebhookEvent& e) {
  constexpr std::string_view kPrefix = "adfunds:";
  if (!e.reference.starts_with(kPrefix)) return Status::ok();
  Id id = 0;
  const std::string_view digits = std::string_view(e.reference).substr(kPrefix.size());
  std::from_chars(digits.data(), digits.data() + digits.size(), id);
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        c.query("SELECT advertiser_id, amount, currency FROM ad_fundings WHERE id = $1",
                                {id}));
  if (rows.empty() || rows[0].i64(1) != e.amount || rows[0].str(2) != e.currency) {
    return Status::internal("payment " + e.intent_id + " does not match ad funding " +
                            std::to_string(id));
  }
  const Id advertiser = rows[0].i64(0);
  RIFF_RETURN_IF_ERROR(c.exec("UPDATE ad_fundings SET state = 1, intent_id = $2, updated_at = $3"
                              " WHERE id = $1",
                              {id, e.intent_id, clock_.now_ms()})
                           .status());
  lg::TransferSpec spec;
  spec.kind = "ad_funds";
  spec.reference = e.reference;
  spec.idempotency_key = e.reference + ":paid";
  spec.debit({std::string(lg::kBuyerPayments), advertiser, e.currency}, e.amount)
      .credit({std::string(lg::kAdBudget), advertiser, e.currency}, e.amount);
  return ledger_.post(c, spec).status();
}

Result<Campaign> AdService::create(Id advertiser_id, Campaign c) {
  const std::int64_t now = clock_.now_ms();
  if (c.starts_at == 0) c.starts_at = now;
  RIFF_ASSIGN_OR_RETURN(c, validate_campaign(std::move(c)));
  if (!lg::valid_currency(c.currency)) return Status::invalid("/currency", "an ISO 4217 code like USD");
  // The creative: the advertiser's own public, ready video. (videos.status 2 = ready, visibility 0 = public.)
  RIFF_ASSIGN_OR_RETURN(db::Rows video,
                        db_.query("SELECT author_id, status, visibility FROM videos WHERE id = $1",
                                  {c.video_id}));
  if (video.empty() || video[0].i64(0) != advertiser_id) {
    return Status::invalid("/video_id", "a campaign promotes one of your own videos");
  }
  if (video[0].i64(2) != 0) return Status::invalid("/video_id", "the video must be public");
  if (c.product_id) {
    RIFF_ASSIGN_OR_RETURN(db::Rows product,
                          db_.query("SELECT 1 FROM products p JOIN shops s ON s.id = p.shop_id"
                                    " WHERE p.id = $1 AND s.owner_id = $2",
                                    {*c.product_id, advertiser_id}));
    if (product.empty()) return Status::invalid("/product_id", "no such product in your shop");
  }
  c.id = ids_.next();
  c.advertiser_id = advertiser_id;
  c.status = CampaignStatus::kActive;
  c.created_at = now;
  RIFF_RETURN_IF_ERROR(
      db_.exec("INSERT INTO ad_campaigns (id, advertiser_id, name, video_id, product_id, currency,"
               " budget, cpm_bid, cpc_bid, countries, hashtags, status, starts_at, ends_at,"
               " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0,"
               " $12, $13, $14, $14)",
               {c.id, advertiser_id, c.name, c.video_id, c.product_id, c.currency, c.budget,
                c.cpm_bid, c.cpc_bid, join(c.countries), join(c.hashtags), c.starts_at, c.ends_at,
                now})
          .status());
  return c;
}

Result<std::vector<Campaign>> AdService::campaigns(Id advertiser_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT " + std::string(kCampaignColumns) +
                                      " FROM ad_campaigns WHERE advertiser_id = $1"
                                      " ORDER BY id DESC LIMIT 500",
                                  {advertiser_id}));
  std::vector<Campaign> out;
  for (const auto& r : rows) out.push_back(campaign_from(r));
  return out;
}

Result<Campaign> AdService::campaign(Id advertiser_id, Id campaign_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT " + std::string(kCampaignColumns) +
                                      " FROM ad_campaigns WHERE id = $1 AND advertiser_id = $2",
                                  {campaign_id, advertiser_id}));
  if (rows.empty()) return Status::not_found("No such campaign.");
  return campaign_from(rows[0]);
}

Result<Campaign> AdService::set_status(Id advertiser_id, Id campaign_id, CampaignStatus status) {
  if (status == CampaignStatus::kExhausted) {
    return Status::invalid("/status", "status is active, paused or ended");
  }
  RIFF_ASSIGN_OR_RETURN(Campaign c, campaign(advertiser_id, campaign_id));
  if (c.status == CampaignStatus::kEnded || c.status == CampaignStatus::kExhausted) {
    if (status != c.status) {
      return Status::conflict("A campaign " + std::string(to_string(c.status)) +
                              " cannot change; start a new one.");
    }
    return c;
  }
  RIFF_RETURN_IF_ERROR(db_.exec("UPDATE ad_campaigns SET status = $3, updated_at = $4"
                                " WHERE id = $1 AND advertiser_id = $2 AND status IN (0, 1)",
                                {campaign_id, advertiser_id, static_cast<int>(status),
                                 clock_.now_ms()})
                           .status());
  return campaign(advertiser_id, campaign_id);
}

Result<std::vector<video::SponsoredInsert>> AdService::pick(
    db::Conn& c, std::optional<Id> viewer, const std::vector<video::VideoCard>& organic) {
  std::vector<video::SponsoredInsert> out;
  const std::size_t slots = options_.every_n > 0 ? organic.size() / options_.every_n : 0;
  if (slots == 0) return out;
  const std::int64_t now = clock_.now_ms();
  // What the viewer is into: the page's hashtags and the interests they picked.
  std::unordered_set<std::string> tags;
  std::unordered_set<Id> on_page;
  for (const auto& card : organic) {
    on_page.insert(card.video.id);
    for (const auto& t : card.hashtags) tags.insert(t);
  }
  std::string country;
  if (viewer) {
    RIFF_ASSIGN_OR_RETURN(db::Rows me, c.query("SELECT country FROM users WHERE id = $1", {*viewer}));
    if (!me.empty()) country = me[0].str(0);
    RIFF_ASSIGN_OR_RETURN(db::Rows picked,
                          c.query("SELECT h.tag FROM viewer_interests i JOIN hashtags h"
                                  " ON h.id = i.hashtag_id WHERE i.user_id = $1",
                                  {*viewer}));
    for (const auto& r : picked) tags.insert(r.str(0));
  }
  // Live campaigns with budget left and funds behind them; the frequency cap
  // counts this viewer's impressions of each in the last day.
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query("SELECT " + std::string(kCampaignColumns) +
                  ", (SELECT COUNT(*) FROM ad_events e WHERE e.campaign_id = ad_campaigns.id"
                  "   AND e.viewer_id = $2 AND e.kind = 0 AND e.created_at > $3)"
                  " FROM ad_campaigns WHERE status = 0 AND starts_at <= $1"
                  " AND (ends_at IS NULL OR ends_at > $1) AND spent_micros + cpm_bid <= budget * 1000"
                  " AND advertiser_id <> $2"
                  " AND EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.kind = 'ad_budget'"
                  "   AND a.owner_id = ad_campaigns.advertiser_id"
                  "   AND a.currency = ad_campaigns.currency AND a.net < 0)"
                  " ORDER BY cpm_bid DESC, id LIMIT 200",
              {now, viewer.value_or(0), now - 86'400'000}));
  struct Scored {
    Campaign campaign;
    double score;
  };
  std::vector<Scored> eligible;
  for (const auto& r : rows) {
    Campaign camp = campaign_from(r);
    if (viewer && r.i64(19) >= options_.frequency_cap) continue;
    if (on_page.contains(camp.video_id)) continue;
    if (!camp.countries.empty() &&
        std::find(camp.countries.begin(), camp.countries.end(), country) == camp.countries.end()) {
      continue;
    }
    if (!camp.hashtags.empty() &&
        std::none_of(camp.hashtags.begin(), camp.hashtags.end(),
                     [&](const std::string& t) { return tags.contains(t); })) {
      continue;
    }
    // Bid x predicted engagement (the tap rate, smoothed toward 2%).
    const double score = static_cast<double>(camp.cpm_bid) * camp.predicted_engagement();
    eligible.push_back({std::move(camp), score});
  }
  std::stable_sort(eligible.begin(), eligible.end(),
                   [](const Scored& a, const Scored& b) { return a.score > b.score; });
  std::unordered_set<Id> videos;
  for (const auto& e : eligible) {
    if (out.size() == slots) break;
    if (!videos.insert(e.campaign.video_id).second) continue;
    const AdToken token{e.campaign.id, e.campaign.video_id, viewer.value_or(0), now, nonce()};
    boost::json::object sponsored{
        {"label", "Sponsored"},
        {"campaign_id", id_to_string(e.campaign.id)},
        {"token", sign_token(token, token_key_)},
        {"product_id", e.campaign.product_id ? boost::json::value(id_to_string(*e.campaign.product_id))
                                             : boost::json::value(nullptr)},
    };
    // After every `every_n` organic videos: positions every_n - 1, 2 every_n - 1, ...
    out.push_back({(out.size() + 1) * static_cast<std::size_t>(options_.every_n) - 1,
                   e.campaign.video_id, std::move(sponsored)});
  }
  return out;
}

Result<EventResult> AdService::record(std::optional<Id> reporter, const std::string& token,
                                      AdEventKind kind) {
  auto t = verify_token(token, token_key_);
  const std::int64_t now = clock_.now_ms();
  if (!t) return Status::invalid("/token", "not a token riff issued");
  if (now - t->issued_at > options_.token_ttl_ms || t->issued_at > now + 60'000) {
    return Status::invalid("/token", "the token has expired");
  }
  if (t->viewer_id != 0 && reporter != t->viewer_id) {
    return Status::forbidden("This ad was shown to someone else.");
  }
  const std::string hash = token_hash(token);
  EventResult result;
  RIFF_RETURN_IF_ERROR(db_.transact([&](db::Conn& c) -> Status {
    result = EventResult{};
    // The campaign's row first, locked (PostgreSQL) so its spend moves one
    // event at a time. (Inserting the event first would take a key-share
    // lock on the row through the foreign key, and two reports would then
    // deadlock upgrading it.)
    RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                          c.query("SELECT " + std::string(kCampaignColumns) +
                                      " FROM ad_campaigns WHERE id = $1 FOR UPDATE",
                                  {t->campaign_id}));
    if (rows.empty()) return Status::not_found("No such campaign.");
    RIFF_ASSIGN_OR_RETURN(
        std::int64_t fresh,
        c.exec("INSERT INTO ad_events (token_hash, kind, campaign_id, viewer_id, created_at)"
               " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (token_hash, kind) DO NOTHING",
               {hash, static_cast<int>(kind), t->campaign_id, t->viewer_id, now}));
    if (fresh == 0) {
      result.reason = "replay";
      return Status::ok();
    }
    result.counted = true;
    const Campaign camp = campaign_from(rows[0]);
    const char* counter = kind == AdEventKind::kImpression ? "impressions" : "taps";
    if (camp.status != CampaignStatus::kActive) {
      result.reason = "inactive";
      return c.exec(std::string("UPDATE ad_campaigns SET ") + counter + " = " + counter +
                        " + 1 WHERE id = $1",
                    {camp.id})
          .status();
    }
    const std::int64_t price =
        kind == AdEventKind::kImpression ? camp.cpm_bid : camp.cpc_bid * 1000;
    const std::int64_t spent = camp.spent_micros + price;
    if (spent > camp.budget * 1000) {
      // The budget cannot pay for this one: nothing is charged, and it stops serving.
      result.reason = "budget";
      return c.exec(std::string("UPDATE ad_campaigns SET status = 3, ") + counter + " = " +
                        counter + " + 1, updated_at = $2 WHERE id = $1",
                    {camp.id, now})
          .status();
    }
    const std::int64_t bill = spent / 1000 - camp.billed;
    if (bill > 0) {
      RIFF_ASSIGN_OR_RETURN(std::int64_t funds, budget_of(c, camp.advertiser_id, camp.currency));
      if (funds < bill) {
        result.reason = "funds";
        return c.exec(std::string("UPDATE ad_campaigns SET ") + counter + " = " + counter +
                          " + 1 WHERE id = $1",
                      {camp.id})
            .status();
      }
      lg::TransferSpec spec;
      spec.kind = "ad_spend";
      spec.reference = "ad_campaign:" + std::to_string(camp.id);
      spec.idempotency_key = spec.reference + ":billed:" + std::to_string(spent / 1000);
      spec.debit({std::string(lg::kAdBudget), camp.advertiser_id, camp.currency}, bill)
          .credit({std::string(lg::kAdRevenue), 0, camp.currency}, bill);
      RIFF_RETURN_IF_ERROR(ledger_.post(c, spec).status());
    }
    result.charged = price;
    RIFF_RETURN_IF_ERROR(c.exec("UPDATE ad_events SET charged_micros = $3 WHERE token_hash = $1"
                                " AND kind = $2",
                                {hash, static_cast<int>(kind), price})
                             .status());
    // Exhausted as soon as what is left cannot pay for another impression.
    const int status = spent + camp.cpm_bid > camp.budget * 1000
                           ? static_cast<int>(CampaignStatus::kExhausted)
                           : static_cast<int>(CampaignStatus::kActive);
    return c.exec(std::string("UPDATE ad_campaigns SET spent_micros = $2, billed = $3, status = $5, ") +
                      counter + " = " + counter + " + 1, updated_at = $4 WHERE id = $1",
                  {camp.id, spent, spent / 1000, now, status})
        .status();
  }));
  return result;
}

}  // namespace riff::ads
