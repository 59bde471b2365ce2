#include "server/batch.h"

#include <simdjson.h>

#include "ingest/csv_reader.h"
#include "ingest/ndjson_reader.h"

namespace battrace::server {
namespace {

// Refuses a parsed report filed in another enterprise's name; `field` names the reporter.
void CheckReporter(ingest::Item& item, const std::string& reporter, const std::string& field) {
  if (item.report.ok() && item.report->reporter.str() != reporter) {
    item.report =
        Status::Invalid(field, "auth.reporter",
                        "an enterprise files its own reports: reporter must be " + reporter);
  }
}

Status TooMany(size_t max_items) {
  return Status::Invalid("", "api.batch_too_large",
                         "more than " + std::to_string(max_items) + " reports in one request");
}

// The records of `reader` (CsvReader or NdjsonReader) as items.
template <typename Reader>
Result<std::vector<ingest::Item>> ReadAll(Reader& reader, const std::string& reporter,
                                          const std::string& reporter_field, size_t max_items) {
  std::vector<ingest::Item> items;
  while (std::optional<ingest::ImportRecord> record = reader.Next()) {
    if (items.size() == max_items) return TooMany(max_items);
    ingest::Item item{record->line_number, std::string(record->raw), std::move(record->report)};
    CheckReporter(item, reporter, reporter_field);
    items.push_back(std::move(item));
  }
  BATTRACE_RETURN_IF_ERROR(reader.status());
  return items;
}

std::string LowerMediaType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t'))
    type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t'))
    type.remove_prefix(1);
  std::string out(type);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

BodyFormat BodyFormatOf(std::string_view content_type) {
  const std::string type = LowerMediaType(content_type);
  if (type == "text/csv") return BodyFormat::kCsv;
  if (type == "application/x-ndjson" || type == "application/ndjson") return BodyFormat::kNdjson;
  return BodyFormat::kJsonArray;
}

Result<std::vector<ingest::Item>> ParseBatch(std::string_view body, const std::string& reporter,
                                             size_t max_items, Strictness codes) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto err = parser.parse(body.data(), body.size()).get(root); err) {
    return Status::Invalid("", "api.body",
                           std::string("the body is not JSON: ") + simdjson::error_message(err));
  }
  simdjson::dom::array array;
  if (root.get_array().get(array)) {
    return Status::Invalid("", "api.body", "the body must be a JSON array of reports");
  }
  if (array.size() > max_items) {
    return Status::Invalid("", "api.batch_too_large",
                           std::to_string(array.size()) + " reports in one request; at most " +
                               std::to_string(max_items));
  }
  std::vector<ingest::Item> items;
  items.reserve(array.size());
  for (simdjson::dom::element e : array) {
    ingest::Item item;
    item.line = items.size() + 1;
    item.report = ParseReport(simdjson::minify(e), ParseOptions{.codes = codes});
    CheckReporter(item, reporter, "/reporter");
    items.push_back(std::move(item));
  }
  return items;
}

Result<std::vector<ingest::Item>> ParseLines(std::string_view body, BodyFormat format,
                                             std::optional<ReportType> type,
                                             const std::string& reporter, size_t max_items,
                                             Strictness codes) {
  const ParseOptions options{.codes = codes};
  if (format == BodyFormat::kNdjson) {
    ingest::NdjsonReader reader(body, options);
    return ReadAll(reader, reporter, "/reporter", max_items);
  }
  auto reader = type ? ingest::CsvReader(body, options, *type) : ingest::CsvReader(body, options);
  BATTRACE_ASSIGN_OR_RETURN(items, ReadAll(reader, reporter, "reporter", max_items));
  // A header that cannot be read ends the reader after one failed record: the file as a whole
  // is refused, since no row of it can be read.
  if (reader.header().empty() || (items.size() == 1 && !items[0].report.ok() &&
                                  items[0].report.status().rule() == "csv.header")) {
    if (items.empty()) return Status::Invalid("", "csv.header", "the CSV body has no header row");
    return items[0].report.status();
  }
  return items;
}

}  // namespace battrace::server
