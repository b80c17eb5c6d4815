// Audio ads: the "every N tracks" rule, premium never, serving and recording
// impressions once per token, on SQLite and PostgreSQL (when
// RIFF_TEST_PG_URL is set). Audio goes through a stand-in probe here; the
// real child is exercised by the API tests.

#include "riff/music/audio_ads.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "riff/db/test_support.hpp"
#include "riff/music/test_support.hpp"

namespace riff::music {
namespace {

namespace fs = std::filesystem;
constexpr std::int64_t kNow = 1'800'000'000'000;

TEST(MusicAdRules, AFreeListenerIsDueAfterEveryNCountedPlays) {
  EXPECT_FALSE(ad_due(Plan::kFree, 0, 3));
  EXPECT_FALSE(ad_due(Plan::kFree, 2, 3));
  EXPECT_TRUE(ad_due(Plan::kFree, 3, 3));
  EXPECT_TRUE(ad_due(Plan::kFree, 7, 3)) << "still due until an ad is heard";
  EXPECT_TRUE(ad_due(Plan::kFree, 1, 1));
}

TEST(MusicAdRules, PremiumIsNeverDueAndZeroTurnsAdsOff) {
  EXPECT_FALSE(ad_due(Plan::kPremium, 3, 3));
  EXPECT_FALSE(ad_due(Plan::kPremium, 1000, 1));
  EXPECT_FALSE(ad_due(Plan::kFree, 1000, 0));
}

TEST(MusicAdRules, AnAdRunsOnlyActiveWithAudioWithinItsDatesAndCountries) {
  AudioAd a;
  a.has_audio = true;
  EXPECT_TRUE(ad_runs(a, kNow, ""));
  a.starts_at = kNow + 1;
  EXPECT_FALSE(ad_runs(a, kNow, "IN"));
  a.starts_at = kNow - 10;
  a.ends_at = kNow;
  EXPECT_FALSE(ad_runs(a, kNow, "IN")) << "the end is exclusive";
  a.ends_at = kNow + 10;
  a.countries = "BR,IN";
  EXPECT_TRUE(ad_runs(a, kNow, "IN"));
  EXPECT_FALSE(ad_runs(a, kNow, "ID"));
  EXPECT_FALSE(ad_runs(a, kNow, "")) << "a targeted ad needs a known country";
  a.status = AdStatus::kPaused;
  EXPECT_FALSE(ad_runs(a, kNow, "IN"));
  a.status = AdStatus::kActive;
  a.has_audio = false;
  EXPECT_FALSE(ad_runs(a, kNow, "IN"));
}

using db::testing_support::Backend;

class MusicAudioAdsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    scratch_.open(GetParam(), "audioads", 4);
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::move(scratch_.db);
    Status st = db_->migrate(testing_support::music_test_migrations());
    ASSERT_TRUE(st.is_ok()) << st.message();
    for (Id id : {1, 2, 3}) {
      const std::string sid = std::to_string(id);
      ASSERT_TRUE(db_->exec("INSERT INTO users (id, handle, email, password_hash, created_at,"
                            " updated_at, country) VALUES ($1, $2, $3, 'x', 0, 0, 'IN')",
                            {id, "u" + sid, "u" + sid + "@example.com"})
                      .is_ok());
    }
    dir_ = fs::temp_directory_path() /
           ("riff-audioads-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    subs_ = std::make_unique<Subscriptions>(*db_, clock_);
    availability_ = std::make_unique<Availability>(*db_, RegionOptions{});
    // The stand-in probe "transcodes" by writing a 160 kbit/s file.
    ProbeRunner probe = [](const ProbeSpec& spec) {
      ProbeResult r;
      std::ifstream in(spec.input);
      std::string first;
      std::getline(in, first);
      if (first != "audio") {
        r.kind = ProbeResult::Kind::kRejected;
        r.reason = "not_audio";
        r.message = "not an audio file";
        return r;
      }
      std::ofstream(spec.out_dir / "a160.m4a") << "aac";
      r.tiers = {96, 160};
      r.duration_ms = 5000;
      r.loudness_lufs = -16.0;
      return r;
    };
    ads_ = std::make_unique<AudioAds>(*db_, ids_, clock_, *subs_, *availability_,
                                      AudioAdOptions{dir_ / "ads", 3, probe});
  }

  void TearDown() override {
    ads_.reset();
    availability_.reset();
    subs_.reset();
    db_.reset();
    scratch_.close();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  /// `n` counted plays of `user` on `plan`; the last answer.
  bool plays(Id user, Plan plan, int n) {
    bool due = false;
    for (int i = 0; i < n; ++i) {
      EXPECT_TRUE(db_->transact([&](db::Conn& c) -> Status {
                       RIFF_ASSIGN_OR_RETURN(due, count_play_for_ads(c, user, plan, 3, kNow));
                       return Status::ok();
                     })
                      .is_ok());
    }
    return due;
  }

  AudioAd ready_ad(const std::string& title, std::string countries = "") {
    AudioAdFields f;
    f.title = title;
    f.advertiser = "Acme";
    f.countries = std::move(countries);
    auto a = ads_->create(3, f);
    EXPECT_TRUE(a.is_ok()) << a.status().message();
    const fs::path file = dir_ / (title + ".wav");
    std::ofstream(file) << "audio\n";
    auto with_audio = ads_->attach_audio(a.value().id, file);
    EXPECT_TRUE(with_audio.is_ok()) << with_audio.status().message();
    return with_audio.value();
  }

  db::testing_support::ScratchDatabase scratch_;
  std::unique_ptr<db::Database> db_;
  ManualClock clock_{kNow};
  IdGenerator ids_{clock_};
  fs::path dir_;
  std::unique_ptr<Subscriptions> subs_;
  std::unique_ptr<Availability> availability_;
  std::unique_ptr<AudioAds> ads_;
};

TEST_P(MusicAudioAdsTest, TheCounterIsStoredPerListenerAndPremiumPlaysLeaveItAlone) {
  EXPECT_FALSE(plays(1, Plan::kFree, 2));
  EXPECT_TRUE(plays(1, Plan::kFree, 1)) << "the third counted play makes an ad due";
  EXPECT_EQ(ads_->plays_since_ad(1).value(), 3);
  EXPECT_FALSE(plays(2, Plan::kPremium, 10));
  EXPECT_EQ(ads_->plays_since_ad(2).value(), 0);
}

TEST_P(MusicAudioAdsTest, AnAdIsServedOnlyWhenDueAndAnImpressionCountsOnce) {
  const AudioAd ad = ready_ad("Spring Sale");
  plays(1, Plan::kFree, 2);
  EXPECT_FALSE(ads_->next_for(1).value()) << "not due yet";
  plays(1, Plan::kFree, 1);
  auto served = ads_->next_for(1).value();
  ASSERT_TRUE(served);
  EXPECT_EQ(served->ad.id, ad.id);

  auto first = ads_->record_impression(1, served->token);
  ASSERT_TRUE(first.is_ok()) << first.status().message();
  EXPECT_TRUE(first.value().counted);
  EXPECT_EQ(ads_->plays_since_ad(1).value(), 0) << "an impression resets the counter";
  auto replay = ads_->record_impression(1, served->token);
  ASSERT_TRUE(replay.is_ok());
  EXPECT_FALSE(replay.value().counted);
  EXPECT_EQ(ads_->get(ad.id).value().impressions, 1);
  EXPECT_FALSE(ads_->next_for(1).value()) << "nothing due right after an ad";
}

TEST_P(MusicAudioAdsTest, ForgedForeignVoidedAndExpiredTokensChangeNothing) {
  ready_ad("Spring Sale");
  plays(1, Plan::kFree, 3);
  EXPECT_EQ(ads_->record_impression(1, "forged").status().code(), Code::kInvalid);
  auto older = ads_->next_for(1).value();
  auto newer = ads_->next_for(1).value();
  ASSERT_TRUE(older && newer);
  EXPECT_EQ(ads_->record_impression(1, older->token).status().code(), Code::kInvalid)
      << "a later serve voids the earlier token";
  EXPECT_EQ(ads_->record_impression(2, newer->token).status().code(), Code::kInvalid)
      << "someone else's token";
  clock_.advance_ms(kAdTokenTtlMs + 1);
  EXPECT_EQ(ads_->record_impression(1, newer->token).status().code(), Code::kInvalid);
  EXPECT_EQ(ads_->plays_since_ad(1).value(), 3);
}

TEST_P(MusicAudioAdsTest, PremiumListenersGetNoAdsAndCannotRecordOne) {
  ready_ad("Spring Sale");
  plays(1, Plan::kFree, 3);
  auto served = ads_->next_for(1).value();
  ASSERT_TRUE(served);
  ASSERT_TRUE(subs_->admin_set(1, Plan::kPremium, std::nullopt).is_ok());
  EXPECT_FALSE(ads_->next_for(1).value());
  EXPECT_EQ(ads_->record_impression(1, served->token).status().code(), Code::kForbidden);
}

TEST_P(MusicAudioAdsTest, PausedUntargetedAndSoundlessAdsAreNotServed) {
  AudioAdFields f;
  f.title = "No audio yet";
  f.advertiser = "Acme";
  ASSERT_TRUE(ads_->create(3, f).is_ok());
  const AudioAd brazil = ready_ad("Brazil only", "BR");
  plays(1, Plan::kFree, 3);
  EXPECT_FALSE(ads_->next_for(1).value()) << "listener is in IN";
  const AudioAd india = ready_ad("India", "IN");
  auto served = ads_->next_for(1).value();
  ASSERT_TRUE(served);
  EXPECT_EQ(served->ad.id, india.id);
  AudioAdFields pause;
  pause.status = AdStatus::kPaused;
  ASSERT_TRUE(ads_->edit(india.id, pause).is_ok());
  EXPECT_FALSE(ads_->next_for(1).value());
  (void)brazil;
}

TEST_P(MusicAudioAdsTest, BadFieldsAndBadAudioAreRefused) {
  AudioAdFields f;
  f.title = "";
  f.click_url = "javascript:alert(1)";
  f.countries = "XYZ";
  auto bad = ads_->create(3, f);
  ASSERT_EQ(bad.status().code(), Code::kInvalid);
  EXPECT_GE(bad.status().fields().size(), 4u) << "title, advertiser, click_url, countries";
  f = {};
  f.title = "Ok";
  f.advertiser = "Acme";
  auto ad = ads_->create(3, f).value();
  const fs::path junk = dir_ / "junk.bin";
  std::ofstream(junk) << "not audio\n";
  EXPECT_EQ(ads_->attach_audio(ad.id, junk).status().code(), Code::kInvalid);
  EXPECT_FALSE(ads_->get(ad.id).value().has_audio);
}

INSTANTIATE_TEST_SUITE_P(Db, MusicAudioAdsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         db::testing_support::backend_name);

}  // namespace
}  // namespace riff::music
