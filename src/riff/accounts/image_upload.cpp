#include "riff/accounts/image_upload.hpp"

#include <fmt/format.h>

namespace riff::accounts {

ImageType read_image_upload(const net::Request& req, std::size_t max_bytes, std::string_view what) {
  auto type = image_type_from_content_type(req.header("Content-Type").value_or(""));
  if (!type) {
    throw net::HttpError(415, "unsupported-media-type", "Unsupported media type",
                         "Send the image as image/png, image/jpeg or image/webp.");
  }
  if (req.body.size() > max_bytes) {
    throw net::HttpError(413, "too-large", "Too large",
                         fmt::format("{} may be at most {} bytes.", what, max_bytes));
  }
  if (!magic_matches(*type, req.body)) {
    throw net::HttpError(415, "unsupported-media-type", "Unsupported media type",
                         "The bytes are not an image of the declared Content-Type.");
  }
  return *type;
}

}  // namespace riff::accounts
