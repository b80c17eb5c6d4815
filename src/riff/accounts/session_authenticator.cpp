#include "riff/accounts/session_authenticator.hpp"

#include <strings.h>

#include "riff/accounts/service.hpp"
#include "riff/accounts/tokens.hpp"

namespace riff::accounts {
namespace {



struct PresentedToken {
  std::string token;
  bool via_cookie = false;
};

bool is_websocket_upgrade(const net::Request& req) {
  auto upgrade = req.header("Upgrade");
  return upgrade && upgrade->size() == 9 && strncasecmp(upgrade->data(), "websocket", 9) == 0;
}

std::optional<PresentedToken> presented_token(const net::Request& req) {
  if (auto auth = req.header("Authorization")) {
    constexpr std::string_view kBearer = "Bearer ";
    if (auth->size() > kBearer.size() &&
        strncasecmp(auth->data(), kBearer.data(), kBearer.size()) == 0) {
      return PresentedToken{std::string(auth->substr(kBearer.size())), false};
    }
  }
  if (auto cookie = req.cookie(kSessionCookie); cookie && !cookie->empty()) {
    return PresentedToken{std::move(*cookie), true};
  }
  if (is_websocket_upgrade(req)) {
    if (auto q = req.query("token"); q && !q->empty()) return PresentedToken{std::move(*q), false};
  }
  return std::nullopt;
}

}  // namespace

SessionAuthenticator::SessionAuthenticator(AccountService& accounts) : accounts_(accounts) {}

std::optional<net::Principal> SessionAuthenticator::authenticate(const net::Request& req) {
  auto presented = presented_token(req);
  if (!presented) return std::nullopt;
  auto session = accounts_.authenticate(presented->token);
  if (!session) return std::nullopt;
  net::Principal p;
  p.user_id = session->user_id;
  p.session_id = session->session_id;
  p.role = session->role;
  p.via_cookie = presented->via_cookie;
  return p;
}

bool SessionAuthenticator::csrf_ok(const net::Request& req) {
  auto cookie = req.cookie(kSessionCookie);
  auto header = req.header(kCsrfHeader);
  if (!cookie || cookie->empty() || !header) return false;
  return csrf_token_matches(*cookie, *header);
}

}  // namespace riff::accounts
