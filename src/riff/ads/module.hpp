#pragma once
// Brand ads as one unit for the composition root: the service, its webhook
// handler (ad budget top-ups), the For You feed's sponsored picker, a
// ledger invariant (each campaign's billing equals its ledger postings),
// and the routes.

#include <filesystem>
#include <memory>

#include "riff/ads/service.hpp"
#include "riff/ledger/module.hpp"
#include "riff/net/router.hpp"
#include "riff/payments/module.hpp"
#include "riff/video/feed.hpp"

namespace riff::ads {

struct AdsModuleOptions {
  AdOptions ads;
  std::filesystem::path key_file;  // <data_dir>/keys/ads-token.key: signs sponsored cards' tokens
};

class AdsModule {
 public:
  static Result<std::unique_ptr<AdsModule>> create(db::Database& db, IdGenerator& ids,
                                                   const Clock& clock,
                                                   payments::PaymentsModule& payments,
                                                   ledger::LedgerModule& ledger,
                                                   video::FeedService& feed,
                                                   const AdsModuleOptions& options);
  void mount(net::Router& router);
  AdService& service() { return service_; }
  const Clock& clock() const { return clock_; }

 private:
  AdsModule(db::Database& db, IdGenerator& ids, const Clock& clock,
            payments::PaymentsModule& payments, ledger::LedgerModule& ledger, std::string key,
            AdOptions options);
  const Clock& clock_;
  AdService service_;
};

/// "ads_billed": every campaign's billed amount equals its ad_spend postings.
ledger::VerifyCheck ads_billed_check();

void mount_ad_routes(net::Router& router, AdsModule& m);

}  // namespace riff::ads
