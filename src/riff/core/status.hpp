#pragma once
// Status and Result<T>: the error values of riff.
//
// Expected failures (not found, invalid input, conflicts) travel as values;
// exceptions are kept for what ends a request. A Status carries a stable code,
// a message for people, and for validation errors the offending fields as
// JSON pointers, so the HTTP layer can answer RFC 9457 problem+json.

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace riff {

enum class Code {
  kOk,
  kInvalid,        // bad input from the caller; names the fields
  kUnauthenticated,// no or bad credentials
  kForbidden,      // authenticated but not allowed
  kNotFound,
  kConflict,       // state does not allow it (already exists, wrong state)
  kTooLarge,
  kRateLimited,
  kRetry,          // transient: busy database, serialization failure
  kUnavailable,    // a dependency is down
  kInternal,
};

/// One field-level validation error: `pointer` is a JSON pointer ("/handle").
struct FieldError {
  std::string pointer;
  std::string detail;
};

/// The outcome of an operation. Cheap to copy when ok.
class Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  static Status invalid(std::string field_pointer, std::string detail) {
    Status s(Code::kInvalid, detail);
    s.fields_.push_back({std::move(field_pointer), std::move(detail)});
    return s;
  }
  static Status invalid(std::vector<FieldError> fields) {
    Status s(Code::kInvalid, fields.empty() ? "invalid input" : fields.front().detail);
    s.fields_ = std::move(fields);
    return s;
  }
  static Status not_found(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status conflict(std::string m) { return {Code::kConflict, std::move(m)}; }
  /// A conflict caused by particular fields (a taken handle, an email in use).
  static Status conflict(std::vector<FieldError> fields) {
    Status s(Code::kConflict, fields.empty() ? "conflict" : fields.front().detail);
    s.fields_ = std::move(fields);
    return s;
  }
  static Status forbidden(std::string m) { return {Code::kForbidden, std::move(m)}; }
  static Status unauthenticated(std::string m) { return {Code::kUnauthenticated, std::move(m)}; }
  static Status internal(std::string m) { return {Code::kInternal, std::move(m)}; }
  static Status retry(std::string m) { return {Code::kRetry, std::move(m)}; }
  static Status unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
  static Status rate_limited(std::string m, int retry_after_s) {
    Status s(Code::kRateLimited, std::move(m));
    s.retry_after_s_ = retry_after_s;
    return s;
  }

  bool is_ok() const { return code_ == Code::kOk; }
  explicit operator bool() const { return is_ok(); }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<FieldError>& fields() const { return fields_; }
  int retry_after_s() const { return retry_after_s_; }

  /// Adds context as the error travels up: "open db: disk I/O error".
  Status with_context(std::string_view what) const {
    Status s = *this;
    s.message_ = std::string(what) + ": " + message_;
    return s;
  }

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::vector<FieldError> fields_;
  int retry_after_s_ = 0;
};

/// A value or the Status saying why there is none.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Status status) : v_(std::move(status)) {
    // A Result built from a Status must carry an error; ok has a value.
    assert(!std::get<Status>(v_).is_ok());
  }

  bool is_ok() const { return v_.index() == 0; }
  explicit operator bool() const { return is_ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Status& status() const {
    static const Status kOk;
    return is_ok() ? kOk : std::get<1>(v_);
  }

 private:
  std::variant<T, Status> v_;
};

}  // namespace riff

/// Returns the Status from the enclosing function when `expr` failed.
#define RIFF_RETURN_IF_ERROR(expr)              \
  do {                                          \
    ::riff::Status riff_st_ = (expr);           \
    if (!riff_st_.is_ok()) return riff_st_;     \
  } while (0)

#define RIFF_CONCAT_INNER(a, b) a##b
#define RIFF_CONCAT(a, b) RIFF_CONCAT_INNER(a, b)
/// `RIFF_ASSIGN_OR_RETURN(auto x, f());` binds the value or returns the error.
#define RIFF_ASSIGN_OR_RETURN(decl, expr) \
  RIFF_ASSIGN_OR_RETURN_IMPL(RIFF_CONCAT(riff_res_, __LINE__), decl, expr)
#define RIFF_ASSIGN_OR_RETURN_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                                \
  if (!tmp.is_ok()) return tmp.status();            \
  decl = std::move(tmp).value()
