// Brand ads against a real database (SQLite, and PostgreSQL when
// RIFF_TEST_PG_URL is set): funding by card through the gateway's webhook,
// which campaigns a page gets (targeting, caps, bid x engagement), charging
// once per token, and spend never passing the budget or the funds.

#include <gtest/gtest.h>

#include <barrier>
#include <thread>

#include "riff/ads/module.hpp"
#include "riff/ads/schema.hpp"
#include "riff/orders/test_support.hpp"

namespace riff::ads {
namespace {

using orders::testing_support::Backend;
using orders::testing_support::OrdersTest;

class AdsTest : public OrdersTest {
 protected:
  void SetUp() override {
    OrdersTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(db_->migrate([] {
                     std::vector<db::Migration> m = accounts::migrations();
                     for (auto& x : video::migrations()) m.push_back(std::move(x));
                     for (auto& x : video::engagement_migrations()) m.push_back(std::move(x));
                     for (auto& x : jobs::migrations()) m.push_back(std::move(x));
                     for (auto& x : ledger::migrations()) m.push_back(std::move(x));
                     for (auto& x : payments::migrations()) m.push_back(std::move(x));
                     for (auto& x : shop::migrations()) m.push_back(std::move(x));
                     for (auto& x : orders::migrations()) m.push_back(std::move(x));
                     for (auto& x : migrations()) m.push_back(std::move(x));
                     return m;
                   }())
                    .is_ok());
    AdOptions options;
    options.every_n = 5;
    options.frequency_cap = 3;
    ads_ = std::make_unique<AdService>(*db_, ids_, clock_, *gateway_, ledger_->ledger(),
                                       "ads-unit-test-key", options);
    receiver_->on("payment_intent.succeeded", [this](db::Conn& c, const payments::WebhookEvent& e) {
      return ads_->payment_succeeded(c, e);
    });
    ledger_->add_check(ads_billed_check());
  }
  void TearDown() override {
    ads_.reset();
    OrdersTest::TearDown();
  }

  /// A public ready video by `author`, with `tags`; returns its id.
  Id video(Id author) {
    const Id id = ids_.next();
    EXPECT_TRUE(db_->exec("INSERT INTO videos (id, author_id, status, visibility, created_at,"
                          " updated_at) VALUES ($1, $2, 2, 0, $3, $3)",
                          {id, author, clock_.now_ms()})
                    .is_ok());
    return id;
  }
  /// An advertiser with `funds` in their ad budget (paid by card, booked by the webhook).
  Id advertiser(const std::string& handle, std::int64_t funds) {
    const Id a = user(handle);
    if (funds > 0) {
      auto f = ads_->fund(a, "fund-" + handle, funds, "USD", "tok_visa");
      EXPECT_TRUE(f.is_ok()) << f.status().message();
      deliver_webhooks();
    }
    return a;
  }
  Campaign campaign(Id advertiser, std::int64_t budget, std::int64_t cpm,
                    std::vector<std::string> countries = {}, std::vector<std::string> tags = {}) {
    Campaign c;
    c.name = "Spring sale";
    c.video_id = video(advertiser);
    c.currency = "USD";
    c.budget = budget;
    c.cpm_bid = cpm;
    c.cpc_bid = 5;
    c.countries = std::move(countries);
    c.hashtags = std::move(tags);
    auto made = ads_->create(advertiser, c);
    EXPECT_TRUE(made.is_ok()) << made.status().message();
    return made.is_ok() ? *made : Campaign{};
  }
  /// `n` organic cards, each with `tags`.
  std::vector<video::VideoCard> page(std::size_t n, std::vector<std::string> tags = {}) {
    std::vector<video::VideoCard> out(n);
    for (auto& c : out) {
      c.video.id = ids_.next();
      c.hashtags = tags;
    }
    return out;
  }
  std::vector<video::SponsoredInsert> pick(std::optional<Id> viewer,
                                           const std::vector<video::VideoCard>& organic) {
    std::vector<video::SponsoredInsert> out;
    const Status st = db_->read([&](db::Conn& c) -> Result<db::Rows> {
                           RIFF_ASSIGN_OR_RETURN(out, ads_->pick(c, viewer, organic));
                           return db::Rows{};
                         }).status();
    EXPECT_TRUE(st.is_ok()) << st.message();
    return out;
  }
  static std::string token_of(const video::SponsoredInsert& s) {
    return std::string(s.sponsored.as_object().at("token").as_string());
  }
  std::unique_ptr<AdService> ads_;
};

TEST_P(AdsTest, ACardPaymentFundsTheAdBudget) {
  const Id a = advertiser("brand", 5000);
  EXPECT_EQ(*ads_->balance(a, "USD"), 5000);
  EXPECT_EQ(balance(ledger::kAdBudget, a), 5000);
  auto again = ads_->fund(a, "fund-brand", 5000, "USD", "tok_visa");  // a retry: one charge
  ASSERT_TRUE(again.is_ok());
  deliver_webhooks();
  EXPECT_EQ(*ads_->balance(a, "USD"), 5000);
  auto declined = ads_->fund(a, "k2", 1000, "USD", "tok_chargeDeclined");
  ASSERT_TRUE(declined.is_ok());
  EXPECT_EQ(declined->state, FundingState::kDeclined);
  EXPECT_EQ(ads_->fund(a, "k3", 10, "USD", "tok_visa").status().code(), Code::kInvalid);
  EXPECT_TRUE(verified());
}

TEST_P(AdsTest, APageGetsCappedTargetedAdsChosenByBidTimesEngagement) {
  const Id rich = advertiser("rich", 100'000);
  const Id poor = advertiser("poor", 0);  // no funds: never served
  const Id viewer = user("viewer");
  ASSERT_TRUE(db_->exec("UPDATE users SET country = 'DE' WHERE id = $1", {viewer}).is_ok());
  const Campaign high = campaign(rich, 10'000, 9000);
  const Campaign low = campaign(rich, 10'000, 3000);
  const Campaign us_only = campaign(rich, 10'000, 20'000, {"US"});
  const Campaign cats = campaign(rich, 10'000, 20'000, {}, {"cats"});
  campaign(poor, 10'000, 50'000);
  // Three organic videos: no room for an ad. Ten: two, after the 5th and the 10th.
  EXPECT_TRUE(pick(viewer, page(3)).empty());
  auto ads = pick(viewer, page(10));
  ASSERT_EQ(ads.size(), 2u);
  EXPECT_EQ(ads[0].position, 4u);
  EXPECT_EQ(ads[1].position, 9u);
  EXPECT_EQ(ads[0].video_id, high.video_id);
  EXPECT_EQ(ads[1].video_id, low.video_id);
  EXPECT_EQ(ads[0].sponsored.as_object().at("label").as_string(), "Sponsored");
  // A page about cats brings the cats campaign first (its bid is highest).
  auto with_cats = pick(viewer, page(5, {"cats"}));
  ASSERT_EQ(with_cats.size(), 1u);
  EXPECT_EQ(with_cats[0].video_id, cats.video_id);
  // Engagement counts: taps on the low bidder lift it above the high one.
  for (int i = 0; i < 40; ++i) {
    auto served = pick(std::nullopt, page(10));
    for (const auto& s : served) {
      if (s.video_id == low.video_id) {
        ASSERT_TRUE(ads_->record(std::nullopt, token_of(s), AdEventKind::kImpression).is_ok());
        ASSERT_TRUE(ads_->record(std::nullopt, token_of(s), AdEventKind::kTap).is_ok());
      }
    }
  }
  auto after = pick(std::nullopt, page(5));
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].video_id, low.video_id);
  // The frequency cap: three impressions of a campaign a day per viewer.
  for (int i = 0; i < 3; ++i) {
    auto served = pick(viewer, page(5));
    ASSERT_EQ(served.size(), 1u);
    ASSERT_TRUE(ads_->record(viewer, token_of(served[0]), AdEventKind::kImpression).is_ok());
  }
  auto capped = pick(viewer, page(5));
  ASSERT_EQ(capped.size(), 1u);
  EXPECT_NE(capped[0].video_id, low.video_id);
  (void)us_only;
  // The advertiser does not see their own ads.
  for (const auto& s : pick(rich, page(10))) ADD_FAILURE() << "served own ad " << s.video_id;
}

TEST_P(AdsTest, EachTokenChargesOnceAndOnlyForItsViewer) {
  const Id a = advertiser("brand", 10'000);
  const Id viewer = user("viewer");
  const Campaign c = campaign(a, 1000, 2500);  // 2.5 minor units an impression
  auto served = pick(viewer, page(5));
  ASSERT_EQ(served.size(), 1u);
  const std::string token = token_of(served[0]);
  EXPECT_EQ(ads_->record(user("eve"), token, AdEventKind::kImpression).status().code(), Code::kForbidden);
  EXPECT_EQ(ads_->record(viewer, token + "0", AdEventKind::kImpression).status().code(), Code::kInvalid);
  auto first = ads_->record(viewer, token, AdEventKind::kImpression);
  ASSERT_TRUE(first.is_ok()) << first.status().message();
  EXPECT_TRUE(first->counted);
  EXPECT_EQ(first->charged, 2500);
  auto replay = ads_->record(viewer, token, AdEventKind::kImpression);
  EXPECT_FALSE(replay->counted);
  EXPECT_EQ(replay->reason, "replay");
  auto tap = ads_->record(viewer, token, AdEventKind::kTap);
  EXPECT_EQ(tap->charged, 5000);  // cpc 5 minor units
  auto now = ads_->campaign(a, c.id);
  EXPECT_EQ(now->impressions, 1);
  EXPECT_EQ(now->taps, 1);
  EXPECT_EQ(now->spent_micros, 7500);
  EXPECT_EQ(now->billed, 7);  // billed in whole minor units as spend accrues
  EXPECT_EQ(balance(ledger::kAdRevenue, 0), 7);
  EXPECT_EQ(balance(ledger::kAdBudget, a), 10'000 - 7);
  // A day later the token is stale.
  clock_.advance_ms(86'400'001);
  EXPECT_EQ(ads_->record(viewer, token, AdEventKind::kTap).status().code(), Code::kInvalid);
  EXPECT_TRUE(verified());
}

TEST_P(AdsTest, SpendNeverPassesTheBudgetEvenUnderConcurrentReports) {
  const Id a = advertiser("brand", 100'000);
  const Campaign c = campaign(a, 500, 60'000);  // 60 an impression, 500 to spend: 8 impressions
  std::vector<std::string> tokens;
  for (int i = 0; i < 40; ++i) {
    auto served = pick(std::nullopt, page(5));
    ASSERT_EQ(served.size(), 1u);
    tokens.push_back(token_of(served[0]));
  }
  std::barrier start(static_cast<std::ptrdiff_t>(tokens.size()));
  std::atomic<std::int64_t> charged{0};
  std::vector<std::thread> threads;
  for (const auto& t : tokens) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      auto r = ads_->record(std::nullopt, t, AdEventKind::kImpression);
      ASSERT_TRUE(r.is_ok()) << r.status().message();
      charged += r->charged;
    });
  }
  for (auto& t : threads) t.join();
  auto now = ads_->campaign(a, c.id);
  EXPECT_EQ(now->spent_micros, charged.load());
  EXPECT_EQ(now->spent(), 480);
  EXPECT_EQ(now->status, CampaignStatus::kExhausted);
  EXPECT_EQ(balance(ledger::kAdRevenue, 0), 480);
  EXPECT_TRUE(pick(std::nullopt, page(5)).empty());  // exhausted: no longer served
  EXPECT_TRUE(verified());
}

TEST_P(AdsTest, SpendStopsWhenTheFundsRunOut) {
  const Id a = advertiser("brand", 100);
  const Campaign c = campaign(a, 10'000, 40'000);  // 40 an impression; funds for 2
  int charged = 0;
  for (int i = 0; i < 4; ++i) {
    auto served = pick(std::nullopt, page(5));
    if (served.empty()) break;
    auto r = ads_->record(std::nullopt, token_of(served[0]), AdEventKind::kImpression);
    ASSERT_TRUE(r.is_ok());
    if (r->charged > 0) ++charged;
    if (r->reason == "funds") break;
  }
  EXPECT_EQ(charged, 2);
  EXPECT_EQ(balance(ledger::kAdBudget, a), 20);
  EXPECT_EQ(ads_->campaign(a, c.id)->spent(), 80);
  EXPECT_TRUE(verified());
}

TEST_P(AdsTest, CampaignsAreCheckedAndOnlyTheirOwnerChangesThem) {
  const Id a = advertiser("brand", 1000);
  Campaign bad;
  bad.name = "";
  bad.video_id = video(user("someone"));
  bad.currency = "USD";
  bad.budget = 1;
  bad.cpm_bid = 0;
  bad.countries = {"ZZ"};
  auto r = ads_->create(a, bad);
  ASSERT_EQ(r.status().code(), Code::kInvalid);
  EXPECT_GE(r.status().fields().size(), 4u);
  bad.name = "x";
  bad.budget = 1000;
  bad.cpm_bid = 10;
  bad.countries = {};
  EXPECT_EQ(ads_->create(a, bad).status().code(), Code::kInvalid);  // not their video
  const Campaign c = campaign(a, 1000, 1000);
  EXPECT_EQ(ads_->set_status(user("eve"), c.id, CampaignStatus::kPaused).status().code(), Code::kNotFound);
  EXPECT_EQ(ads_->set_status(a, c.id, CampaignStatus::kPaused)->status, CampaignStatus::kPaused);
  EXPECT_TRUE(pick(std::nullopt, page(5)).empty());
  EXPECT_EQ(ads_->set_status(a, c.id, CampaignStatus::kEnded)->status, CampaignStatus::kEnded);
  EXPECT_EQ(ads_->set_status(a, c.id, CampaignStatus::kActive).status().code(), Code::kConflict);
}

INSTANTIATE_TEST_SUITE_P(Db, AdsTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         db::testing_support::backend_name);

}  // namespace
}  // namespace riff::ads
