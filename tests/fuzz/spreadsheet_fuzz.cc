// Fuzz target: the spreadsheet layer of the CSV reader on arbitrary bytes. The decoder yields
// valid UTF-8 or an error naming a byte inside the line; the full-width fold never grows a
// string and is idempotent; a date cell comes back unchanged or as YYYY-MM-DD; a header's name
// is idempotent.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ingest/spreadsheet.h"

namespace {

using namespace battrace::ingest;

bool IsIsoShape(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  TextDecoder decoder;
  if (!input.empty() && input[0] == '\x01') decoder.SawBom();
  size_t start = 0, number = 0;
  while (start <= input.size()) {
    const size_t nl = std::min(input.find('\n', start), input.size());
    const std::string_view line = input.substr(start, nl - start);
    start = nl + 1;
    ++number;
    auto decoded = decoder.Decode(line, number);
    if (decoded.ok()) {
      if (InvalidUtf8At(*decoded) != 0) std::abort();
      const std::string cell(*decoded);
      const std::string folded = FoldFullWidth(cell);
      if (folded.size() > cell.size() || FoldFullWidth(folded) != folded) std::abort();
      if (InvalidUtf8At(folded) != 0) std::abort();
      auto date = SpreadsheetDate(folded);
      if (date.ok() && *date != folded && !IsIsoShape(*date)) std::abort();
      if (!date.ok() && date.status().rule() != "csv.excel_date") std::abort();
      (void)SpreadsheetInstant(folded);
      (void)IsScientificNotation(folded);
      (void)ClassOfColumn(folded);
      const std::string column = CanonicalColumn(cell);
      if (CanonicalColumn(column) != column) std::abort();
    } else if (decoded.status().rule() != "csv.encoding") {
      std::abort();
    }
  }
  return 0;
}
