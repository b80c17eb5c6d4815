// Track rights on /api/v1: where a track may be heard. Handlers parse, call
// Rights and render.

#include "riff/music/module.hpp"
#include "riff/net/json.hpp"

namespace riff::music {

void mount_rights_routes(net::Router& router, MusicModule& m) {
  net::RouteOptions admin;
  admin.auth = net::Auth::kAdmin;

  router.put(
      "/api/v1/admin/music/tracks/{id}/territories",
      [&m](net::Request& req) {
        auto id = parse_id(req.param("id"));
        if (!id) throw net::HttpError(404, "not-found", "Not found", "No such track.");
        net::BodyReader body(req);
        auto text = body.string("territories", {.required = true, .max_len = 2000});
        body.finish();
        const std::string canonical = net::value_or_throw(m.rights().set_territories(*id, *text));
        return net::json_response(
            200, boost::json::object{{"id", id_to_string(*id)}, {"territories", canonical}});
      },
      admin);
}

}  // namespace riff::music
