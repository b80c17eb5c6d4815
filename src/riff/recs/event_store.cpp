#include "riff/recs/event_store.hpp"

#include <algorithm>

namespace riff::recs {
namespace {

// Rows per INSERT statement: 7 parameters each, far below both engines' limits,
// and only two distinct statement texts per batch size for the statement cache.
constexpr std::size_t kRowsPerInsert = 100;

std::string insert_sql(std::size_t rows) {
  std::string sql =
      "INSERT INTO events (id, viewer, video, kind, watch_ms, duration_ms, at_ms) VALUES ";
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t p = r * 7;
    if (r > 0) sql += ',';
    sql += "($" + std::to_string(p + 1);
    for (std::size_t k = 2; k <= 7; ++k) sql += ",$" + std::to_string(p + k);
    sql += ')';
  }
  return sql;
}

const std::string& full_insert_sql() {
  static const std::string sql = insert_sql(kRowsPerInsert);
  return sql;
}

}  // namespace

EventStore::EventStore(db::Database& db, IdGenerator& ids) : db_(db), ids_(ids) {}

Status EventStore::append(db::Conn& c, std::span<const Event> events) {
  std::vector<db::Param> params;
  params.reserve(std::min(events.size(), kRowsPerInsert) * 7);
  for (std::size_t start = 0; start < events.size(); start += kRowsPerInsert) {
    const std::size_t n = std::min(kRowsPerInsert, events.size() - start);
    params.clear();
    for (const Event& e : events.subspan(start, n)) {
      params.emplace_back(ids_.next());
      params.emplace_back(e.viewer);
      params.emplace_back(e.video);
      params.emplace_back(static_cast<int>(e.kind));
      params.emplace_back(e.watch_ms);
      params.emplace_back(e.duration_ms);
      params.emplace_back(e.at_ms);
    }
    const std::string partial = n == kRowsPerInsert ? std::string() : insert_sql(n);
    RIFF_RETURN_IF_ERROR(
        c.exec(n == kRowsPerInsert ? full_insert_sql() : partial, params).status());
  }
  return Status::ok();
}

Status EventStore::append(std::span<const Event> events) {
  if (events.empty()) return Status::ok();
  return db_.transact([&](db::Conn& c) { return append(c, events); });
}

Result<std::int64_t> EventStore::scan(std::int64_t from_ms, int batch,
                                      const std::function<bool(std::span<const Event>)>& fn,
                                      std::int64_t until_ms) {
  batch = std::clamp(batch, 1, 100'000);
  std::int64_t after_at = from_ms, after_id = std::numeric_limits<std::int64_t>::min();
  std::int64_t delivered = 0;
  std::vector<Event> page;
  for (;;) {
    RIFF_ASSIGN_OR_RETURN(
        db::Rows rows,
        db_.query("SELECT id, viewer, video, kind, watch_ms, duration_ms, at_ms FROM events"
                  " WHERE at_ms >= $1 AND (at_ms > $1 OR id > $2) AND at_ms < $3"
                  " ORDER BY at_ms, id LIMIT $4",
                  {after_at, after_id, until_ms, batch}));
    if (rows.empty()) return delivered;
    page.clear();
    for (const auto& r : rows) {
      page.push_back(Event{r.i64(1), r.i64(2), static_cast<EventKind>(r.i64(3)),
                           static_cast<std::int32_t>(r.i64(4)), static_cast<std::int32_t>(r.i64(5)),
                           r.i64(6)});
    }
    after_at = rows.rows.back().i64(6);
    after_id = rows.rows.back().i64(0);
    delivered += static_cast<std::int64_t>(page.size());
    if (!fn(page)) return delivered;
    if (static_cast<int>(rows.size()) < batch) return delivered;
  }
}

Result<Id> EventStore::tail(Id after_id, Id before_id, int batch,
                            const std::function<bool(std::span<const Event>)>& fn) {
  batch = std::clamp(batch, 1, 100'000);
  std::vector<Event> page;
  for (;;) {
    RIFF_ASSIGN_OR_RETURN(
        db::Rows rows,
        db_.query("SELECT id, viewer, video, kind, watch_ms, duration_ms, at_ms FROM events"
                  " WHERE id > $1 AND id < $2 ORDER BY id LIMIT $3",
                  {after_id, before_id, batch}));
    if (rows.empty()) return after_id;
    page.clear();
    for (const auto& r : rows) {
      page.push_back(Event{r.i64(1), r.i64(2), static_cast<EventKind>(r.i64(3)),
                           static_cast<std::int32_t>(r.i64(4)), static_cast<std::int32_t>(r.i64(5)),
                           r.i64(6)});
    }
    after_id = rows.rows.back().i64(0);
    if (!fn(page)) return after_id;
    if (static_cast<int>(rows.size()) < batch) return after_id;
  }
}

Result<std::vector<Id>> EventStore::not_interested(Id viewer, int limit) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT video FROM events WHERE viewer = $1 AND kind = $2"
                                  " ORDER BY at_ms DESC LIMIT $3",
                                  {viewer, static_cast<int>(EventKind::kNotInterested), limit}));
  std::vector<Id> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    if (std::find(out.begin(), out.end(), r.i64(0)) == out.end()) out.push_back(r.i64(0));
  }
  return out;
}

Result<std::int64_t> EventStore::forget_viewer(Id viewer) {
  return db_.transact_result([&](db::Conn& c) -> Result<std::int64_t> {
    RIFF_ASSIGN_OR_RETURN(std::int64_t n, c.exec("DELETE FROM events WHERE viewer = $1", {viewer}));
    RIFF_RETURN_IF_ERROR(c.exec("DELETE FROM event_batches WHERE viewer = $1", {viewer}).status());
    return n;
  });
}

Result<std::optional<std::string>> EventStore::find_batch(db::Conn& c, Id viewer,
                                                          std::string_view batch_id) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query("SELECT response FROM event_batches WHERE viewer = $1 AND batch_id = $2",
              {viewer, batch_id}));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows[0].str(0));
}

Result<bool> EventStore::claim_batch(db::Conn& c, Id viewer, std::string_view batch_id,
                                     std::string_view answer, std::int64_t now_ms) {
  RIFF_ASSIGN_OR_RETURN(std::int64_t n,
                        c.exec("INSERT INTO event_batches (viewer, batch_id, response, created_at)"
                               " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                               {viewer, batch_id, answer, now_ms}));
  return n == 1;
}

Result<std::int64_t> EventStore::expire_batches(std::int64_t before_ms) {
  return db_.exec("DELETE FROM event_batches WHERE created_at < $1", {before_ms});
}

}  // namespace riff::recs
