// NDJSON report files: lines from LineSource, reports from ParseReport (see ndjson_reader.h).
#include "ingest/ndjson_reader.h"

#include <string>

namespace battrace::ingest {
namespace {

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

// A stored registry leaf (canonical JSON, so the member is spelled exactly so). A report whose
// text merely contains these bytes inside a string has them escaped.
bool LooksLikeRegistryLeaf(std::string_view line) {
  return line.find("\"type\":\"registry.") != std::string_view::npos;
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
    if (options_.replay && LooksLikeRegistryLeaf(line.text)) {
      auto change = store::ParseRegistryLeaf(line.text);
      if (!change.ok()) return ImportRecord{line.number, line.text, change.status()};
      return ImportRecord{line.number, line.text, Status::Internal("a registry leaf"),
                          std::move(change).value()};
    }
    return ImportRecord{line.number, line.text, ParseReport(line.text, options_)};
  }
  return std::nullopt;
}

}  // namespace battrace::ingest
