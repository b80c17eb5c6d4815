#pragma once
// JSON forms of the accounts objects, as the API contract spells them
// (UserMe, Profile, UserSummary, Notification). Shared by routes.cpp and the
// live notification push, so both speak the same shapes.

#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "riff/accounts/model.hpp"

namespace riff::accounts {

/// "/media/<path>" for a stored avatar path, else null.
boost::json::value avatar_url(const std::optional<std::string>& avatar_path);

boost::json::object user_me_json(const User& u);
boost::json::object profile_json(const Profile& p);
boost::json::object user_summary_json(const UserSummary& s);
boost::json::object notification_json(const Notification& n);

/// {items: [...], next_cursor: string|null} from already rendered items.
boost::json::object page_json(boost::json::array items, const std::optional<std::string>& next);

}  // namespace riff::accounts
