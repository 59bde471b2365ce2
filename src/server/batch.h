// The body of POST /v1/reports: a JSON array of reports (docs/report-format.md), or a CSV or
// NDJSON file of them read as `battrace import` reads one (ingest/csv_reader.h,
// ingest/ndjson_reader.h). Each report is parsed strictly on its own so one bad report does not
// sink the others; a report filed for another enterprise is refused (rule "auth.reporter").
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "domain/report.h"
#include "ingest/pipeline.h"

namespace battrace::server {

enum class BodyFormat { kJsonArray, kCsv, kNdjson };

// By the media type of a Content-Type header, case-insensitive, parameters ignored: "text/csv"
// is CSV, "application/x-ndjson" (or "application/ndjson") NDJSON, anything else a JSON array.
BodyFormat BodyFormatOf(std::string_view content_type);

// A JSON array body: the parsed items, in order (Item.line is the 1-based index), battery codes
// read as `codes` says; errors of an item name its field from the report ("/codes/0"). Fails as
// a whole, nothing parsed, when the body is not a JSON array (rule "api.body") or holds more
// than `max_items` entries (rule "api.batch_too_large").
Result<std::vector<ingest::Item>> ParseBatch(std::string_view body, const std::string& reporter,
                                             size_t max_items,
                                             Strictness codes = Strictness::kStrict);

// A CSV body (reports of `type` when given; csv_reader.h) or an NDJSON body: one item per record,
// Item.line its line in the body (a CSV's header is line 1; blank lines are skipped but
// counted) and Item.raw its text. A CSV row's errors name its column ("codes"), an NDJSON line's
// the JSON pointer in the line. Fails as a whole when a CSV's header cannot be read (its rule:
// csv.header, csv.quote, csv.encoding, ...) or the body holds more than `max_items` records
// (rule "api.batch_too_large").
Result<std::vector<ingest::Item>> ParseLines(std::string_view body, BodyFormat format,
                                             std::optional<ReportType> type,
                                             const std::string& reporter, size_t max_items,
                                             Strictness codes = Strictness::kStrict);

}  // namespace battrace::server
