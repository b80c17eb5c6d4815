#include "riff/music/availability.hpp"

#include <algorithm>

#include "riff/core/countries.hpp"

namespace riff::music {
namespace {

constexpr std::string_view kWorldwide = "WW";

std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

void sort_unique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

bool has_token(std::string_view list, std::string_view token) {
  for (auto part : split_commas(list)) {
    if (part == token) return true;
  }
  return false;
}

}  // namespace

Result<std::string> canonical_territories(std::string_view text) {
  if (text.size() > 2000) return Status::invalid("/territories", "at most 2000 characters");
  bool worldwide = false;
  std::vector<std::string> included, excluded;
  // Labels write lists with spaces too ("WORLD -CN"): any run of spaces separates.
  std::string spaced(text);
  std::replace(spaced.begin(), spaced.end(), ' ', ',');
  for (auto part : split_commas(spaced)) {
    const bool exclude = part.front() == '-';
    if (exclude) part.remove_prefix(1);
    std::string up(part);
    std::transform(up.begin(), up.end(), up.begin(), [](char c) { return std::toupper(c); });
    if (!exclude && (up == kWorldwide || up == "WORLD")) {
      worldwide = true;
      continue;
    }
    auto code = normalize_country(up);
    if (!code) {
      return Status::invalid("/territories", "\"" + std::string(part) +
                                                 "\" is not an ISO 3166-1 alpha-2 country code"
                                                 " (or WW for worldwide, -XX to exclude one)");
    }
    (exclude ? excluded : included).push_back(*code);
  }
  sort_unique(included);
  sort_unique(excluded);
  // An exclusion only means something against a wider grant.
  if (!included.empty() && !worldwide) {
    std::erase_if(included, [&](const std::string& c) {
      return std::binary_search(excluded.begin(), excluded.end(), c);
    });
    if (included.empty()) return Status::invalid("/territories", "no country is left");
    excluded.clear();
  } else {
    included.clear();
    worldwide = true;
  }
  if (worldwide && excluded.empty()) return std::string();
  std::string out = worldwide ? std::string(kWorldwide) : std::string();
  for (const auto& c : included) out += (out.empty() ? "" : ",") + c;
  for (const auto& c : excluded) out += ",-" + c;
  return out;
}

bool track_available_in(std::string_view territories, std::string_view country) {
  if (territories.empty()) return true;
  if (country.empty()) return false;
  if (has_token(territories, "-" + std::string(country))) return false;
  return has_token(territories, kWorldwide) || has_token(territories, country);
}

std::string track_available_sql(std::string_view alias, int param) {
  // Territories are canonical (no spaces), so ',' || list || ',' holds
  // ",XX," for every code XX in it. An empty country matches no code.
  const std::string list = "(',' || " + std::string(alias) + ".territories || ',')";
  const std::string c = "CAST($" + std::to_string(param) + " AS TEXT)";
  return "(" + std::string(alias) + ".territories = '' OR (" + c + " <> '' AND " + list +
         " NOT LIKE ('%,-' || " + c + " || ',%') AND (" + list + " LIKE '%,WW,%' OR " + list +
         " LIKE ('%,' || " + c + " || ',%'))))";
}

Availability::Availability(db::Database& db, RegionOptions options)
    : db_(db), options_(std::move(options)) {
  sort_unique(options_.countries);  // region_in() searches it
}

Region Availability::region_in(const std::string& country) const {
  Region r;
  r.country = country.empty() ? options_.default_country : country;
  r.service = options_.countries.empty() ||
              std::binary_search(options_.countries.begin(), options_.countries.end(), r.country);
  return r;
}

Result<Region> Availability::region_of(Id user_id) {
  if (user_id == 0) return region_in("");
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT country FROM users WHERE id = $1", {user_id}));
  return region_in(rows.empty() ? std::string() : rows[0].str(0));
}

Verdict Availability::service_verdict(const Region& region) {
  return region.service || region.unrestricted ? Verdict::kAvailable : Verdict::kServiceUnavailable;
}

Verdict Availability::track_verdict(const Region& region, std::string_view territories) {
  if (region.unrestricted) return Verdict::kAvailable;
  if (!region.service) return Verdict::kServiceUnavailable;
  return track_available_in(territories, region.country) ? Verdict::kAvailable
                                                         : Verdict::kNotInRegion;
}

}  // namespace riff::music
