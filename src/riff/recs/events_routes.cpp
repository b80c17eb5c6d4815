// POST /api/v1/events: read the batch, call EventIngest, render per-item outcomes.

#include "riff/recs/events_routes.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <ctime>

#include "riff/net/json.hpp"

namespace riff::recs {
namespace {

using net::HttpError;
using net::Request;
using net::Response;
namespace json = boost::json;

bool valid_session_key(std::string_view k) {
  return !k.empty() && k.size() <= 64 &&
         k.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_") ==
             std::string_view::npos;
}

EventViewer viewer_of(const Request& req) {
  EventViewer v;
  v.address = req.remote_ip;
  if (req.principal) {
    v.user_id = req.principal->user_id;
    v.id = req.principal->user_id;
    return v;
  }
  std::optional<std::string> key;
  if (auto h = req.header(kSessionHeader)) key = std::string(*h);
  if (!key) key = req.cookie(kSessionCookie);
  if (!key || !valid_session_key(*key)) {
    throw HttpError(400, "anonymous-viewer-key", "Who is watching?",
                    "Anonymous events need an X-Riff-Session header (or riff_vk cookie) of 1 to 64 "
                    "letters, digits, - or _.");
  }
  v.id = anonymous_viewer_id(*key);
  return v;
}

/// "2026-01-02T03:04:05.678Z" or with a "+hh:mm" offset, to ms since the epoch.
std::optional<std::int64_t> parse_rfc3339(std::string_view s) {
  std::tm tm{};
  int ms = 0, consumed = 0;
  const std::string str(s);
  if (std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6 ||
      consumed != 19) {
    return std::nullopt;
  }
  std::string_view rest = s.substr(19);
  if (!rest.empty() && rest[0] == '.') {
    rest.remove_prefix(1);
    int digits = 0;
    while (!rest.empty() && rest[0] >= '0' && rest[0] <= '9') {
      if (digits < 3) ms = ms * 10 + (rest[0] - '0');
      ++digits;
      rest.remove_prefix(1);
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 3; ++digits) ms *= 10;
  }
  int offset_min = 0;
  if (rest == "Z" || rest == "z") {
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int hh = 0, mm = 0;
    if (std::sscanf(std::string(rest.substr(1)).c_str(), "%2d:%2d", &hh, &mm) != 2)
      return std::nullopt;
    offset_min = (rest[0] == '+' ? 1 : -1) * (hh * 60 + mm);
  } else {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const std::time_t t = timegm(&tm);
  if (t == -1) return std::nullopt;
  return (static_cast<std::int64_t>(t) - offset_min * 60) * 1000 + ms;
}

ClientEvent read_item(const json::value& v) {
  ClientEvent e;
  const json::object* o = v.if_object();
  if (!o) {
    e.malformed = "each item must be an object";
    return e;
  }
  if (auto* k = o->if_contains("kind"); k && k->is_string()) {
    e.kind = std::string(k->as_string());
  } else {
    e.malformed = "kind must be a string";
    return e;
  }
  if (auto* id = o->if_contains("video_id")) {
    if (id->is_string()) e.video_id = parse_id(id->as_string());
    if (id->is_int64() && id->as_int64() > 0) e.video_id = id->as_int64();
    if (!e.video_id) {
      e.malformed = "video_id must be a video id";
      return e;
    }
  }
  if (auto* w = o->if_contains("watch_ms"); w && !w->is_null()) {
    if (w->is_int64()) {
      e.watch_ms = w->as_int64();
    } else if (w->is_uint64()) {
      e.watch_ms = INT64_MAX;
    } else if (w->is_double() && std::isfinite(w->as_double())) {
      e.watch_ms = static_cast<std::int64_t>(std::clamp(w->as_double(), -1e15, 1e15));
    } else {
      e.malformed = "watch_ms must be a number of milliseconds";
      return e;
    }
  }
  if (auto* at = o->if_contains("at"); at && !at->is_null()) {
    if (at->is_string()) {
      e.at_ms = parse_rfc3339(at->as_string());
    } else if (at->is_int64()) {
      e.at_ms = at->as_int64();
    }
    if (!e.at_ms) {
      e.malformed = "at must be an RFC 3339 time or milliseconds since the epoch";
      return e;
    }
  }
  return e;
}

json::object result_json(const ClientBatch& batch, const BatchResult& r) {
  json::array items;
  items.reserve(r.items.size());
  for (const auto& item : r.items) {
    json::object o{{"status", to_string(item.outcome)}};
    if (!item.detail.empty()) o["detail"] = item.detail;
    items.push_back(std::move(o));
  }
  const int dropped = r.count(ItemOutcome::kThrottled);
  const int stored = r.stored();
  return {{"batch_id", batch.batch_id},
          {"duplicate", r.duplicate},
          {"accepted", stored},
          {"rejected", static_cast<int>(r.items.size()) - stored - dropped},
          {"dropped", dropped},
          {"items", std::move(items)}};
}

Response post_events(EventIngest& ingest, Request& req) {
  net::BodyReader body(req);
  ClientBatch batch;
  batch.batch_id =
      body.string("batch_id", {.required = true, .min_len = 1, .max_len = kMaxBatchIdLength})
          .value_or("");
  const json::value* items = body.object().if_contains("items");
  if (items == nullptr || !items->is_array()) {
    body.fail("items", "items must be an array of {kind, video_id, watch_ms?, at?}");
  } else if (items->as_array().size() > kMaxBatchItems) {
    body.fail("items", "at most " + std::to_string(kMaxBatchItems) + " items at once");
  } else {
    batch.items.reserve(items->as_array().size());
    for (const json::value& v : items->as_array()) batch.items.push_back(read_item(v));
  }
  body.finish();
  batch.viewer = viewer_of(req);
  auto result = net::value_or_throw(ingest.ingest(batch));
  return net::json_response(200, result_json(batch, result));
}

}  // namespace

void mount_event_routes(net::Router& router, EventIngest& ingest) {
  net::RouteOptions options;
  options.auth = net::Auth::kOptional;
  options.max_body = kMaxEventsBody;
  // Batches of up to 500 events: behind the feeds and pages people wait for.
  options.background = true;
  router.post(
      "/api/v1/events", [&ingest](Request& req) { return post_events(ingest, req); }, options);
}

}  // namespace riff::recs
