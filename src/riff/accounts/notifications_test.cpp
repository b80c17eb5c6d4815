// Notifications: created by follows, listed by pages, marked read, pushed live.

#include <boost/json/parse.hpp>

#include "riff/accounts/live_hub.hpp"
#include "riff/accounts/test_support.hpp"

namespace riff::accounts {
namespace {

using testing_support::AccountsTest;
using testing_support::unwrap;
namespace json = boost::json;

std::string str(const json::value& v) {
  return std::string(v.as_string());
}

class NotificationsTest : public AccountsTest {
 protected:
  std::vector<Notification> all(Id user) {
    return unwrap(notifications().list(user, {100, std::nullopt})).page.items;
  }
};

TEST_P(NotificationsTest, FollowNotifiesTheFolloweeAndPushesIt) {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  unwrap(social().follow(alice.id, "bob"));
  unwrap(social().follow(alice.id, "bob"));  // no second notice for a follow that exists

  auto items = all(bob.id);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, "follow");
  ASSERT_TRUE(items[0].actor.has_value());
  EXPECT_EQ(items[0].actor->handle, "alice");
  EXPECT_FALSE(items[0].read_at.has_value());
  EXPECT_TRUE(all(alice.id).empty());

  auto pushed = publisher_.messages();
  ASSERT_EQ(pushed.size(), 1u);
  EXPECT_EQ(pushed[0].first, bob.id);
  json::value msg = json::parse(pushed[0].second);
  EXPECT_EQ(str(msg.at("type")), "notification");
  EXPECT_EQ(msg.at("unread_count").to_number<int>(), 1);
  EXPECT_EQ(str(msg.at("notification").at("kind")), "follow");
  EXPECT_EQ(str(msg.at("notification").at("actor").at("handle")), "alice");
  EXPECT_EQ(str(msg.at("notification").at("id")), id_to_string(items[0].id));
  EXPECT_FALSE(msg.at("notification").at("read").as_bool());
}

TEST_P(NotificationsTest, FollowUnfollowLoopsNotifyOncePerDay) {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  for (int i = 0; i < 3; ++i) {
    unwrap(social().follow(alice.id, "bob"));
    unwrap(social().unfollow(alice.id, "bob"));
  }
  EXPECT_EQ(all(bob.id).size(), 1u);
  clock_.advance_ms(86'400'000 + 1'000);
  unwrap(social().follow(alice.id, "bob"));
  EXPECT_EQ(all(bob.id).size(), 2u);
  // Another actor is another notification.
  unwrap(social().follow(make_user("carol").id, "bob"));
  EXPECT_EQ(all(bob.id).size(), 3u);
}

TEST_P(NotificationsTest, CollapseMatchesKindActorAndSubject) {
  auto me = make_user("myself");
  NewNotification like{me.id, "like", std::nullopt, Id{5}, std::nullopt, 60'000};
  EXPECT_TRUE(unwrap(notifications().notify(like)).has_value());
  EXPECT_FALSE(unwrap(notifications().notify(like)).has_value());
  like.subject_id = Id{6};
  EXPECT_TRUE(unwrap(notifications().notify(like)).has_value());
  like.kind = "comment";
  EXPECT_TRUE(unwrap(notifications().notify(like)).has_value());
  clock_.advance_ms(60'001);
  like.kind = "like";
  EXPECT_TRUE(unwrap(notifications().notify(like)).has_value());
}

TEST_P(NotificationsTest, PrivateFollowFlowNotifiesRequestThenAcceptance) {
  auto alice = make_user("alice");
  auto bob = make_user("bob");
  unwrap(accounts().update_profile(bob.id, {std::nullopt, std::nullopt, true}));
  unwrap(social().follow(alice.id, "bob"));
  ASSERT_EQ(all(bob.id).size(), 1u);
  EXPECT_EQ(all(bob.id)[0].kind, "follow_request");
  ASSERT_TRUE(social().approve_request(bob.id, alice.id).is_ok());
  auto to_alice = all(alice.id);
  ASSERT_EQ(to_alice.size(), 1u);
  EXPECT_EQ(to_alice[0].kind, "follow_accepted");
  EXPECT_EQ(to_alice[0].actor->id, bob.id);
}

TEST_P(NotificationsTest, ListPagesNewestFirstAndMarkReadUpToAnId) {
  auto me = make_user("myself");
  std::vector<Id> ids;  // oldest first
  for (int i = 0; i < 7; ++i) {
    auto n = unwrap(
        notifications().notify({me.id, "like", std::nullopt, Id{1000 + i}, R"({"post":"x"})"}));
    ids.push_back(n->id);
  }
  std::vector<Id> seen;
  PageRequest page{3, std::nullopt};
  for (;;) {
    auto p = unwrap(notifications().list(me.id, page));
    EXPECT_EQ(p.unread_count, 7);
    for (const auto& n : p.page.items) seen.push_back(n.id);
    if (!p.page.next_cursor) break;
    page.cursor = p.page.next_cursor;
  }
  EXPECT_EQ(seen, std::vector<Id>(ids.rbegin(), ids.rend()));

  auto first = all(me.id).back();
  EXPECT_FALSE(first.actor.has_value());
  EXPECT_EQ(first.subject_id, Id{1000});
  EXPECT_EQ(first.data, R"({"post":"x"})");

  ASSERT_TRUE(notifications().mark_read(me.id, ids[2]).is_ok());
  EXPECT_EQ(unwrap(notifications().unread_count(me.id)), 4);
  auto items = all(me.id);
  EXPECT_TRUE(items.back().read_at.has_value());
  EXPECT_FALSE(items.front().read_at.has_value());
  ASSERT_TRUE(notifications().mark_read(me.id, std::nullopt).is_ok());
  EXPECT_EQ(unwrap(notifications().unread_count(me.id)), 0);

  // The other tabs hear the new count.
  auto pushed = publisher_.messages();
  json::value last = json::parse(pushed.back().second);
  EXPECT_EQ(str(last.at("type")), "unread_count");
  EXPECT_EQ(last.at("unread_count").to_number<int>(), 0);
}

TEST_P(NotificationsTest, MarkingReadTouchesOnlyTheOwnersNotifications) {
  auto me = make_user("myself");
  auto other = make_user("other");
  auto mine =
      unwrap(notifications().notify({me.id, "like", std::nullopt, std::nullopt, std::nullopt}));
  unwrap(notifications().notify({other.id, "like", std::nullopt, std::nullopt, std::nullopt}));
  ASSERT_TRUE(notifications().mark_read(other.id, std::nullopt).is_ok());
  EXPECT_EQ(unwrap(notifications().unread_count(me.id)), 1);
  EXPECT_EQ(unwrap(notifications().list(me.id, {20, std::nullopt})).page.items[0].id, mine->id);
}

/// A channel that keeps what is sent to it.
class FakeChannel final : public net::WsChannel {
 public:
  FakeChannel(std::uint64_t id, std::optional<net::Principal> p)
      : id_(id), principal_(std::move(p)) {}
  void send(std::string text) override { sent.push_back(std::move(text)); }
  void close() override { closed = true; }
  const std::optional<net::Principal>& principal() const override { return principal_; }
  std::uint64_t id() const override { return id_; }

  std::vector<std::string> sent;
  bool closed = false;

 private:
  std::uint64_t id_;
  std::optional<net::Principal> principal_;
};

std::shared_ptr<FakeChannel> channel(std::uint64_t id, std::optional<Id> user) {
  std::optional<net::Principal> p;
  if (user) p = net::Principal{*user, 1, net::Role::kUser, false};
  return std::make_shared<FakeChannel>(id, p);
}

TEST(LiveHubTest, GreetsAnswersPingsAndPushesToEverySocketOfTheUser) {
  LiveHub hub;
  net::Request upgrade;
  auto tab1 = channel(1, Id{42});
  auto tab2 = channel(2, Id{42});
  auto other = channel(3, Id{7});
  auto anon = channel(4, std::nullopt);
  for (auto& ch : {tab1, tab2, other, anon}) hub.on_open(ch, upgrade);

  EXPECT_EQ(json::parse(tab1->sent.at(0)), json::parse(R"({"type":"hello","user_id":"42"})"));
  EXPECT_EQ(json::parse(anon->sent.at(0)), json::parse(R"({"type":"hello","user_id":null})"));
  EXPECT_EQ(hub.connections_of(42), 2u);
  EXPECT_EQ(hub.connection_count(), 3u);

  hub.on_message(anon, R"({"type":"ping"})");
  EXPECT_EQ(anon->sent.back(), R"({"type":"pong"})");
  hub.on_message(anon, "not json");
  hub.on_message(anon, R"({"type":"other"})");
  EXPECT_EQ(anon->sent.size(), 2u);

  hub.publish(42, R"({"type":"notification"})");
  EXPECT_EQ(tab1->sent.back(), R"({"type":"notification"})");
  EXPECT_EQ(tab2->sent.back(), R"({"type":"notification"})");
  EXPECT_EQ(other->sent.size(), 1u);

  hub.on_close(tab1);
  hub.publish(42, "second");
  EXPECT_NE(tab1->sent.back(), "second");
  EXPECT_EQ(tab2->sent.back(), "second");
  hub.on_close(tab2);
  hub.on_close(anon);
  EXPECT_EQ(hub.connections_of(42), 0u);
  EXPECT_EQ(hub.connection_count(), 1u);
  hub.publish(42, "nobody listens");  // no socket: dropped
}

RIFF_ACCOUNTS_ON_EVERY_BACKEND(NotificationsTest);

}  // namespace
}  // namespace riff::accounts
