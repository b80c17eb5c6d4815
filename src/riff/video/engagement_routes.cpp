// The HTTP mapping of engagement and discovery: parse, call a service, render.

#include <boost/json.hpp>

#include "riff/accounts/render.hpp"
#include "riff/net/json.hpp"
#include "riff/video/engagement_module.hpp"

namespace riff::video {
namespace {

using net::Auth;
using net::HttpError;
using net::Request;
using net::Response;
namespace json = boost::json;

/// The anonymous viewer's cookie, when the client keeps one.
constexpr std::string_view kViewerCookie = "riff_vk";
constexpr std::size_t kMaxViewBatch = 50;
constexpr std::int64_t kMaxWatchMs = 86'400'000;

std::optional<Id> viewer_of(const Request& req) {
  if (!req.principal) return std::nullopt;
  return req.principal->user_id;
}

Id user_of(const Request& req) {
  if (!req.principal)
    throw HttpError(401, "unauthenticated", "Authentication required", "Log in first.");
  return req.principal->user_id;
}

Id id_param(const Request& req, std::string_view name, const char* what) {
  auto id = parse_id(req.param(name));
  if (!id) throw HttpError(404, "not-found", "Not found", std::string("No such ") + what + ".");
  return *id;
}

accounts::PageRequest page_of(const Request& req) {
  net::PageParams p = net::page_params(req);
  return {p.limit, p.cursor};
}

json::object cards_json(const EngagementModule& m, const std::vector<VideoCard>& cards,
                        const std::optional<std::string>& next) {
  json::array items;
  for (const auto& c : cards) items.push_back(video_json(c, m.public_url()));
  return accounts::page_json(std::move(items), next);
}

json::object comment_json(const Comment& c) {
  return {
      {"id", id_to_string(c.id)},
      {"video_id", id_to_string(c.video_id)},
      {"parent_id", c.parent_id ? json::value(id_to_string(*c.parent_id)) : json::value(nullptr)},
      {"author", author_json(c.author)},
      {"body", c.body},
      {"like_count", c.like_count},
      {"reply_count", c.reply_count},
      {"created_at", to_rfc3339(c.created_at)},
      {"viewer", json::object{{"liked", c.viewer_liked}}}};
}

Response comments_page(const accounts::Page<Comment>& page) {
  json::array items;
  for (const auto& c : page.items) items.push_back(comment_json(c));
  return net::json_response(200, accounts::page_json(std::move(items), page.next_cursor));
}

Viewer view_viewer(const Request& req) {
  Viewer v;
  v.user_id = viewer_of(req);
  if (v.user_id) return v;
  auto cookie = req.cookie(kViewerCookie);
  const bool ok = cookie && !cookie->empty() && cookie->size() <= 64 &&
                  cookie->find_first_not_of("0123456789abcdefABCDEF-_") == std::string::npos;
  v.anonymous_key = ok ? "a:" + *cookie : "ip:" + req.remote_ip;
  return v;
}

/// Reads one view report from a JSON object.
std::optional<ViewReport> view_report(net::BodyReader& body, Id video_id) {
  auto watch = body.integer("watch_ms", true, 0, kMaxWatchMs);
  auto completed = body.boolean("completed");
  if (!watch) return std::nullopt;
  return ViewReport{video_id, *watch, completed.value_or(false)};
}

Response like_response(const LikeState& s) {
  return net::json_response(200, json::object{{"liked", s.liked}, {"like_count", s.like_count}});
}

Response comment_like_response(const CommentLikeState& s) {
  return net::json_response(200, json::object{{"liked", s.liked}, {"like_count", s.like_count}});
}

// --- search ---

Response search(EngagementModule& m, Request& req) {
  auto q = req.query("q").value_or("");
  const std::string type = req.query("type").value_or("videos");
  if (q.size() > 200) {
    throw HttpError(net::problem_from(Status::invalid("/q", "q must be at most 200 characters")));
  }
  const auto page = page_of(req);
  const auto viewer = viewer_of(req);
  json::array items;
  std::optional<std::string> next;
  if (type == "videos") {
    auto r = net::value_or_throw(m.search().videos(q, viewer, page));
    for (const auto& c : r.items) items.push_back(video_json(c, m.public_url()));
    next = r.next_cursor;
  } else if (type == "users") {
    auto r = net::value_or_throw(m.search().users(q, viewer, page));
    for (const auto& h : r.items) {
      json::object o = author_json(h.user);
      o["follower_count"] = h.follower_count;
      o["is_private"] = h.is_private;
      items.push_back(std::move(o));
    }
    next = r.next_cursor;
  } else if (type == "sounds") {
    auto r = net::value_or_throw(m.search().sounds(q, viewer, page));
    for (const auto& h : r.items) {
      items.push_back(json::object{
          {"id", id_to_string(h.sound.id)},
          {"title", h.sound.title},
          {"creator_id", h.sound.creator_id ? json::value(id_to_string(*h.sound.creator_id))
                                            : json::value(nullptr)},
          {"creator_handle",
           h.sound.creator_handle ? json::value(*h.sound.creator_handle) : json::value(nullptr)},
          {"reusable", h.sound.reusable},
          {"use_count", h.use_count},
          {"duration_ms", h.duration_ms}});
    }
    next = r.next_cursor;
  } else if (type == "hashtags") {
    auto r = net::value_or_throw(m.search().hashtags(q, page));
    for (const auto& h : r.items)
      items.push_back(
          json::object{{"tag", h.tag}, {"use_count", h.use_count}, {"video_count", h.use_count}});
    next = r.next_cursor;
  } else {
    throw HttpError(net::problem_from(
        Status::invalid("/type", "type must be one of videos, users, sounds, hashtags")));
  }
  json::object o = accounts::page_json(std::move(items), next);
  o["type"] = type;
  return net::json_response(200, o);
}

// --- views ---

Response post_view(EngagementModule& m, Request& req) {
  const Id video_id = id_param(req, "id", "video");
  net::BodyReader body(req);
  auto report = view_report(body, video_id);
  body.finish();
  auto r = net::value_or_throw(m.engagement().record_view(view_viewer(req), *report));
  return net::json_response(200,
                            json::object{{"counted", r.counted}, {"view_count", r.view_count}});
}

Response post_views(EngagementModule& m, Request& req) {
  net::BodyReader body(req);
  std::vector<ViewReport> reports;
  const json::value* items = body.object().if_contains("items");
  if (items == nullptr || !items->is_array()) {
    body.fail("items", "items must be an array of {video_id, watch_ms, completed?}");
  } else if (items->as_array().size() > kMaxViewBatch) {
    body.fail("items", "at most 50 items at once");
  } else {
    std::size_t i = 0;
    for (const json::value& item : items->as_array()) {
      const std::string at = "items/" + std::to_string(i++);
      if (!item.is_object()) {
        body.fail(at, "each item must be an object");
        continue;
      }
      Request one;
      one.body = json::serialize(item);
      net::BodyReader item_body(one);
      auto video_id = item_body.id("video_id", true);
      auto report = view_report(item_body, video_id.value_or(0));
      try {
        item_body.finish();
      } catch (const HttpError& e) {
        for (const auto& f : e.problem().errors) body.fail(at + f.pointer, f.detail);
        continue;
      }
      reports.push_back(*report);
    }
  }
  body.finish();
  auto results = net::value_or_throw(m.engagement().record_views(view_viewer(req), reports));
  json::array out;
  for (std::size_t i = 0; i < results.size(); ++i) {
    out.push_back(json::object{{"video_id", id_to_string(reports[i].video_id)},
                               {"counted", results[i].counted},
                               {"view_count", results[i].view_count}});
  }
  return net::json_response(200, json::object{{"items", std::move(out)}});
}

// --- comments ---

Response post_comment(EngagementModule& m, Request& req) {
  const Id video_id = id_param(req, "id", "video");
  net::BodyReader body(req);
  auto text = body.string("body", {.required = true, .min_len = 1, .max_len = kMaxCommentLength});
  auto parent = body.id("parent_id");
  if (text && text->find_first_not_of(" \t\r\n") == std::string::npos)
    body.fail("body", "body must not be empty");
  if (body.has("parent_id") && !body.object().at("parent_id").is_null() && !parent) {
    body.fail("parent_id", "parent_id must be a comment id");
  }
  body.finish();
  auto c = net::value_or_throw(m.comments().add(user_of(req), {video_id, *text, parent}));
  return net::json_response(201, comment_json(c));
}

Response list_comments(EngagementModule& m, Request& req) {
  const Id video_id = id_param(req, "id", "video");
  const std::string sort = req.query("sort").value_or("newest");
  CommentOrder order = CommentOrder::kNewest;
  if (sort == "top") {
    order = CommentOrder::kTop;
  } else if (sort != "newest") {
    throw HttpError(net::problem_from(Status::invalid("/sort", "sort must be newest or top")));
  }
  return comments_page(
      net::value_or_throw(m.comments().list(viewer_of(req), video_id, order, page_of(req))));
}

}  // namespace

void mount_engagement_routes(net::Router& r, EngagementModule& m) {
  using Fn = Response (*)(EngagementModule&, Request&);
  auto bind = [&m](Fn fn) { return [&m, fn](Request& req) { return fn(m, req); }; };
  net::RouteOptions required;
  required.auth = Auth::kRequired;
  net::RouteOptions anyone;
  anyone.auth = Auth::kOptional;

  // Likes
  r.post("/api/v1/videos/{id}/like", bind([](EngagementModule& m, Request& req) {
           return like_response(net::value_or_throw(
               m.engagement().like(user_of(req), id_param(req, "id", "video"))));
         }),
         required);
  r.del("/api/v1/videos/{id}/like", bind([](EngagementModule& m, Request& req) {
          return like_response(net::value_or_throw(
              m.engagement().unlike(user_of(req), id_param(req, "id", "video"))));
        }),
        required);

  // Comments
  r.get("/api/v1/videos/{id}/comments", bind(list_comments), anyone);
  r.post("/api/v1/videos/{id}/comments", bind(post_comment), required);
  r.get("/api/v1/comments/{id}/replies", bind([](EngagementModule& m, Request& req) {
          return comments_page(net::value_or_throw(
              m.comments().replies(viewer_of(req), id_param(req, "id", "comment"), page_of(req))));
        }),
        anyone);
  r.del("/api/v1/comments/{id}", bind([](EngagementModule& m, Request& req) {
          net::ok_or_throw(m.comments().remove(user_of(req), id_param(req, "id", "comment")));
          return Response::no_content();
        }),
        required);
  r.post("/api/v1/comments/{id}/like", bind([](EngagementModule& m, Request& req) {
           return comment_like_response(net::value_or_throw(
               m.comments().like(user_of(req), id_param(req, "id", "comment"))));
         }),
         required);
  r.del("/api/v1/comments/{id}/like", bind([](EngagementModule& m, Request& req) {
          return comment_like_response(net::value_or_throw(
              m.comments().unlike(user_of(req), id_param(req, "id", "comment"))));
        }),
        required);

  // Shares and views
  r.post("/api/v1/videos/{id}/share", bind([](EngagementModule& m, Request& req) {
           std::string channel;
           if (req.body.find_first_not_of(" \t\r\n") != std::string::npos) {
             net::BodyReader body(req);
             channel = body.string("channel", {.max_len = 32}).value_or("");
             body.finish();
           }
           auto s = net::value_or_throw(
               m.engagement().share(viewer_of(req), id_param(req, "id", "video"), channel));
           return net::json_response(
               200, json::object{{"share_count", s.share_count},
                                 {"share_url", m.public_url() + s.share_url}});
         }),
         anyone);
  r.post("/api/v1/videos/{id}/view", bind(post_view), anyone);
  r.post("/api/v1/views", bind(post_views), anyone);

  // Discovery
  r.get("/api/v1/hashtags/{tag}", bind([](EngagementModule& m, Request& req) {
          auto h = net::value_or_throw(m.discovery().hashtag(req.param("tag"), viewer_of(req)));
          return net::json_response(200, json::object{{"tag", h.tag},
                                                      {"use_count", h.use_count},
                                                      {"video_count", h.use_count},
                                                      {"view_count", h.view_count}});
        }),
        anyone);
  r.get("/api/v1/hashtags/{tag}/videos", bind([](EngagementModule& m, Request& req) {
          auto p = net::value_or_throw(
              m.discovery().hashtag_videos(req.param("tag"), viewer_of(req), page_of(req)));
          return net::json_response(200, cards_json(m, p.items, p.next_cursor));
        }),
        anyone);
  r.get("/api/v1/users/{handle}/videos", bind([](EngagementModule& m, Request& req) {
          auto p = net::value_or_throw(
              m.discovery().user_videos(req.param("handle"), viewer_of(req), page_of(req)));
          return net::json_response(200, cards_json(m, p.items, p.next_cursor));
        }),
        anyone);
  r.get("/api/v1/search", bind(search), anyone);

  // Feeds
  r.get("/api/v1/feed/following", bind([](EngagementModule& m, Request& req) {
          auto p = net::value_or_throw(m.feed().following(user_of(req), page_of(req)));
          return net::json_response(200, cards_json(m, p.items, p.next_cursor));
        }),
        required);
  r.get("/api/v1/feed/foryou", bind([](EngagementModule& m, Request& req) {
          const auto page = net::page_params(req, 10, 50);
          auto p = net::value_or_throw(
              m.feed().for_you(viewer_of(req), req.query("session").value_or(""), page.limit));
          json::object o = cards_json(m, p.items, std::nullopt);
          o["session"] = p.session;
          return net::json_response(200, o);
        }),
        anyone);
}

}  // namespace riff::video
