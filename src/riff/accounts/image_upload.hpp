#pragma once
// Reading an uploaded image body (PUT with raw bytes) for every route that
// takes one: avatars, shop logos and product images, playlist covers. One
// rule for all: Content-Type image/png, image/jpeg or image/webp, bytes that
// start with that type's signature, and a size limit. Included by routes only.

#include <cstddef>
#include <string_view>

#include "riff/accounts/avatar_files.hpp"
#include "riff/net/http.hpp"

namespace riff::accounts {

/// The image type of `req`'s body; throws HttpError 415 for another or a
/// mismatching type and 413 over `max_bytes` ("<what> may be at most N bytes.").
ImageType read_image_upload(const net::Request& req, std::size_t max_bytes, std::string_view what);

}  // namespace riff::accounts
