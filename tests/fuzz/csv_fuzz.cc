// Fuzz target: the CSV report reader on arbitrary bytes. Every record is either a report whose
// stored form round-trips through ParseReport, or an error naming its line.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ingest/csv_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  battrace::ingest::CsvReader reader(input, battrace::ParseOptions{});
  size_t last_line = 0;
  while (auto record = reader.Next()) {
    if (record->line_number <= last_line) std::abort();
    last_line = record->line_number;
    if (!record->report.ok()) continue;
    const std::string stored = battrace::ReportToJson(*record->report).dump();
    auto again = battrace::ParseReport(stored, {.replay = true});
    if (!again.ok() || battrace::ReportToJson(*again).dump() != stored) std::abort();
  }
  return 0;
}
