#pragma once
// CSV as RFC 4180 writes it, read the way spreadsheets produce it: fields
// separated by ',', records by CRLF or LF, fields in double quotes may hold
// commas, quotes (doubled) and line breaks; a UTF-8 byte-order mark at the
// start is skipped; a last record without a line break counts; blank lines
// are skipped. A quote inside an unquoted field, text after a closing
// quote, or an unterminated quote is an error naming the record.
//
// Written here rather than taken from Debian: libcsv-dev is a C callback
// API that would still need this much wrapping, and libfccp-dev reads only.
//
// Pure functions; thread-safe.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "riff/core/status.hpp"

namespace riff::shop {

using CsvRecord = std::vector<std::string>;

/// Every record of `text`. kInvalid (pointer "/csv") naming the record
/// number (1 = the first record) on malformed input or more than `max_records`.
Result<std::vector<CsvRecord>> parse_csv(std::string_view text, std::size_t max_records = 100'000);

/// One record with its CRLF. Fields holding ',', '"', CR, LF, or space at
/// either end are quoted (quotes doubled); others are written as they are.
std::string csv_record(const CsvRecord& fields);

}  // namespace riff::shop
