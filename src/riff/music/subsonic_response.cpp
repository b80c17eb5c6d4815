#include "riff/music/subsonic_response.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <map>

#include "riff/music/xml_text.hpp"

namespace riff::music {
namespace json = boost::json;

namespace {

std::string value_text(const SubsonicValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", std::get<double>(v));
  return buf;
}

void to_xml(std::string& out, const SubsonicNode& n, bool root) {
  out += '<';
  out += n.name;
  if (root) out += " xmlns=\"http://subsonic.org/restapi\"";
  for (const auto& [k, v] : n.attrs) {
    out += ' ';
    out += k;
    out += "=\"";
    append_xml_text(out, value_text(v));
    out += '"';
  }
  if (n.children.empty() && !n.text && n.arrays.empty()) {
    out += "/>";
    return;
  }
  out += '>';
  if (n.text) append_xml_text(out, *n.text);
  for (const auto& [k, values] : n.arrays) {
    for (const auto& v : values) {
      out += '<' + k + '>';
      append_xml_text(out, value_text(v));
      out += "</" + k + '>';
    }
  }
  for (const auto& c : n.children) to_xml(out, c, false);
  out += "</";
  out += n.name;
  out += '>';
}

json::value json_value(const SubsonicValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return json::string(*s);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  const double d = std::get<double>(v);
  return std::isfinite(d) ? json::value(std::round(d * 10000) / 10000) : json::value(nullptr);
}

json::object to_json(const SubsonicNode& n) {
  json::object o;
  for (const auto& [k, v] : n.attrs) o[k] = json_value(v);
  if (n.text) o["value"] = *n.text;
  for (const auto& [k, values] : n.arrays) {
    json::array a;
    for (const auto& v : values) a.push_back(json_value(v));
    o[k] = std::move(a);
  }
  for (const auto& c : n.children) {
    if (c.list) {
      auto it = o.find(c.name);
      if (it == o.end() || !it->value().is_array())
        it = o.insert_or_assign(c.name, json::array()).first;
      it->value().as_array().push_back(to_json(c));
    } else {
      o[c.name] = to_json(c);
    }
  }
  return o;
}

SubsonicNode envelope(bool ok) {
  SubsonicNode root("subsonic-response");
  root.set("status", ok ? "ok" : "failed")
      .set("version", std::string(kSubsonicVersion))
      .set("type", "riff")
      .set("serverVersion", "0.1.0")
      .set("openSubsonic", true);
  return root;
}

std::string render(const SubsonicNode& root, SubsonicFormat f) {
  if (f == SubsonicFormat::kJson) {
    json::object top;
    top["subsonic-response"] = to_json(root);
    return json::serialize(top);
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
  to_xml(out, root, true);
  return out;
}

}  // namespace

std::string render_ok(const std::vector<SubsonicNode>& body, SubsonicFormat f) {
  SubsonicNode root = envelope(true);
  root.children = body;
  return render(root, f);
}

std::string render_error(int code, const std::string& message, SubsonicFormat f) {
  SubsonicNode root = envelope(false);
  root.add("error").set("code", code).set("message", message);
  return render(root, f);
}

std::string_view content_type(SubsonicFormat f) {
  return f == SubsonicFormat::kJson ? "application/json" : "text/xml; charset=utf-8";
}

}  // namespace riff::music
