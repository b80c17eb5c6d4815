#include "riff/net/http_client.hpp"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

namespace riff::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

/// Loopback, private, link-local, CGNAT, multicast, unspecified and
/// documentation ranges: nothing a user's service on the internet uses.
bool is_public(const asio::ip::address& a) {
  if (a.is_loopback() || a.is_unspecified() || a.is_multicast()) return false;
  if (a.is_v4()) {
    const auto b = a.to_v4().to_bytes();
    if (b[0] == 10 || b[0] == 0 || b[0] >= 224) return false;
    if (b[0] == 172 && (b[1] & 0xf0) == 16) return false;
    if (b[0] == 192 && b[1] == 168) return false;
    if (b[0] == 169 && b[1] == 254) return false;
    if (b[0] == 100 && (b[1] & 0xc0) == 64) return false;
    return true;
  }
  const auto v6 = a.to_v6();
  if (v6.is_link_local() || v6.is_site_local() || v6.is_v4_mapped()) return false;
  const auto b = v6.to_bytes();
  if ((b[0] & 0xfe) == 0xfc) return false;  // unique local fc00::/7
  return true;
}

template <class Stream>
Result<ClientResponse> exchange(Stream& stream, const std::string& host, const std::string& target,
                                const ClientOptions& o) {
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, host);
  req.set(http::field::user_agent, o.user_agent);
  req.set(http::field::accept, "application/json, text/xml;q=0.9, */*;q=0.5");
  req.set(http::field::connection, "close");
  beast::error_code ec;
  http::write(stream, req, ec);
  if (ec) return Status::unavailable("send to " + host + ": " + ec.message());
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(o.max_body);
  http::read(stream, buffer, parser, ec);
  if (ec == http::error::body_limit) {
    return Status::unavailable(host + " sent more than " + std::to_string(o.max_body) + " bytes");
  }
  if (ec) return Status::unavailable("read from " + host + ": " + ec.message());
  auto res = parser.release();
  ClientResponse out;
  out.status = static_cast<int>(res.result_int());
  out.content_type = std::string(res[http::field::content_type]);
  out.body = std::move(res.body());
  return out;
}

}  // namespace

Result<ClientResponse> http_get(std::string_view url, const ClientOptions& o) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return Status::invalid("/url", "not an absolute URL");
  const auto& u = *parsed;
  const std::string scheme = u.scheme();
  if (scheme != "http" && scheme != "https") return Status::invalid("/url", "an http or https URL");
  const std::string host = u.host_address();
  if (host.empty()) return Status::invalid("/url", "the URL has no host");
  const bool tls = scheme == "https";
  const std::string port = u.has_port() ? std::string(u.port()) : (tls ? "443" : "80");
  std::string target = std::string(u.encoded_path());
  if (target.empty()) target = "/";
  if (u.has_query()) target += "?" + std::string(u.encoded_query());

  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::error_code ec;
  const auto found = resolver.resolve(host, port, ec);
  if (ec) return Status::unavailable("resolve " + host + ": " + ec.message());
  std::vector<tcp::endpoint> endpoints;
  for (const auto& e : found) {
    if (o.allow_private || is_public(e.endpoint().address())) endpoints.push_back(e.endpoint());
  }
  if (endpoints.empty()) {
    return Status::forbidden(host + " is not on the public internet");
  }
  const std::string host_header =
      u.has_port() ? host + ":" + port : host;

  if (!tls) {
    beast::tcp_stream stream(ioc);
    stream.expires_after(o.timeout);
    stream.connect(endpoints.begin(), endpoints.end(), ec);
    if (ec) return Status::unavailable("connect to " + host + ": " + ec.message());
    auto r = exchange(stream, host_header, target, o);
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    return r;
  }
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_default_verify_paths(ec);
  if (ec) return Status::unavailable("TLS roots: " + ec.message());
  ctx.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str())) {
    return Status::unavailable("TLS: cannot set the server name");
  }
  stream.set_verify_callback(asio::ssl::host_name_verification(host));
  beast::get_lowest_layer(stream).expires_after(o.timeout);
  beast::get_lowest_layer(stream).connect(endpoints.begin(), endpoints.end(), ec);
  if (ec) return Status::unavailable("connect to " + host + ": " + ec.message());
  stream.handshake(asio::ssl::stream_base::client, ec);
  if (ec) return Status::unavailable("TLS with " + host + ": " + ec.message());
  auto r = exchange(stream, host_header, target, o);
  stream.shutdown(ec);
  return r;
}

}  // namespace riff::net
