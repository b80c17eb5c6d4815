#include "riff/video/foryou_engine.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "riff/video/engagement_test_support.hpp"

namespace riff::video {
namespace {

using testing_support::EngagementTest;
using testing_support::VideoSpec;

class ForYouEngineTest : public EngagementTest {
 protected:
  void SetUp() override {
    EngagementTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    recs::ModelOptions mo;
    mo.dim = 16;
    mo.batch_size = 64;
    mo.negatives = 32;
    model_ = std::make_unique<recs::Model>(mo);
    index_ = std::make_unique<recs::AnnIndex>(mo.dim);
  }
  void TearDown() override {
    learner_.reset();
    engine_.reset();
    EngagementTest::TearDown();
  }
  ForYouEngine& engine() {
    if (!engine_) {
      ForYouOptions o;
      o.per_source = 40;
      engine_ = std::make_unique<ForYouEngine>(*db_, clock_, *model_, *index_, o);
      if (learner_model_) {
        // As on a single node: model_ serves, learner_model_ learns.
        learner_ = std::make_unique<recs::OnlineLearner>(
            *learner_model_, *engine_, clock_, recs::OnlineLearner::Options{},
            [this](recs::LearnedDelta d) { engine_->on_learned(std::move(d)); });
        engine_->attach_learner(*learner_);
      }
      Status st = engine_->load();
      EXPECT_TRUE(st.is_ok()) << st.message();
    }
    return *engine_;
  }
  void learn_on_a_model_of_its_own() {
    learner_model_ = std::make_unique<recs::Model>(model_->options());
  }
  std::vector<Id> page(std::optional<Id> viewer, int limit,
                       const std::unordered_set<Id>& exclude = {}) {
    auto r = db_->read([&](db::Conn& c) -> Result<db::Rows> {
      RIFF_ASSIGN_OR_RETURN(shown_, engine().rank(c, viewer, exclude, limit));
      return db::Rows{};
    });
    EXPECT_TRUE(r.is_ok()) << r.status().message();
    return shown_;
  }
  Id author_of(Id video) { return scalar("SELECT author_id FROM videos WHERE id = $1", {video}); }
  recs::Event event(Id viewer, Id video, recs::EventKind kind, int watch_ms = 0) {
    return recs::Event{viewer, video, kind, watch_ms, 10'000, clock_.now_ms()};
  }

  std::unique_ptr<recs::Model> model_;
  std::unique_ptr<recs::AnnIndex> index_;
  std::unique_ptr<ForYouEngine> engine_;
  std::unique_ptr<recs::Model> learner_model_;
  std::unique_ptr<recs::OnlineLearner> learner_;
  std::vector<Id> shown_;

  void newcomer_who_finishes_one_kind_sees_more_of_it();
};

RIFF_ACCOUNTS_ON_EVERY_BACKEND(ForYouEngineTest);

TEST_P(ForYouEngineTest, ANewcomerWhoFinishesOneKindSeesMoreOfItWithinAFewSwipes) {
  newcomer_who_finishes_one_kind_sees_more_of_it();
}

TEST_P(ForYouEngineTest, AsMuchWhenALearnerTrainsItsOwnModelAndPublishesToServing) {
  learn_on_a_model_of_its_own();
  newcomer_who_finishes_one_kind_sees_more_of_it();
  // Serving took every row the learner changed.
  const auto probe = learner_model_->known_videos();
  ASSERT_FALSE(probe.empty());
  EXPECT_EQ(model_->known_videos().size(), probe.size());
  for (Id v : probe)
    EXPECT_EQ(model_->item_vector(v, engine()), learner_model_->item_vector(v, engine()));
}

void ForYouEngineTest::newcomer_who_finishes_one_kind_sees_more_of_it() {
  // Two kinds of video from different creators; one viewer who likes cats.
  std::unordered_set<Id> cats;
  for (int creator = 0; creator < 6; ++creator) {
    const Id a = make_user("cats" + std::to_string(creator)).id;
    const Id b = make_user("cars" + std::to_string(creator)).id;
    for (int i = 0; i < 8; ++i) {
      cats.insert(make_video(a, {.caption = "so fluffy #cats #pets"}));
      make_video(b, {.caption = "so fast #cars #speed"});
    }
  }
  const Id viewer = make_user("newcomer").id;
  auto share_of_cats = [&](const std::vector<Id>& ids) {
    if (ids.empty()) return 0.0;
    return static_cast<double>(
               std::count_if(ids.begin(), ids.end(), [&](Id id) { return cats.count(id) > 0; })) /
           static_cast<double>(ids.size());
  };
  std::unordered_set<Id> seen;
  for (int swipe_page = 0; swipe_page < 4; ++swipe_page) {
    const std::vector<Id> shown = page(viewer, 5, seen);
    ASSERT_FALSE(shown.empty());
    std::vector<recs::Event> events;
    for (Id id : shown) {
      seen.insert(id);
      events.push_back(event(viewer, id, recs::EventKind::kImpression));
      if (cats.count(id)) {
        events.push_back(event(viewer, id, recs::EventKind::kWatch, 10'000));
        events.push_back(event(viewer, id, recs::EventKind::kLike));
      } else {
        events.push_back(event(viewer, id, recs::EventKind::kSkip));
      }
    }
    engine().on_events(events);
    engine().step();
  }
  // 20 swipes in: what is not exploration (every 5th slot goes to new
  // videos outside the viewer's taste) is of the kind the viewer finishes.
  const std::vector<Id> next = page(viewer, 10, seen);
  std::vector<Id> ranked;
  for (Id id : next) {
    WhyReason r;
    (void)db_->read([&](db::Conn& c) -> Result<db::Rows> {
      r = engine().why(c, viewer, id);
      return db::Rows{};
    });
    if (r.source != "fresh") ranked.push_back(id);
  }
  EXPECT_GE(ranked.size(), 7u) << "exploration takes at most every 5th slot";
  EXPECT_GE(share_of_cats(ranked), 0.9) << "cats among the ranked part of the next 10";
  EXPECT_GE(share_of_cats(next), 0.7) << "cats among the next 10";
}

TEST_P(ForYouEngineTest, NeverShowsWhatPrivacyBlocksOrNotInterestedForbid) {
  const Id viewer = make_user("viewer").id;
  const Id friend_id = make_user("friendly").id;
  const Id blocked = make_user("blocked").id;
  const Id other = make_user("other").id;
  follow(viewer, "friendly");
  const Id followers_only = make_video(friend_id, {.visibility = Visibility::kFollowers});
  const Id private_video = make_video(other, {.visibility = Visibility::kPrivate});
  const Id blocked_video = make_video(blocked);
  const Id soon_private = make_video(other);
  const Id muted = make_video(other);
  const Id fine = make_video(make_user("fine").id);
  const Id own = make_video(viewer);
  block(viewer, "blocked");
  engine();  // loads the catalog while soon_private is still public
  ASSERT_TRUE(db_->exec("UPDATE videos SET visibility = 2 WHERE id = $1", {soon_private}).is_ok());
  engine().on_events(
      std::vector<recs::Event>{event(viewer, muted, recs::EventKind::kNotInterested)});
  engine().step();

  const std::vector<Id> shown = page(viewer, 20);
  const std::unordered_set<Id> got(shown.begin(), shown.end());
  EXPECT_TRUE(got.count(followers_only)) << "a followed creator's followers-only video";
  EXPECT_TRUE(got.count(fine));
  for (Id never : {private_video, blocked_video, soon_private, muted, own}) {
    EXPECT_FALSE(got.count(never)) << never;
  }
  // "Not interested" also mutes the video's creator.
  EXPECT_EQ(
      std::count_if(shown.begin(), shown.end(), [&](Id id) { return author_of(id) == other; }), 0);
  // An anonymous viewer sees only public videos of public accounts.
  const std::vector<Id> anon = page(std::nullopt, 20);
  EXPECT_EQ(std::count(anon.begin(), anon.end(), followers_only), 0);
  EXPECT_EQ(std::count(anon.begin(), anon.end(), soon_private), 0);
}

// The catalog in memory answers for the public videos it holds; what
// changed after it was loaded must still be checked, long after the
// refresh's overlap, before anything is shown.
TEST_P(ForYouEngineTest, ChangesAfterTheCatalogWasLoadedAreHonouredAtOnce) {
  const Id viewer = make_user("viewer").id;
  const Id goes_private = make_user("goes_private").id;
  const Id blocks_later = make_user("blocks_later").id;
  const Id stays = make_user("stays").id;
  const Id of_private = make_video(goes_private);
  const Id of_blocker = make_video(blocks_later);
  const Id deleted = make_video(stays);
  const Id stamped_late = make_video(stays);
  const Id fine = make_video(stays);
  engine();
  ASSERT_EQ(engine().restrictions_applied().n, 0) << "the catalog answers first";
  ASSERT_TRUE(engine().public_video(of_private));
  // Long past the refresh's minute of overlap, short of the full reload
  // (10 minutes): the engine's next round below is an incremental one.
  clock_.advance_ms(5 * 60'000);
  // None of these is seen by the engine's refresh until the next round.
  ASSERT_TRUE(db_->exec("UPDATE users SET is_private = 1 WHERE id = $1", {goes_private}).is_ok());
  block(blocks_later, "viewer");
  ASSERT_TRUE(db_->exec("UPDATE videos SET status = 3, updated_at = $2 WHERE id = $1",
                        {deleted, clock_.now_ms()})
                  .is_ok());
  // A change whose updated_at predates the catalog's load (a transaction
  // that committed late, another node's slow clock).
  ASSERT_TRUE(
      db_->exec("UPDATE videos SET visibility = 1, updated_at = 1 WHERE id = $1", {stamped_late})
          .is_ok());

  const std::vector<Id> shown = page(viewer, 20);
  const std::unordered_set<Id> got(shown.begin(), shown.end());
  EXPECT_TRUE(got.count(fine));
  for (Id never : {of_private, of_blocker, deleted, stamped_late})
    EXPECT_FALSE(got.count(never)) << never;

  // The engine's next round applies the three restrictions logged (an
  // account, two videos), whatever their stamps.
  engine().step();
  EXPECT_EQ(engine().restrictions_applied().n, 3);
  for (Id gone : {of_private, deleted, stamped_late}) EXPECT_FALSE(engine().public_video(gone));
  EXPECT_TRUE(engine().public_video(fine));
  EXPECT_TRUE(engine().public_video(of_blocker)) << "blocks are per viewer, read each time";
}

// The restriction log keeps the last 100,000. A catalog further behind
// cannot tell what it missed: it takes the rule in SQL, then reloads.
TEST_P(ForYouEngineTest, ARestrictionLogTrimmedPastTheCatalogSendsItBackToSql) {
  const Id viewer = make_user("viewer").id;
  const Id creator = make_user("creator").id;
  const Id hidden = make_video(creator);
  const Id fine = make_video(creator);
  const Id other1 = make_video(creator), other2 = make_video(creator);
  engine();
  for (Id id : {hidden, other1, other2}) {
    ASSERT_TRUE(
        db_->exec("UPDATE videos SET visibility = 2, updated_at = 1 WHERE id = $1", {id}).is_ok());
  }
  ASSERT_TRUE(db_->exec("DELETE FROM visibility_restrictions WHERE n = 1").is_ok());
  ASSERT_TRUE(engine().public_video(hidden)) << "not caught up yet";

  const std::vector<Id> shown = page(viewer, 20);
  EXPECT_EQ(std::count(shown.begin(), shown.end(), hidden), 0);
  EXPECT_EQ(std::count(shown.begin(), shown.end(), fine), 1);

  engine().step();
  EXPECT_EQ(engine().restrictions_applied().n, 3);
  EXPECT_FALSE(engine().public_video(hidden)) << "reloaded in full";
}

// A database restored from a backup, or a failover to a replica that had
// not caught up, rewinds the log: its numbers come again, for other
// restrictions. The row tokens tell.
TEST_P(ForYouEngineTest, ARewoundRestrictionLogSendsTheCatalogBackToSql) {
  const Id viewer = make_user("viewer").id;
  const Id creator = make_user("creator").id;
  const Id first = make_video(creator);
  const Id second = make_video(creator);
  const Id fine = make_video(creator);
  engine();
  ASSERT_TRUE(db_->exec("UPDATE videos SET visibility = 2 WHERE id = $1", {first}).is_ok());
  engine().step();
  ASSERT_EQ(engine().restrictions_applied().n, 1);
  ASSERT_FALSE(engine().public_video(first));
  // The rewind: restriction 1 is lost, and 1 is taken again by another.
  ASSERT_TRUE(db_->exec("DELETE FROM visibility_restrictions").is_ok());
  ASSERT_TRUE(db_->exec("UPDATE videos SET visibility = 2, updated_at = 1 WHERE id = $1", {second})
                  .is_ok());
  ASSERT_TRUE(engine().public_video(second)) << "not caught up yet";

  const std::vector<Id> shown = page(viewer, 20);
  EXPECT_EQ(std::count(shown.begin(), shown.end(), second), 0);
  EXPECT_EQ(std::count(shown.begin(), shown.end(), fine), 1);

  engine().step();
  EXPECT_EQ(engine().restrictions_applied().n, 1);
  EXPECT_FALSE(engine().public_video(second)) << "reloaded in full";
}

// Restrictions are numbered in commit order, one log row each, and making
// something public again is not one.
TEST_P(ForYouEngineTest, RestrictionsAreLoggedInOrderOneRowEach) {
  const Id creator = make_user("creator").id;
  const Id other = make_user("other").id;
  const Id leaving = make_user("leaving").id;
  const Id a = make_video(creator);
  const Id b = make_video(other);
  const Id c = make_video(leaving);
  auto log = [&] {
    auto rows =
        db_->query("SELECT n, video_id, user_id FROM visibility_restrictions ORDER BY n", {});
    EXPECT_TRUE(rows.is_ok());
    std::vector<std::tuple<std::int64_t, Id, Id>> out;
    for (const auto& r : *rows) out.emplace_back(r.i64(0), r.i64(1), r.i64(2));
    return out;
  };
  using Row = std::tuple<std::int64_t, Id, Id>;
  ASSERT_TRUE(db_->exec("UPDATE videos SET caption = 'x' WHERE id = $1", {a}).is_ok());
  ASSERT_TRUE(db_->exec("UPDATE videos SET visibility = 1 WHERE id = $1", {a}).is_ok());
  ASSERT_TRUE(db_->exec("UPDATE videos SET visibility = 2 WHERE id = $1", {a}).is_ok());
  ASSERT_TRUE(db_->exec("UPDATE videos SET visibility = 0 WHERE id = $1", {a}).is_ok());
  ASSERT_TRUE(db_->exec("UPDATE videos SET status = 3 WHERE id = $1", {a}).is_ok());  // removed
  ASSERT_TRUE(db_->exec("UPDATE users SET is_private = 1 WHERE id = $1", {creator}).is_ok());
  ASSERT_TRUE(db_->exec("UPDATE users SET is_private = 0 WHERE id = $1", {creator}).is_ok());
  ASSERT_TRUE(db_->exec("DELETE FROM videos WHERE id = $1", {b}).is_ok());
  EXPECT_EQ(log(), (std::vector<Row>{{1, a, 0}, {2, a, 0}, {3, 0, creator}, {4, b, 0}}));

  // An account deleted: itself, and its public video with it (in whichever
  // order the database cascades).
  ASSERT_TRUE(db_->exec("DELETE FROM users WHERE id = $1", {leaving}).is_ok());
  const auto all = log();
  ASSERT_EQ(all.size(), 6u);
  std::set<std::pair<Id, Id>> last{{std::get<1>(all[4]), std::get<2>(all[4])},
                                   {std::get<1>(all[5]), std::get<2>(all[5])}};
  EXPECT_EQ(last, (std::set<std::pair<Id, Id>>{{c, 0}, {0, leaving}}));
  EXPECT_EQ(std::get<0>(all[5]), 6);
}

TEST_P(ForYouEngineTest, KeepsTheSameCreatorApartAndSaysWhy) {
  const Id viewer = make_user("viewer").id;
  std::vector<Id> creators;
  for (int c = 0; c < 3; ++c) {
    creators.push_back(make_user("creator" + std::to_string(c)).id);
    for (int i = 0; i < 5; ++i) make_video(creators.back(), {.caption = "clip #daily"});
  }
  follow(viewer, "creator0");
  const std::vector<Id> shown = page(viewer, 12);
  ASSERT_GE(shown.size(), 6u);
  for (std::size_t i = 1; i < shown.size(); ++i) {
    EXPECT_NE(author_of(shown[i]), author_of(shown[i - 1])) << "positions " << i - 1 << ", " << i;
  }
  auto why = [&](Id video) {
    WhyReason r;
    auto st = db_->read([&](db::Conn& c) -> Result<db::Rows> {
      r = engine().why(c, viewer, video);
      return db::Rows{};
    });
    EXPECT_TRUE(st.is_ok());
    return r;
  };
  for (Id id : shown) {
    const WhyReason r = why(id);
    EXPECT_FALSE(r.text.empty());
    if (author_of(id) == creators[0]) EXPECT_EQ(r.source, "following") << r.text;
  }
}

TEST_P(ForYouEngineTest, GivesFreshVideosAFirstAudienceAndStopsWhenTheyFail) {
  const Id viewer = make_user("viewer").id;
  for (int c = 0; c < 4; ++c) {
    const Id author = make_user("old" + std::to_string(c)).id;
    for (int i = 0; i < 10; ++i) make_video(author, {.age_ms = 10LL * 24 * 3'600'000});
  }
  const Id newbie = make_video(make_user("newbie").id);
  std::unordered_set<Id> seen;
  bool shown_fresh = false;
  for (int p = 0; p < 6 && !shown_fresh; ++p) {
    for (Id id : page(viewer, 5, seen)) {
      seen.insert(id);
      shown_fresh |= id == newbie;
    }
  }
  EXPECT_TRUE(shown_fresh) << "exploration shows a brand-new video";

  // A hundred viewers see it and nobody finishes it: it leaves exploration.
  std::vector<recs::Event> events;
  for (int v = 0; v < 100; ++v) {
    events.push_back(event(1'000'000 + v, newbie, recs::EventKind::kImpression));
    events.push_back(event(1'000'000 + v, newbie, recs::EventKind::kSkip));
  }
  engine().on_events(events);
  engine().step();
  seen.clear();
  int fresh_shows = 0;
  for (int p = 0; p < 6; ++p) {
    for (Id id : page(viewer, 5, seen)) {
      seen.insert(id);
      if (id == newbie) {
        const WhyReason r = [&] {
          WhyReason out;
          (void)db_->read([&](db::Conn& c) -> Result<db::Rows> {
            out = engine().why(c, viewer, id);
            return db::Rows{};
          });
          return out;
        }();
        fresh_shows += r.source == "fresh";
      }
    }
  }
  EXPECT_EQ(fresh_shows, 0) << "no longer explored after a failed first audience";
}

}  // namespace
}  // namespace riff::video
