#pragma once
// The field rules of the API contract. Each check returns nullopt when the
// value is fine, else a sentence for the client. Callers collect every
// failure before answering, so a client learns all that is wrong at once.

#include <optional>
#include <string>
#include <string_view>

namespace riff::accounts {

inline constexpr std::size_t kHandleMin = 3, kHandleMax = 24;
inline constexpr std::size_t kEmailMax = 254;
inline constexpr std::size_t kPasswordMin = 8, kPasswordMax = 128;
inline constexpr std::size_t kDisplayNameMax = 50;
inline constexpr std::size_t kBioMax = 160;

/// ASCII lowercase; handles and emails are compared in this form.
std::string to_lower_ascii(std::string_view s);

/// 3..24 of [a-z0-9_.] after lowercasing, starting with a letter or digit.
std::optional<std::string> handle_error(std::string_view handle);
/// local@domain.tld, at most 254 characters, no spaces or control characters.
std::optional<std::string> email_error(std::string_view email);
/// 8..128 code points of valid UTF-8.
std::optional<std::string> password_error(std::string_view password);
/// 0..50 code points of valid UTF-8, no control characters.
std::optional<std::string> display_name_error(std::string_view name);
/// 0..160 code points of valid UTF-8; line breaks allowed, other controls not.
std::optional<std::string> bio_error(std::string_view bio);
/// Empty (no country) or an ISO 3166-1 alpha-2 code in any case.
std::optional<std::string> country_error(std::string_view country);

}  // namespace riff::accounts
