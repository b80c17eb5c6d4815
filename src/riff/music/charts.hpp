#pragma once
// Weekly song charts and the daily viral chart.
//
// - A chart week runs from Friday 00:00:00.000 to Thursday 23:59:59.999 UTC.
// - Points: a premium play weighs 1, a free play 2/3, and a public video
//   made with the song as its sound `video_weight` (kept in thirds, so
//   points are exact and ties are real ties).
// - Against manipulation, at most `daily_play_cap` plays per listener per
//   track per UTC day count (premium ones first), and at most one video per
//   creator per track per UTC day.
// - Ties: more points, then more counted plays, then the lower track id.
// - A week is computed once it has ended, in one transaction that first
//   claims the week's row in music_chart_weeks: a second node (or a second
//   run) finds the row and does nothing, so the step is safe anywhere.
//   History fields (last week, peak, weeks on chart, weeks at No. 1,
//   streak) come from the weeks stored before it, so weeks are computed in
//   order; recompute() redoes a week and every later stored week.
// - The running week is not previewed: a chart is published only whole.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"

namespace riff::music {

inline constexpr std::int64_t kDayMs = 86'400'000;
inline constexpr std::int64_t kWeekMs = 7 * kDayMs;

/// The start (Friday 00:00 UTC, in ms) of the chart week holding `t_ms`.
std::int64_t chart_week_start(std::int64_t t_ms);
/// "YYYY-MM-DD" -> the UTC midnight of that day in ms; nullopt when malformed.
std::optional<std::int64_t> parse_day(std::string_view text);
/// UTC midnight in ms -> "YYYY-MM-DD".
std::string format_day(std::int64_t day_ms);

struct ChartOptions {
  int video_weight = 5;    // points per video made with the song
  int daily_play_cap = 3;  // counted plays per listener per track per UTC day
  int chart_size = 100;    // entries kept per week
};

/// A track's counted activity in one week, before ranking.
struct ChartTally {
  Id track_id = 0;
  std::int64_t premium_plays = 0;  // after the daily cap
  std::int64_t free_plays = 0;     // after the daily cap
  std::int64_t videos = 0;         // at most one per creator per day
  std::int64_t points_x3 = 0;      // points times three
};

/// Points times three, so a free play (2/3) stays an integer.
std::int64_t points_x3(std::int64_t premium, std::int64_t free, std::int64_t videos,
                       int video_weight);
/// Sorts by the chart order: points, then counted plays, then track id.
void rank_tallies(std::vector<ChartTally>& tallies);

struct ChartEntry {
  std::int64_t week_start = 0;
  int position = 0;
  Id track_id = 0;
  std::int64_t points_x3 = 0;
  std::int64_t plays = 0;
  std::int64_t videos = 0;
  std::optional<int> last_week;  // empty: not on last week's chart
  int peak = 0;
  int weeks_on_chart = 0;
  int weeks_at_number_one = 0;
  int streak = 0;  // consecutive weeks on the chart, this one included

  double points() const { return static_cast<double>(points_x3) / 3.0; }
};

struct ChartWeek {
  std::int64_t week_start = 0;
  int entry_count = 0;
  std::int64_t computed_at = 0;
};

struct ChartWeekPage {
  std::vector<ChartWeek> weeks;  // newest first
  std::optional<std::string> next_cursor;
};

struct RecordHolder {
  Id track_id = 0;
  int weeks = 0;
};

struct ChartRecords {
  std::vector<RecordHolder> most_weeks_at_number_one;
  std::vector<RecordHolder> most_weeks_on_chart;
  std::vector<RecordHolder> longest_streak;
};

struct ViralEntry {
  int position = 0;
  Id track_id = 0;
  std::int64_t videos = 0;  // made that day with the song, at most one per creator
  std::int64_t views = 0;   // those videos' views so far
  double score = 0;         // videos + views / 100
};

class Charts {
 public:
  Charts(db::Database& db, const Clock& clock, ChartOptions options);

  /// The counted plays and videos of the week starting at `week_start`, ranked.
  Result<std::vector<ChartTally>> tally(std::int64_t week_start);

  /// Computes and stores the week starting at `week_start` unless it is
  /// stored already. Returns whether this call stored it. kInvalid when the
  /// week has not ended or `week_start` is not a Friday 00:00 UTC.
  Result<bool> compute_week(std::int64_t week_start);

  /// Replaces the week and then every later stored week (their history
  /// depends on it). Returns the number of weeks written.
  Result<int> recompute(std::int64_t week_start);

  /// Stores every ended week not stored yet, oldest first: from the week
  /// after the newest stored one (or the week of the first play) up to the
  /// last complete week. What the server runs on a timer.
  Result<int> compute_due();

  /// The newest stored week, if any.
  Result<std::optional<std::int64_t>> latest_week();
  /// A stored week's entries by position; kNotFound when not computed.
  Result<std::vector<ChartEntry>> week(std::int64_t week_start);
  /// Stored weeks, newest first; `cursor` is from a previous page.
  Result<ChartWeekPage> weeks(int limit, const std::optional<std::string>& cursor);
  /// Every week `track_id` was on the chart, newest first.
  Result<std::vector<ChartEntry>> history(Id track_id);
  /// The top `limit` holders of each record.
  Result<ChartRecords> records(int limit);
  /// The viral chart of the UTC day starting at `day_start`, best first.
  Result<std::vector<ViralEntry>> viral(std::int64_t day_start, int limit);

  /// The clock charts are computed by (today's viral chart, ended weeks).
  std::int64_t now_ms() const { return clock_.now_ms(); }

 private:
  Status store_week(std::int64_t week_start, bool replace, bool& stored);

  db::Database& db_;
  const Clock& clock_;
  ChartOptions options_;
};

}  // namespace riff::music
