#include "riff/video/recs_catalog.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "riff/video/access.hpp"

namespace riff::video {
namespace {

// IN lists are sent in chunks of this many parameters.
constexpr std::size_t kChunk = 500;

/// "$first,$first+1,..." for n parameters.
std::string placeholders(std::size_t first, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out += ',';
    out += '$' + std::to_string(first + i);
  }
  return out;
}

/// Runs `sql_of(in_list)` over `values` in chunks, with `lead` parameters first.
template <class T, class Fn>
Status for_chunks(std::span<const T> values, std::vector<db::Param> lead, Fn&& fn) {
  for (std::size_t start = 0; start < values.size(); start += kChunk) {
    const std::size_t n = std::min(kChunk, values.size() - start);
    std::vector<db::Param> params = lead;
    for (const T& v : values.subspan(start, n)) params.emplace_back(v);
    RIFF_RETURN_IF_ERROR(fn(placeholders(lead.size() + 1, n), params));
  }
  return Status::ok();
}

/// Fills each topic's hashtags from video_hashtags.
Status add_hashtags(db::Conn& c, std::vector<recs::VideoTopics>& topics) {
  std::unordered_map<Id, recs::VideoTopics*> by_id;
  std::vector<Id> ids;
  for (auto& t : topics) {
    by_id[t.id] = &t;
    ids.push_back(t.id);
  }
  return for_chunks<Id>(
      ids, {}, [&](const std::string& in, const std::vector<db::Param>& p) -> Status {
        RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                              c.query("SELECT vh.video_id, h.tag FROM video_hashtags vh JOIN "
                                      "hashtags h ON h.id = vh.hashtag_id"
                                      " WHERE vh.video_id IN (" +
                                          in + ")",
                                      p));
        for (const auto& r : rows) by_id.at(r.i64(0))->hashtags.push_back(r.str(1));
        return Status::ok();
      });
}

recs::VideoTopics topics_of(const db::Row& r) {
  recs::VideoTopics t;
  t.id = r.i64(0);
  t.created_at = r.i64(1);
  t.sound_id = r.opt_i64(2);
  return t;
}

}  // namespace

Result<std::vector<recs::VideoFacts>> RecsCatalog::visible(db::Conn& c, std::optional<Id> viewer,
                                                           std::span<const Id> ids) {
  const RestrictionMark applied = memo_ ? memo_->restrictions_applied() : RestrictionMark{};
  if (applied.n < 0) return visible_in_db(c, viewer, ids);
  RIFF_ASSIGN_OR_RETURN(const RestrictionMark latest, latest_restriction(c));
  RIFF_ASSIGN_OR_RETURN(std::optional<Restricted> restricted,
                        restricted_between(c, applied, latest));
  if (!restricted) return visible_in_db(c, viewer, ids);

  // A video the memo holds as public, and that no restriction the memo has
  // not applied names (nor its author), is public in this snapshot: it is
  // visible to everyone but the people its author blocked or who blocked
  // its author, read now. The rest (followers-only, a private account's,
  // restricted since) take the rule in SQL.
  std::vector<recs::VideoFacts> out, held;
  std::vector<Id> ask;
  for (Id id : ids) {
    auto v = restricted->videos.count(id) ? std::nullopt : memo_->public_video(id);
    if (!v || restricted->users.count(v->author)) {
      ask.push_back(id);
      continue;
    }
    held.push_back({id, v->author, v->duration_ms});
  }
  std::unordered_set<Id> blocked;
  if (viewer && !held.empty()) {
    RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                          c.query("SELECT blocked_id FROM blocks WHERE blocker_id = $1"
                                  " UNION SELECT blocker_id FROM blocks WHERE blocked_id = $1",
                                  {*viewer}));
    for (const auto& r : rows) blocked.insert(r.i64(0));
  }
  for (const auto& v : held) {
    if (!blocked.count(v.author_id) || (viewer && v.author_id == *viewer)) out.push_back(v);
  }
  if (!ask.empty()) {
    RIFF_ASSIGN_OR_RETURN(auto rest, visible_in_db(c, viewer, ask));
    out.insert(out.end(), rest.begin(), rest.end());
  }
  return out;
}

Result<RestrictionMark> RecsCatalog::latest_restriction(db::Conn& c) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query("SELECT n, token FROM visibility_restrictions ORDER BY n DESC LIMIT 1"));
  if (rows.empty()) return RestrictionMark{0, 0};
  return RestrictionMark{rows[0].i64(0), rows[0].i64(1)};
}

Result<std::optional<RecsCatalog::Restricted>> RecsCatalog::restricted_between(
    db::Conn& c, RestrictionMark after, RestrictionMark upto) {
  using Answer = std::optional<Restricted>;
  Restricted out{upto, {}, {}};
  if (after.n < 0 || upto.n < after.n) return Answer{};
  if (upto.n == after.n) return upto.token == after.token ? Answer{std::move(out)} : Answer{};
  // Every restriction up to `upto` committed before it, so all are there,
  // one row a number, unless the log was trimmed; `after`'s own row, token
  // and all, says it is still the log that mark came from.
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        c.query("SELECT n, video_id, user_id, token FROM visibility_restrictions"
                                " WHERE n >= $1 AND n <= $2 ORDER BY n",
                                {after.n, upto.n}));
  const std::int64_t own = after.n > 0 ? 1 : 0;
  if (static_cast<std::int64_t>(rows.size()) != upto.n - after.n + own) return Answer{};
  if (own && rows[0].i64(3) != after.token) return Answer{};
  for (std::size_t i = static_cast<std::size_t>(own); i < rows.size(); ++i) {
    if (rows[i].i64(1) != 0) out.videos.insert(rows[i].i64(1));
    if (rows[i].i64(2) != 0) out.users.insert(rows[i].i64(2));
  }
  return Answer{std::move(out)};
}

Result<std::vector<recs::VideoFacts>> RecsCatalog::visible_in_db(db::Conn& c,
                                                                 std::optional<Id> viewer,
                                                                 std::span<const Id> ids) {
  std::vector<recs::VideoFacts> out;
  RIFF_RETURN_IF_ERROR(for_chunks<Id>(
      ids, {viewer.value_or(0)},
      [&](const std::string& in, const std::vector<db::Param>& p) -> Status {
        RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                              c.query("SELECT v.id, v.author_id, v.duration_ms FROM videos v"
                                      " WHERE v.id IN (" +
                                          in + ") AND v.status = 1 AND " + visible_sql("v", 1),
                                      p));
        for (const auto& r : rows) out.push_back({r.i64(0), r.i64(1), r.i64(2)});
        return Status::ok();
      }));
  return out;
}

Result<std::vector<recs::VideoTopics>> RecsCatalog::public_topics(db::Conn& c,
                                                                  std::span<const Id> ids) {
  std::vector<recs::VideoTopics> out;
  RIFF_RETURN_IF_ERROR(for_chunks<Id>(
      ids, {Id{0}}, [&](const std::string& in, const std::vector<db::Param>& p) -> Status {
        RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                              c.query("SELECT v.id, v.created_at, v.sound_id FROM videos v"
                                      " WHERE v.id IN (" +
                                          in + ") AND v.status = 1 AND " + visible_sql("v", 1),
                                      p));
        for (const auto& r : rows) out.push_back(topics_of(r));
        return Status::ok();
      }));
  RIFF_RETURN_IF_ERROR(add_hashtags(c, out));
  return out;
}

Result<std::vector<recs::VideoTopics>> RecsCatalog::public_videos_since(db::Conn& c,
                                                                        std::int64_t since_ms,
                                                                        int limit) {
  // Ids are time-ordered, so the recent-videos index (status, id) bounds the scan.
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query(
          "SELECT v.id, v.created_at, v.sound_id FROM videos v WHERE v.status = 1 AND v.id >= $2"
          " AND " +
              visible_sql("v", 1) + " ORDER BY v.id DESC LIMIT $3",
          {Id{0}, IdGenerator::min_id_at(since_ms), limit}));
  std::vector<recs::VideoTopics> out;
  out.reserve(rows.size());
  std::unordered_map<Id, std::size_t> index;
  for (const auto& r : rows) {
    index[r.i64(0)] = out.size();
    out.push_back(topics_of(r));
  }
  if (out.empty()) return out;
  // One pass over the tags of the same id range, instead of a huge IN list.
  RIFF_ASSIGN_OR_RETURN(
      db::Rows tags,
      c.query(
          "SELECT vh.video_id, h.tag FROM video_hashtags vh JOIN hashtags h ON h.id = vh.hashtag_id"
          " WHERE vh.video_id >= $1",
          {out.back().id}));
  for (const auto& r : tags) {
    auto it = index.find(r.i64(0));
    if (it != index.end()) out[it->second].hashtags.push_back(r.str(1));
  }
  return out;
}

Result<std::vector<std::string>> RecsCatalog::public_hashtags(db::Conn& c,
                                                              std::span<const std::string> tags) {
  std::vector<std::string> found;
  RIFF_RETURN_IF_ERROR(for_chunks<std::string>(
      tags, {Id{0}}, [&](const std::string& in, const std::vector<db::Param>& p) -> Status {
        RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                              c.query("SELECT h.tag FROM hashtags h WHERE h.tag IN (" + in +
                                          ") AND EXISTS (SELECT 1 FROM video_hashtags vh JOIN "
                                          "videos v ON v.id = vh.video_id"
                                          " WHERE vh.hashtag_id = h.id AND v.status = 1 AND " +
                                          visible_sql("v", 1) + ")",
                                      p));
        for (const auto& r : rows) found.push_back(r.str(0));
        return Status::ok();
      }));
  std::vector<std::string> out;
  for (const auto& t : tags) {
    if (std::find(found.begin(), found.end(), t) != found.end()) out.push_back(t);
  }
  return out;
}

Result<std::vector<recs::SoundFacts>> RecsCatalog::public_sounds(db::Conn& c,
                                                                 std::span<const Id> ids) {
  // The rule of SoundService::load for an anonymous viewer: hidden when its
  // source video is hidden, or was deleted while not public.
  std::unordered_map<Id, recs::SoundFacts> found;
  RIFF_RETURN_IF_ERROR(for_chunks<Id>(
      ids, {Id{0}}, [&](const std::string& in, const std::vector<db::Param>& p) -> Status {
        RIFF_ASSIGN_OR_RETURN(
            db::Rows rows,
            c.query(
                "SELECT s.id, s.title, u.handle FROM sounds s LEFT JOIN users u ON u.id = "
                "s.creator_id"
                " WHERE s.id IN (" +
                    in +
                    ") AND NOT EXISTS (SELECT 1 FROM videos sv"
                    " WHERE sv.id = s.source_video_id AND ((sv.status = 3 AND sv.visibility <> 0)"
                    " OR (sv.status <> 3 AND NOT " +
                    visible_sql("sv", 1) + ")))",
                p));
        for (const auto& r : rows) found[r.i64(0)] = {r.i64(0), r.str(1), r.opt_str(2)};
        return Status::ok();
      }));
  std::vector<recs::SoundFacts> out;
  for (Id id : ids) {
    if (auto it = found.find(id); it != found.end()) out.push_back(it->second);
  }
  return out;
}

}  // namespace riff::video
