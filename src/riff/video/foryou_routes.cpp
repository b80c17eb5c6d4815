#include "riff/video/foryou_routes.hpp"

#include <boost/json.hpp>

#include "riff/net/json.hpp"
#include "riff/video/foryou_engine.hpp"
#include "riff/video/interests.hpp"
#include "riff/video/service.hpp"

namespace riff::video {

namespace {

net::Response interests_json(const std::vector<std::string>& tags) {
  boost::json::array a;
  for (const auto& t : tags) a.emplace_back(t);
  net::Response r = net::json_response(200, boost::json::object{{"hashtags", std::move(a)}});
  r.headers.add("Cache-Control", "no-store");
  return r;
}

}  // namespace

void mount_foryou_routes(net::Router& router, ForYouEngine& engine, VideoService& videos,
                         InterestService& interests) {
  net::RouteOptions signed_in;
  signed_in.auth = net::Auth::kRequired;
  router.get(
      "/api/v1/me/interests",
      [&interests](net::Request& req) {
        return interests_json(net::value_or_throw(interests.get(req.principal->user_id)));
      },
      signed_in);
  router.put(
      "/api/v1/me/interests",
      [&interests](net::Request& req) {
        net::BodyReader body(req);
        std::vector<std::string> tags;
        const boost::json::value* list = body.object().if_contains("hashtags");
        if (list == nullptr || !list->is_array()) {
          body.fail("hashtags", "hashtags must be an array of hashtag names");
        } else {
          for (std::size_t i = 0; i < list->as_array().size(); ++i) {
            const auto& v = list->as_array()[i];
            if (v.is_string()) {
              tags.emplace_back(v.as_string());
            } else {
              body.fail("hashtags/" + std::to_string(i), "a hashtag name, like \"cats\"");
            }
          }
        }
        body.finish();
        return interests_json(net::value_or_throw(interests.set(req.principal->user_id, tags)));
      },
      signed_in);

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
