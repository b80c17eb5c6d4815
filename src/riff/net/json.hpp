#pragma once
// JSON in and out of handlers, on Boost.JSON. Included by routes.cpp files
// only (never by services or widely included headers).

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "riff/net/http.hpp"

namespace riff::net {

namespace json = boost::json;

/// 200-style JSON response from a value.
Response json_response(int status, const json::value& v);

/// Reads a JSON object body and collects every field error before failing, so
/// a client learns all that is wrong at once. Unknown fields are ignored.
///
///   BodyReader body(req);
///   auto handle = body.string("handle", {.required = true, .max_len = 24});
///   body.finish();  // throws 400 problem+json listing each bad field
class BodyReader {
 public:
  struct StringRule {
    bool required = false;
    std::size_t min_len = 0;
    std::size_t max_len = 10'000;  // in UTF-8 code points
  };
  /// Throws HttpError 400 (type "invalid-json") when the body is not a JSON object.
  explicit BodyReader(const Request& req);

  std::optional<std::string> string(std::string_view key, StringRule rule);
  std::optional<bool> boolean(std::string_view key, bool required = false);
  std::optional<std::int64_t> integer(std::string_view key, bool required = false,
                                      std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX);
  /// An id written as a decimal string (or a number, tolerated).
  std::optional<Id> id(std::string_view key, bool required = false);
  /// An RFC 3339 time, as milliseconds since the epoch.
  std::optional<std::int64_t> time(std::string_view key, bool required = false);
  bool has(std::string_view key) const { return obj_.contains(key); }
  const json::object& object() const { return obj_; }

  /// Records an error found by the caller's own checks.
  void fail(std::string_view key, std::string detail);
  /// Throws HttpError 400 "validation" naming each field, if any failed.
  void finish() const;

 private:
  json::object obj_;
  std::vector<FieldError> errors_;
};

/// 200 {"items": [render(x), ...]}: a whole list, for routes that do not page.
template <typename List, typename Render>
Response items_response(const List& list, Render render) {
  json::array out;
  out.reserve(list.size());
  for (const auto& x : list) out.push_back(render(x));
  return json_response(200, json::object{{"items", std::move(out)}});
}

/// An optional time as RFC 3339, or null.
json::value time_or_null(const std::optional<std::int64_t>& ms);
/// An optional id as a decimal string, or null.
json::value id_or_null(const std::optional<Id>& id);

/// Reads `?limit=` (default 20, 1..100) and `?cursor=` for list routes.
struct PageParams {
  int limit = 20;
  std::optional<std::string> cursor;
};
PageParams page_params(const Request& req, int default_limit = 20, int max_limit = 100);

/// Counts UTF-8 code points; nullopt when the bytes are not valid UTF-8.
std::optional<std::size_t> utf8_length(std::string_view s);

}  // namespace riff::net
