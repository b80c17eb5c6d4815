#pragma once
// Shared set-up for the engagement, comments, search, discovery and feed
// tests: the accounts fixture (SQLite, and PostgreSQL when RIFF_TEST_PG_URL
// is set) plus the video tables and an EngagementModule. Videos are inserted
// directly (the pipeline is not under test). Included by *_test.cpp only.

#include <string>

#include "riff/accounts/test_support.hpp"
#include "riff/video/engagement_module.hpp"
#include "riff/video/schema.hpp"

namespace riff::video::testing_support {

using accounts::testing_support::Backend;
using accounts::testing_support::unwrap;

struct VideoSpec {
  std::string caption;
  Visibility visibility = Visibility::kPublic;
  CommentPolicy comments = CommentPolicy::kEveryone;
  VideoStatus status = VideoStatus::kReady;
  std::int64_t duration_ms = 10'000;
  std::int64_t age_ms = 0;  // created this long before the clock's now
};

class EngagementTest : public accounts::testing_support::AccountsTest {
 protected:
  void SetUp() override {
    AccountsTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    std::vector<db::Migration> m = video::migrations();
    for (auto& x : engagement_migrations()) m.push_back(std::move(x));
    Status st = db_->migrate(m);
    ASSERT_TRUE(st.is_ok()) << st.message();
    engagement_ = std::make_unique<EngagementModule>(*db_, ids_, clock_, notifications());
  }
  void TearDown() override {
    engagement_.reset();
    AccountsTest::TearDown();
  }

  EngagementService& eng() { return engagement_->engagement(); }
  CommentService& comments() { return engagement_->comments(); }
  SearchService& search() { return engagement_->search(); }
  FeedService& feed() { return engagement_->feed(); }
  DiscoveryService& discovery() { return engagement_->discovery(); }

  /// Inserts a video (and its hashtags) as the pipeline would leave it.
  Id make_video(Id author, const VideoSpec& s = {}) {
    const Id id = ids_.next();
    const std::int64_t at = clock_.now_ms() - s.age_ms;
    auto st = db_->transact([&](db::Conn& c) -> Status {
      RIFF_RETURN_IF_ERROR(c.exec("INSERT INTO videos (id, author_id, caption, status, visibility, "
                                  "comment_policy, duration_ms,"
                                  " width, height, media_dir, created_at, updated_at)"
                                  " VALUES ($1, $2, $3, $4, $5, $6, $7, 720, 1280, $8, $9, $9)",
                                  {id, author, s.caption, static_cast<int>(s.status),
                                   static_cast<int>(s.visibility), static_cast<int>(s.comments),
                                   s.duration_ms, "/tmp/videos/" + id_to_string(id), at})
                               .status());
      for (const std::string& tag : parse_caption(s.caption).hashtags) {
        RIFF_RETURN_IF_ERROR(
            c.exec("INSERT INTO hashtags (id, tag, use_count, created_at) VALUES ($1, $2, 0, $3)"
                   " ON CONFLICT (tag) DO NOTHING",
                   {ids_.next(), tag, at})
                .status());
        RIFF_RETURN_IF_ERROR(
            c.exec("UPDATE hashtags SET use_count = use_count + 1 WHERE tag = $1", {tag}).status());
        RIFF_RETURN_IF_ERROR(c.exec("INSERT INTO video_hashtags (video_id, hashtag_id)"
                                    " SELECT $1, id FROM hashtags WHERE tag = $2",
                                    {id, tag})
                                 .status());
      }
      return Status::ok();
    });
    EXPECT_TRUE(st.is_ok()) << st.message();
    return id;
  }

  Video video(Id id) {
    auto v = db_->read([&](db::Conn& c) -> Result<db::Rows> {
      RIFF_ASSIGN_OR_RETURN(auto found, find_video(c, id));
      if (!found) return Status::not_found("video");
      out_ = *found;
      return db::Rows{};
    });
    EXPECT_TRUE(v.is_ok());
    return out_;
  }

  std::int64_t scalar(const std::string& sql, std::initializer_list<db::Param> params = {}) {
    auto rows = db_->query(sql, params);
    EXPECT_TRUE(rows.is_ok()) << rows.status().message();
    return rows && !rows->empty() ? (*rows)[0].i64(0) : -1;
  }

  std::int64_t notices(Id user, const std::string& kind) {
    return scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND kind = $2",
                  {user, kind});
  }

  void follow(Id who, const std::string& handle) { unwrap(social().follow(who, handle)); }
  void block(Id who, const std::string& handle) {
    Status st = social().block(who, handle);
    EXPECT_TRUE(st.is_ok()) << st.message();
  }

  std::unique_ptr<EngagementModule> engagement_;
  Video out_;
};

}  // namespace riff::video::testing_support
