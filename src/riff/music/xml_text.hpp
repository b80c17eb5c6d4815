#pragma once
// Text for XML documents (Subsonic responses, XSPF playlists): the five
// markup characters escaped, and what XML 1.0 cannot carry at all (C0
// control characters other than tab, LF and CR; bytes that are not UTF-8)
// replaced, so hostile tags or names never make a document ill-formed.
//
// Pure functions, thread-safe.

#include <string>
#include <string_view>

namespace riff::music {

/// Appends `s` to `out` as XML character data or attribute text.
void append_xml_text(std::string& out, std::string_view s);

/// `s` with every byte that is not part of well-formed UTF-8 replaced by
/// U+FFFD (JSON text must be UTF-8 too).
std::string to_valid_utf8(std::string_view s);

}  // namespace riff::music
