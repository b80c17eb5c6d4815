// Bulk import and export of the caller's catalog (CSV or JSON), see bulk.hpp.

#include <fmt/format.h>

#include "riff/net/json.hpp"
#include "riff/shop/module.hpp"
#include "riff/shop/render.hpp"

namespace riff::shop {
namespace {

namespace json = boost::json;
using net::HttpError;
using net::Request;
using net::Response;

constexpr std::size_t kMaxImportBytes = 8 * 1024 * 1024;

bool is_json(const Request& req) {
  if (auto f = req.query("format")) {
    if (*f == "json") return true;
    if (*f == "csv") return false;
    throw HttpError(Status::invalid("/format", "format is csv or json."));
  }
  const std::string_view type = req.header("Content-Type").value_or("");
  if (type.rfind("application/json", 0) == 0) return true;
  if (type.rfind("text/csv", 0) == 0) return false;
  throw HttpError(415, "unsupported-media-type", "Unsupported media type",
                  "Send text/csv or application/json (or say ?format=).");
}

bool flag(const Request& req, std::string_view name) {
  auto v = req.query(name);
  if (!v || v->empty() || *v == "false" || *v == "0") return false;
  if (*v == "true" || *v == "1") return true;
  throw HttpError(
      Status::invalid("/" + std::string(name), std::string(name) + " is true or false."));
}

json::object report_json(const ImportReport& r) {
  json::array errors;
  for (const auto& e : r.errors) {
    errors.push_back(json::object{{"row", e.row},
                                  {"field", e.field},
                                  {"pointer", fmt::format("/rows/{}/{}", e.row, e.field)},
                                  {"detail", e.message}});
  }
  return {{"dry_run", r.dry_run},
          {"applied", r.applied},
          {"rows", r.rows},
          {"products_created", r.products_created},
          {"products_updated", r.products_updated},
          {"errors", std::move(errors)}};
}

Response import(ShopModule& m, const Request& req) {
  const Id me = user_of(req);
  const bool dry_run = flag(req, "dry_run");
  auto rows = is_json(req) ? bulk_rows_from_json(req.body) : bulk_rows_from_csv(req.body);
  ImportReport report =
      net::value_or_throw(m.bulk().import(me, net::value_or_throw(rows), dry_run));
  if (report.errors.empty()) return net::json_response(200, report_json(report));
  // Rejected rows: a problem whose errors[] name row and column.
  json::object body = report_json(report);
  body["type"] = "/problems/import-rejected";
  body["title"] = "Import rejected";
  body["status"] = 422;
  body["detail"] =
      fmt::format("{} problems in the file; nothing was imported.", report.errors.size());
  Response r = net::json_response(422, body);
  r.headers.set("Content-Type", "application/problem+json");
  return r;
}

Response export_catalog(ShopModule& m, const Request& req) {
  const Id me = user_of(req);
  const std::string format = req.query("format").value_or("csv");
  if (format != "csv" && format != "json") {
    throw HttpError(Status::invalid("/format", "format is csv or json."));
  }
  net::value_or_throw(m.shops().mine(me));  // 404 without a shop
  auto rows = net::value_or_throw(m.bulk().export_rows(me));
  Response r = format == "json" ? Response::json(200, bulk_to_json(rows))
                                : Response::text(200, bulk_to_csv(rows), "text/csv; charset=utf-8");
  r.headers.set("Content-Disposition", fmt::format("attachment; filename=\"products.{}\"", format));
  r.headers.set("Cache-Control", "no-store");
  return r;
}

}  // namespace

void mount_bulk_routes(net::Router& router, ShopModule& m) {
  net::RouteOptions upload;
  upload.auth = net::Auth::kRequired;
  upload.max_body = kMaxImportBytes;
  router.post(
      "/api/v1/me/shop/products/import", [&m](Request& req) { return import(m, req); }, upload);
  net::RouteOptions required;
  required.auth = net::Auth::kRequired;
  router.get(
      "/api/v1/me/shop/products/export", [&m](Request& req) { return export_catalog(m, req); },
      required);
}

}  // namespace riff::shop
