#include "riff/shop/csv.hpp"

namespace riff::shop {
namespace {

Status csv_error(std::size_t record, std::string_view what) {
  return Status::invalid("/csv", "Record " + std::to_string(record) + ": " + std::string(what));
}

bool blank(const CsvRecord& r) {
  return r.size() == 1 && r[0].empty();
}

}  // namespace

Result<std::vector<CsvRecord>> parse_csv(std::string_view text, std::size_t max_records) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<CsvRecord> out;
  CsvRecord record;
  std::string field;
  bool quoted = false;         // this field began with a quote
  bool after_quote = false;    // the closing quote was seen
  bool field_started = false;  // something of this record was read
  std::size_t i = 0;
  auto end_field = [&] {
    record.push_back(std::move(field));
    field.clear();
    quoted = after_quote = false;
  };
  auto end_record = [&]() -> Status {
    end_field();
    if (!blank(record)) {
      if (out.size() >= max_records) {
        return csv_error(out.size() + 1,
                         "too many records (at most " + std::to_string(max_records) + ")");
      }
      out.push_back(std::move(record));
    }
    record.clear();
    field_started = false;
    return Status::ok();
  };
  while (i < text.size()) {
    const char c = text[i];
    if (quoted && !after_quote) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          i += 2;
          continue;
        }
        after_quote = true;
      } else {
        field += c;
      }
      ++i;
      continue;
    }
    if (c == ',') {
      end_field();
      field_started = true;
      ++i;
      continue;
    }
    if (c == '\r' || c == '\n') {
      RIFF_RETURN_IF_ERROR(end_record());
      i += (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
      continue;
    }
    if (after_quote) return csv_error(out.size() + 1, "text after a closing quote");
    if (c == '"') {
      if (!field.empty()) return csv_error(out.size() + 1, "a quote inside an unquoted field");
      quoted = true;
      field_started = true;
      ++i;
      continue;
    }
    field += c;
    field_started = true;
    ++i;
  }
  if (quoted && !after_quote) return csv_error(out.size() + 1, "a quoted field is not closed");
  if (field_started || !field.empty() || !record.empty()) RIFF_RETURN_IF_ERROR(end_record());
  return out;
}

std::string csv_record(const CsvRecord& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    const std::string& f = fields[i];
    const bool quote = f.find_first_of(",\"\r\n") != std::string::npos ||
                       (!f.empty() && (f.front() == ' ' || f.back() == ' '));
    if (!quote) {
      out += f;
      continue;
    }
    out += '"';
    for (char c : f) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  out += "\r\n";
  return out;
}

}  // namespace riff::shop
