// The listener's library: saving is idempotent and needs an existing item,
// lists are newest saved first a page at a time with stable cursors, kinds
// are kept apart, and the catalog reads the saved items back in the order
// asked, without what the region may not see. On SQLite, and on PostgreSQL
// when RIFF_TEST_PG_URL is set.

#include <gtest/gtest.h>

#include "riff/db/test_support.hpp"
#include "riff/music/catalog.hpp"
#include "riff/music/listening.hpp"
#include "riff/music/subscriptions.hpp"
#include "riff/music/test_support.hpp"

namespace riff::music {
namespace {

using db::testing_support::Backend;

constexpr std::int64_t kStart = 1'800'000'000'000;

class LibraryTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    scratch_.open(GetParam(), "library", 4);
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::move(scratch_.db);
    Status st = db_->migrate(testing_support::music_test_migrations());
    ASSERT_TRUE(st.is_ok()) << st.message();
    for (Id u : {1, 2}) {
      const std::string s = std::to_string(u);
      ASSERT_TRUE(db_->exec("INSERT INTO users (id, handle, email, password_hash, created_at,"
                            " updated_at) VALUES ($1, $2, $3, 'x', 0, 0)",
                            {u, "u" + s, "u" + s + "@example.com"})
                      .is_ok());
    }
    // Artists 1..3 each with album 1..3 and track 1..3; track 3 only in BR.
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
      ASSERT_TRUE(db_->exec("INSERT INTO music_tracks (id, title, album_id, artist_id, artist_names,"
                            " territories, source_path, source_size, source_mtime_ms, content_hash,"
                            " created_at, updated_at) VALUES ($1, $2, $1, $1, 'A', $3, $4, 0, 0, '',"
                            " 0, 0)",
                            {a, "Track " + s, a == 3 ? "BR" : "", "/lib/" + s + ".flac"})
                      .is_ok());
      ASSERT_TRUE(db_->exec("INSERT INTO music_track_artists (track_id, position, artist_id)"
                            " VALUES ($1, 0, $1)",
                            {a})
                      .is_ok());
    }
    catalog_ = std::make_unique<Catalog>(*db_, scratch_.dir / "music");
    subs_ = std::make_unique<Subscriptions>(*db_, clock_);
    listening_ = std::make_unique<Listening>(*db_, ids_, clock_, *catalog_, *subs_);
  }

  void TearDown() override {
    listening_.reset();
    subs_.reset();
    catalog_.reset();
    db_.reset();
    scratch_.close();
  }

  void save(Id user, StarKind kind, Id item) {
    Status st = listening_->star(user, kind, item);
    ASSERT_TRUE(st.is_ok()) << st.message();
  }

  /// Every saved item of `kind`, page by page at `limit`; the number of pages in `pages`.
  std::vector<Id> all_pages(Id user, StarKind kind, int limit, int* pages = nullptr) {
    std::vector<Id> out;
    std::optional<std::string> cursor;
    int n = 0;
    do {
      auto page = listening_->saved(user, kind, limit, cursor);
      EXPECT_TRUE(page.is_ok()) << page.status().message();
      if (!page.is_ok() || ++n > 20) break;
      for (const auto& s : page->items) out.push_back(s.item_id);
      cursor = page->next_cursor;
    } while (cursor);
    if (pages) *pages = n;
    return out;
  }

  db::testing_support::ScratchDatabase scratch_;
  std::unique_ptr<db::Database> db_;
  ManualClock clock_{kStart};
  IdGenerator ids_{clock_};
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<Subscriptions> subs_;
  std::unique_ptr<Listening> listening_;
};

TEST_P(LibraryTest, NewestSavedFirstPageByPage) {
  save(1, StarKind::kTrack, 2);
  clock_.advance_ms(10);
  save(1, StarKind::kTrack, 1);
  clock_.advance_ms(10);
  save(1, StarKind::kTrack, 3);
  save(1, StarKind::kTrack, 2);  // again: keeps its first time
  int pages = 0;
  EXPECT_EQ(all_pages(1, StarKind::kTrack, 2, &pages), (std::vector<Id>{3, 1, 2}));
  EXPECT_EQ(pages, 2);
  EXPECT_EQ(all_pages(1, StarKind::kTrack, 1, &pages), (std::vector<Id>{3, 1, 2}));
  EXPECT_EQ(pages, 3);
  auto first = listening_->saved(1, StarKind::kTrack, 3, std::nullopt);
  ASSERT_TRUE(first.is_ok());
  EXPECT_FALSE(first->next_cursor) << "a page that holds the rest has no next";
  EXPECT_EQ(first->items[0].saved_at, kStart + 20);
  EXPECT_EQ(first->items[2].saved_at, kStart);
}

TEST_P(LibraryTest, ItemsSavedInTheSameMillisecondPageByIdWithoutRepeats) {
  for (Id a : {1, 3, 2}) save(1, StarKind::kAlbum, a);
  EXPECT_EQ(all_pages(1, StarKind::kAlbum, 1), (std::vector<Id>{3, 2, 1}));
  EXPECT_EQ(all_pages(1, StarKind::kAlbum, 2), (std::vector<Id>{3, 2, 1}));
}

TEST_P(LibraryTest, KindsAndListenersAreKeptApart) {
  save(1, StarKind::kTrack, 1);
  save(1, StarKind::kAlbum, 2);
  save(1, StarKind::kArtist, 3);
  save(2, StarKind::kTrack, 2);
  EXPECT_EQ(all_pages(1, StarKind::kTrack, 10), (std::vector<Id>{1}));
  EXPECT_EQ(all_pages(1, StarKind::kAlbum, 10), (std::vector<Id>{2}));
  EXPECT_EQ(all_pages(1, StarKind::kArtist, 10), (std::vector<Id>{3}));
  EXPECT_EQ(all_pages(2, StarKind::kTrack, 10), (std::vector<Id>{2}));
  auto among = listening_->saved_among(1, StarKind::kTrack, {1, 2, 3, 99});
  ASSERT_TRUE(among.is_ok());
  EXPECT_EQ(among->size(), 1u);
  EXPECT_TRUE(among->contains(1));
  auto none = listening_->saved_among(1, StarKind::kTrack, {});
  ASSERT_TRUE(none.is_ok());
  EXPECT_TRUE(none->empty());
}

TEST_P(LibraryTest, UnknownItemsCannotBeSavedAndUnsavingTwiceIsFine) {
  EXPECT_EQ(listening_->star(1, StarKind::kAlbum, 99).code(), Code::kNotFound);
  EXPECT_EQ(listening_->star(1, StarKind::kArtist, 99).code(), Code::kNotFound);
  save(1, StarKind::kArtist, 1);
  EXPECT_TRUE(listening_->unstar(1, StarKind::kArtist, 1).is_ok());
  EXPECT_TRUE(listening_->unstar(1, StarKind::kArtist, 1).is_ok());
  EXPECT_TRUE(all_pages(1, StarKind::kArtist, 10).empty());
}

TEST_P(LibraryTest, ABadCursorIsInvalid) {
  EXPECT_EQ(listening_->saved(1, StarKind::kTrack, 10, "nonsense").status().code(),
            Code::kInvalid);
}

TEST_P(LibraryTest, TheCatalogReadsSavedItemsInOrderWithoutWhatTheRegionCannotSee) {
  const Region india{"IN", true, false};
  auto albums = catalog_->albums(std::vector<Id>{3, 1, 99, 2}, india);
  ASSERT_TRUE(albums.is_ok()) << albums.status().message();
  ASSERT_EQ(albums->size(), 2u);
  EXPECT_EQ((*albums)[0].id, 1);
  EXPECT_EQ((*albums)[1].id, 2);
  auto artists = catalog_->artists(std::vector<Id>{3, 2, 1}, india);
  ASSERT_TRUE(artists.is_ok()) << artists.status().message();
  ASSERT_EQ(artists->size(), 2u);
  EXPECT_EQ((*artists)[0].id, 2);
  EXPECT_EQ((*artists)[1].id, 1);
  EXPECT_EQ((*artists)[1].track_count, 1);
  auto everywhere = catalog_->albums(std::vector<Id>{3, 1}, Region::anywhere());
  ASSERT_TRUE(everywhere.is_ok());
  EXPECT_EQ(everywhere->size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Db, LibraryTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         db::testing_support::backend_name);

}  // namespace
}  // namespace riff::music
