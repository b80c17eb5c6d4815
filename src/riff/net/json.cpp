#include "riff/net/json.hpp"

#include <charconv>

#include "riff/core/clock.hpp"
#include "riff/core/rfc3339.hpp"

namespace riff::net {

Response json_response(int status, const json::value& v) {
  return Response::json(status, json::serialize(v));
}

std::optional<std::size_t> utf8_length(std::string_view s) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return std::nullopt;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return std::nullopt;
    }
    i += len;
    ++count;
  }
  return count;
}

BodyReader::BodyReader(const Request& req) {
  json::error_code ec;
  json::value v = json::parse(req.body, ec);
  if (ec) throw HttpError(400, "invalid-json", "Malformed JSON", "The request body is not valid JSON: " + ec.message());
  if (!v.is_object()) throw HttpError(400, "invalid-json", "Malformed JSON", "The request body must be a JSON object.");
  obj_ = std::move(v.as_object());
}

static std::string pointer_of(std::string_view key) {
  std::string p = "/";
  for (char c : key) {
    if (c == '~') p += "~0";
    else if (c == '/') p += "~1";
    else p += c;
  }
  return p;
}

void BodyReader::fail(std::string_view key, std::string detail) {
  errors_.push_back({pointer_of(key), std::move(detail)});
}

std::optional<std::string> BodyReader::string(std::string_view key, StringRule rule) {
  const json::value* v = obj_.if_contains(key);
  if (!v || v->is_null()) {
    if (rule.required) fail(key, std::string(key) + " is required");
    return std::nullopt;
  }
  if (!v->is_string()) {
    fail(key, std::string(key) + " must be a string");
    return std::nullopt;
  }
  std::string s(v->as_string());
  auto len = utf8_length(s);
  if (!len) {
    fail(key, std::string(key) + " is not valid UTF-8");
    return std::nullopt;
  }
  if (*len < rule.min_len) {
    fail(key, std::string(key) + " must be at least " + std::to_string(rule.min_len) + " characters");
    return std::nullopt;
  }
  if (*len > rule.max_len) {
    fail(key, std::string(key) + " must be at most " + std::to_string(rule.max_len) + " characters");
    return std::nullopt;
  }
  return s;
}

std::optional<bool> BodyReader::boolean(std::string_view key, bool required) {
  const json::value* v = obj_.if_contains(key);
  if (!v || v->is_null()) {
    if (required) fail(key, std::string(key) + " is required");
    return std::nullopt;
  }
  if (!v->is_bool()) {
    fail(key, std::string(key) + " must be true or false");
    return std::nullopt;
  }
  return v->as_bool();
}

std::optional<std::int64_t> BodyReader::integer(std::string_view key, bool required, std::int64_t min,
                                                std::int64_t max) {
  const json::value* v = obj_.if_contains(key);
  if (!v || v->is_null()) {
    if (required) fail(key, std::string(key) + " is required");
    return std::nullopt;
  }
  std::int64_t n = 0;
  if (v->is_int64()) {
    n = v->as_int64();
  } else if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    n = static_cast<std::int64_t>(v->as_uint64());
  } else {
    fail(key, std::string(key) + " must be an integer");
    return std::nullopt;
  }
  if (n < min || n > max) {
    fail(key, std::string(key) + " must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::optional<Id> BodyReader::id(std::string_view key, bool required) {
  const json::value* v = obj_.if_contains(key);
  if (!v || v->is_null()) {
    if (required) fail(key, std::string(key) + " is required");
    return std::nullopt;
  }
  std::optional<Id> id;
  if (v->is_string()) id = parse_id(v->as_string());
  else if (v->is_int64() && v->as_int64() > 0) id = v->as_int64();
  if (!id) fail(key, std::string(key) + " must be an id (a decimal string)");
  return id;
}

std::optional<std::int64_t> BodyReader::time(std::string_view key, bool required) {
  auto text = string(key, {.required = required, .max_len = 40});
  if (!text) return std::nullopt;
  auto ms = parse_rfc3339(*text);
  if (!ms) fail(key, std::string(key) + " is an RFC 3339 time");
  return ms;
}

void BodyReader::finish() const {
  if (errors_.empty()) return;
  Problem p;
  p.status = 400;
  p.type = "validation";
  p.title = "Invalid request";
  p.detail = errors_.size() == 1 ? errors_.front().detail
                                 : std::to_string(errors_.size()) + " fields are invalid";
  p.errors = errors_;
  throw HttpError(std::move(p));
}

json::value time_or_null(const std::optional<std::int64_t>& ms) {
  if (!ms) return nullptr;
  return json::value(to_rfc3339(*ms));
}

json::value id_or_null(const std::optional<Id>& id) {
  if (!id) return nullptr;
  return json::value(id_to_string(*id));
}

PageParams page_params(const Request& req, int default_limit, int max_limit) {
  PageParams p;
  p.limit = default_limit;
  if (auto l = req.query("limit")) {
    int n = 0;
    auto [ptr, ec] = std::from_chars(l->data(), l->data() + l->size(), n);
    if (ec != std::errc() || ptr != l->data() + l->size() || n < 1 || n > max_limit) {
      Problem pr{400, "validation", "Invalid request",
                 "limit must be an integer from 1 to " + std::to_string(max_limit), {}, 0};
      pr.errors.push_back({"/limit", pr.detail});
      throw HttpError(std::move(pr));
    }
    p.limit = n;
  }
  if (auto c = req.query("cursor"); c && !c->empty()) p.cursor = *c;
  return p;
}

}  // namespace riff::net
