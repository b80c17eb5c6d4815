// The free tier's audio ads on /api/v1 (audio_ads.hpp holds the rules):
// listeners fetch the ad that is due and report it heard; admins manage the
// inventory and read impressions per ad. Problem types of their own:
//   music-ad-token-invalid   an impression with an unknown, voided or expired token
//   music-premium-no-ads     a premium listener reporting an ad impression

#include <fstream>

#include "riff/accounts/tokens.hpp"
#include "riff/core/rfc3339.hpp"
#include "riff/music/module.hpp"
#include "riff/music/region_http.hpp"
#include "riff/net/file_response.hpp"
#include "riff/net/json.hpp"

namespace riff::music {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using net::HttpError;
using net::Request;
using net::Response;

constexpr std::size_t kMaxAdUploadBytes = 25 * 1024 * 1024;
constexpr std::string_view kImpressionUrl = "/api/v1/music/ads/impressions";

Id ad_id(const Request& req) {
  auto id = parse_id(req.param("id"));
  if (!id) throw HttpError(404, "not-found", "Not found", "No such ad.");
  return *id;
}

json::value opt_time(const std::optional<std::int64_t>& ms) {
  return ms ? json::value(to_rfc3339(*ms)) : json::value(nullptr);
}

std::string audio_url(Id id) {
  return "/api/v1/music/ads/" + id_to_string(id) + "/audio";
}

/// What admins see: everything, with the impression count.
json::object admin_ad_json(const AudioAd& a) {
  return {{"id", id_to_string(a.id)},
          {"title", a.title},
          {"advertiser", a.advertiser},
          {"click_url", a.click_url.empty() ? json::value(nullptr) : json::value(a.click_url)},
          {"starts_at", opt_time(a.starts_at)},
          {"ends_at", opt_time(a.ends_at)},
          {"countries", a.countries},
          {"status", ad_status_name(a.status)},
          {"has_audio", a.has_audio},
          {"audio_url", a.has_audio ? json::value(audio_url(a.id)) : json::value(nullptr)},
          {"duration_ms", a.duration_ms},
          {"impressions", a.impressions},
          {"created_at", to_rfc3339(a.created_at)},
          {"updated_at", to_rfc3339(a.updated_at)}};
}

/// What a listener gets: the ad to play and the token that records it.
json::object served_ad_json(const ServedAd& s) {
  return {
      {"id", id_to_string(s.ad.id)},
      {"title", s.ad.title},
      {"advertiser", s.ad.advertiser},
      {"audio_url", audio_url(s.ad.id)},
      {"duration_ms", s.ad.duration_ms},
      {"click_url", s.ad.click_url.empty() ? json::value(nullptr) : json::value(s.ad.click_url)},
      {"token", s.token},
      {"impression_url", kImpressionUrl}};
}

/// A time field: RFC 3339, or null to clear it. Absent: nullopt.
std::optional<std::optional<std::int64_t>> time_field(net::BodyReader& body, std::string_view key) {
  const auto* v = body.object().if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_null()) return std::optional<std::int64_t>();
  if (v->is_string()) {
    if (auto ms = parse_rfc3339(v->as_string())) return std::optional<std::int64_t>(*ms);
  }
  body.fail(key, "an RFC 3339 time or null");
  return std::nullopt;
}

AudioAdFields read_fields(net::BodyReader& body, bool creating) {
  AudioAdFields f;
  f.title = body.string("title", {.required = creating, .min_len = 1, .max_len = 200});
  f.advertiser = body.string("advertiser", {.required = creating, .min_len = 1, .max_len = 200});
  f.click_url = body.string("click_url", {.max_len = 2000});
  if (body.has("click_url") && body.object().at("click_url").is_null()) f.click_url = "";
  f.starts_at = time_field(body, "starts_at");
  f.ends_at = time_field(body, "ends_at");
  f.countries = body.string("countries", {.max_len = 2000});
  if (auto status = body.string("status", {.max_len = 20})) {
    f.status = parse_ad_status(*status);
    if (!f.status) body.fail("status", "active or paused");
  }
  // The service's own checks, reported together with the shape errors above.
  AudioAdFields checked = f;
  if (Status st = check_ad_fields(checked, false); !st) {
    for (const auto& e : st.fields()) {
      // Lengths and presence were checked above; these need the service's rules.
      if (e.pointer == "/click_url" || e.pointer == "/countries") {
        body.fail(e.pointer.substr(1), e.detail);
      }
    }
  }
  body.finish();
  return f;
}

}  // namespace

void mount_ad_routes(net::Router& router, MusicModule& m) {
  net::RouteOptions required;
  required.auth = net::Auth::kRequired;
  net::RouteOptions admin;
  admin.auth = net::Auth::kAdmin;

  // The ad due now for this listener, or 204: premium, none due, none running here.
  router.get(
      "/api/v1/music/ads/next",
      [&m](Request& req) {
        listener_region(m, req);
        auto served = net::value_or_throw(m.audio_ads().next_for(req.principal->user_id));
        if (!served) return Response::no_content();
        Response r = net::json_response(200, served_ad_json(*served));
        r.headers.set("Cache-Control", "no-store");
        return r;
      },
      required);

  router.post(
      "/api/v1/music/ads/impressions",
      [&m](Request& req) {
        net::BodyReader body(req);
        auto token = body.string("token", {.required = true, .min_len = 1, .max_len = 200});
        body.finish();
        auto out = m.audio_ads().record_impression(req.principal->user_id, *token);
        if (!out && out.status().code() == Code::kInvalid) {
          throw HttpError(400, "music-ad-token-invalid", "Invalid ad token",
                          out.status().message());
        }
        if (!out && out.status().code() == Code::kForbidden) {
          throw HttpError(403, "music-premium-no-ads", "No ads on Premium", out.status().message());
        }
        const ImpressionOutcome o = net::value_or_throw(std::move(out));
        return net::json_response(
            200, json::object{{"counted", o.counted}, {"ad_id", id_to_string(o.ad_id)}});
      },
      required);

  router.get(
      "/api/v1/music/ads/{id}/audio",
      [&m](Request& req) {
        const fs::path path = net::value_or_throw(m.audio_ads().audio_path(ad_id(req)));
        auto r = net::file_response(req, path.string(), "private, max-age=3600");
        if (!r) throw HttpError(404, "not-found", "Not found", "The ad's audio is missing.");
        r->headers.set("Content-Type", "audio/mp4");
        return std::move(*r);
      },
      required);

  // The inventory, newest first, with impressions per ad (the report).
  router.get(
      "/api/v1/admin/music/ads",
      [&m](Request& req) {
        const auto page = net::page_params(req, 20, 100);
        Id before = 0;
        if (page.cursor) {
          auto c = parse_id(*page.cursor);
          if (!c) {
            throw HttpError(400, "validation", "Bad cursor",
                            "Use the next_cursor of the last page.");
          }
          before = *c;
        }
        auto ads = net::value_or_throw(m.audio_ads().list(before, page.limit + 1));
        json::value next = nullptr;
        if (static_cast<int>(ads.size()) > page.limit) {
          ads.pop_back();
          next = id_to_string(ads.back().id);
        }
        json::array items;
        for (const auto& a : ads) items.push_back(admin_ad_json(a));
        return net::json_response(200,
                                  json::object{{"items", std::move(items)}, {"next_cursor", next}});
      },
      admin);

  router.post(
      "/api/v1/admin/music/ads",
      [&m](Request& req) {
        net::BodyReader body(req);
        const AudioAdFields f = read_fields(body, true);
        return net::json_response(
            201,
            admin_ad_json(net::value_or_throw(m.audio_ads().create(req.principal->user_id, f))));
      },
      admin);

  router.get(
      "/api/v1/admin/music/ads/{id}",
      [&m](Request& req) {
        return net::json_response(
            200, admin_ad_json(net::value_or_throw(m.audio_ads().get(ad_id(req)))));
      },
      admin);

  // Edit or pause ("status": "paused") an ad.
  router.patch(
      "/api/v1/admin/music/ads/{id}",
      [&m](Request& req) {
        const Id id = ad_id(req);
        net::BodyReader body(req);
        const AudioAdFields f = read_fields(body, false);
        return net::json_response(200,
                                  admin_ad_json(net::value_or_throw(m.audio_ads().edit(id, f))));
      },
      admin);

  // The ad's audio as the request body (any format the catalog imports),
  // decoded and transcoded in a probe child; replaces earlier audio.
  net::RouteOptions upload = admin;
  upload.max_body = kMaxAdUploadBytes;
  router.put(
      "/api/v1/admin/music/ads/{id}/audio",
      [&m](Request& req) {
        const Id id = ad_id(req);
        net::value_or_throw(m.audio_ads().get(id));
        if (req.body.empty()) {
          throw HttpError(400, "validation", "No audio",
                          "Send the audio file as the request body.");
        }
        const fs::path dir = m.audio_ads().upload_dir();
        std::error_code ec;
        fs::create_directories(dir, ec);
        const fs::path file = dir / ("upload-" + id_to_string(id) + "-" + accounts::random_hex(8));
        struct Remover {
          fs::path p;
          ~Remover() {
            std::error_code e;
            fs::remove(p, e);
          }
        } remover{file};
        {
          std::ofstream out(file, std::ios::binary);
          out.write(req.body.data(), static_cast<std::streamsize>(req.body.size()));
          if (!out) throw HttpError(Status::internal("ad upload: cannot write " + file.string()));
        }
        return net::json_response(
            200, admin_ad_json(net::value_or_throw(m.audio_ads().attach_audio(id, file))));
      },
      upload);
}

}  // namespace riff::music
