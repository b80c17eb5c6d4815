#include "riff/accounts/render.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "riff/core/clock.hpp"

namespace riff::accounts {

namespace json = boost::json;

json::value avatar_url(const std::optional<std::string>& avatar_path) {
  if (!avatar_path) return nullptr;
  return json::value("/media/" + *avatar_path);
}

json::object user_me_json(const User& u) {
  return {
      {"id", id_to_string(u.id)},
      {"handle", u.handle},
      {"email", u.email},
      {"display_name", u.display_name},
      {"bio", u.bio},
      {"avatar_url", avatar_url(u.avatar_path)},
      {"role", role_name(u.role)},
      {"is_private", u.is_private},
      {"country", u.country.empty() ? json::value(nullptr) : json::value(u.country)},
      {"follower_count", u.follower_count},
      {"following_count", u.following_count},
      {"created_at", to_rfc3339(u.created_at)},
  };
}

json::object profile_json(const Profile& p) {
  const User& u = p.user;
  json::object o{
      {"id", id_to_string(u.id)},
      {"handle", u.handle},
      {"display_name", u.display_name},
      {"bio", u.bio},
      {"avatar_url", avatar_url(u.avatar_path)},
      {"role", role_name(u.role)},
      {"is_private", u.is_private},
      {"follower_count", u.follower_count},
      {"following_count", u.following_count},
      {"created_at", to_rfc3339(u.created_at)},
  };
  if (p.viewer) {
    o["viewer"] = {
        {"is_self", p.viewer->is_self},     {"following", p.viewer->following},
        {"requested", p.viewer->requested}, {"followed_by", p.viewer->followed_by},
        {"blocking", p.viewer->blocking},
    };
  }
  return o;
}

json::object user_summary_json(const UserSummary& s) {
  return {
      {"id", id_to_string(s.id)},       {"handle", s.handle},
      {"display_name", s.display_name}, {"avatar_url", avatar_url(s.avatar_path)},
      {"is_private", s.is_private},
  };
}

json::object notification_json(const Notification& n) {
  json::object o{
      {"id", id_to_string(n.id)},
      {"kind", n.kind},
      {"actor", n.actor ? json::value(user_summary_json(*n.actor)) : json::value(nullptr)},
      {"created_at", to_rfc3339(n.created_at)},
      {"read", n.read_at.has_value()},
  };
  if (n.subject_id) o["subject_id"] = id_to_string(*n.subject_id);
  if (n.data) {
    boost::system::error_code ec;
    json::value data = json::parse(*n.data, ec);
    if (!ec && data.is_object()) o["data"] = std::move(data);
  }
  return o;
}

json::object page_json(json::array items, const std::optional<std::string>& next) {
  json::object o;
  o["items"] = std::move(items);
  o["next_cursor"] = next ? json::value(*next) : json::value(nullptr);
  return o;
}

}  // namespace riff::accounts
