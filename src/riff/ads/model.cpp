#include "riff/ads/model.hpp"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "riff/core/countries.hpp"

namespace riff::ads {
namespace {

std::string hmac_hex(std::string_view message, std::string_view key) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&st, mac);
  char hex[sizeof mac * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return hex;
}

std::optional<std::int64_t> number(std::string_view s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace

std::string_view to_string(CampaignStatus s) {
  switch (s) {
    case CampaignStatus::kActive: return "active";
    case CampaignStatus::kPaused: return "paused";
    case CampaignStatus::kEnded: return "ended";
    case CampaignStatus::kExhausted: return "exhausted";
  }
  return "active";
}

std::optional<CampaignStatus> parse_campaign_status(std::string_view s) {
  for (auto st : {CampaignStatus::kActive, CampaignStatus::kPaused, CampaignStatus::kEnded,
                  CampaignStatus::kExhausted}) {
    if (to_string(st) == s) return st;
  }
  return std::nullopt;
}

Result<Campaign> validate_campaign(Campaign c) {
  std::vector<FieldError> errors;
  if (c.name.empty() || c.name.size() > 100) errors.push_back({"/name", "name is 1-100 bytes"});
  if (c.budget < 100 || c.budget > 1'000'000'000'000) {
    errors.push_back({"/budget", "budget is at least 100 minor units"});
  }
  if (c.cpm_bid < 1 || c.cpm_bid > 100'000'000) errors.push_back({"/cpm_bid", "cpm_bid is 1 or more minor units per 1000 impressions"});
  if (c.cpc_bid < 0 || c.cpc_bid > 100'000'000) errors.push_back({"/cpc_bid", "cpc_bid is 0 or more minor units per tap"});
  if (c.ends_at && *c.ends_at <= c.starts_at) errors.push_back({"/ends_at", "ends_at is after starts_at"});
  if (c.countries.size() > 250) errors.push_back({"/countries", "at most 250 countries"});
  std::set<std::string> countries;
  for (std::size_t i = 0; i < c.countries.size(); ++i) {
    auto code = normalize_country(c.countries[i]);
    if (!code) {
      errors.push_back({"/countries/" + std::to_string(i), "an ISO 3166-1 alpha-2 code"});
    } else {
      countries.insert(*code);
    }
  }
  c.countries.assign(countries.begin(), countries.end());
  if (c.hashtags.size() > 50) errors.push_back({"/hashtags", "at most 50 hashtags"});
  std::set<std::string> tags;
  for (std::size_t i = 0; i < c.hashtags.size(); ++i) {
    std::string t = c.hashtags[i];
    if (!t.empty() && t.front() == '#') t.erase(0, 1);
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char ch) { return std::tolower(ch); });
    const bool ok = !t.empty() && t.size() <= 100 &&
                    std::all_of(t.begin(), t.end(), [](unsigned char ch) {
                      return std::isalnum(ch) || ch == '_' || ch >= 0x80;
                    });
    if (!ok) {
      errors.push_back({"/hashtags/" + std::to_string(i), "a hashtag like \"cats\""});
    } else {
      tags.insert(t);
    }
  }
  c.hashtags.assign(tags.begin(), tags.end());
  if (!errors.empty()) return Status::invalid(std::move(errors));
  return c;
}

std::string sign_token(const AdToken& t, std::string_view key) {
  const std::string body = std::to_string(t.campaign_id) + "." + std::to_string(t.video_id) + "." +
                           std::to_string(t.viewer_id) + "." + std::to_string(t.issued_at) + "." +
                           t.nonce;
  return body + "." + hmac_hex(body, key);
}

std::optional<AdToken> verify_token(std::string_view token, std::string_view key) {
  if (token.size() > 200) return std::nullopt;
  const auto dot = token.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view body = token.substr(0, dot);
  const std::string expected = hmac_hex(body, key);
  const std::string_view mac = token.substr(dot + 1);
  if (mac.size() != expected.size() ||
      sodium_memcmp(mac.data(), expected.data(), expected.size()) != 0) {
    return std::nullopt;
  }
  std::vector<std::string_view> parts;
  std::size_t pos = 0;
  while (pos <= body.size()) {
    const auto next = std::min(body.find('.', pos), body.size());
    parts.push_back(body.substr(pos, next - pos));
    pos = next + 1;
  }
  if (parts.size() != 5) return std::nullopt;
  auto campaign = number(parts[0]), video = number(parts[1]), viewer = number(parts[2]),
       issued = number(parts[3]);
  if (!campaign || !video || !viewer || !issued || parts[4].size() != 16) return std::nullopt;
  return AdToken{*campaign, *video, *viewer, *issued, std::string(parts[4])};
}

}  // namespace riff::ads
