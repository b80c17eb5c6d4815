// Playlists: moves as a pure rule (edge cases), and the service on SQLite and
// PostgreSQL (when RIFF_TEST_PG_URL is set): who may see and change what
// (owner, collaborator, stranger), invitations and blocks, versions that stop
// a stale or concurrent edit, who added each track, and covers on disk.

#include "riff/music/playlists.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "riff/db/test_support.hpp"
#include "riff/music/test_support.hpp"

namespace riff::music {
namespace {

namespace fs = std::filesystem;

std::vector<PlaylistEntry> entries_of(std::vector<Id> ids) {
  std::vector<PlaylistEntry> out;
  for (Id id : ids) out.push_back({id, std::nullopt, "", 0});
  return out;
}

std::vector<Id> ids_of(const std::vector<PlaylistEntry>& entries) {
  std::vector<Id> out;
  for (const auto& e : entries) out.push_back(e.track_id);
  return out;
}

std::vector<Id> moved(std::vector<Id> ids, std::vector<PlaylistMove> moves) {
  auto r = apply_moves(entries_of(std::move(ids)), moves);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  return r.is_ok() ? ids_of(*r) : std::vector<Id>{};
}

Status move_error(std::vector<Id> ids, std::vector<PlaylistMove> moves) {
  return apply_moves(entries_of(std::move(ids)), moves).status();
}

TEST(MusicPlaylistMoves, OneTrackLandsAtItsTargetPosition) {
  EXPECT_EQ(moved({1, 2, 3, 4, 5}, {{0, 3, 1}}), (std::vector<Id>{2, 3, 4, 1, 5}));
  EXPECT_EQ(moved({1, 2, 3, 4, 5}, {{4, 0, 1}}), (std::vector<Id>{5, 1, 2, 3, 4}));
  EXPECT_EQ(moved({1, 2, 3, 4, 5}, {{0, 4, 1}}), (std::vector<Id>{2, 3, 4, 5, 1})) << "to the end";
  EXPECT_EQ(moved({1, 2, 3}, {{1, 1, 1}}), (std::vector<Id>{1, 2, 3})) << "in place";
  EXPECT_EQ(moved({7}, {{0, 0, 1}}), (std::vector<Id>{7}));
}

TEST(MusicPlaylistMoves, ARangeMovesAsABlock) {
  EXPECT_EQ(moved({1, 2, 3, 4, 5, 6}, {{1, 3, 2}}), (std::vector<Id>{1, 4, 5, 2, 3, 6}));
  EXPECT_EQ(moved({1, 2, 3, 4, 5, 6}, {{3, 0, 3}}), (std::vector<Id>{4, 5, 6, 1, 2, 3}));
  EXPECT_EQ(moved({1, 2, 3, 4, 5, 6}, {{0, 2, 4}}), (std::vector<Id>{5, 6, 1, 2, 3, 4}))
      << "overlapping source and target";
  EXPECT_EQ(moved({1, 2, 3}, {{0, 0, 3}}), (std::vector<Id>{1, 2, 3})) << "the whole list";
}

TEST(MusicPlaylistMoves, MovesApplyInTurnToTheResultOfTheLast) {
  EXPECT_EQ(moved({1, 2, 3, 4}, {{0, 3, 1}, {0, 3, 1}}), (std::vector<Id>{3, 4, 1, 2}));
  EXPECT_EQ(moved({1, 2, 3, 4}, {{3, 0, 1}, {0, 3, 1}}), (std::vector<Id>{1, 2, 3, 4}));
}

TEST(MusicPlaylistMoves, PositionsOutsideTheListAreRefusedNamingTheMove) {
  EXPECT_EQ(move_error({1, 2, 3}, {{-1, 0, 1}}).code(), Code::kInvalid);
  EXPECT_EQ(move_error({1, 2, 3}, {{3, 0, 1}}).code(), Code::kInvalid);
  EXPECT_EQ(move_error({1, 2, 3}, {{0, 3, 1}}).code(), Code::kInvalid) << "past the end";
  EXPECT_EQ(move_error({1, 2, 3}, {{0, -1, 1}}).code(), Code::kInvalid);
  EXPECT_EQ(move_error({1, 2, 3}, {{0, 1, 0}}).code(), Code::kInvalid) << "count 0";
  EXPECT_EQ(move_error({1, 2, 3}, {{2, 0, 2}}).code(), Code::kInvalid) << "range past the end";
  EXPECT_EQ(move_error({1, 2, 3}, {{0, 2, 2}}).code(), Code::kInvalid)
      << "a block of two cannot start at the last position";
  EXPECT_EQ(move_error({}, {{0, 0, 1}}).code(), Code::kInvalid) << "an empty list";
  const Status second = move_error({1, 2, 3}, {{0, 1, 1}, {5, 0, 1}});
  ASSERT_EQ(second.code(), Code::kInvalid);
  ASSERT_FALSE(second.fields().empty());
  EXPECT_EQ(second.fields()[0].pointer, "/moves/1/from");
}

TEST(MusicPlaylistMoves, WhoAddedATrackTravelsWithIt) {
  std::vector<PlaylistEntry> e = {{1, Id{10}, "ann", 5}, {2, Id{20}, "bob", 6}};
  auto r = apply_moves(e, {{0, 1, 1}});
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ((*r)[1].track_id, Id{1});
  EXPECT_EQ((*r)[1].added_by, Id{10});
  EXPECT_EQ((*r)[1].added_at, 5);
}

using db::testing_support::Backend;

constexpr Id kOwner = 1, kCollab = 2, kStranger = 3, kBlocked = 4, kBlocker = 5;
constexpr std::int64_t kNow = 1'800'000'000'000;

class MusicPlaylistsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    scratch_.open(GetParam(), "playlists", 4);
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::move(scratch_.db);
    Status st = db_->migrate(testing_support::music_test_migrations());
    ASSERT_TRUE(st.is_ok()) << st.message();
    for (Id id : {kOwner, kCollab, kStranger, kBlocked, kBlocker}) {
      const std::string sid = std::to_string(id);
      ASSERT_TRUE(db_->exec("INSERT INTO users (id, handle, email, password_hash, created_at,"
                            " updated_at) VALUES ($1, $2, $3, 'x', 0, 0)",
                            {id, "u" + sid, "u" + sid + "@example.com"})
                      .is_ok());
    }
    ASSERT_TRUE(db_->exec("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES"
                          " (1, 4, 0), (5, 1, 0)")
                    .is_ok());
    ASSERT_TRUE(db_->exec("INSERT INTO music_artists (id, name, name_key, created_at)"
                          " VALUES (1, 'Ada', 'ada', 0)")
                    .is_ok());
    ASSERT_TRUE(db_->exec("INSERT INTO music_albums (id, title, artist_id, album_key, created_at)"
                          " VALUES (1, 'Sines', 1, 'ada/sines', 0)")
                    .is_ok());
    for (Id id = 101; id <= 106; ++id) {
      const std::string sid = std::to_string(id);
      ASSERT_TRUE(
          db_->exec("INSERT INTO music_tracks (id, title, album_id, artist_id, artist_names,"
                    " source_path, source_size, source_mtime_ms, content_hash, created_at,"
                    " updated_at) VALUES ($1, $2, 1, 1, 'Ada', $3, 0, 0, '', 0, 0)",
                    {id, "Song " + sid, "/lib/" + sid})
              .is_ok());
    }
    playlists_ = std::make_unique<Playlists>(*db_, ids_, clock_, scratch_.dir / "music");
  }

  void TearDown() override {
    playlists_.reset();
    db_.reset();
    scratch_.close();
  }

  /// A private playlist of kOwner with tracks 101..103, collaborative with
  /// kCollab invited.
  Playlist shared() {
    auto p = playlists_->create(kOwner, "Road trip", {101, 102, 103});
    EXPECT_TRUE(p.is_ok()) << p.status().message();
    PlaylistEdit e;
    e.collaborative = true;
    EXPECT_TRUE(playlists_->edit(kOwner, p->id, e).is_ok());
    auto c = playlists_->add_collaborator(kOwner, p->id, "U2");
    EXPECT_TRUE(c.is_ok()) << c.status().message();
    return playlists_->get(kOwner, p->id).value();
  }

  Code edit_code(Id user, Id playlist, const PlaylistEdit& e) {
    return playlists_->edit(user, playlist, e).status().code();
  }

  std::vector<Id> tracks_of(Id playlist) { return playlists_->get(kOwner, playlist)->track_ids; }

  db::testing_support::ScratchDatabase scratch_;
  std::unique_ptr<db::Database> db_;
  ManualClock clock_{kNow};
  IdGenerator ids_{clock_};
  std::unique_ptr<Playlists> playlists_;
};

TEST_P(MusicPlaylistsTest, APrivatePlaylistIsHiddenFromStrangersAndOnlyTheOwnerEditsIt) {
  auto p = playlists_->create(kOwner, "Mine", {101});
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  EXPECT_EQ(p->role, PlaylistRole::kOwner);
  EXPECT_EQ(playlists_->get(kStranger, p->id).status().code(), Code::kNotFound);
  EXPECT_EQ(playlists_->get(0, p->id).status().code(), Code::kNotFound) << "anonymous";
  PlaylistEdit add;
  add.add = {102};
  EXPECT_EQ(edit_code(kStranger, p->id, add), Code::kNotFound);
  EXPECT_EQ(playlists_->remove(kStranger, p->id).code(), Code::kNotFound);

  PlaylistEdit make_public;
  make_public.is_public = true;
  ASSERT_TRUE(playlists_->edit(kOwner, p->id, make_public).is_ok());
  auto seen = playlists_->get(kStranger, p->id);
  ASSERT_TRUE(seen.is_ok());
  EXPECT_EQ(seen->role, PlaylistRole::kViewer);
  EXPECT_EQ(edit_code(kStranger, p->id, add), Code::kForbidden);
  EXPECT_EQ(playlists_->remove(kStranger, p->id).code(), Code::kForbidden);
  EXPECT_EQ(tracks_of(p->id), (std::vector<Id>{101}));
}

TEST_P(MusicPlaylistsTest, InvitingNeedsACollaborativePlaylistAndRespectsBlocks) {
  auto p = playlists_->create(kOwner, "Party", {});
  ASSERT_TRUE(p.is_ok());
  EXPECT_EQ(playlists_->add_collaborator(kOwner, p->id, "u2").status().code(), Code::kConflict);
  PlaylistEdit e;
  e.collaborative = true;
  ASSERT_TRUE(playlists_->edit(kOwner, p->id, e).is_ok());
  EXPECT_EQ(playlists_->add_collaborator(kOwner, p->id, "nobody").status().code(), Code::kNotFound);
  EXPECT_EQ(playlists_->add_collaborator(kOwner, p->id, "u1").status().code(), Code::kInvalid);
  EXPECT_EQ(playlists_->add_collaborator(kOwner, p->id, "u4").status().code(), Code::kNotFound)
      << "the owner blocks u4";
  EXPECT_EQ(playlists_->add_collaborator(kOwner, p->id, "u5").status().code(), Code::kNotFound)
      << "u5 blocks the owner";
  EXPECT_EQ(playlists_->add_collaborator(kStranger, p->id, "u2").status().code(), Code::kNotFound);
  auto first = playlists_->add_collaborator(kOwner, p->id, "u2");
  ASSERT_TRUE(first.is_ok());
  clock_.advance_ms(1000);
  auto again = playlists_->add_collaborator(kOwner, p->id, "U2");
  ASSERT_TRUE(again.is_ok()) << "inviting again is a no-op";
  EXPECT_EQ(again->added_at, first->added_at);
  auto list = playlists_->collaborators(kOwner, p->id);
  ASSERT_TRUE(list.is_ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].handle, "u2");
  EXPECT_EQ(playlists_->collaborators(kStranger, p->id).status().code(), Code::kNotFound);
}

TEST_P(MusicPlaylistsTest, ACollaboratorChangesTracksButNothingElse) {
  const Playlist p = shared();
  auto seen = playlists_->get(kCollab, p.id);
  ASSERT_TRUE(seen.is_ok()) << "a collaborator sees the private playlist";
  EXPECT_EQ(seen->role, PlaylistRole::kCollaborator);

  clock_.advance_ms(5000);
  PlaylistEdit add;
  add.add = {104};
  auto added = playlists_->edit(kCollab, p.id, add);
  ASSERT_TRUE(added.is_ok()) << added.status().message();
  ASSERT_EQ(added->entries.size(), 4u);
  EXPECT_EQ(added->entries[3].added_by, kCollab);
  EXPECT_EQ(added->entries[3].added_by_handle, "u2");
  EXPECT_EQ(added->entries[3].added_at, kNow + 5000);
  EXPECT_EQ(added->entries[0].added_by, kOwner);

  PlaylistEdit move;
  move.moves = {{3, 0, 1}};
  auto reordered = playlists_->edit(kCollab, p.id, move);
  ASSERT_TRUE(reordered.is_ok());
  EXPECT_EQ(reordered->track_ids, (std::vector<Id>{104, 101, 102, 103}));
  EXPECT_EQ(reordered->entries[0].added_by, kCollab) << "who added it moves with the track";

  PlaylistEdit remove;
  remove.remove_positions = {1};
  ASSERT_TRUE(playlists_->edit(kCollab, p.id, remove).is_ok());
  EXPECT_EQ(tracks_of(p.id), (std::vector<Id>{104, 102, 103}));

  PlaylistEdit rename;
  rename.name = "Mine now";
  EXPECT_EQ(edit_code(kCollab, p.id, rename), Code::kForbidden);
  PlaylistEdit publish;
  publish.is_public = true;
  EXPECT_EQ(edit_code(kCollab, p.id, publish), Code::kForbidden);
  PlaylistEdit solo;
  solo.collaborative = false;
  EXPECT_EQ(edit_code(kCollab, p.id, solo), Code::kForbidden);
  PlaylistEdit mixed;  // a track change with a detail change is refused whole
  mixed.add = {105};
  mixed.comment = "sneaky";
  EXPECT_EQ(edit_code(kCollab, p.id, mixed), Code::kForbidden);
  EXPECT_EQ(playlists_->remove(kCollab, p.id).code(), Code::kForbidden);
  EXPECT_EQ(playlists_->add_collaborator(kCollab, p.id, "u3").status().code(), Code::kForbidden);
  EXPECT_EQ(playlists_->remove_collaborator(kCollab, p.id, "u1").code(), Code::kForbidden);
  const std::string png("\x89PNG\r\n\x1a\n0000", 12);
  EXPECT_EQ(playlists_->set_cover(kCollab, p.id, accounts::ImageType::kPng, png).status().code(),
            Code::kForbidden);
  auto after = playlists_->get(kOwner, p.id);
  EXPECT_EQ(after->name, "Road trip");
  EXPECT_EQ(after->comment, "");
  EXPECT_FALSE(after->is_public);
  EXPECT_EQ(after->track_ids, (std::vector<Id>{104, 102, 103}));
}

TEST_P(MusicPlaylistsTest, CollaboratorsListItAndLoseItWhenTheyLeaveOrAreRemoved) {
  const Playlist p = shared();
  auto mine = playlists_->list(kCollab, false);
  ASSERT_TRUE(mine.is_ok());
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].role, PlaylistRole::kCollaborator);
  EXPECT_TRUE((*mine)[0].collaborative);
  EXPECT_TRUE(playlists_->list(kStranger, true)->empty()) << "private stays private";

  ASSERT_TRUE(playlists_->remove_collaborator(kCollab, p.id, "u2").is_ok()) << "leaving";
  EXPECT_TRUE(playlists_->list(kCollab, false)->empty());
  EXPECT_EQ(playlists_->get(kCollab, p.id).status().code(), Code::kNotFound);
  EXPECT_EQ(playlists_->remove_collaborator(kCollab, p.id, "u2").code(), Code::kNotFound);

  ASSERT_TRUE(playlists_->add_collaborator(kOwner, p.id, "u2").is_ok());
  ASSERT_TRUE(playlists_->remove_collaborator(kOwner, p.id, "u2").is_ok()) << "the owner removes";
  EXPECT_EQ(playlists_->get(kCollab, p.id).status().code(), Code::kNotFound);
}

TEST_P(MusicPlaylistsTest, TurningCollaborationOffTakesEditingAwayUntilItIsBackOn) {
  const Playlist p = shared();
  PlaylistEdit off;
  off.collaborative = false;
  ASSERT_TRUE(playlists_->edit(kOwner, p.id, off).is_ok());
  PlaylistEdit add;
  add.add = {105};
  EXPECT_EQ(edit_code(kCollab, p.id, add), Code::kNotFound) << "private and no longer shared";
  EXPECT_TRUE(playlists_->list(kCollab, false)->empty());
  PlaylistEdit on;
  on.collaborative = true;
  ASSERT_TRUE(playlists_->edit(kOwner, p.id, on).is_ok());
  EXPECT_TRUE(playlists_->edit(kCollab, p.id, add).is_ok()) << "the invitation was kept";
}

TEST_P(MusicPlaylistsTest, AStaleVersionChangesNothing) {
  const Playlist p = shared();
  const std::int64_t v = p.version;
  PlaylistEdit first;
  first.moves = {{0, 2, 1}};
  first.expected_version = v;
  auto done = playlists_->edit(kOwner, p.id, first);
  ASSERT_TRUE(done.is_ok()) << done.status().message();
  EXPECT_EQ(done->version, v + 1);
  EXPECT_EQ(done->track_ids, (std::vector<Id>{102, 103, 101}));

  PlaylistEdit stale;
  stale.moves = {{2, 0, 1}};
  stale.expected_version = v;
  EXPECT_EQ(edit_code(kCollab, p.id, stale), Code::kConflict);
  EXPECT_EQ(tracks_of(p.id), (std::vector<Id>{102, 103, 101}));
  EXPECT_EQ(playlists_->get(kOwner, p.id)->version, v + 1);

  stale.expected_version = v + 1;
  ASSERT_TRUE(playlists_->edit(kCollab, p.id, stale).is_ok());
  EXPECT_EQ(tracks_of(p.id), (std::vector<Id>{101, 102, 103}));
}

TEST_P(MusicPlaylistsTest, BadPositionsAndMixedEditsChangeNothing) {
  const Playlist p = shared();
  PlaylistEdit far;
  far.moves = {{0, 1, 1}, {0, 9, 1}};
  EXPECT_EQ(edit_code(kOwner, p.id, far), Code::kInvalid);
  PlaylistEdit mixed;
  mixed.moves = {{0, 1, 1}};
  mixed.remove_positions = {0};
  EXPECT_EQ(edit_code(kOwner, p.id, mixed), Code::kInvalid);
  PlaylistEdit unknown;
  unknown.add = {999};
  EXPECT_EQ(edit_code(kOwner, p.id, unknown), Code::kInvalid);
  EXPECT_EQ(tracks_of(p.id), (std::vector<Id>{101, 102, 103}));
  EXPECT_EQ(playlists_->get(kOwner, p.id)->version, p.version);
}

TEST_P(MusicPlaylistsTest, ReplacingTheOrderKeepsWhoAddedEachTrack) {
  const Playlist p = shared();
  PlaylistEdit add;
  add.add = {104};
  ASSERT_TRUE(playlists_->edit(kCollab, p.id, add).is_ok());
  PlaylistEdit order;
  order.replace = std::vector<Id>{104, 103, 102, 101, 106};
  auto r = playlists_->edit(kOwner, p.id, order);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->entries[0].added_by, kCollab);
  EXPECT_EQ(r->entries[1].added_by, kOwner);
  EXPECT_EQ(r->entries[4].added_by, kOwner) << "a new track counts as added by the editor";
}

TEST_P(MusicPlaylistsTest, OfTwoConcurrentEditsAtOneVersionExactlyOneWins) {
  const Playlist p = shared();
  std::atomic<int> ok{0}, conflict{0};
  auto editor = [&](Id user, PlaylistMove m) {
    PlaylistEdit e;
    e.moves = {m};
    e.expected_version = p.version;
    auto r = playlists_->edit(user, p.id, e);
    if (r.is_ok()) {
      ++ok;
    } else if (r.status().code() == Code::kConflict) {
      ++conflict;
    } else {
      ADD_FAILURE() << r.status().message();
    }
  };
  std::thread a(editor, kOwner, PlaylistMove{0, 2, 1});
  std::thread b(editor, kCollab, PlaylistMove{2, 0, 1});
  a.join();
  b.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflict.load(), 1);
  const auto after = playlists_->get(kOwner, p.id).value();
  EXPECT_EQ(after.version, p.version + 1);
  EXPECT_TRUE(after.track_ids == (std::vector<Id>{102, 103, 101}) ||
              after.track_ids == (std::vector<Id>{103, 101, 102}));
}

TEST_P(MusicPlaylistsTest, ACoverIsWrittenReplacedAndRemovedOnDisk) {
  const Playlist p = shared();
  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + "rest";
  EXPECT_EQ(playlists_->set_cover(kOwner, p.id, accounts::ImageType::kJpeg, png).status().code(),
            Code::kInvalid)
      << "the bytes are not a JPEG";
  EXPECT_EQ(playlists_
                ->set_cover(kOwner, p.id, accounts::ImageType::kPng,
                            png + std::string(kMaxPlaylistCoverBytes, 'x'))
                .status()
                .code(),
            Code::kTooLarge);
  auto one = playlists_->set_cover(kOwner, p.id, accounts::ImageType::kPng, png);
  ASSERT_TRUE(one.is_ok()) << one.status().message();
  ASSERT_TRUE(one->cover_path);
  const fs::path first = playlists_->cover_file(*one->cover_path);
  EXPECT_TRUE(fs::exists(first));
  EXPECT_GT(one->version, p.version);

  auto two = playlists_->set_cover(kOwner, p.id, accounts::ImageType::kPng, png);
  ASSERT_TRUE(two.is_ok());
  const fs::path second = playlists_->cover_file(*two->cover_path);
  EXPECT_NE(first, second);
  EXPECT_FALSE(fs::exists(first)) << "the replaced cover is deleted";
  EXPECT_TRUE(fs::exists(second));

  auto cleared = playlists_->clear_cover(kOwner, p.id);
  ASSERT_TRUE(cleared.is_ok());
  EXPECT_FALSE(cleared->cover_path);
  EXPECT_FALSE(fs::exists(second));

  auto three = playlists_->set_cover(kOwner, p.id, accounts::ImageType::kPng, png);
  ASSERT_TRUE(three.is_ok());
  const fs::path third = playlists_->cover_file(*three->cover_path);
  ASSERT_TRUE(playlists_->remove(kOwner, p.id).is_ok());
  EXPECT_FALSE(fs::exists(third)) << "deleting the playlist deletes its cover";
}

INSTANTIATE_TEST_SUITE_P(Db, MusicPlaylistsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         db::testing_support::backend_name);

}  // namespace
}  // namespace riff::music
