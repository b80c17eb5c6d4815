#pragma once
// Subsonic responses as one element tree rendered two ways, the way
// Subsonic servers do it: XML (the default) or JSON (f=json), where
// attributes become fields, elements become objects, elements marked as
// list members become arrays under their parent, and text becomes "value".
//
// Pure functions, thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace riff::music {

inline constexpr std::string_view kSubsonicVersion = "1.16.1";

using SubsonicValue = std::variant<std::string, std::int64_t, double, bool>;

struct SubsonicNode {
  std::string name;
  std::vector<std::pair<std::string, SubsonicValue>> attrs;
  std::vector<SubsonicNode> children;
  std::optional<std::string> text;
  /// Lists of plain values (OpenSubsonic's `isrc`, `versions`): a JSON array,
  /// or one element per value in XML.
  std::vector<std::pair<std::string, std::vector<SubsonicValue>>> arrays;
  bool list = false;  // one of possibly many siblings of this name (a JSON array)

  explicit SubsonicNode(std::string n, bool is_list = false) : name(std::move(n)), list(is_list) {}
  SubsonicNode& set(std::string key, SubsonicValue v) {
    attrs.emplace_back(std::move(key), std::move(v));
    return *this;
  }
  SubsonicNode& set(std::string key, const char* v) {
    return set(std::move(key), SubsonicValue(std::string(v)));
  }
  SubsonicNode& set(std::string key, const std::string& v) {
    return set(std::move(key), SubsonicValue(v));
  }
  SubsonicNode& set(std::string key, bool v) { return set(std::move(key), SubsonicValue(v)); }
  SubsonicNode& set(std::string key, double v) { return set(std::move(key), SubsonicValue(v)); }
  template <class I>
  requires(std::is_integral_v<I> && !std::is_same_v<I, bool>) SubsonicNode& set(std::string key,
                                                                                I v) {
    return set(std::move(key), SubsonicValue(static_cast<std::int64_t>(v)));
  }
  SubsonicNode& set_array(std::string key, std::vector<SubsonicValue> values) {
    arrays.emplace_back(std::move(key), std::move(values));
    return *this;
  }
  /// Adds a child element and returns it.
  SubsonicNode& add(std::string child_name, bool is_list = false) {
    children.emplace_back(std::move(child_name), is_list);
    return children.back();
  }
};

enum class SubsonicFormat { kXml, kJson };

/// A full "ok" response: <subsonic-response status="ok" ...> with `body`
/// (empty for ping) as its children.
std::string render_ok(const std::vector<SubsonicNode>& body, SubsonicFormat f);
/// A "failed" response with error code and message.
std::string render_error(int code, const std::string& message, SubsonicFormat f);

std::string_view content_type(SubsonicFormat f);

}  // namespace riff::music
