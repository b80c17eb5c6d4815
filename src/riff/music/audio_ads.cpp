#include "riff/music/audio_ads.hpp"

#include <algorithm>
#include <system_error>

#include "riff/accounts/tokens.hpp"

namespace riff::music {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kAdColumns =
    "a.id, a.title, a.advertiser, a.click_url, a.starts_at, a.ends_at, a.countries, a.status,"
    " a.has_audio, a.duration_ms, a.loudness_lufs, a.created_at, a.updated_at,"
    " (SELECT COUNT(*) FROM music_ad_serves s WHERE s.ad_id = a.id AND s.heard_at IS NOT NULL)";

AudioAd ad_from_row(const db::Row& r) {
  AudioAd a;
  a.id = r.i64(0);
  a.title = r.str(1);
  a.advertiser = r.str(2);
  a.click_url = r.str(3);
  a.starts_at = r.opt_i64(4);
  a.ends_at = r.opt_i64(5);
  a.countries = r.str(6);
  a.status = parse_ad_status(r.str(7)).value_or(AdStatus::kPaused);
  a.has_audio = r.boolean(8);
  a.duration_ms = r.i64(9);
  if (!r.is_null(10)) a.loudness_lufs = r.f64(10);
  a.created_at = r.i64(11);
  a.updated_at = r.i64(12);
  a.impressions = r.i64(13);
  return a;
}

bool plain_text_ok(const std::string& s, std::size_t max) {
  return s.size() <= max && std::none_of(s.begin(), s.end(), [](char c) {
           return static_cast<unsigned char>(c) < 0x20;
         });
}

bool click_url_ok(const std::string& s) {
  if (s.empty()) return true;
  if (s.size() > 2000 || !(s.starts_with("https://") || s.starts_with("http://"))) return false;
  return std::none_of(s.begin(), s.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == '"' || c == '<' || c == '>';
  });
}

}  // namespace

Status check_ad_fields(AudioAdFields& f, bool creating) {
  std::vector<FieldError> errors;
  auto text = [&](const std::optional<std::string>& v, const char* field, std::size_t max) {
    if (creating && !v) {
      errors.push_back({field, "required"});
    } else if (v && (v->empty() || !plain_text_ok(*v, max))) {
      errors.push_back(
          {field, "1 to " + std::to_string(max) + " characters, no control characters"});
    }
  };
  text(f.title, "/title", 200);
  text(f.advertiser, "/advertiser", 200);
  if (f.click_url && !click_url_ok(*f.click_url)) {
    errors.push_back({"/click_url", "an http(s) URL of at most 2000 characters"});
  }
  if (f.countries) {
    auto c = canonical_territories(*f.countries);
    if (!c) {
      errors.push_back({"/countries", c.status().message()});
    } else {
      f.countries = std::move(c).value();
    }
  }
  return errors.empty() ? Status::ok() : Status::invalid(std::move(errors));
}

std::string_view ad_status_name(AdStatus s) {
  return s == AdStatus::kActive ? "active" : "paused";
}

std::optional<AdStatus> parse_ad_status(std::string_view s) {
  if (s == "active") return AdStatus::kActive;
  if (s == "paused") return AdStatus::kPaused;
  return std::nullopt;
}

bool ad_due(Plan plan, std::int64_t plays_since_ad, int every_tracks) {
  return plan == Plan::kFree && every_tracks > 0 && plays_since_ad >= every_tracks;
}

bool ad_runs(const AudioAd& ad, std::int64_t now_ms, std::string_view country) {
  if (ad.status != AdStatus::kActive || !ad.has_audio) return false;
  if (ad.starts_at && now_ms < *ad.starts_at) return false;
  if (ad.ends_at && now_ms >= *ad.ends_at) return false;
  return track_available_in(ad.countries, country);
}

Result<bool> count_play_for_ads(db::Conn& c, Id user_id, Plan plan, int every_tracks,
                                std::int64_t now_ms) {
  if (plan != Plan::kFree || every_tracks <= 0) return false;
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query("INSERT INTO music_ad_listeners (user_id, plays_since_ad, updated_at)"
              " VALUES ($1, 1, $2) ON CONFLICT (user_id) DO UPDATE"
              " SET plays_since_ad = music_ad_listeners.plays_since_ad + 1, updated_at = $2"
              " RETURNING plays_since_ad",
              {user_id, now_ms}));
  return ad_due(plan, rows.empty() ? 0 : rows[0].i64(0), every_tracks);
}

AudioAds::AudioAds(db::Database& db, IdGenerator& ids, const Clock& clock,
                   Subscriptions& subscriptions, Availability& availability, AudioAdOptions options)
    : db_(db),
      ids_(ids),
      clock_(clock),
      subscriptions_(subscriptions),
      availability_(availability),
      options_(std::move(options)) {}

Result<AudioAd> AudioAds::create(Id admin_id, const AudioAdFields& fields) {
  AudioAdFields f = fields;
  RIFF_RETURN_IF_ERROR(check_ad_fields(f, true));
  if (f.starts_at && *f.starts_at && f.ends_at && *f.ends_at && **f.ends_at <= **f.starts_at) {
    return Status::invalid("/ends_at", "ends after it starts");
  }
  const Id id = ids_.next();
  const std::int64_t now = clock_.now_ms();
  RIFF_RETURN_IF_ERROR(
      db_.exec("INSERT INTO music_ads (id, title, advertiser, click_url, starts_at, ends_at,"
               " countries, status, has_audio, duration_ms, created_by, created_at, updated_at)"
               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 0, $9, $10, $10)",
               {id, *f.title, *f.advertiser, f.click_url.value_or(""),
                f.starts_at.value_or(std::nullopt), f.ends_at.value_or(std::nullopt),
                f.countries.value_or(""), ad_status_name(f.status.value_or(AdStatus::kActive)),
                admin_id ? db::Param(admin_id) : db::Param(nullptr), now})
          .status());
  return get(id);
}

Result<AudioAd> AudioAds::edit(Id ad_id, const AudioAdFields& fields) {
  AudioAdFields f = fields;
  RIFF_RETURN_IF_ERROR(check_ad_fields(f, false));
  RIFF_ASSIGN_OR_RETURN(AudioAd a, get(ad_id));
  if (f.title) a.title = *f.title;
  if (f.advertiser) a.advertiser = *f.advertiser;
  if (f.click_url) a.click_url = *f.click_url;
  if (f.starts_at) a.starts_at = *f.starts_at;
  if (f.ends_at) a.ends_at = *f.ends_at;
  if (f.countries) a.countries = *f.countries;
  if (f.status) a.status = *f.status;
  if (a.starts_at && a.ends_at && *a.ends_at <= *a.starts_at) {
    return Status::invalid("/ends_at", "ends after it starts");
  }
  RIFF_RETURN_IF_ERROR(
      db_.exec("UPDATE music_ads SET title = $2, advertiser = $3, click_url = $4, starts_at = $5,"
               " ends_at = $6, countries = $7, status = $8, updated_at = $9 WHERE id = $1",
               {ad_id, a.title, a.advertiser, a.click_url, a.starts_at, a.ends_at, a.countries,
                ad_status_name(a.status), clock_.now_ms()})
          .status());
  return get(ad_id);
}

Result<AudioAd> AudioAds::get(Id ad_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows, db_.query("SELECT " + std::string(kAdColumns) +
                                                     " FROM music_ads a WHERE a.id = $1",
                                                 {ad_id}));
  if (rows.empty()) return Status::not_found("No such ad.");
  return ad_from_row(rows[0]);
}

Result<std::vector<AudioAd>> AudioAds::list(Id before, int limit) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows, db_.query("SELECT " + std::string(kAdColumns) +
                                   " FROM music_ads a WHERE (CAST($1 AS BIGINT) = 0 OR a.id < $1)"
                                   " ORDER BY a.id DESC LIMIT $2",
                               {before, limit}));
  std::vector<AudioAd> out;
  for (const auto& r : rows) out.push_back(ad_from_row(r));
  return out;
}

Result<AudioAd> AudioAds::attach_audio(Id ad_id, const fs::path& file) {
  RIFF_RETURN_IF_ERROR(get(ad_id).status());
  if (!options_.probe) return Status::unavailable("Ad audio cannot be processed on this node.");
  std::error_code ec;
  const fs::path tmp = options_.ads_dir / "tmp" / ("probe-" + std::to_string(ids_.next()));
  fs::create_directories(tmp, ec);
  if (ec) return Status::internal("ad audio storage: " + ec.message());
  struct TmpRemover {
    fs::path dir;
    ~TmpRemover() {
      std::error_code e;
      fs::remove_all(dir, e);
    }
  } remover{tmp};

  ProbeSpec spec;
  spec.input = file;
  spec.out_dir = tmp;
  spec.transcode = true;
  spec.max_duration_ms = kMaxAdDurationMs;
  ProbeResult r = options_.probe(spec);
  if (r.kind == ProbeResult::Kind::kRejected) {
    return Status::invalid("/audio", "Not usable ad audio (" + r.reason + "): " + r.message);
  }
  if (r.kind == ProbeResult::Kind::kCrashed) {
    return Status::invalid("/audio", "The audio could not be decoded.");
  }
  if (std::find(r.tiers.begin(), r.tiers.end(), 160) == r.tiers.end()) {
    return Status::invalid("/audio", "The audio could not be transcoded.");
  }
  const fs::path dest = options_.ads_dir / (id_to_string(ad_id) + ".m4a");
  fs::rename(tmp / "a160.m4a", dest, ec);
  if (ec) return Status::internal("ad audio storage: " + ec.message());
  RIFF_RETURN_IF_ERROR(
      db_.exec("UPDATE music_ads SET has_audio = 1, duration_ms = $2, loudness_lufs = $3,"
               " updated_at = $4 WHERE id = $1",
               {ad_id, r.duration_ms, r.loudness_lufs, clock_.now_ms()})
          .status());
  return get(ad_id);
}

Result<fs::path> AudioAds::audio_path(Id ad_id) {
  RIFF_ASSIGN_OR_RETURN(AudioAd a, get(ad_id));
  if (!a.has_audio) return Status::not_found("This ad has no audio yet.");
  return options_.ads_dir / (id_to_string(ad_id) + ".m4a");
}

Result<std::int64_t> AudioAds::plays_since_ad(Id user_id) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query("SELECT plays_since_ad FROM music_ad_listeners WHERE user_id = $1", {user_id}));
  return rows.empty() ? 0 : rows[0].i64(0);
}

Result<std::optional<ServedAd>> AudioAds::next_for(Id user_id) {
  RIFF_ASSIGN_OR_RETURN(Plan plan, subscriptions_.effective_plan(user_id));
  RIFF_ASSIGN_OR_RETURN(std::int64_t plays, plays_since_ad(user_id));
  if (!ad_due(plan, plays, options_.every_tracks)) return std::optional<ServedAd>();
  RIFF_ASSIGN_OR_RETURN(Region region, availability_.region_of(user_id));
  const std::int64_t now = clock_.now_ms();

  // Candidates that run now, the ones this listener has been served least first.
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows, db_.query("SELECT " + std::string(kAdColumns) +
                                   ", (SELECT COUNT(*) FROM music_ad_serves m WHERE m.ad_id = a.id"
                                   " AND m.user_id = $1) AS mine FROM music_ads a"
                                   " WHERE a.status = 'active' AND a.has_audio = 1"
                                   " AND (a.starts_at IS NULL OR a.starts_at <= $2)"
                                   " AND (a.ends_at IS NULL OR a.ends_at > $2)"
                                   " ORDER BY mine, a.id LIMIT 200",
                               {user_id, now}));
  std::optional<AudioAd> chosen;
  for (const auto& r : rows) {
    AudioAd a = ad_from_row(r);
    if (ad_runs(a, now, region.country)) {
      chosen = std::move(a);
      break;
    }
  }
  if (!chosen) return std::optional<ServedAd>();

  ServedAd served{*chosen, accounts::new_session_token()};
  const std::string hash = accounts::hash_session_token(served.token);
  RIFF_RETURN_IF_ERROR(db_.transact([&](db::Conn& c) -> Status {
    // One live token per break: earlier unheard ones can no longer be recorded.
    RIFF_RETURN_IF_ERROR(
        c.exec("DELETE FROM music_ad_serves WHERE user_id = $1 AND heard_at IS NULL", {user_id})
            .status());
    return c
        .exec(
            "INSERT INTO music_ad_serves (token_hash, ad_id, user_id, served_at)"
            " VALUES ($1, $2, $3, $4)",
            {hash, chosen->id, user_id, now})
        .status();
  }));
  return std::optional<ServedAd>(std::move(served));
}

Result<ImpressionOutcome> AudioAds::record_impression(Id user_id, std::string_view token) {
  RIFF_ASSIGN_OR_RETURN(Plan plan, subscriptions_.effective_plan(user_id));
  if (plan == Plan::kPremium) return Status::forbidden("Premium listeners hear no ads.");
  const std::string hash = accounts::hash_session_token(token);
  const std::int64_t now = clock_.now_ms();
  ImpressionOutcome out;
  RIFF_RETURN_IF_ERROR(db_.transact([&](db::Conn& c) -> Status {
    out = {};
    RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                          c.query("SELECT ad_id, user_id, served_at, heard_at FROM music_ad_serves"
                                  " WHERE token_hash = $1 FOR UPDATE",
                                  {hash}));
    if (rows.empty() || rows[0].i64(1) != user_id) {
      return Status::invalid("/token", "Unknown ad token.");
    }
    out.ad_id = rows[0].i64(0);
    if (!rows[0].is_null(3)) return Status::ok();  // a replay: already counted
    if (now - rows[0].i64(2) > kAdTokenTtlMs) {
      return Status::invalid("/token", "This ad token has expired.");
    }
    RIFF_ASSIGN_OR_RETURN(std::int64_t changed,
                          c.exec("UPDATE music_ad_serves SET heard_at = $2"
                                 " WHERE token_hash = $1 AND heard_at IS NULL",
                                 {hash, now}));
    if (changed != 1) return Status::ok();
    out.counted = true;
    return c
        .exec(
            "UPDATE music_ad_listeners SET plays_since_ad = 0, updated_at = $2"
            " WHERE user_id = $1",
            {user_id, now})
        .status();
  }));
  return out;
}

}  // namespace riff::music
