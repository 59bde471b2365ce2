// Fuzz target: the CSV and NDJSON bodies of POST /v1/reports on arbitrary bytes, the first byte
// choosing the format and, for CSV, the report type the upload names. Either the body is
// refused whole with a rule, or every item has a line, in increasing order, and is a report of
// the filer (of the named type) or an error with a rule.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "domain/report_type.h"
#include "server/batch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  using battrace::ReportType;
  const uint8_t selector = data[0];
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto format = selector % 2 == 0 ? battrace::server::BodyFormat::kCsv
                                        : battrace::server::BodyFormat::kNdjson;
  std::optional<ReportType> type;
  // Two selectors of every kReportTypeCount + 2 name no type.
  constexpr size_t kChoices = battrace::kReportTypeCount + 2;
  if (format == battrace::server::BodyFormat::kCsv &&
      (selector / 2) % kChoices < battrace::kReportTypeCount) {
    type = static_cast<ReportType>((selector / 2) % kChoices);
  }
  const std::string reporter = "91350900587527783P";
  auto items = battrace::server::ParseLines(body, format, type, reporter, 64);
  if (!items.ok()) {
    if (items.status().rule().empty()) std::abort();
    return 0;
  }
  uint64_t last = 0;
  for (const auto& item : *items) {
    if (item.line <= last) std::abort();
    last = item.line;
    if (!item.report.ok()) {
      if (item.report.status().rule().empty()) std::abort();
      continue;
    }
    if (item.report->reporter.str() != reporter) std::abort();
    if (type && item.report->type() != *type) std::abort();
  }
  return 0;
}
