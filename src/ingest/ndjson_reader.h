// Reads NDJSON report files (`battrace import`): one report per line, each parsed by
// ParseReport, so a bad line is reported with its line number and the rest still load.
//
// Blank lines (spaces and tabs only) are skipped; "\r\n" line endings and a leading UTF-8 byte
// order mark are accepted; a line over kMaxReportBytes is rejected as a whole (rule
// "ingest.line_too_long") without being held in memory.
#pragma once

#include <istream>
#include <optional>
#include <string_view>

#include "core/status.h"
#include "domain/report.h"
#include "ingest/import_record.h"
#include "ingest/line_source.h"

namespace battrace::ingest {

class NdjsonReader {
 public:
  // REQUIRES: `in` (or the bytes of `buffer`) outlives the reader.
  NdjsonReader(std::istream& in, ParseOptions options);
  NdjsonReader(std::string_view buffer, ParseOptions options);

  // The next non-blank line, parsed; nullopt at the end of input or on a read error (then
  // status() says which).
  std::optional<ImportRecord> Next();
  // OK, or the IOError that ended reading early.
  Status status() const { return lines_.status(); }

 private:
  LineSource lines_;
  ParseOptions options_;
};

}  // namespace battrace::ingest
