#include "riff/video/foryou_routes.hpp"

#include <boost/json.hpp>

#include "riff/net/json.hpp"
#include "riff/video/foryou_engine.hpp"
#include "riff/video/service.hpp"

namespace riff::video {

void mount_foryou_routes(net::Router& router, ForYouEngine& engine, VideoService& videos) {
  net::RouteOptions anyone;
  anyone.auth = net::Auth::kOptional;
  router.get(
      "/api/v1/videos/{id}/why",
      [&engine, &videos](net::Request& req) {
        std::optional<Id> viewer;
        if (req.principal) viewer = req.principal->user_id;
        auto id = parse_id(req.param("id"));
        if (!id) throw net::HttpError(404, "not-found", "Not found", "No such video.");
        // Only for a video this viewer may see: the answer must not leak
        // that a private video exists.
        (void)net::value_or_throw(videos.get(viewer, *id));
        const WhyReason why = net::value_or_throw(engine.why(viewer, *id));
        return net::json_response(
            200, boost::json::object{
                     {"video_id", id_to_string(*id)}, {"source", why.source}, {"text", why.text}});
      },
      anyone);
}

}  // namespace riff::video
