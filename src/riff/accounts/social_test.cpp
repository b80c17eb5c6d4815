// SocialService rules: follows and their counters, private accounts, blocks, pages.

#include <set>
#include <thread>

#include "riff/accounts/test_support.hpp"

namespace riff::accounts {
namespace {

using testing_support::AccountsTest;
using testing_support::unwrap;

class SocialTest : public AccountsTest {
 protected:
  std::vector<Id> all_ids(bool followers, const std::string& handle, std::optional<Id> viewer,
                          int limit) {
    std::vector<Id> out;
    PageRequest page{limit, std::nullopt};
    for (int guard = 0; guard < 1000; ++guard) {
      auto p = unwrap(followers ? social().followers(handle, viewer, page)
                                : social().following(handle, viewer, page));
      EXPECT_LE(static_cast<int>(p.items.size()), limit);
      for (const auto& u : p.items) out.push_back(u.id);
      if (!p.next_cursor) break;
      page.cursor = p.next_cursor;
    }
    return out;
  }
};

TEST_P(SocialTest, FollowingAPublicAccountCountsOnceAndUnfollowUndoesIt) {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  EXPECT_EQ(unwrap(social().follow(alice.id, "BOB")), FollowState::kFollowing);
  EXPECT_EQ(unwrap(social().follow(alice.id, "bob")), FollowState::kFollowing);  // idempotent
  EXPECT_EQ(reload(bob.id).follower_count, 1);
  EXPECT_EQ(reload(alice.id).following_count, 1);

  auto profile = unwrap(social().profile("bob", alice.id));
  ASSERT_TRUE(profile.viewer.has_value());
  EXPECT_TRUE(profile.viewer->following);
  EXPECT_FALSE(profile.viewer->is_self);
  EXPECT_TRUE(unwrap(social().profile("alice", bob.id)).viewer->followed_by);

  EXPECT_EQ(unwrap(social().unfollow(alice.id, "bob")), FollowState::kNone);
  EXPECT_EQ(unwrap(social().unfollow(alice.id, "bob")), FollowState::kNone);
  EXPECT_EQ(reload(bob.id).follower_count, 0);
  EXPECT_EQ(reload(alice.id).following_count, 0);
}

TEST_P(SocialTest, FollowingOneselfOrNobodyFails) {
  auto alice = make_user("alice");
  EXPECT_EQ(social().follow(alice.id, "alice").status().code(), Code::kInvalid);
  EXPECT_EQ(social().follow(alice.id, "nobody").status().code(), Code::kNotFound);
  EXPECT_EQ(reload(alice.id).following_count, 0);
}

TEST_P(SocialTest, CountersStayExactUnderConcurrentFollows) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 6;
  auto star = make_user("star");
  std::vector<User> fans;
  for (int i = 0; i < kThreads * kPerThread; ++i)
    fans.push_back(make_user("fan" + std::to_string(i)));

  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const User& fan = fans[static_cast<std::size_t>(t * kPerThread + i)];
        // Every fan follows the star twice and the next fan once, and the
        // neighbouring thread's fans follow back: the same rows are fought over.
        for (int k = 0; k < 2; ++k) {
          if (!social().follow_user(fan.id, star.id).is_ok()) ++failures;
        }
        const User& next = fans[(static_cast<std::size_t>(t * kPerThread + i) + 1) % fans.size()];
        if (!social().follow_user(fan.id, next.id).is_ok()) ++failures;
        if (!social().follow_user(star.id, fan.id).is_ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);

  const std::int64_t n = kThreads * kPerThread;
  EXPECT_EQ(reload(star.id).follower_count, n);
  EXPECT_EQ(reload(star.id).following_count, n);
  for (const auto& fan : fans) {
    User u = reload(fan.id);
    EXPECT_EQ(u.following_count, 2) << u.handle;  // the star and the next fan
    EXPECT_EQ(u.follower_count, 2) << u.handle;   // the star and the previous fan
  }
  // The counters agree with the rows.
  auto mismatches = unwrap(db_->query(
      "SELECT COUNT(*) FROM users u WHERE u.follower_count <> "
      "(SELECT COUNT(*) FROM follows f WHERE f.followee_id = u.id) OR u.following_count <> "
      "(SELECT COUNT(*) FROM follows f WHERE f.follower_id = u.id)"));
  EXPECT_EQ(mismatches[0].i64(0), 0);
}

TEST_P(SocialTest, PrivateAccountsTakeRequestsThatTheOwnerApproves) {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  unwrap(accounts().update_profile(bob.id, {std::nullopt, std::nullopt, true}));

  EXPECT_EQ(unwrap(social().follow(alice.id, "bob")), FollowState::kRequested);
  EXPECT_EQ(unwrap(social().follow(alice.id, "bob")), FollowState::kRequested);
  EXPECT_EQ(reload(bob.id).follower_count, 0);
  EXPECT_TRUE(unwrap(social().profile("bob", alice.id)).viewer->requested);

  auto requests = unwrap(social().follow_requests(bob.id, {20, std::nullopt}));
  ASSERT_EQ(requests.items.size(), 1u);
  EXPECT_EQ(requests.items[0].user.id, alice.id);
  // Only the owner's own requests can be acted on.
  EXPECT_EQ(social().approve_request(alice.id, bob.id).code(), Code::kNotFound);

  ASSERT_TRUE(social().approve_request(bob.id, alice.id).is_ok());
  EXPECT_EQ(reload(bob.id).follower_count, 1);
  auto seen = unwrap(social().profile("bob", alice.id)).viewer;
  EXPECT_TRUE(seen->following);
  EXPECT_FALSE(seen->requested);
  EXPECT_TRUE(unwrap(social().follow_requests(bob.id, {20, std::nullopt})).items.empty());
  EXPECT_EQ(social().approve_request(bob.id, alice.id).code(), Code::kNotFound);
}

TEST_P(SocialTest, DeclinedAndWithdrawnRequestsLeaveNoFollow) {
  auto alice = make_user("alice");
  auto carol = make_user("carol");
  auto bob = make_user("bob");
  unwrap(accounts().update_profile(bob.id, {std::nullopt, std::nullopt, true}));
  unwrap(social().follow(alice.id, "bob"));
  unwrap(social().follow(carol.id, "bob"));

  ASSERT_TRUE(social().decline_request(bob.id, alice.id).is_ok());
  EXPECT_FALSE(unwrap(social().profile("bob", alice.id)).viewer->requested);
  EXPECT_EQ(unwrap(social().unfollow(carol.id, "bob")), FollowState::kNone);
  EXPECT_TRUE(unwrap(social().follow_requests(bob.id, {20, std::nullopt})).items.empty());
  EXPECT_EQ(reload(bob.id).follower_count, 0);
}

TEST_P(SocialTest, TurningPublicApprovesPendingRequests) {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  unwrap(accounts().update_profile(bob.id, {std::nullopt, std::nullopt, true}));
  unwrap(social().follow(alice.id, "bob"));
  unwrap(accounts().update_profile(bob.id, {std::nullopt, std::nullopt, false}));
  EXPECT_TRUE(unwrap(social().profile("bob", alice.id)).viewer->following);
  EXPECT_EQ(reload(bob.id).follower_count, 1);
  EXPECT_EQ(reload(alice.id).following_count, 1);
}

TEST_P(SocialTest, PrivateListsAreForApprovedFollowersAndTheOwnerOnly) {
  auto owner = make_user("owner");
  auto fan = make_user("fan");
  auto stranger = make_user("stranger");
  unwrap(social().follow(fan.id, "owner"));
  unwrap(accounts().update_profile(owner.id, {std::nullopt, std::nullopt, true}));
  const PageRequest page{20, std::nullopt};

  EXPECT_EQ(social().followers("owner", stranger.id, page).status().code(), Code::kForbidden);
  EXPECT_EQ(social().following("owner", std::nullopt, page).status().code(), Code::kForbidden);
  EXPECT_EQ(unwrap(social().followers("owner", fan.id, page)).items.size(), 1u);
  EXPECT_EQ(unwrap(social().followers("owner", owner.id, page)).items.size(), 1u);
  // The profile itself stays visible, with counts.
  EXPECT_EQ(unwrap(social().profile("owner", stranger.id)).user.follower_count, 1);
  EXPECT_FALSE(unwrap(social().profile("owner", std::nullopt)).viewer.has_value());

  EXPECT_FALSE(unwrap(social().can_view_content(stranger.id, owner.id)));
  EXPECT_FALSE(unwrap(social().can_view_content(std::nullopt, owner.id)));
  EXPECT_TRUE(unwrap(social().can_view_content(fan.id, owner.id)));
  EXPECT_TRUE(unwrap(social().can_view_content(owner.id, owner.id)));
}

TEST_P(SocialTest, BlockingCutsFollowsBothWaysAndHidesTheBlocker) {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  unwrap(social().follow(alice.id, "bob"));
  unwrap(social().follow(bob.id, "alice"));
  ASSERT_EQ(reload(alice.id).follower_count, 1);

  ASSERT_TRUE(social().block(alice.id, "bob").is_ok());
  ASSERT_TRUE(social().block(alice.id, "bob").is_ok());  // idempotent
  for (Id id : {alice.id, bob.id}) {
    User u = reload(id);
    EXPECT_EQ(u.follower_count, 0) << u.handle;
    EXPECT_EQ(u.following_count, 0) << u.handle;
  }
  EXPECT_EQ(count("follows"), 0);

  // The blocked user cannot see or follow the blocker...
  EXPECT_EQ(social().profile("alice", bob.id).status().code(), Code::kNotFound);
  EXPECT_EQ(social().followers("alice", bob.id, {20, std::nullopt}).status().code(),
            Code::kNotFound);
  EXPECT_EQ(social().follow(bob.id, "alice").status().code(), Code::kNotFound);
  // ...and the blocker cannot follow whom they block, but sees them as blocked.
  EXPECT_EQ(social().follow(alice.id, "bob").status().code(), Code::kNotFound);
  EXPECT_TRUE(unwrap(social().profile("bob", alice.id)).viewer->blocking);
  EXPECT_FALSE(unwrap(social().can_view_content(bob.id, alice.id)));

  auto blocks = unwrap(social().blocks(alice.id, {20, std::nullopt}));
  ASSERT_EQ(blocks.items.size(), 1u);
  EXPECT_EQ(blocks.items[0].id, bob.id);
  EXPECT_EQ(social().block(alice.id, "alice").code(), Code::kInvalid);

  ASSERT_TRUE(social().unblock(alice.id, "bob").is_ok());
  EXPECT_TRUE(unwrap(social().blocks(alice.id, {20, std::nullopt})).items.empty());
  EXPECT_EQ(unwrap(social().follow(bob.id, "alice")), FollowState::kFollowing);
}

TEST_P(SocialTest, BlockingRemovesPendingRequestsBothWays) {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  unwrap(accounts().update_profile(alice.id, {std::nullopt, std::nullopt, true}));
  unwrap(accounts().update_profile(bob.id, {std::nullopt, std::nullopt, true}));
  unwrap(social().follow(alice.id, "bob"));
  unwrap(social().follow(bob.id, "alice"));
  ASSERT_EQ(count("follow_requests"), 2);
  ASSERT_TRUE(social().block(bob.id, "alice").is_ok());
  EXPECT_EQ(count("follow_requests"), 0);
}

TEST_P(SocialTest, PagesVisitEveryFollowerExactlyOnceNewestFirst) {
  auto star = make_user("star");
  std::vector<Id> expected;  // newest first
  for (int i = 0; i < 23; ++i) {
    auto fan = make_user("fan" + std::to_string(i));
    // Groups of three share a millisecond, so the tie-break on id matters.
    if (i % 3 == 0) clock_.advance_ms(1);
    unwrap(social().follow_user(fan.id, star.id));
    expected.insert(expected.begin(), fan.id);
  }
  // Within one millisecond the larger id sorts first; ids grow, so the
  // insertion order above is already newest first.
  for (int limit : {1, 4, 7, 23, 100}) {
    EXPECT_EQ(all_ids(true, "star", std::nullopt, limit), expected) << "limit " << limit;
  }

  // Follows made while paging do not disturb the pages still to come.
  PageRequest page{5, std::nullopt};
  auto first = unwrap(social().followers("star", std::nullopt, page));
  for (int i = 0; i < 3; ++i) {
    clock_.advance_ms(1);
    unwrap(social().follow_user(make_user("late" + std::to_string(i)).id, star.id));
  }
  std::vector<Id> seen;
  for (const auto& u : first.items) seen.push_back(u.id);
  page.cursor = first.next_cursor;
  while (page.cursor) {
    auto p = unwrap(social().followers("star", std::nullopt, page));
    for (const auto& u : p.items) seen.push_back(u.id);
    page.cursor = p.next_cursor;
  }
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(std::set<Id>(seen.begin(), seen.end()).size(), seen.size());
}

TEST_P(SocialTest, FollowingListsPageToo) {
  auto fan = make_user("fan");
  std::set<Id> stars;
  for (int i = 0; i < 9; ++i) {
    auto s = make_user("star" + std::to_string(i));
    stars.insert(s.id);
    unwrap(social().follow_user(fan.id, s.id));
  }
  auto got = all_ids(false, "fan", fan.id, 2);
  EXPECT_EQ(got.size(), 9u);
  EXPECT_EQ(std::set<Id>(got.begin(), got.end()), stars);
}

TEST_P(SocialTest, ABadCursorIsInvalid) {
  make_user("star");
  EXPECT_EQ(social().followers("star", std::nullopt, {20, "not-a-cursor"}).status().code(),
            Code::kInvalid);
  EXPECT_EQ(social().followers("star", std::nullopt, {20, "YWJj"}).status().code(), Code::kInvalid);
}

RIFF_ACCOUNTS_ON_EVERY_BACKEND(SocialTest);

}  // namespace
}  // namespace riff::accounts
