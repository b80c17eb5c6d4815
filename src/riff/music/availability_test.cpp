// The availability rule: territory text, the rule itself, its SQL twin (the
// same answers as the C++ on SQLite and PostgreSQL), the listener's region,
// and the catalog hiding what a region may not see.

#include "riff/music/availability.hpp"

#include <gtest/gtest.h>

#include "riff/accounts/schema.hpp"
#include "riff/core/countries.hpp"
#include "riff/db/test_support.hpp"
#include "riff/music/catalog.hpp"
#include "riff/music/schema.hpp"
#include "riff/video/schema.hpp"

namespace riff::music {
namespace {

std::string canon(std::string_view text) {
  auto r = canonical_territories(text);
  return r.is_ok() ? *r : "error: " + r.status().message();
}

TEST(MusicTerritories, AreCanonicalisedAndValidated) {
  EXPECT_EQ(canon(""), "");
  EXPECT_EQ(canon("WW"), "");
  EXPECT_EQ(canon(" br, in ,IN"), "BR,IN");
  EXPECT_EQ(canon("-cn"), "WW,-CN");
  EXPECT_EQ(canon("WW,-RU,-CN"), "WW,-CN,-RU");
  EXPECT_EQ(canon("IN,BR,-BR"), "IN");  // an exclusion narrows an explicit list
  EXPECT_EQ(canon("IN,WW"), "");        // worldwide wins over a list
  EXPECT_FALSE(canonical_territories("XX").is_ok());
  EXPECT_FALSE(canonical_territories("IND").is_ok());
  EXPECT_FALSE(canonical_territories("IN,-IN").is_ok());  // nothing left
  EXPECT_FALSE(canonical_territories("-WW").is_ok());
}

TEST(MusicTerritories, DecideWhereATrackMayBeHeard) {
  EXPECT_TRUE(track_available_in("", "IN"));
  EXPECT_TRUE(track_available_in("", ""));  // worldwide reaches even an unknown country
  EXPECT_TRUE(track_available_in("BR,IN", "IN"));
  EXPECT_FALSE(track_available_in("BR,IN", "ID"));
  EXPECT_FALSE(track_available_in("BR,IN", ""));
  EXPECT_TRUE(track_available_in("WW,-CN", "IN"));
  EXPECT_FALSE(track_available_in("WW,-CN", "CN"));
  EXPECT_FALSE(track_available_in("WW,-CN", ""));
}

TEST(MusicCountries, ParseAListOfCodes) {
  auto r = parse_country_list(" in,ID , BR,in");
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(*r, (std::vector<std::string>{"BR", "ID", "IN"}));
  EXPECT_FALSE(parse_country_list("IN,India").is_ok());
  EXPECT_TRUE(parse_country_list("")->empty());
}

TEST(MusicRegions, TheServiceIsOfferedOnlyInEnabledCountries) {
  Region in{"IN", true, false}, fr{"FR", false, false};
  EXPECT_EQ(Availability::service_verdict(in), Verdict::kAvailable);
  EXPECT_EQ(Availability::service_verdict(fr), Verdict::kServiceUnavailable);
  EXPECT_EQ(Availability::track_verdict(fr, ""), Verdict::kServiceUnavailable);
  EXPECT_EQ(Availability::track_verdict(in, "BR"), Verdict::kNotInRegion);
  EXPECT_EQ(Availability::track_verdict(in, "BR,IN"), Verdict::kAvailable);
  EXPECT_EQ(Availability::track_verdict(Region::anywhere(), "BR"), Verdict::kAvailable);
}

using db::testing_support::Backend;

class MusicAvailabilityDb : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    scratch_.open(GetParam(), "availability", 2);
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::move(scratch_.db);
    std::vector<db::Migration> m = accounts::migrations();
    for (auto& x : video::migrations()) m.push_back(std::move(x));
    for (auto& x : migrations()) m.push_back(std::move(x));
    Status st = db_->migrate(m);
    ASSERT_TRUE(st.is_ok()) << st.message();
    ASSERT_TRUE(db_->exec("INSERT INTO music_artists (id, name, name_key, created_at) VALUES"
                          " (1, 'Ada', 'ada', 0), (2, 'Bo', 'bo', 0)")
                    .is_ok());
    ASSERT_TRUE(db_->exec("INSERT INTO music_albums (id, title, artist_id, album_key, created_at)"
                          " VALUES (1, 'Sines', 1, 'ada/sines', 0), (2, 'Saws', 2, 'bo/saws', 0)")
                    .is_ok());
    catalog_ = std::make_unique<Catalog>(*db_, scratch_.dir);
  }

  void TearDown() override {
    catalog_.reset();
    db_.reset();
    scratch_.close();
  }

  void track(Id id, Id album, const std::string& territories) {
    const std::string sid = std::to_string(id);
    ASSERT_TRUE(db_->exec("INSERT INTO music_tracks (id, title, album_id, artist_id, artist_names,"
                          " territories, source_path, source_size, source_mtime_ms, content_hash,"
                          " created_at, updated_at) VALUES ($1, $2, $3, $3, 'x', $4, $5, 0, 0, '',"
                          " 0, 0)",
                          {id, "Song " + sid, album, territories, "/lib/" + sid})
                    .is_ok());
    ASSERT_TRUE(db_->exec("INSERT INTO music_track_artists (track_id, position, artist_id)"
                          " VALUES ($1, 0, $2)",
                          {id, album})
                    .is_ok());
  }

  db::testing_support::ScratchDatabase scratch_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<Catalog> catalog_;
};

TEST_P(MusicAvailabilityDb, SqlAndCppAgreeOnEveryTerritoryForm) {
  const std::vector<std::string> forms = {"", "IN", "BR,IN", "WW,-CN", "WW,-CN,-IN", "US"};
  for (std::size_t i = 0; i < forms.size(); ++i) track(Id(i + 1), 1, forms[i]);
  for (const std::string country : {"IN", "CN", "BR", "US", "FR", ""}) {
    auto rows = db_->query("SELECT t.territories FROM music_tracks t WHERE " +
                               track_available_sql("t", 1) + " ORDER BY t.id",
                           {country});
    ASSERT_TRUE(rows.is_ok()) << rows.status().message();
    std::vector<std::string> by_sql, by_cpp;
    for (const auto& r : *rows) by_sql.push_back(r.str(0));
    for (const auto& f : forms) {
      if (track_available_in(f, country)) by_cpp.push_back(f);
    }
    EXPECT_EQ(by_sql, by_cpp) << "country " << country;
  }
}

TEST_P(MusicAvailabilityDb, TheCatalogHidesWhatARegionMayNotSee) {
  track(1, 1, "");    // Ada: worldwide
  track(2, 1, "BR");  // Ada: Brazil only
  track(3, 2, "BR");  // Bo: Brazil only
  const Region india{"IN", true, false}, brazil{"BR", true, false};

  EXPECT_EQ(catalog_->album_tracks(1, india)->size(), 1u);
  EXPECT_EQ(catalog_->album_tracks(1, brazil)->size(), 2u);
  EXPECT_EQ(catalog_->album(1, india)->track_count, 1);
  // Bo has nothing in India: album, artist and track answer kForbidden, not kNotFound.
  EXPECT_EQ(catalog_->album(2, india).status().code(), Code::kForbidden);
  EXPECT_EQ(catalog_->artist(2, india).status().code(), Code::kForbidden);
  EXPECT_EQ(catalog_->track(3, india).status().code(), Code::kForbidden);
  EXPECT_EQ(catalog_->track(99, india).status().code(), Code::kNotFound);
  EXPECT_TRUE(catalog_->track(3, brazil).is_ok());
  EXPECT_EQ(catalog_->artists(india)->size(), 1u);
  EXPECT_EQ(catalog_->tracks({3, 2, 1}, india)->size(), 1u);
  EXPECT_EQ(*catalog_->track_count(india), 1);
  EXPECT_EQ(*catalog_->track_count(Region::anywhere()), 3);

  SearchQuery q;
  q.text = "song";
  auto found = catalog_->search(q, india);
  ASSERT_TRUE(found.is_ok());
  ASSERT_EQ(found->tracks.size(), 1u);
  EXPECT_EQ(found->tracks[0].id, 1);
  // Pagination counts only what the region sees: the second page is empty.
  q.track_count = 1;
  q.track_offset = 1;
  EXPECT_TRUE(catalog_->search(q, india)->tracks.empty());
  EXPECT_EQ(catalog_->search(q, brazil)->tracks.size(), 1u);
}

TEST_P(MusicAvailabilityDb, AListenerIsWhereTheirAccountSays) {
  ASSERT_TRUE(db_->exec("INSERT INTO users (id, handle, email, password_hash, created_at,"
                        " updated_at, country) VALUES (7, 'u7', 'u7@example.com', 'x', 0, 0, 'IN'),"
                        " (8, 'u8', 'u8@example.com', 'x', 0, 0, '')")
                  .is_ok());
  Availability a(*db_, {{"IN", "BR"}, "BR"});
  EXPECT_EQ(a.region_of(7)->country, "IN");
  EXPECT_TRUE(a.region_of(7)->service);
  EXPECT_EQ(a.region_of(8)->country, "BR");  // no country given: the default
  EXPECT_EQ(a.region_of(0)->country, "BR");  // anonymous: the default
  Availability nowhere(*db_, {{"FR"}, ""});
  EXPECT_FALSE(nowhere.region_of(7)->service);
  EXPECT_FALSE(nowhere.region_of(0)->service);
  Availability everywhere(*db_, {{}, ""});
  EXPECT_TRUE(everywhere.region_of(0)->service);
}

INSTANTIATE_TEST_SUITE_P(Db, MusicAvailabilityDb,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         db::testing_support::backend_name);

}  // namespace
}  // namespace riff::music
