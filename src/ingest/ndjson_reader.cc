// NDJSON report files: lines from LineSource, reports from ParseReport (see ndjson_reader.h).
#include "ingest/ndjson_reader.h"

#include <string>

namespace battrace::ingest {
namespace {

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

}  // namespace

NdjsonReader::NdjsonReader(std::istream& in, ParseOptions options)
    : lines_(in, kMaxReportBytes), options_(options) {}

NdjsonReader::NdjsonReader(std::string_view buffer, ParseOptions options)
    : lines_(buffer, kMaxReportBytes), options_(options) {}

std::optional<ImportRecord> NdjsonReader::Next() {
  LineSource::Line line;
  while (lines_.Next(&line)) {
    if (line.too_long) {
      return ImportRecord{
          line.number, line.text,
          Status::Invalid("", "ingest.line_too_long",
                          "line longer than " + std::to_string(kMaxReportBytes) + " bytes")};
    }
    if (IsBlank(line.text)) continue;
    return ImportRecord{line.number, line.text, ParseReport(line.text, options_)};
  }
  return std::nullopt;
}

}  // namespace battrace::ingest
