// GET /api/v1/trending/...: the Trending lists as JSON.

#include <boost/json.hpp>

#include "riff/net/json.hpp"
#include "riff/recs/events_routes.hpp"

namespace riff::recs {
namespace {

using net::Request;
using net::Response;
namespace json = boost::json;

json::object item_json(const TrendingItem& t, bool rising) {
  json::object o;
  if (t.sound) {
    o["kind"] = "sound";
    o["id"] = id_to_string(t.sound->id);
    o["title"] = t.sound->title;
    o["creator_handle"] =
        t.sound->creator_handle ? json::value(*t.sound->creator_handle) : json::value(nullptr);
  } else {
    o["kind"] = "hashtag";
    o["tag"] = t.tag;
  }
  o["score"] = t.score;
  o["uses"] = t.uses;
  o["views"] = t.views;
  if (rising) {
    o["recent"] = t.recent;
    o["ratio"] = t.ratio;
  }
  return o;
}

Response list(const Result<std::vector<TrendingItem>>& r, bool rising) {
  const auto& items = net::value_or_throw(Result<std::vector<TrendingItem>>(r));
  json::array out;
  for (const auto& t : items) out.push_back(item_json(t, rising));
  return net::json_response(200, json::object{{"items", std::move(out)}});
}

}  // namespace

void mount_trending_routes(net::Router& router, Trending& trending) {
  net::RouteOptions anyone;
  anyone.auth = net::Auth::kOptional;
  auto limit = [](const Request& req) { return net::page_params(req, 20, 100).limit; };
  router.get(
      "/api/v1/trending/hashtags",
      [&trending, limit](Request& req) { return list(trending.hashtags(limit(req)), false); },
      anyone);
  router.get(
      "/api/v1/trending/sounds",
      [&trending, limit](Request& req) { return list(trending.sounds(limit(req)), false); },
      anyone);
  router.get(
      "/api/v1/trending/rising",
      [&trending, limit](Request& req) { return list(trending.rising(limit(req)), true); }, anyone);
}

}  // namespace riff::recs
