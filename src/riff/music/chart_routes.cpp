// The chart routes: stored weekly charts, the list of weeks, a track's chart
// history, the records and the daily viral chart. Public data (auth
// optional). Handlers parse, call Charts and render; tracks are rendered as
// everywhere else on /api/v1 (track_json).

#include <cmath>
#include <unordered_map>

#include "riff/core/clock.hpp"
#include "riff/music/module.hpp"
#include "riff/music/region_http.hpp"
#include "riff/music/track_json.hpp"
#include "riff/net/json.hpp"

namespace riff::music {
namespace {

namespace json = boost::json;
using net::HttpError;
using net::Request;

/// The day in `?{name}=YYYY-MM-DD`, if given; 400 naming the field otherwise.
std::optional<std::int64_t> day_param(const Request& req, std::string_view name) {
  const auto text = req.query(name);
  if (!text || text->empty()) return std::nullopt;
  auto day = parse_day(*text);
  if (!day) {
    net::ok_or_throw(
        Status::invalid("/" + std::string(name), std::string(name) + " is a date, YYYY-MM-DD"));
  }
  return day;
}

/// Each row's `fields(row)` with its track rendered under "track" (one
/// catalog read for all); rows whose track is gone, or not available in the
/// listener's region, are left out (positions keep their numbers).
template <class Row, class Fields>
json::array with_tracks(MusicModule& m, const Request& req, const std::vector<Row>& rows,
                        Fields fields) {
  std::vector<Id> ids;
  for (const auto& r : rows) ids.push_back(r.track_id);
  std::unordered_map<Id, json::object> tracks;
  for (const auto& t : net::value_or_throw(m.catalog().tracks(ids, listener_region(m, req))))
    tracks[t.id] = track_json(t);
  json::array out;
  for (const auto& r : rows) {
    auto it = tracks.find(r.track_id);
    if (it == tracks.end()) continue;
    json::object o = fields(r);
    o["track"] = it->second;
    out.push_back(std::move(o));
  }
  return out;
}

json::value opt_int(const std::optional<int>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

double rounded_points(const ChartEntry& e) {
  return std::round(e.points() * 100) / 100;
}

json::object entry_fields(const ChartEntry& e) {
  return {{"position", e.position},
          {"points", rounded_points(e)},
          {"plays", e.plays},
          {"videos", e.videos},
          {"last_week", opt_int(e.last_week)},
          {"peak", e.peak},
          {"weeks_on_chart", e.weeks_on_chart},
          {"weeks_at_number_one", e.weeks_at_number_one},
          {"streak", e.streak}};
}

json::object week_fields(std::int64_t week_start) {
  return {{"week", format_day(week_start)},
          {"starts_at", to_rfc3339(week_start)},
          {"ends_at", to_rfc3339(week_start + kWeekMs - 1)}};
}

json::array record_list(MusicModule& m, const Request& req,
                        const std::vector<RecordHolder>& holders) {
  return with_tracks(m, req, holders, [](const RecordHolder& h) {
    return json::object{{"weeks", h.weeks}};
  });
}

}  // namespace

void mount_chart_routes(net::Router& router, MusicModule& m) {
  net::RouteOptions optional;
  optional.auth = net::Auth::kOptional;

  router.get(
      "/api/v1/charts/weekly",
      [&m](Request& req) {
        std::optional<std::int64_t> week = day_param(req, "week");
        if (week && chart_week_start(*week) != *week) {
          net::ok_or_throw(Status::invalid(
              "/week", "week is the Friday a chart week starts on (Friday to Thursday, UTC)"));
        }
        if (!week) week = net::value_or_throw(m.charts().latest_week());
        if (!week)
          throw HttpError(404, "not-found", "Not found", "No chart has been computed yet.");
        const auto entries = net::value_or_throw(m.charts().week(*week));
        json::object body = week_fields(*week);
        body["items"] = with_tracks(m, req, entries, entry_fields);
        return net::json_response(200, body);
      },
      optional);

  router.get(
      "/api/v1/charts/weeks",
      [&m](Request& req) {
        const auto page = net::page_params(req, 20, 100);
        const auto weeks = net::value_or_throw(m.charts().weeks(page.limit, page.cursor));
        json::array items;
        for (const auto& w : weeks.weeks) {
          json::object o = week_fields(w.week_start);
          o["entry_count"] = w.entry_count;
          o["computed_at"] = to_rfc3339(w.computed_at);
          items.push_back(std::move(o));
        }
        return net::json_response(
            200, json::object{{"items", std::move(items)},
                              {"next_cursor", weeks.next_cursor ? json::value(*weeks.next_cursor)
                                                                : json::value(nullptr)}});
      },
      optional);

  router.get(
      "/api/v1/tracks/{id}/chart-history",
      [&m](Request& req) {
        auto id = parse_id(req.param("id"));
        if (!id) throw HttpError(404, "not-found", "Not found", "No such item.");
        const Track track = available_or_throw(m.catalog().track(*id, listener_region(m, req)));
        const auto history = net::value_or_throw(m.charts().history(*id));
        json::array items;
        for (const auto& e : history) {
          json::object o = week_fields(e.week_start);
          for (auto& [k, v] : entry_fields(e)) o[k] = v;
          items.push_back(std::move(o));
        }
        // The newest entry carries the running totals.
        const ChartEntry* latest = history.empty() ? nullptr : &history.front();
        return net::json_response(
            200, json::object{{"track", track_json(track)},
                              {"peak", latest ? json::value(latest->peak) : json::value(nullptr)},
                              {"weeks_on_chart", latest ? latest->weeks_on_chart : 0},
                              {"weeks_at_number_one", latest ? latest->weeks_at_number_one : 0},
                              {"items", std::move(items)}});
      },
      optional);

  router.get(
      "/api/v1/charts/records",
      [&m](Request& req) {
        const auto page = net::page_params(req, 10, 100);
        const auto r = net::value_or_throw(m.charts().records(page.limit));
        return net::json_response(
            200, json::object{
                     {"most_weeks_at_number_one", record_list(m, req, r.most_weeks_at_number_one)},
                     {"most_weeks_on_chart", record_list(m, req, r.most_weeks_on_chart)},
                     {"longest_streak", record_list(m, req, r.longest_streak)}});
      },
      optional);

  router.get(
      "/api/v1/charts/viral",
      [&m](Request& req) {
        const std::int64_t day =
            day_param(req, "day").value_or(m.charts().now_ms() / kDayMs * kDayMs);
        const auto page = net::page_params(req, 50, 100);
        const auto entries = net::value_or_throw(m.charts().viral(day, page.limit));
        json::array items = with_tracks(m, req, entries, [](const auto& e) {
          return json::object{{"position", e.position},
                              {"videos", e.videos},
                              {"views", e.views},
                              {"score", std::round(e.score * 100) / 100}};
        });
        return net::json_response(200,
                                  json::object{{"day", format_day(day)},
                                               {"complete", day + kDayMs <= m.charts().now_ms()},
                                               {"items", std::move(items)}});
      },
      optional);
}

}  // namespace riff::music
