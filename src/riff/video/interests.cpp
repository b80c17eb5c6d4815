#include "riff/video/interests.hpp"

#include <algorithm>
#include <cctype>

namespace riff::video {

static std::vector<std::string> names_of(const db::Rows& rows) {
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(r.str(0));
  return out;
}

Result<std::vector<std::string>> InterestService::get(Id user) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows, db_.read([&](db::Conn& c) {
    return c.query(
        "SELECT h.tag FROM viewer_interests i JOIN hashtags h ON h.id = i.hashtag_id"
        " WHERE i.user_id = $1 ORDER BY i.position",
        {user});
  }));
  return names_of(rows);
}

Result<std::vector<std::string>> InterestService::set(Id user,
                                                      const std::vector<std::string>& hashtags) {
  if (hashtags.size() > kMaxInterests) {
    return Status::invalid("/hashtags", "at most " + std::to_string(kMaxInterests) + " interests");
  }
  std::vector<std::string> wanted;
  std::vector<std::size_t> given_at;  // each wanted tag's index in the request
  for (std::size_t i = 0; i < hashtags.size(); ++i) {
    std::string tag = hashtags[i];
    if (!tag.empty() && tag[0] == '#') tag.erase(0, 1);
    std::transform(tag.begin(), tag.end(), tag.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (tag.empty() || tag.size() > 100) {
      return Status::invalid("/hashtags/" + std::to_string(i), "a hashtag name, like \"cats\"");
    }
    if (std::find(wanted.begin(), wanted.end(), tag) == wanted.end()) {
      wanted.push_back(std::move(tag));
      given_at.push_back(i);
    }
  }
  std::vector<std::string> out;
  RIFF_RETURN_IF_ERROR(db_.transact([&](db::Conn& c) -> Status {
    std::vector<Id> ids;
    for (std::size_t i = 0; i < wanted.size(); ++i) {
      RIFF_ASSIGN_OR_RETURN(db::Rows r,
                            c.query("SELECT id FROM hashtags WHERE tag = $1", {wanted[i]}));
      if (r.empty()) {
        return Status::invalid("/hashtags/" + std::to_string(given_at[i]),
                               "no videos use #" + wanted[i] + " yet");
      }
      ids.push_back(r[0].i64(0));
    }
    RIFF_RETURN_IF_ERROR(
        c.exec("DELETE FROM viewer_interests WHERE user_id = $1", {user}).status());
    for (std::size_t i = 0; i < ids.size(); ++i) {
      RIFF_RETURN_IF_ERROR(
          c.exec("INSERT INTO viewer_interests (user_id, hashtag_id, position) VALUES ($1, $2, $3)",
                 {user, ids[i], static_cast<std::int64_t>(i)})
              .status());
    }
    out = wanted;
    return Status::ok();
  }));
  return out;
}

Result<std::vector<Id>> InterestService::ids(db::Conn& c, Id user) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query("SELECT hashtag_id FROM viewer_interests WHERE user_id = $1 ORDER BY position",
              {user}));
  std::vector<Id> out;
  for (const auto& r : rows) out.push_back(r.i64(0));
  return out;
}

}  // namespace riff::video
