#include "riff/accounts/validation.hpp"

#include <fmt/format.h>

#include <cstdint>

#include "riff/core/countries.hpp"

namespace riff::accounts {
namespace {

/// Code points of `s`, or nullopt when it is not valid UTF-8. Also reports
/// whether any control character (other than those `allowed`) was seen.
struct Utf8Scan {
  std::size_t code_points = 0;
  bool has_control = false;
};

std::optional<Utf8Scan> scan_utf8(std::string_view s, std::string_view allowed_controls) {
  Utf8Scan out;
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::uint32_t cp;
    std::size_t len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else {
      return std::nullopt;
    }
    if (i + len > s.size()) return std::nullopt;
    for (std::size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return std::nullopt;
    }
    bool control = cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0);
    if (control && allowed_controls.find(static_cast<char>(cp)) == std::string_view::npos) {
      out.has_control = true;
    }
    ++out.code_points;
    i += len;
  }
  return out;
}

std::optional<std::string> text_error(std::string_view what, std::string_view s, std::size_t min,
                                      std::size_t max, std::string_view allowed_controls) {
  auto scan = scan_utf8(s, allowed_controls);
  if (!scan) return fmt::format("{} must be valid UTF-8", what);
  if (scan->code_points < min || scan->code_points > max) {
    if (min == 0) return fmt::format("{} must be at most {} characters", what, max);
    return fmt::format("{} must be {} to {} characters", what, min, max);
  }
  if (scan->has_control) return fmt::format("{} must not contain control characters", what);
  return std::nullopt;
}

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<std::string> handle_error(std::string_view handle) {
  std::string h = to_lower_ascii(handle);
  if (h.size() < kHandleMin || h.size() > kHandleMax) {
    return fmt::format("handle must be {} to {} characters", kHandleMin, kHandleMax);
  }
  for (char c : h) {
    if (!is_lower_alnum(c) && c != '_' && c != '.') {
      return "handle may contain only letters a-z, digits, '_' and '.'";
    }
  }
  if (!is_lower_alnum(h.front())) return "handle must start with a letter or digit";
  return std::nullopt;
}

std::optional<std::string> email_error(std::string_view email) {
  constexpr std::string_view kShape = "email must look like name@example.com";
  if (email.empty()) return std::string(kShape);
  if (email.size() > kEmailMax)
    return fmt::format("email must be at most {} characters", kEmailMax);
  for (char c : email) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) return std::string(kShape);
  }
  auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 ||
      email.find('@', at + 1) != std::string_view::npos) {
    return std::string(kShape);
  }
  std::string_view domain = email.substr(at + 1);
  auto dot = domain.rfind('.');
  // The domain needs a name before its last dot and a top-level part after it,
  // and no empty labels ("a@b..c", "a@.b.c").
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == domain.size() ||
      domain.front() == '.' || domain.find("..") != std::string_view::npos) {
    return std::string(kShape);
  }
  if (!scan_utf8(email, {})) return "email must be valid UTF-8";
  return std::nullopt;
}

std::optional<std::string> password_error(std::string_view password) {
  auto scan = scan_utf8(password, "\t");
  if (!scan) return "password must be valid UTF-8";
  if (scan->code_points < kPasswordMin || scan->code_points > kPasswordMax) {
    return fmt::format("password must be {} to {} characters", kPasswordMin, kPasswordMax);
  }
  return std::nullopt;
}

std::optional<std::string> display_name_error(std::string_view name) {
  return text_error("display_name", name, 0, kDisplayNameMax, {});
}

std::optional<std::string> bio_error(std::string_view bio) {
  return text_error("bio", bio, 0, kBioMax, "\n\r\t");
}

std::optional<std::string> country_error(std::string_view country) {
  if (country.empty() || normalize_country(country)) return std::nullopt;
  return "must be an ISO 3166-1 alpha-2 country code such as \"IN\"";
}

}  // namespace riff::accounts
