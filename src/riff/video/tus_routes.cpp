#include "riff/video/tus_routes.hpp"

#include <openssl/evp.h>

#include <charconv>

#include "riff/video/uploads.hpp"

namespace riff::video {
namespace {

using net::HttpError;
using net::Method;
using net::Request;
using net::Response;

constexpr std::string_view kTusVersion = "1.0.0";
constexpr int kChecksumMismatch = 460;

Response with_tus(Response r) {
  r.headers.set("Tus-Resumable", std::string(kTusVersion));
  return r;
}

Response problem(int status, std::string type, std::string title, std::string detail = {}) {
  return with_tus(
      net::problem_response({status, std::move(type), std::move(title), std::move(detail), {}, 0}));
}

Response problem(const Status& s) {
  return with_tus(net::problem_response(net::problem_from(s)));
}

/// Runs a handler, answering its errors with the tus header too.
template <class Fn>
Response tus(Fn&& fn) {
  try {
    return with_tus(fn());
  } catch (const HttpError& e) {
    return with_tus(net::problem_response(e.problem()));
  }
}

void check_version(const Request& req) {
  auto v = req.header("Tus-Resumable");
  if (v && *v != kTusVersion) {
    net::Problem p{
        412, "tus-version", "Unsupported tus version", "This server speaks tus 1.0.0.", {}, 0};
    throw HttpError(std::move(p));
  }
}

std::optional<std::int64_t> header_int(const Request& req, std::string_view name) {
  auto h = req.header(name);
  if (!h) return std::nullopt;
  std::int64_t v = -1;
  auto [p, ec] = std::from_chars(h->data(), h->data() + h->size(), v);
  if (ec != std::errc() || p != h->data() + h->size() || v < 0) return std::nullopt;
  return v;
}

Id upload_id(const Request& req) {
  auto id = parse_id(req.param("id"));
  if (!id) throw HttpError(404, "not-found", "Not found", "No such upload.");
  return *id;
}

Id user_of(const Request& req) {
  if (!req.principal)
    throw HttpError(401, "unauthenticated", "Authentication required", "Log in first.");
  return req.principal->user_id;
}

void add_upload_headers(Response& r, const Upload& u) {
  r.headers.add("Upload-Offset", std::to_string(u.offset));
  r.headers.add("Upload-Length", std::to_string(u.length));
  r.headers.add("Upload-Expires", http_date(u.expires_at));
  r.headers.add("Cache-Control", "no-store");
  if (!u.metadata.empty()) r.headers.add("Upload-Metadata", u.metadata);
}

/// Decodes the `Upload-Checksum: sha1 <base64>` header.
std::optional<std::string> parse_checksum(std::string_view h) {
  auto space = h.find(' ');
  if (space == std::string_view::npos)
    throw HttpError(400, "bad-checksum", "Malformed Upload-Checksum");
  if (h.substr(0, space) != "sha1") {
    throw HttpError(400, "checksum-algorithm", "Unsupported checksum algorithm", "Use sha1.");
  }
  std::string b64(h.substr(space + 1));
  if (b64.empty() || b64.size() % 4 != 0)
    throw HttpError(400, "bad-checksum", "Malformed Upload-Checksum");
  std::string out(b64.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(b64.data()),
                          static_cast<int>(b64.size()));
  if (n < 0) throw HttpError(400, "bad-checksum", "Malformed Upload-Checksum");
  std::size_t pad = 0;
  if (b64.back() == '=') ++pad;
  if (b64.size() > 1 && b64[b64.size() - 2] == '=') ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  if (out.size() != 20) throw HttpError(400, "bad-checksum", "A sha1 checksum is 20 bytes.");
  return out;
}

/// Streams a PATCH body into an UploadAppend.
class PatchSink final : public net::BodySink {
 public:
  explicit PatchSink(std::unique_ptr<UploadAppend> append) : append_(std::move(append)) {}
  Status write(std::string_view chunk) override { return append_->write(chunk); }
  Response finish(bool complete, const Status& write_error) override {
    auto out = append_->finish(complete && write_error.is_ok());
    append_.reset();  // lets the next append in
    if (!out) return problem(out.status());
    if (out->checksum_mismatch) {
      Response r = problem(kChecksumMismatch, "checksum-mismatch", "Checksum mismatch",
                           "The bytes did not match Upload-Checksum and were discarded.");
      r.headers.add("Upload-Offset", std::to_string(out->upload.offset));
      return r;
    }
    if (!write_error) return problem(write_error);
    Response r = Response::no_content();
    r.headers.add("Upload-Offset", std::to_string(out->upload.offset));
    r.headers.add("Upload-Expires", http_date(out->upload.expires_at));
    return with_tus(std::move(r));
  }

 private:
  std::unique_ptr<UploadAppend> append_;
};

}  // namespace

void mount_tus_routes(net::Router& router, UploadService& uploads) {
  const std::string max_size = std::to_string(uploads.options().max_bytes);
  net::RouteOptions open;
  open.auth = net::Auth::kNone;
  open.blocking = false;
  net::RouteOptions authed;
  authed.auth = net::Auth::kRequired;

  auto options = [max_size](Request&) {
    Response r = Response::no_content();
    r.headers.add("Tus-Version", std::string(kTusVersion));
    r.headers.add("Tus-Extension", "creation,termination,expiration,checksum");
    r.headers.add("Tus-Max-Size", max_size);
    r.headers.add("Tus-Checksum-Algorithm", "sha1");
    return with_tus(std::move(r));
  };
  router.add(Method::kOptions, "/api/v1/uploads", options, open);
  router.add(Method::kOptions, "/api/v1/uploads/{id}", options, open);

  router.post(
      "/api/v1/uploads",
      [&uploads](Request& req) {
        return tus([&] {
          check_version(req);
          if (req.header("Upload-Defer-Length")) {
            throw HttpError(400, "defer-length", "Upload-Defer-Length is not supported",
                            "Send Upload-Length.");
          }
          auto length = header_int(req, "Upload-Length");
          if (!length)
            throw HttpError(400, "upload-length", "Upload-Length is required",
                            "Send the file's size.");
          std::string metadata(req.header("Upload-Metadata").value_or(""));
          if (metadata.size() > 4096)
            throw HttpError(400, "upload-metadata", "Upload-Metadata is too long");
          Upload u =
              net::value_or_throw(uploads.create(user_of(req), *length, std::move(metadata)));
          Response r;
          r.status = 201;
          r.headers.add("Location", "/api/v1/uploads/" + id_to_string(u.id));
          r.headers.add("Upload-Offset", "0");
          r.headers.add("Upload-Expires", http_date(u.expires_at));
          return r;
        });
      },
      authed);

  router.add(
      Method::kHead, "/api/v1/uploads/{id}",
      [&uploads](Request& req) {
        return tus([&] {
          check_version(req);
          Upload u = net::value_or_throw(uploads.get(user_of(req), upload_id(req)));
          Response r;
          add_upload_headers(r, u);
          return r;
        });
      },
      authed);

  net::RouteOptions patch = authed;
  patch.max_body = static_cast<std::size_t>(uploads.options().max_bytes);
  router.stream(
      Method::kPatch, "/api/v1/uploads/{id}",
      [&uploads](Request& req) {
        net::StreamStart start;
        try {
          check_version(req);
          auto type = req.header("Content-Type");
          if (!type || *type != "application/offset+octet-stream") {
            throw HttpError(415, "unsupported-media-type", "Unsupported media type",
                            "PATCH bodies are application/offset+octet-stream.");
          }
          auto offset = header_int(req, "Upload-Offset");
          if (!offset) throw HttpError(400, "upload-offset", "Upload-Offset is required");
          std::optional<std::string> sha1;
          if (auto h = req.header("Upload-Checksum")) sha1 = parse_checksum(*h);
          auto append =
              uploads.begin_append(user_of(req), upload_id(req), *offset, std::move(sha1));
          if (!append) {
            start.answer = problem(append.status());
            return start;
          }
          start.sink = std::make_unique<PatchSink>(std::move(append).value());
        } catch (const HttpError& e) {
          start.answer = with_tus(net::problem_response(e.problem()));
        }
        return start;
      },
      patch);

  router.del(
      "/api/v1/uploads/{id}",
      [&uploads](Request& req) {
        return tus([&] {
          check_version(req);
          net::ok_or_throw(uploads.terminate(user_of(req), upload_id(req)));
          return Response::no_content();
        });
      },
      authed);
}

}  // namespace riff::video
