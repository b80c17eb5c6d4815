// Catalog search: every query word must start a word of the artist's name,
// the album's title or artist, or the track's title, artists or album; an
// ISRC finds its track; an empty query lists everything; renames reach the
// index. On SQLite, and on PostgreSQL when RIFF_TEST_PG_URL is set.

#include <gtest/gtest.h>

#include "riff/accounts/schema.hpp"
#include "riff/db/test_support.hpp"
#include "riff/music/test_support.hpp"
#include "riff/jobs/schema.hpp"
#include "riff/music/catalog.hpp"
#include "riff/music/schema.hpp"
#include "riff/video/schema.hpp"

namespace riff::music {
namespace {

using db::testing_support::Backend;

class CatalogSearch : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    scratch_.open(GetParam(), "catalog_search", 2);
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::move(scratch_.db);
    std::vector<db::Migration> m = testing_support::music_test_migrations();
    Status st = db_->migrate(m);
    ASSERT_TRUE(st.is_ok()) << st.message();
    exec("INSERT INTO music_artists (id, name, name_key, created_at) VALUES"
         " (1, 'Nina Sky', 'nina sky', 0), (2, 'The Lovers', 'the lovers', 0)");
    exec("INSERT INTO music_albums (id, title, artist_id, album_key, created_at) VALUES"
         " (10, 'Midnight Drive', 1, 'k10', 0), (20, 'Harbour', 2, 'k20', 0)");
    track(100, "Lovely Day", 10, 1, "Nina Sky", "GBAAA0000001");
    track(101, "Night Swim", 10, 1, "Nina Sky", "GBAAA0000002");
    track(200, "Blue Harbour", 20, 2, "The Lovers feat. Nina Sky", "");
    catalog_ = std::make_unique<Catalog>(*db_, scratch_.dir);
  }

  void TearDown() override {
    catalog_.reset();
    db_.reset();
    scratch_.close();
  }

  void exec(const std::string& sql, const std::vector<db::Param>& params = {}) {
    auto r = db_->exec(sql, params);
    ASSERT_TRUE(r.is_ok()) << r.status().message();
  }

  void track(Id id, const std::string& title, Id album, Id artist, const std::string& artists,
             const std::string& isrc) {
    exec("INSERT INTO music_tracks (id, title, album_id, artist_id, artist_names, isrc,"
         " source_path, source_size, source_mtime_ms, content_hash, created_at, updated_at)"
         " VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, '', 0, 0)",
         {id, title, album, artist, artists, isrc, "/lib/" + std::to_string(id)});
  }

  SearchResult search(const std::string& text) {
    auto r = catalog_->search({.text = text});
    EXPECT_TRUE(r.is_ok()) << r.status().message();
    return r.is_ok() ? std::move(r).value() : SearchResult{};
  }

  static std::vector<Id> track_ids(const SearchResult& r) {
    std::vector<Id> out;
    for (const auto& t : r.tracks) out.push_back(t.id);
    return out;
  }

  db::testing_support::ScratchDatabase scratch_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<Catalog> catalog_;
};

TEST_P(CatalogSearch, EveryWordMustStartAWordOfAnyField) {
  // "lov" starts "Lovely" (a title) and "Lovers" (an artist), by title order.
  EXPECT_EQ(track_ids(search("lov")), (std::vector<Id>{200, 100}));
  // Words may come from different fields: a title word and an album word.
  EXPECT_EQ(track_ids(search("swim MIDNIGHT")), (std::vector<Id>{101}));
  // A word inside another word is not a prefix.
  EXPECT_TRUE(track_ids(search("ight")).empty());
  SearchResult r = search("nina");
  ASSERT_EQ(r.artists.size(), 1u);
  EXPECT_EQ(r.artists[0].id, 1);
  ASSERT_EQ(r.albums.size(), 1u);  // by its artist
  EXPECT_EQ(r.albums[0].id, 10);
  EXPECT_EQ(track_ids(r), (std::vector<Id>{200, 100, 101}));
}

TEST_P(CatalogSearch, AnIsrcFindsItsTrack) {
  EXPECT_EQ(track_ids(search("GBAAA0000002")), (std::vector<Id>{101}));
  EXPECT_EQ(track_ids(search("gbaaa0000001")), (std::vector<Id>{100}));
}

TEST_P(CatalogSearch, AnEmptyQueryListsEverythingAndPunctuationNothing) {
  SearchResult all = search("");
  EXPECT_EQ(all.artists.size(), 2u);
  EXPECT_EQ(all.albums.size(), 2u);
  EXPECT_EQ(track_ids(all), (std::vector<Id>{200, 100, 101}));
  SearchResult none = search("\"*()");
  EXPECT_TRUE(none.artists.empty() && none.albums.empty() && none.tracks.empty());
}

TEST_P(CatalogSearch, PagesWithOffsets) {
  auto r = catalog_->search({.text = "nina", .track_count = 2, .track_offset = 1});
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(track_ids(*r), (std::vector<Id>{100, 101}));
}

TEST_P(CatalogSearch, RenamesReachTheIndexAndDeletesLeaveIt) {
  exec("UPDATE music_albums SET title = 'Ocean Drive' WHERE id = 10");
  EXPECT_EQ(track_ids(search("ocean")), (std::vector<Id>{100, 101}));
  EXPECT_TRUE(track_ids(search("midnight")).empty());
  exec("UPDATE music_artists SET name = 'Nina Sea' WHERE id = 1");
  EXPECT_EQ(search("sea").albums.size(), 1u);
  exec("UPDATE music_tracks SET title = 'Sunny Day' WHERE id = 100");
  EXPECT_EQ(track_ids(search("sunny")), (std::vector<Id>{100}));
  exec("DELETE FROM music_tracks WHERE id = 100");
  EXPECT_TRUE(track_ids(search("sunny")).empty());
}

TEST_P(CatalogSearch, MarkupPathsAndAddressesSplitIntoWords) {
  // PostgreSQL's parser would read these as a tag, a path and an email.
  track(300, "Sound Of <Songs>", 20, 2, "AC/DC", "");
  track(301, "mail@home.net", 20, 2, "The Lovers", "");
  EXPECT_EQ(track_ids(search("songs")), (std::vector<Id>{300}));
  EXPECT_EQ(track_ids(search("dc")), (std::vector<Id>{300}));
  EXPECT_EQ(track_ids(search("home")), (std::vector<Id>{301}));
}

INSTANTIATE_TEST_SUITE_P(Db, CatalogSearch, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         db::testing_support::backend_name);

}  // namespace
}  // namespace riff::music
