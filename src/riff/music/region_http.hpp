#pragma once
// How the /api/v1 music routes answer for regions (availability.hpp holds
// the rule): both refusals are 451 Unavailable For Legal Reasons, with
// problem types
//   music-service-unavailable-in-country  riff Music is not offered where the
//                                         listener is (or their country is unknown)
//   music-unavailable-in-region           this item's rights exclude the listener's country

#include "riff/music/module.hpp"
#include "riff/net/http.hpp"

namespace riff::music {

/// The requester's region (anonymous when not logged in); throws the 451
/// service problem when riff Music is not offered there.
Region listener_region(MusicModule& m, const net::Request& req);

/// Throws the 451 item problem for a catalog kForbidden (exists, not in the
/// region), else behaves as net::value_or_throw.
template <class T>
T available_or_throw(Result<T> r) {
  if (!r && r.status().code() == Code::kForbidden) {
    throw net::HttpError(451, "music-unavailable-in-region", "Not available in your country",
                         r.status().message());
  }
  return net::value_or_throw(std::move(r));
}

}  // namespace riff::music
