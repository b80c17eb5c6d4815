#include "riff/video/engagement_module.hpp"

namespace riff::video {

EngagementModule::EngagementModule(db::Database& db, IdGenerator& ids, const Clock& clock,
                                   accounts::NotificationService& notifications,
                                   std::unique_ptr<ForYouRanker> ranker,
                                   recs::EventSink* events)
    : engagement_(db, ids, clock, notifications, events),
      comments_(db, ids, clock, notifications, events),
      discovery_(db),
      search_(db),
      feed_(db, clock, std::move(ranker)) {}

void EngagementModule::mount(net::Router& router, std::string public_url) {
  public_url_ = std::move(public_url);
  mount_engagement_routes(router, *this);
}

}  // namespace riff::video
