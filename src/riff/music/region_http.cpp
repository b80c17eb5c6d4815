#include "riff/music/region_http.hpp"

namespace riff::music {

Region listener_region(MusicModule& m, const net::Request& req) {
  Region r = net::value_or_throw(
      m.availability().region_of(req.principal ? req.principal->user_id : Id{0}));
  if (Availability::service_verdict(r) == Verdict::kServiceUnavailable) {
    throw net::HttpError(451, "music-service-unavailable-in-country",
                         "riff Music is not available in your country",
                         r.country.empty() ? "Set your country in your profile to use riff Music."
                                           : "riff Music is not offered in " + r.country + " yet.");
  }
  return r;
}

}  // namespace riff::music
