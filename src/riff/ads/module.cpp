#include "riff/ads/module.hpp"

namespace riff::ads {

AdsModule::AdsModule(db::Database& db, IdGenerator& ids, const Clock& clock,
                     payments::PaymentsModule& payments, ledger::LedgerModule& ledger,
                     std::string key, AdOptions options)
    : clock_(clock),
      service_(db, ids, clock, payments.gateway(), ledger.ledger(), std::move(key), options) {}

Result<std::unique_ptr<AdsModule>> AdsModule::create(db::Database& db, IdGenerator& ids,
                                                     const Clock& clock,
                                                     payments::PaymentsModule& payments,
                                                     ledger::LedgerModule& ledger,
                                                     video::FeedService& feed,
                                                     const AdsModuleOptions& options) {
  RIFF_ASSIGN_OR_RETURN(std::string key, payments::load_or_create_secret(options.key_file));
  auto m = std::unique_ptr<AdsModule>(
      new AdsModule(db, ids, clock, payments, ledger, std::move(key), options.ads));
  AdService* service = &m->service_;
  payments.receiver().on("payment_intent.succeeded",
                         [service](db::Conn& c, const payments::WebhookEvent& e) {
                           return service->payment_succeeded(c, e);
                         });
  feed.set_sponsored_picker([service](db::Conn& c, std::optional<Id> viewer,
                                      const std::vector<video::VideoCard>& organic) {
    return service->pick(c, viewer, organic);
  });
  ledger.add_check(ads_billed_check());
  return m;
}

void AdsModule::mount(net::Router& router) { mount_ad_routes(router, *this); }

ledger::VerifyCheck ads_billed_check() {
  return {"ads_billed", [](db::Conn& c, std::vector<ledger::Violation>& out) -> Status {
            RIFF_ASSIGN_OR_RETURN(
                db::Rows rows,
                c.query("SELECT a.id, a.billed, COALESCE((SELECT SUM(e.amount)"
                        " FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id"
                        " JOIN ledger_accounts acc ON acc.id = e.account_id"
                        " WHERE t.kind = 'ad_spend' AND acc.kind = 'ad_revenue'"
                        " AND t.reference = 'ad_campaign:' || CAST(a.id AS TEXT)), 0)"
                        " FROM ad_campaigns a"));
            for (const auto& r : rows) {
              // ad_revenue is credited: its entries are negative.
              if (r.i64(1) != -r.i64(2)) {
                out.push_back({"ads_billed", "campaign " + r.str(0) + " billed " + r.str(1) +
                                                 " but the ledger has " + std::to_string(-r.i64(2))});
              }
            }
            return Status::ok();
          }};
}

}  // namespace riff::ads
