#include "riff/music/charts.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <unordered_map>

namespace riff::music {

namespace {

// 1970-01-01 was a Thursday, so Fridays are one day past a multiple of 7.
constexpr std::int64_t kFridayOffsetMs = kDayMs;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

bool is_week_start(std::int64_t t_ms) {
  return chart_week_start(t_ms) == t_ms;
}

ChartEntry entry_from(const db::Row& r) {
  // Columns: week_start, position, track_id, points_x3, plays, videos,
  // last_week, peak, weeks_on_chart, weeks_at_number_one, streak.
  ChartEntry e;
  e.week_start = r.i64(0);
  e.position = static_cast<int>(r.i64(1));
  e.track_id = r.i64(2);
  e.points_x3 = r.i64(3);
  e.plays = r.i64(4);
  e.videos = r.i64(5);
  if (auto lw = r.opt_i64(6)) e.last_week = static_cast<int>(*lw);
  e.peak = static_cast<int>(r.i64(7));
  e.weeks_on_chart = static_cast<int>(r.i64(8));
  e.weeks_at_number_one = static_cast<int>(r.i64(9));
  e.streak = static_cast<int>(r.i64(10));
  return e;
}

constexpr std::string_view kEntryColumns =
    "week_start, position, track_id, points_x3, plays, videos, last_week, peak, weeks_on_chart, "
    "weeks_at_number_one, streak";

}  // namespace

std::int64_t chart_week_start(std::int64_t t_ms) {
  return floor_div(t_ms - kFridayOffsetMs, kWeekMs) * kWeekMs + kFridayOffsetMs;
}

std::optional<std::int64_t> parse_day(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y = 0, m = 0, d = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == 4 || i == 7) continue;
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    const int digit = text[i] - '0';
    if (i < 4) {
      y = y * 10 + digit;
    } else if (i < 7) {
      m = m * 10 + digit;
    } else {
      d = d * 10 + digit;
    }
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y},
                                        std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return std::int64_t{std::chrono::sys_days{ymd}.time_since_epoch().count()} * kDayMs;
}

std::string format_day(std::int64_t day_ms) {
  const std::chrono::year_month_day ymd{
      std::chrono::sys_days{std::chrono::days{floor_div(day_ms, kDayMs)}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::int64_t points_x3(std::int64_t premium, std::int64_t free, std::int64_t videos,
                       int video_weight) {
  return 3 * premium + 2 * free + 3 * std::int64_t{video_weight} * videos;
}

void rank_tallies(std::vector<ChartTally>& tallies) {
  std::sort(tallies.begin(), tallies.end(), [](const ChartTally& a, const ChartTally& b) {
    if (a.points_x3 != b.points_x3) return a.points_x3 > b.points_x3;
    const auto pa = a.premium_plays + a.free_plays, pb = b.premium_plays + b.free_plays;
    if (pa != pb) return pa > pb;
    return a.track_id < b.track_id;
  });
}

Charts::Charts(db::Database& db, const Clock& clock, ChartOptions options)
    : db_(db), clock_(clock), options_(options) {}

Result<std::vector<ChartTally>> Charts::tally(std::int64_t week_start) {
  const std::int64_t end = week_start + kWeekMs;
  // Per listener, track and UTC day: premium plays count first, up to the
  // cap, then free plays up to what is left of it. The cap is ours, not the
  // caller's, so it is part of the text.
  const std::string cap = std::to_string(options_.daily_play_cap);
  const std::string capped_premium = "(CASE WHEN p > " + cap + " THEN " + cap + " ELSE p END)";
  const std::string sql =
      "SELECT track_id, SUM(cp), SUM(CASE WHEN f > " + cap + " - cp THEN " + cap +
      " - cp ELSE f END) FROM (SELECT track_id, f, " + capped_premium +
      " AS cp FROM (SELECT user_id, track_id, played_at / 86400000 AS day,"
      " SUM(CASE WHEN plan = 'premium' THEN 1 ELSE 0 END) AS p,"
      " SUM(CASE WHEN plan = 'premium' THEN 0 ELSE 1 END) AS f"
      " FROM music_plays WHERE played_at >= $1 AND played_at < $2"
      " GROUP BY user_id, track_id, played_at / 86400000) d) c GROUP BY track_id";
  RIFF_ASSIGN_OR_RETURN(db::Rows plays, db_.query(sql, {week_start, end}));
  // Public, ready videos with a catalog song as their sound: one per
  // creator per track per day.
  RIFF_ASSIGN_OR_RETURN(
      db::Rows videos,
      db_.query("SELECT track_id, COUNT(*) FROM (SELECT DISTINCT s.catalog_track_id AS track_id,"
                " v.author_id, v.created_at / 86400000 AS day FROM videos v"
                " JOIN sounds s ON s.id = v.sound_id"
                " JOIN music_tracks t ON t.id = s.catalog_track_id"
                " WHERE v.status = 1 AND v.visibility = 0"
                " AND v.created_at >= $1 AND v.created_at < $2) u GROUP BY track_id",
                {week_start, end}));
  std::unordered_map<Id, ChartTally> by_track;
  by_track.reserve(plays.size() + videos.size());
  for (const auto& r : plays) {
    auto& t = by_track[r.i64(0)];
    t.track_id = r.i64(0);
    t.premium_plays = r.i64(1);
    t.free_plays = r.i64(2);
  }
  for (const auto& r : videos) {
    auto& t = by_track[r.i64(0)];
    t.track_id = r.i64(0);
    t.videos = r.i64(1);
  }
  std::vector<ChartTally> out;
  out.reserve(by_track.size());
  for (auto& [id, t] : by_track) {
    t.points_x3 = points_x3(t.premium_plays, t.free_plays, t.videos, options_.video_weight);
    if (t.points_x3 > 0) out.push_back(t);
  }
  rank_tallies(out);
  return out;
}

Status Charts::store_week(std::int64_t week_start, bool replace, bool& stored) {
  stored = false;
  if (!is_week_start(week_start)) {
    return Status::invalid("/week", "week must be a Friday (charts run Friday to Thursday, UTC)");
  }
  if (week_start + kWeekMs > clock_.now_ms()) {
    return Status::invalid("/week", "that week has not ended yet");
  }
  if (!replace) {
    RIFF_ASSIGN_OR_RETURN(
        db::Rows have,
        db_.query("SELECT 1 FROM music_chart_weeks WHERE week_start = $1", {week_start}));
    if (!have.empty()) return Status::ok();
  }
  RIFF_ASSIGN_OR_RETURN(std::vector<ChartTally> tallies, tally(week_start));
  if (tallies.size() > static_cast<std::size_t>(options_.chart_size)) {
    tallies.resize(static_cast<std::size_t>(options_.chart_size));
  }
  const std::int64_t previous = week_start - kWeekMs;
  return db_.transact([&](db::Conn& c) -> Status {
    if (replace) {
      RIFF_RETURN_IF_ERROR(
          c.exec("DELETE FROM music_chart_entries WHERE week_start = $1", {week_start}).status());
      RIFF_RETURN_IF_ERROR(
          c.exec("DELETE FROM music_chart_weeks WHERE week_start = $1", {week_start}).status());
    }
    // The claim: whoever inserts the week's row writes its entries; anyone
    // else (another node, a second run) stops here.
    RIFF_ASSIGN_OR_RETURN(
        std::int64_t claimed,
        c.exec("INSERT INTO music_chart_weeks (week_start, entry_count, computed_at)"
               " VALUES ($1, $2, $3) ON CONFLICT (week_start) DO NOTHING",
               {week_start, static_cast<std::int64_t>(tallies.size()), clock_.now_ms()}));
    if (claimed == 0) return Status::ok();

    struct Before {
      std::optional<int> last_position;
      int last_streak = 0;
      int peak = 0;
      int weeks = 0;
      int at_one = 0;
    };
    std::unordered_map<Id, Before> before;
    RIFF_ASSIGN_OR_RETURN(
        db::Rows totals,
        c.query("SELECT track_id, MIN(position), COUNT(*),"
                " SUM(CASE WHEN position = 1 THEN 1 ELSE 0 END)"
                " FROM music_chart_entries WHERE week_start < $1 GROUP BY track_id",
                {week_start}));
    for (const auto& r : totals) {
      auto& b = before[r.i64(0)];
      b.peak = static_cast<int>(r.i64(1));
      b.weeks = static_cast<int>(r.i64(2));
      b.at_one = static_cast<int>(r.i64(3));
    }
    RIFF_ASSIGN_OR_RETURN(
        db::Rows last,
        c.query("SELECT track_id, position, streak FROM music_chart_entries WHERE week_start = $1",
                {previous}));
    for (const auto& r : last) {
      auto& b = before[r.i64(0)];
      b.last_position = static_cast<int>(r.i64(1));
      b.last_streak = static_cast<int>(r.i64(2));
    }

    int position = 0;
    for (const auto& t : tallies) {
      ++position;
      const auto it = before.find(t.track_id);
      const Before b = it == before.end() ? Before{} : it->second;
      const int peak = b.weeks > 0 ? std::min(b.peak, position) : position;
      RIFF_RETURN_IF_ERROR(
          c.exec("INSERT INTO music_chart_entries (" + std::string(kEntryColumns) +
                     ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                 {week_start, position, t.track_id, t.points_x3, t.premium_plays + t.free_plays,
                  t.videos, b.last_position, peak, b.weeks + 1, b.at_one + (position == 1 ? 1 : 0),
                  b.last_position ? b.last_streak + 1 : 1})
              .status());
    }
    stored = true;
    return Status::ok();
  });
}

Result<bool> Charts::compute_week(std::int64_t week_start) {
  bool stored = false;
  RIFF_RETURN_IF_ERROR(store_week(week_start, false, stored));
  return stored;
}

Result<int> Charts::recompute(std::int64_t week_start) {
  bool stored = false;
  RIFF_RETURN_IF_ERROR(store_week(week_start, true, stored));
  int written = stored ? 1 : 0;
  RIFF_ASSIGN_OR_RETURN(
      db::Rows later,
      db_.query(
          "SELECT week_start FROM music_chart_weeks WHERE week_start > $1 ORDER BY week_start",
          {week_start}));
  for (const auto& r : later) {
    RIFF_RETURN_IF_ERROR(store_week(r.i64(0), true, stored));
    written += stored ? 1 : 0;
  }
  return written;
}

Result<int> Charts::compute_due() {
  const std::int64_t last_complete = chart_week_start(clock_.now_ms()) - kWeekMs;
  RIFF_ASSIGN_OR_RETURN(std::optional<std::int64_t> latest, latest_week());
  std::int64_t from = 0;
  if (latest) {
    from = *latest + kWeekMs;
  } else {
    RIFF_ASSIGN_OR_RETURN(db::Rows first, db_.query("SELECT MIN(played_at) FROM music_plays"));
    RIFF_ASSIGN_OR_RETURN(
        db::Rows first_video,
        db_.query("SELECT MIN(v.created_at) FROM videos v JOIN sounds s ON s.id = v.sound_id"
                  " WHERE s.catalog_track_id IS NOT NULL"));
    std::optional<std::int64_t> t = first[0].opt_i64(0);
    if (auto v = first_video[0].opt_i64(0); v && (!t || *v < *t)) t = v;
    if (!t) return 0;
    from = chart_week_start(*t);
  }
  int written = 0;
  for (std::int64_t w = from; w <= last_complete; w += kWeekMs) {
    RIFF_ASSIGN_OR_RETURN(bool stored, compute_week(w));
    written += stored ? 1 : 0;
  }
  return written;
}

Result<std::optional<std::int64_t>> Charts::latest_week() {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows, db_.query("SELECT MAX(week_start) FROM music_chart_weeks"));
  return rows[0].opt_i64(0);
}

Result<std::vector<ChartEntry>> Charts::week(std::int64_t week_start) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows have,
      db_.query("SELECT 1 FROM music_chart_weeks WHERE week_start = $1", {week_start}));
  if (have.empty()) return Status::not_found("No chart for that week.");
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT " + std::string(kEntryColumns) +
                                      " FROM music_chart_entries WHERE week_start = $1"
                                      " ORDER BY position",
                                  {week_start}));
  std::vector<ChartEntry> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(entry_from(r));
  return out;
}

Result<ChartWeekPage> Charts::weeks(int limit, const std::optional<std::string>& cursor) {
  std::int64_t before = INT64_MAX;
  if (cursor) {
    auto day = parse_day(*cursor);
    if (!day) return Status::invalid("/cursor", "cursor is not valid");
    before = *day;
  }
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows, db_.query("SELECT week_start, entry_count, computed_at FROM music_chart_weeks"
                               " WHERE week_start < $1 ORDER BY week_start DESC LIMIT $2",
                               {before, limit + 1}));
  ChartWeekPage page;
  for (const auto& r : rows) {
    if (page.weeks.size() == static_cast<std::size_t>(limit)) {
      page.next_cursor = format_day(page.weeks.back().week_start);
      break;
    }
    page.weeks.push_back({r.i64(0), static_cast<int>(r.i64(1)), r.i64(2)});
  }
  return page;
}

Result<std::vector<ChartEntry>> Charts::history(Id track_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows, db_.query("SELECT " + std::string(kEntryColumns) +
                                                     " FROM music_chart_entries WHERE track_id = $1"
                                                     " ORDER BY week_start DESC",
                                                 {track_id}));
  std::vector<ChartEntry> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(entry_from(r));
  return out;
}

Result<ChartRecords> Charts::records(int limit) {
  auto holders = [&](std::string_view aggregate,
                     std::string_view where) -> Result<std::vector<RecordHolder>> {
    RIFF_ASSIGN_OR_RETURN(
        db::Rows rows,
        db_.query("SELECT track_id, " + std::string(aggregate) + " AS n FROM music_chart_entries " +
                      std::string(where) + " GROUP BY track_id ORDER BY n DESC, track_id LIMIT $1",
                  {limit}));
    std::vector<RecordHolder> out;
    for (const auto& r : rows) out.push_back({r.i64(0), static_cast<int>(r.i64(1))});
    return out;
  };
  ChartRecords out;
  RIFF_ASSIGN_OR_RETURN(out.most_weeks_at_number_one, holders("COUNT(*)", "WHERE position = 1"));
  RIFF_ASSIGN_OR_RETURN(out.most_weeks_on_chart, holders("COUNT(*)", ""));
  RIFF_ASSIGN_OR_RETURN(out.longest_streak, holders("MAX(streak)", ""));
  return out;
}

Result<std::vector<ViralEntry>> Charts::viral(std::int64_t day_start, int limit) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query("SELECT s.catalog_track_id, COUNT(DISTINCT v.author_id), SUM(v.view_count)"
                " FROM videos v JOIN sounds s ON s.id = v.sound_id"
                " JOIN music_tracks t ON t.id = s.catalog_track_id"
                " WHERE v.status = 1 AND v.visibility = 0"
                " AND v.created_at >= $1 AND v.created_at < $2 GROUP BY s.catalog_track_id",
                {day_start, day_start + kDayMs}));
  std::vector<ViralEntry> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    ViralEntry e;
    e.track_id = r.i64(0);
    e.videos = r.i64(1);
    e.views = r.is_null(2) ? 0 : r.i64(2);
    e.score = static_cast<double>(e.videos) + static_cast<double>(e.views) / 100.0;
    out.push_back(e);
  }
  std::sort(out.begin(), out.end(), [](const ViralEntry& a, const ViralEntry& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.videos != b.videos) return a.videos > b.videos;
    return a.track_id < b.track_id;
  });
  if (out.size() > static_cast<std::size_t>(limit)) out.resize(static_cast<std::size_t>(limit));
  for (std::size_t i = 0; i < out.size(); ++i) out[i].position = static_cast<int>(i + 1);
  return out;
}

}  // namespace riff::music
