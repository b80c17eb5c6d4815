#include "riff/net/http.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <strings.h>

#include "riff/net/url_codec.hpp"

namespace riff::net {

std::string_view method_name(Method m) {
  switch (m) {
    case Method::kGet: return "GET";
    case Method::kHead: return "HEAD";
    case Method::kPost: return "POST";
    case Method::kPut: return "PUT";
    case Method::kPatch: return "PATCH";
    case Method::kDelete: return "DELETE";
    case Method::kOptions: return "OPTIONS";
    case Method::kOther: return "OTHER";
  }
  return "OTHER";
}

Method parse_method(std::string_view m) {
  if (m == "GET") return Method::kGet;
  if (m == "HEAD") return Method::kHead;
  if (m == "POST") return Method::kPost;
  if (m == "PUT") return Method::kPut;
  if (m == "PATCH") return Method::kPatch;
  if (m == "DELETE") return Method::kDelete;
  if (m == "OPTIONS") return Method::kOptions;
  return Method::kOther;
}

static bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

void Headers::set(std::string_view name, std::string value) {
  for (auto& [k, v] : items_) {
    if (iequals(k, name)) {
      v = std::move(value);
      return;
    }
  }
  items_.emplace_back(std::string(name), std::move(value));
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& [k, v] : items_) {
    if (iequals(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<std::string> Request::query(std::string_view name) const {
  std::string_view q = query_string;
  while (!q.empty()) {
    auto amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
    auto eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    if (percent_decode(key, true) == name) {
      return eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1), true);
    }
  }
  return std::nullopt;
}

std::string_view Request::param(std::string_view name) const {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return {};
}

std::optional<std::string> Request::cookie(std::string_view name) const {
  for (const auto& [k, v] : headers.items()) {
    if (!iequals(k, "cookie")) continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view item = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      auto eq = item.find('=');
      if (eq != std::string_view::npos && item.substr(0, eq) == name) {
        return std::string(item.substr(eq + 1));
      }
    }
  }
  return std::nullopt;
}

Response Response::json(int status, std::string body) {
  Response r;
  r.status = status;
  r.headers.add("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

Response Response::text(int status, std::string body, std::string_view content_type) {
  Response r;
  r.status = status;
  r.headers.add("Content-Type", std::string(content_type));
  r.body = std::move(body);
  return r;
}

Response problem_response(const Problem& p, std::string_view instance) {
  boost::json::object o;
  o["type"] = "/problems/" + p.type;
  o["title"] = p.title;
  o["status"] = p.status;
  if (!p.detail.empty()) o["detail"] = p.detail;
  if (!instance.empty()) o["instance"] = instance;
  if (!p.errors.empty()) {
    boost::json::array errs;
    for (const auto& e : p.errors) errs.push_back({{"pointer", e.pointer}, {"detail", e.detail}});
    o["errors"] = std::move(errs);
  }
  Response r;
  r.status = p.status;
  r.headers.add("Content-Type", "application/problem+json");
  if (p.retry_after_s > 0) r.headers.add("Retry-After", std::to_string(p.retry_after_s));
  r.body = boost::json::serialize(o);
  return r;
}

Problem problem_from(const Status& s) {
  Problem p;
  p.detail = s.message();
  switch (s.code()) {
    case Code::kOk:
    case Code::kInternal:
      p = {500, "internal", "Internal error", "", {}, 0};  // never leak internals
      break;
    case Code::kInvalid:
      p.status = 400;
      p.type = "validation";
      p.title = "Invalid request";
      p.errors = s.fields();
      break;
    case Code::kUnauthenticated:
      p.status = 401;
      p.type = "unauthenticated";
      p.title = "Authentication required";
      break;
    case Code::kForbidden:
      p.status = 403;
      p.type = "forbidden";
      p.title = "Not allowed";
      break;
    case Code::kNotFound:
      p.status = 404;
      p.type = "not-found";
      p.title = "Not found";
      break;
    case Code::kConflict:
      p.status = 409;
      p.type = "conflict";
      p.title = "Conflict";
      p.errors = s.fields();
      break;
    case Code::kTooLarge:
      p.status = 413;
      p.type = "too-large";
      p.title = "Too large";
      break;
    case Code::kRateLimited:
      p.status = 429;
      p.type = "rate-limited";
      p.title = "Too many requests";
      p.retry_after_s = s.retry_after_s() > 0 ? s.retry_after_s() : 1;
      break;
    case Code::kRetry:
    case Code::kUnavailable:
      p.status = 503;
      p.type = "unavailable";
      p.title = "Service unavailable";
      p.retry_after_s = 1;
      break;
  }
  return p;
}

}  // namespace riff::net
