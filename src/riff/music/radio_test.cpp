// Radio: co-listening ranked by listeners shared with the seed, normalised
// by each track's own listeners; the fills (artist, genre, popular); the
// region filter and the fixed order of ties. On SQLite, and on PostgreSQL
// when RIFF_TEST_PG_URL is set.

#include "riff/music/radio.hpp"

#include <gtest/gtest.h>

#include "riff/db/test_support.hpp"
#include "riff/music/test_support.hpp"

namespace riff::music {
namespace {

std::vector<Id> ids_of(const std::vector<CoListened>& c) {
  std::vector<Id> out;
  for (const auto& x : c) out.push_back(x.track_id);
  return out;
}

TEST(RadioRanking, SharedListenersCountMoreThanAHitsReach) {
  std::vector<CoListened> c = {
      {.track_id = 1, .co_listeners = 3, .listeners = 1000},  // a hit: 9/1000
      {.track_id = 2, .co_listeners = 2, .listeners = 2},     // only the seed's listeners: 2
      {.track_id = 3, .co_listeners = 1, .listeners = 4},     // 1/4
  };
  rank_co_listened(c);
  EXPECT_EQ(ids_of(c), (std::vector<Id>{2, 3, 1}));
}

TEST(RadioRanking, TiesGoToMoreCoListenersThenTheLowerId) {
  std::vector<CoListened> c = {
      {.track_id = 9, .co_listeners = 1, .listeners = 1},  // 1
      {.track_id = 5, .co_listeners = 3, .listeners = 9},  // 1, more co-listeners
      {.track_id = 4, .co_listeners = 1, .listeners = 1},  // 1
      {.track_id = 7, .co_listeners = 2, .listeners = 4},  // 1
  };
  rank_co_listened(c);
  EXPECT_EQ(ids_of(c), (std::vector<Id>{5, 7, 4, 9}));
}

using db::testing_support::Backend;

const Region kIndia{"IN", true, false};

class RadioTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    scratch_.open(GetParam(), "radio", 4);
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::move(scratch_.db);
    Status st = db_->migrate(testing_support::music_test_migrations());
    ASSERT_TRUE(st.is_ok()) << st.message();
    for (Id a : {1, 2, 3}) {
      const std::string s = std::to_string(a);
      ASSERT_TRUE(db_->exec("INSERT INTO music_artists (id, name, name_key, created_at)"
                            " VALUES ($1, $2, $3, 0)",
                            {a, "Artist " + s, "artist " + s})
                      .is_ok());
      ASSERT_TRUE(db_->exec("INSERT INTO music_albums (id, title, artist_id, album_key, created_at)"
                            " VALUES ($1, $2, $1, $3, 0)",
                            {a, "Album " + s, "album/" + s})
                      .is_ok());
    }
    for (Id u = 1; u <= 12; ++u) {
      const std::string s = std::to_string(u);
      ASSERT_TRUE(db_->exec("INSERT INTO users (id, handle, email, password_hash, created_at,"
                            " updated_at) VALUES ($1, $2, $3, 'x', 0, 0)",
                            {u, "u" + s, "u" + s + "@example.com"})
                      .is_ok());
    }
    // id, artist (and album), genre, territories, play count
    track(1, 1, "jazz", "", 50);   // the seed
    track(2, 2, "rock", "", 2);    // played by two of the seed's listeners and no one else
    track(3, 2, "rock", "", 9);    // a hit: three of them and six others
    track(4, 3, "pop", "", 1);     // one of them, no one else
    track(5, 3, "pop", "", 2);     // one of them and one other
    track(6, 1, "jazz", "BR", 1);  // one of them, but not in India
    track(7, 1, "jazz", "", 5);    // the seed's artist, never co-listened
    track(8, 1, "jazz", "", 9);
    track(9, 3, "jazz", "", 1);  // the seed's genre
    track(10, 2, "rock", "", 100);
    for (Id u : {1, 2, 3}) play(u, 1);
    play(1, 1);
    for (Id u : {1, 2}) play(u, 2);
    for (int i = 0; i < 5; ++i) play(1, 2);  // many plays by one listener still count once
    for (Id u : {1, 2, 3, 4, 5, 6, 7, 8, 9}) play(u, 3);
    play(1, 4);
    play(3, 5);
    play(10, 5);
    play(2, 6);
    play(11, 10);  // not a co-listener: 10 comes only from the fills
    catalog_ = std::make_unique<Catalog>(*db_, scratch_.dir / "music");
    radio_ = std::make_unique<Radio>(*db_, *catalog_);
  }

  void TearDown() override {
    radio_.reset();
    catalog_.reset();
    db_.reset();
    scratch_.close();
  }

  void track(Id id, Id artist, const std::string& genre, const std::string& territories,
             std::int64_t play_count) {
    const std::string s = std::to_string(id);
    ASSERT_TRUE(db_->exec("INSERT INTO music_tracks (id, title, album_id, artist_id, artist_names,"
                          " genre, territories, play_count, source_path, source_size,"
                          " source_mtime_ms, content_hash, created_at, updated_at)"
                          " VALUES ($1, $2, $3, $3, 'A', $4, $5, $6, $7, 0, 0, '', 0, 0)",
                          {id, "Track " + s, artist, genre, territories, play_count,
                           "/lib/" + s + ".flac"})
                    .is_ok());
    ASSERT_TRUE(db_->exec("INSERT INTO music_track_artists (track_id, position, artist_id)"
                          " VALUES ($1, 0, $2)",
                          {id, artist})
                    .is_ok());
  }

  void play(Id user, Id track) {
    ASSERT_TRUE(db_->exec("INSERT INTO music_plays (id, user_id, track_id, played_at, ms_played,"
                          " plan, source) VALUES ($1, $2, $3, $4, 30000, 'free', 'api')",
                          {++next_id_, user, track, next_id_})
                    .is_ok());
  }

  std::vector<std::pair<Id, RadioReason>> radio(Id seed, int limit, const Region& region) {
    auto r = radio_->tracks(seed, limit, region);
    EXPECT_TRUE(r.is_ok()) << r.status().message();
    std::vector<std::pair<Id, RadioReason>> out;
    if (r.is_ok()) {
      for (const auto& t : *r) out.emplace_back(t.track.id, t.reason);
    }
    return out;
  }

  db::testing_support::ScratchDatabase scratch_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<Radio> radio_;
  Id next_id_ = 1000;
};

constexpr auto kCo = RadioReason::kCoListening;
constexpr auto kArtist = RadioReason::kSameArtist;
constexpr auto kGenre = RadioReason::kSameGenre;
constexpr auto kPopular = RadioReason::kPopular;

TEST_P(RadioTest, CoListeningFirstThenTheArtistTheGenreAndWhatIsPopular) {
  using P = std::pair<Id, RadioReason>;
  EXPECT_EQ(radio(1, 100, kIndia),
            (std::vector<P>{{2, kCo}, {3, kCo}, {4, kCo}, {5, kCo},  // 6 is not in India
                            {8, kArtist}, {7, kArtist},              // most played first
                            {9, kGenre},
                            {10, kPopular}}));
}

TEST_P(RadioTest, TheLimitCutsTheSameOrder) {
  using P = std::pair<Id, RadioReason>;
  EXPECT_EQ(radio(1, 5, kIndia), (std::vector<P>{{2, kCo}, {3, kCo}, {4, kCo}, {5, kCo}, {8, kArtist}}));
  EXPECT_EQ(radio(1, 1, kIndia), (std::vector<P>{{2, kCo}}));
  EXPECT_EQ(radio(1, 5, kIndia), radio(1, 5, kIndia)) << "the same plays give the same radio";
}

TEST_P(RadioTest, WhereEverythingIsAvailableTheRegionalTrackRanksByItsScore) {
  // 6: one co-listener of one listener scores 1, like 3 and 4: after 3
  // (more co-listeners) and 4 (lower id).
  const auto r = radio(1, 5, Region::anywhere());
  std::vector<Id> ids;
  for (const auto& [id, why] : r) ids.push_back(id);
  EXPECT_EQ(ids, (std::vector<Id>{2, 3, 4, 6, 5}));
}

TEST_P(RadioTest, ASeedNoOneElsePlayedIsFilledAndNeverContainsItself) {
  using P = std::pair<Id, RadioReason>;
  // 10: only user 11 played it, who played nothing else.
  EXPECT_EQ(radio(10, 4, kIndia), (std::vector<P>{{3, kArtist}, {2, kArtist}, {1, kPopular},
                                                  {8, kPopular}}));
}

TEST_P(RadioTest, AnUnknownSeedIsNotFoundAndOneOutsideTheRegionForbidden) {
  EXPECT_EQ(radio_->tracks(999, 10, kIndia).status().code(), Code::kNotFound);
  EXPECT_EQ(radio_->tracks(6, 10, kIndia).status().code(), Code::kForbidden);
}

INSTANTIATE_TEST_SUITE_P(Db, RadioTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         db::testing_support::backend_name);

}  // namespace
}  // namespace riff::music
