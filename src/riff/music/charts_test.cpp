// Weekly charts: the week's bounds, the point rules and their caps, the
// order of ties, the history fields across weeks, the once-only storing and
// the viral chart. On SQLite, and on PostgreSQL when RIFF_TEST_PG_URL is set.

#include "riff/music/charts.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "riff/accounts/schema.hpp"
#include "riff/db/test_support.hpp"
#include "riff/music/test_support.hpp"
#include "riff/jobs/schema.hpp"
#include "riff/music/schema.hpp"
#include "riff/video/schema.hpp"

namespace riff::music {
namespace {

// 2026-11-20 is a Friday.
const std::int64_t kWeek1 = *parse_day("2026-11-20");
const std::int64_t kWeek2 = kWeek1 + kWeekMs;
const std::int64_t kWeek3 = kWeek2 + kWeekMs;
constexpr std::int64_t kHourMs = 3'600'000;

TEST(ChartWeeks, AWeekRunsFromFridayMidnightToThursdayUtc) {
  EXPECT_EQ(format_day(kWeek1), "2026-11-20");
  EXPECT_EQ(chart_week_start(kWeek1), kWeek1);
  EXPECT_EQ(chart_week_start(kWeek1 + kWeekMs - 1), kWeek1);  // Thursday 23:59:59.999
  EXPECT_EQ(chart_week_start(kWeek1 + kWeekMs), kWeek2);      // Friday 00:00
  EXPECT_EQ(chart_week_start(kWeek1 - 1), kWeek1 - kWeekMs);
  EXPECT_EQ(format_day(chart_week_start(*parse_day("2026-11-24"))), "2026-11-20");
  EXPECT_EQ(chart_week_start(0), -6 * kDayMs);  // 1970-01-01 was a Thursday
}

TEST(ChartWeeks, DaysParseStrictly) {
  EXPECT_EQ(parse_day("1970-01-02"), kDayMs);
  EXPECT_EQ(parse_day("2026-02-30"), std::nullopt);
  EXPECT_EQ(parse_day("2026-1-01"), std::nullopt);
  EXPECT_EQ(parse_day("2026-01-01x"), std::nullopt);
  EXPECT_EQ(parse_day("20a6-01-01"), std::nullopt);
  EXPECT_EQ(parse_day(""), std::nullopt);
}

TEST(ChartPoints, PremiumWeighsOneFreeTwoThirdsAVideoItsWeight) {
  EXPECT_EQ(points_x3(1, 0, 0, 5), 3);
  EXPECT_EQ(points_x3(0, 1, 0, 5), 2);
  EXPECT_EQ(points_x3(0, 0, 1, 5), 15);
  EXPECT_EQ(points_x3(2, 3, 1, 7), 6 + 6 + 21);
}

TEST(ChartPoints, TiesGoToMorePlaysThenTheLowerTrackId) {
  std::vector<ChartTally> t = {
      {.track_id = 9, .premium_plays = 0, .free_plays = 0, .videos = 1, .points_x3 = 15},
      {.track_id = 7, .premium_plays = 5, .free_plays = 0, .videos = 0, .points_x3 = 15},
      {.track_id = 3, .premium_plays = 0, .free_plays = 0, .videos = 1, .points_x3 = 15},
      {.track_id = 4, .premium_plays = 6, .free_plays = 0, .videos = 0, .points_x3 = 18},
  };
  rank_tallies(t);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].track_id, 4);
  EXPECT_EQ(t[1].track_id, 7);
  EXPECT_EQ(t[2].track_id, 3);
  EXPECT_EQ(t[3].track_id, 9);
}

using db::testing_support::Backend;

class ChartsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    scratch_.open(GetParam(), "charts", 4);
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::move(scratch_.db);
    std::vector<db::Migration> m = testing_support::music_test_migrations();
    Status st = db_->migrate(m);
    ASSERT_TRUE(st.is_ok()) << st.message();
    ASSERT_TRUE(db_->exec("INSERT INTO music_artists (id, name, name_key, created_at)"
                          " VALUES (1, 'Ada', 'ada', 0)")
                    .is_ok());
    ASSERT_TRUE(db_->exec("INSERT INTO music_albums (id, title, artist_id, album_key, created_at)"
                          " VALUES (1, 'Sines', 1, 'ada/sines', 0)")
                    .is_ok());
    charts_ = std::make_unique<Charts>(*db_, clock_, ChartOptions{});
  }

  void TearDown() override {
    charts_.reset();
    db_.reset();
    scratch_.close();
  }

  void track(Id id) {
    const std::string sid = std::to_string(id);
    ASSERT_TRUE(db_->exec("INSERT INTO music_tracks (id, title, album_id, artist_id, artist_names,"
                          " source_path, source_size, source_mtime_ms, content_hash, created_at,"
                          " updated_at) VALUES ($1, $2, 1, 1, 'Ada', $3, 0, 0, '', 0, 0)",
                          {id, "Track " + sid, "/lib/" + sid + ".flac"})
                    .is_ok());
    // The track's sound, as the importer makes it (id 1000 + track id).
    ASSERT_TRUE(db_->exec("INSERT INTO sounds (id, kind, title, catalog_track_id, created_at)"
                          " VALUES ($1, 1, $2, $3, 0)",
                          {1000 + id, "Track " + sid, id})
                    .is_ok());
  }

  void user(Id id) {
    const std::string sid = std::to_string(id);
    ASSERT_TRUE(db_->exec("INSERT INTO users (id, handle, email, password_hash, created_at,"
                          " updated_at) VALUES ($1, $2, $3, 'x', 0, 0)",
                          {id, "u" + sid, "u" + sid + "@example.com"})
                    .is_ok());
  }

  void play(Id user_id, Id track_id, std::int64_t at, const char* plan = "premium") {
    ASSERT_TRUE(db_->exec("INSERT INTO music_plays (id, user_id, track_id, played_at, ms_played,"
                          " plan, source) VALUES ($1, $2, $3, $4, 30000, $5, 'api')",
                          {++next_id_, user_id, track_id, at, plan})
                    .is_ok());
  }

  void plays(Id user_id, Id track_id, std::int64_t at, int n, const char* plan = "premium") {
    for (int i = 0; i < n; ++i) play(user_id, track_id, at + i * 60'000, plan);
  }

  void video(Id author, Id track_id, std::int64_t at, std::int64_t views = 0, int status = 1,
             int visibility = 0) {
    ASSERT_TRUE(db_->exec("INSERT INTO videos (id, author_id, status, visibility, sound_id,"
                          " view_count, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6,"
                          " $7, $7)",
                          {++next_id_, author, status, visibility, 1000 + track_id, views, at})
                    .is_ok());
  }

  std::vector<ChartEntry> week(std::int64_t w) {
    auto r = charts_->week(w);
    EXPECT_TRUE(r.is_ok()) << r.status().message();
    return r.is_ok() ? *r : std::vector<ChartEntry>{};
  }

  void compute(std::int64_t w) {
    auto r = charts_->compute_week(w);
    ASSERT_TRUE(r.is_ok()) << r.status().message();
    EXPECT_TRUE(*r);
  }

  db::testing_support::ScratchDatabase scratch_;
  std::unique_ptr<db::Database> db_;
  ManualClock clock_{kWeek3 + kWeekMs + kHourMs};  // week 3 has ended
  std::unique_ptr<Charts> charts_;
  Id next_id_ = 10'000;
};

TEST_P(ChartsTest, PointsCountPlansVideosAndTheDailyCap) {
  for (Id t : {1, 2, 3, 4}) track(t);
  for (Id u : {1, 2, 3, 4}) user(u);
  const std::int64_t day1 = kWeek1 + kHourMs, day2 = kWeek1 + kDayMs + kHourMs;
  plays(1, 1, day1, 5);                    // premium, capped at 3 a day: 3 points
  plays(2, 2, day1, 4, "free");            // capped at 3: 2 points
  plays(2, 2, day2, 2, "free");            // another day: 4/3 points
  video(3, 3, day1);                       // one video per creator and day: 5 points
  video(3, 3, day1 + kHourMs);             //   (not counted again)
  video(4, 3, day1);                       // another creator: 5 points
  video(4, 3, day2, 0, 0);                 // still processing: nothing
  video(4, 3, day2 + 1, 0, 1, 2);          // private: nothing
  plays(1, 4, day1, 2);                    // premium counts first:
  plays(1, 4, day1 + kHourMs, 3, "free");  //   2 premium + 1 free = 8/3
  compute(kWeek1);

  const auto e = week(kWeek1);
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0].track_id, 3);
  EXPECT_EQ(e[0].points_x3, 30);
  EXPECT_EQ(e[0].videos, 2);
  EXPECT_EQ(e[1].track_id, 2);
  EXPECT_EQ(e[1].points_x3, 10);
  EXPECT_EQ(e[1].plays, 5);
  EXPECT_EQ(e[2].track_id, 1);
  EXPECT_EQ(e[2].points_x3, 9);
  EXPECT_EQ(e[2].plays, 3);
  EXPECT_EQ(e[3].track_id, 4);
  EXPECT_EQ(e[3].points_x3, 8);
  EXPECT_NEAR(e[3].points(), 8.0 / 3.0, 1e-9);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(e[i].position, i + 1);
}

TEST_P(ChartsTest, TheVideoWeightIsASetting) {
  charts_ = std::make_unique<Charts>(*db_, clock_, ChartOptions{.video_weight = 1});
  for (Id t : {1, 2}) track(t);
  for (Id u : {1, 2}) user(u);
  plays(1, 1, kWeek1, 2);  // 2 points
  video(2, 2, kWeek1);     // 1 point
  compute(kWeek1);
  const auto e = week(kWeek1);
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].track_id, 1);
  EXPECT_EQ(e[1].points_x3, 3);
}

TEST_P(ChartsTest, PlaysBelongToTheWeekOfTheirUtcTime) {
  for (Id t : {1, 2}) track(t);
  user(1);
  play(1, 1, kWeek2 - 1);  // Thursday 23:59:59.999: week 1
  play(1, 2, kWeek2);      // Friday 00:00: week 2
  play(1, 2, kWeek1 - 1);  // the Thursday before: no stored week
  compute(kWeek1);
  compute(kWeek2);
  const auto w1 = week(kWeek1), w2 = week(kWeek2);
  ASSERT_EQ(w1.size(), 1u);
  EXPECT_EQ(w1[0].track_id, 1);
  EXPECT_EQ(w1[0].plays, 1);
  ASSERT_EQ(w2.size(), 1u);
  EXPECT_EQ(w2[0].track_id, 2);
  EXPECT_EQ(w2[0].plays, 1);
}

TEST_P(ChartsTest, TiedTracksAreOrderedByPlaysThenId) {
  for (Id t : {5, 6, 7}) track(t);
  for (Id u : {1, 2, 3, 4}) user(u);
  video(1, 7, kWeek1);             // 5 points, no plays
  plays(2, 6, kWeek1, 3);          // 3 premium
  plays(3, 6, kWeek1, 3, "free");  // 2: 5 points, 6 plays
  plays(4, 5, kWeek1, 3);          // 3 premium
  plays(2, 5, kWeek1, 3, "free");  // 2: 5 points, 6 plays
  compute(kWeek1);
  const auto e = week(kWeek1);
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].track_id, 5);
  EXPECT_EQ(e[1].track_id, 6);
  EXPECT_EQ(e[2].track_id, 7);
  EXPECT_EQ(e[0].points_x3, e[2].points_x3);
}

TEST_P(ChartsTest, HistoryFieldsFollowATrackAcrossThreeWeeks) {
  for (Id t : {1, 2, 3}) track(t);
  user(1);
  user(2);
  // Week 1: A(1) 1st, B(2) 2nd. Week 2: B 1st, C(3) 2nd, A off.
  // Week 3: A 1st, B 2nd, C off.
  plays(1, 1, kWeek1, 3);
  plays(1, 2, kWeek1, 2);
  plays(1, 2, kWeek2, 3);
  plays(1, 3, kWeek2, 1);
  plays(1, 1, kWeek3, 3);
  plays(2, 1, kWeek3, 3);
  plays(1, 2, kWeek3, 1);
  auto due = charts_->compute_due();
  ASSERT_TRUE(due.is_ok()) << due.status().message();
  EXPECT_EQ(*due, 3);

  const auto w2 = week(kWeek2);
  ASSERT_EQ(w2.size(), 2u);
  EXPECT_EQ(w2[0].track_id, 2);
  EXPECT_EQ(w2[0].last_week, 2);
  EXPECT_EQ(w2[0].peak, 1);
  EXPECT_EQ(w2[0].weeks_at_number_one, 1);
  EXPECT_EQ(w2[0].streak, 2);
  EXPECT_EQ(w2[1].track_id, 3);
  EXPECT_EQ(w2[1].last_week, std::nullopt);
  EXPECT_EQ(w2[1].weeks_on_chart, 1);
  EXPECT_EQ(w2[1].peak, 2);

  const auto w3 = week(kWeek3);
  ASSERT_EQ(w3.size(), 2u);
  const ChartEntry& a = w3[0];
  EXPECT_EQ(a.track_id, 1);
  EXPECT_EQ(a.last_week, std::nullopt);  // off the chart last week: a re-entry
  EXPECT_EQ(a.peak, 1);
  EXPECT_EQ(a.weeks_on_chart, 2);
  EXPECT_EQ(a.weeks_at_number_one, 2);
  EXPECT_EQ(a.streak, 1);
  const ChartEntry& b = w3[1];
  EXPECT_EQ(b.track_id, 2);
  EXPECT_EQ(b.last_week, 1);
  EXPECT_EQ(b.peak, 1);
  EXPECT_EQ(b.weeks_on_chart, 3);
  EXPECT_EQ(b.weeks_at_number_one, 1);
  EXPECT_EQ(b.streak, 3);

  auto hist = charts_->history(2);
  ASSERT_TRUE(hist.is_ok());
  ASSERT_EQ(hist->size(), 3u);
  EXPECT_EQ((*hist)[0].week_start, kWeek3);
  EXPECT_EQ((*hist)[2].position, 2);

  auto rec = charts_->records(10);
  ASSERT_TRUE(rec.is_ok());
  ASSERT_FALSE(rec->most_weeks_at_number_one.empty());
  EXPECT_EQ(rec->most_weeks_at_number_one[0].track_id, 1);
  EXPECT_EQ(rec->most_weeks_at_number_one[0].weeks, 2);
  EXPECT_EQ(rec->most_weeks_on_chart[0].track_id, 2);
  EXPECT_EQ(rec->most_weeks_on_chart[0].weeks, 3);
  EXPECT_EQ(rec->longest_streak[0].track_id, 2);
  EXPECT_EQ(rec->longest_streak[0].weeks, 3);
}

TEST_P(ChartsTest, AWeekIsStoredOnceAndOnlyAfterItEnds) {
  track(1);
  user(1);
  plays(1, 1, kWeek1, 1);
  compute(kWeek1);
  auto again = charts_->compute_week(kWeek1);
  ASSERT_TRUE(again.is_ok());
  EXPECT_FALSE(*again);
  EXPECT_EQ(week(kWeek1).size(), 1u);

  clock_.set_ms(kWeek2 + kWeekMs - 1);  // week 2 runs until this millisecond ends
  auto running = charts_->compute_week(kWeek2);
  ASSERT_FALSE(running.is_ok());
  EXPECT_EQ(running.status().code(), Code::kInvalid);
  auto thursday = charts_->compute_week(kWeek1 - kDayMs);
  ASSERT_FALSE(thursday.is_ok());
  EXPECT_EQ(thursday.status().fields().at(0).pointer, "/week");
  EXPECT_EQ(charts_->week(kWeek2).status().code(), Code::kNotFound);

  // An empty week is stored too, so the list of weeks has no holes.
  clock_.set_ms(kWeek3 + kHourMs);
  auto due = charts_->compute_due();
  ASSERT_TRUE(due.is_ok());
  EXPECT_EQ(*due, 1);
  EXPECT_TRUE(week(kWeek2).empty());
  auto page = charts_->weeks(1, std::nullopt);
  ASSERT_TRUE(page.is_ok());
  ASSERT_EQ(page->weeks.size(), 1u);
  EXPECT_EQ(page->weeks[0].week_start, kWeek2);
  ASSERT_TRUE(page->next_cursor);
  auto next = charts_->weeks(1, page->next_cursor);
  ASSERT_TRUE(next.is_ok());
  ASSERT_EQ(next->weeks.size(), 1u);
  EXPECT_EQ(next->weeks[0].week_start, kWeek1);
  EXPECT_EQ(next->weeks[0].entry_count, 1);
  EXPECT_FALSE(next->next_cursor);
}

TEST_P(ChartsTest, TwoNodesComputingTheSameWeekStoreItOnce) {
  for (Id t : {1, 2}) track(t);
  user(1);
  plays(1, 1, kWeek1, 2);
  plays(1, 2, kWeek1, 1);
  Charts other(*db_, clock_, ChartOptions{});
  Result<bool> a = false, b = false;
  std::thread ta([&] { a = charts_->compute_week(kWeek1); });
  std::thread tb([&] { b = other.compute_week(kWeek1); });
  ta.join();
  tb.join();
  ASSERT_TRUE(a.is_ok()) << a.status().message();
  ASSERT_TRUE(b.is_ok()) << b.status().message();
  EXPECT_NE(*a, *b) << "exactly one of them stores the week";
  const auto e = week(kWeek1);
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].track_id, 1);
  EXPECT_EQ(e[0].weeks_on_chart, 1);
}

TEST_P(ChartsTest, RecomputingAWeekRedoesTheWeeksAfterIt) {
  for (Id t : {1, 2}) track(t);
  user(1);
  plays(1, 1, kWeek1, 1);
  plays(1, 1, kWeek2, 1);
  compute(kWeek1);
  compute(kWeek2);
  EXPECT_EQ(week(kWeek2)[0].last_week, 1);
  // Late plays for week 1 put track 2 on top; week 2's history follows.
  plays(1, 2, kWeek1 + kHourMs, 3);
  auto n = charts_->recompute(kWeek1);
  ASSERT_TRUE(n.is_ok()) << n.status().message();
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(week(kWeek1)[0].track_id, 2);
  const auto w2 = week(kWeek2);
  ASSERT_EQ(w2.size(), 1u);
  EXPECT_EQ(w2[0].last_week, 2);
  EXPECT_EQ(w2[0].peak, 1);
  EXPECT_EQ(w2[0].weeks_at_number_one, 1);
}

TEST_P(ChartsTest, ViralRanksADaysVideosByCreatorsAndViews) {
  for (Id t : {1, 2, 3}) track(t);
  for (Id u : {1, 2, 3}) user(u);
  const std::int64_t day = kWeek1 + kDayMs;
  video(1, 1, day + kHourMs, 10);
  video(1, 1, day + 2 * kHourMs, 10);  // same creator: views count, the video not again
  video(2, 2, day, 0);
  video(3, 2, day + kDayMs - 1, 50);
  video(1, 3, day + kDayMs, 100'000);  // the next day
  auto v = charts_->viral(day, 10);
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  ASSERT_EQ(v->size(), 2u);
  EXPECT_EQ((*v)[0].track_id, 2);
  EXPECT_EQ((*v)[0].videos, 2);
  EXPECT_DOUBLE_EQ((*v)[0].score, 2.5);
  EXPECT_EQ((*v)[1].track_id, 1);
  EXPECT_EQ((*v)[1].videos, 1);
  EXPECT_EQ((*v)[1].views, 20);
  EXPECT_EQ((*v)[1].position, 2);
}

INSTANTIATE_TEST_SUITE_P(Db, ChartsTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         db::testing_support::backend_name);

}  // namespace
}  // namespace riff::music
