#pragma once
// EngagementModule: the engagement and discovery services (likes, comments,
// shares, views, hashtag pages, profile grids, search, feeds) and their
// routes, built in one place for app/.
//
//   video::EngagementModule engagement(db, ids, clock, notifications);
//   db.migrate(...video::engagement_migrations()...);
//   engagement.mount(router, config.public_url);
//
// Owns its services (all thread-safe). Must outlive the server that calls
// its routes and be destroyed before the database.

#include <memory>
#include <string>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/db/database.hpp"
#include "riff/net/router.hpp"
#include "riff/video/comments.hpp"
#include "riff/video/discovery.hpp"
#include "riff/video/engagement.hpp"
#include "riff/video/engagement_schema.hpp"
#include "riff/video/feed.hpp"
#include "riff/video/search.hpp"

namespace riff::video {

class EngagementModule {
 public:
  /// `ranker` null means the first For You ranking (EngagementRanker).
  /// `events` (may be null) receives the events of likes, comments, shares
  /// and views (recs::EventIngest::server_events()); it must outlive this.
  EngagementModule(db::Database& db, IdGenerator& ids, const Clock& clock,
                   accounts::NotificationService& notifications,
                   std::unique_ptr<ForYouRanker> ranker = nullptr,
                   recs::EventSink* events = nullptr);

  /// Adds the routes; share links in their responses start with `public_url`
  /// ("" = relative links).
  void mount(net::Router& router, std::string public_url);
  const std::string& public_url() const { return public_url_; }

  EngagementService& engagement() { return engagement_; }
  CommentService& comments() { return comments_; }
  DiscoveryService& discovery() { return discovery_; }
  SearchService& search() { return search_; }
  FeedService& feed() { return feed_; }

 private:
  EngagementService engagement_;
  CommentService comments_;
  DiscoveryService discovery_;
  SearchService search_;
  FeedService feed_;
  std::string public_url_;  // set once by mount(), before any request
};

/// Adds the engagement and discovery routes (engagement_routes.cpp).
void mount_engagement_routes(net::Router& router, EngagementModule& module);

}  // namespace riff::video
