#pragma once
// riff's own HTTP request and response types. Handlers see only these, never
// Beast, so that domain code compiles fast and can be tested without a socket.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "riff/core/ids.hpp"
#include "riff/core/role.hpp"
#include "riff/core/status.hpp"

namespace riff::net {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };
std::string_view method_name(Method m);
Method parse_method(std::string_view m);

using riff::Role;

/// Who made a request, as established by the Authenticator.
struct Principal {
  Id user_id = 0;
  Id session_id = 0;
  Role role = Role::kUser;
  bool via_cookie = false;  // cookie sessions need a CSRF token on mutations
};

/// Header list with case-insensitive lookup; order and duplicates kept.
class Headers {
 public:
  void add(std::string name, std::string value) { items_.emplace_back(std::move(name), std::move(value)); }
  void set(std::string_view name, std::string value);
  std::optional<std::string_view> get(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

struct Request {
  Method method = Method::kGet;
  std::string target;  // path and query as sent
  std::string path;    // percent-decoded path without the query
  std::string query_string;
  Headers headers;
  std::string body;
  std::vector<std::pair<std::string, std::string>> params;  // from the route pattern
  std::string remote_ip;
  std::string request_id;
  std::optional<Principal> principal;

  std::optional<std::string_view> header(std::string_view name) const { return headers.get(name); }
  /// A query parameter, percent-decoded; the first when repeated.
  std::optional<std::string> query(std::string_view name) const;
  /// A path parameter; empty when the route has none by that name.
  std::string_view param(std::string_view name) const;
  std::optional<std::string> cookie(std::string_view name) const;
};

/// A file slice to send as the body (sendfile on Linux).
struct FileBody {
  std::string path;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  std::optional<FileBody> file;

  static Response json(int status, std::string body);
  static Response text(int status, std::string body, std::string_view content_type = "text/plain; charset=utf-8");
  static Response no_content() { return Response{204, {}, {}, {}}; }
};

/// RFC 9457 problem details. `type` is a stable slug, rendered as "/problems/<slug>".
struct Problem {
  int status = 500;
  std::string type = "internal";
  std::string title;
  std::string detail;
  std::vector<FieldError> errors;
  int retry_after_s = 0;
};
Response problem_response(const Problem& p, std::string_view instance = {});
/// Maps a Status from a service to its HTTP problem.
Problem problem_from(const Status& s);

/// Thrown by handlers to end a request with a problem; caught once by the server.
class HttpError : public std::exception {
 public:
  explicit HttpError(Problem p) : p_(std::move(p)) {}
  explicit HttpError(const Status& s) : p_(problem_from(s)) {}
  HttpError(int status, std::string type, std::string title, std::string detail = {})
      : p_{status, std::move(type), std::move(title), std::move(detail), {}, 0} {}
  const Problem& problem() const { return p_; }
  const char* what() const noexcept override { return p_.title.c_str(); }

 private:
  Problem p_;
};

/// Unwraps a Result or throws HttpError with its status.
template <class T>
T value_or_throw(Result<T> r) {
  if (!r) throw HttpError(r.status());
  return std::move(r).value();
}
inline void ok_or_throw(const Status& s) {
  if (!s) throw HttpError(s);
}

}  // namespace riff::net
