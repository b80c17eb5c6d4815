#include "riff/net/router.hpp"

#include <stdexcept>

namespace riff::net {
namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool is_param(const std::string& seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }
bool is_rest_param(const std::string& seg) { return is_param(seg) && seg[seg.size() - 2] == '*'; }

}  // namespace

void Router::add(Method m, std::string pattern, Handler h, RouteOptions o) {
  auto r = std::make_unique<Route>();
  r->method = m;
  r->segments = split_path(pattern);
  for (std::size_t i = 0; i < r->segments.size(); ++i) {
    // A rest parameter must be last: anything after it could never match.
    if (is_rest_param(r->segments[i]) && i + 1 != r->segments.size()) {
      throw std::invalid_argument("route " + pattern + ": {name*} must be the last segment");
    }
  }
  for (const auto& existing : routes_) {
    if (existing->method == m && existing->pattern == pattern) {
      throw std::invalid_argument("route registered twice: " + pattern);
    }
  }
  r->pattern = std::move(pattern);
  r->handler = std::move(h);
  r->options = std::move(o);
  r->index = routes_.size();
  routes_.push_back(std::move(r));
}

void Router::stream(Method m, std::string pattern, StreamHandler h, RouteOptions o) {
  add(m, std::move(pattern), nullptr, std::move(o));
  routes_.back()->stream = std::move(h);
}

void Router::websocket(std::string pattern, std::shared_ptr<WsHandler> h, RouteOptions o) {
  add(Method::kGet, std::move(pattern), nullptr, std::move(o));
  routes_.back()->ws = std::move(h);
}

Match Router::match(Method m, std::string_view path) const {
  Match best;
  auto segs = split_path(path);
  // Literal segments beat parameters: among matching routes take the one whose
  // first differing segment is literal. Scoring by literal count does that for
  // the route shapes we use.
  int best_score = -1;
  for (const auto& r : routes_) {
    std::vector<std::pair<std::string, std::string>> params;
    bool ok = true;
    int score = 0;
    std::size_t i = 0;
    for (; i < r->segments.size(); ++i) {
      const auto& seg = r->segments[i];
      if (is_rest_param(seg)) {
        std::string rest;
        for (std::size_t k = i; k < segs.size(); ++k) {
          if (!rest.empty()) rest += '/';
          rest += segs[k];
        }
        params.emplace_back(seg.substr(1, seg.size() - 3), std::move(rest));
        i = segs.size();
        break;
      }
      if (i >= segs.size()) {
        ok = false;
        break;
      }
      if (is_param(seg)) {
        if (segs[i].empty()) {
          ok = false;
          break;
        }
        params.emplace_back(seg.substr(1, seg.size() - 2), segs[i]);
      } else if (seg != segs[i]) {
        ok = false;
        break;
      } else {
        score += 2;
      }
    }
    if (!ok || (i != segs.size())) continue;
    bool method_ok = r->method == m || (m == Method::kHead && r->method == Method::kGet);
    if (!method_ok) {
      best.path_matched = true;
      continue;
    }
    if (score > best_score) {
      best_score = score;
      best.route = r.get();
      best.params = std::move(params);
    }
  }
  if (best.route) best.path_matched = true;
  return best;
}

}  // namespace riff::net
