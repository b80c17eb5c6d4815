#pragma once
// The HTTP mapping of the event log and trending (events_routes.cpp,
// trending_routes.cpp).

#include "riff/net/router.hpp"
#include "riff/recs/ingest.hpp"
#include "riff/recs/trending.hpp"

namespace riff::recs {

/// The anonymous viewer's key: this header, else the cookie below. The web
/// client sends its For You `session` in the header.
inline constexpr std::string_view kSessionHeader = "X-Riff-Session";
inline constexpr std::string_view kSessionCookie = "riff_vk";
/// Largest POST /api/v1/events body: 500 items of about 120 bytes, with room.
inline constexpr std::size_t kMaxEventsBody = 256 * 1024;

/// POST /api/v1/events.
void mount_event_routes(net::Router& router, EventIngest& ingest);
/// GET /api/v1/trending/{hashtags,sounds,rising}.
void mount_trending_routes(net::Router& router, Trending& trending);

}  // namespace riff::recs
