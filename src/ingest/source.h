// Report sources for bulk loads: a file (or stdin, "-") read as NDJSON (one JSON object per
// line), CSV (header row) or a JSON array (taken whole), yielding parsed Items in batches for
// the pipeline. Parsing happens here, on the importer's preparing thread.
//
// The format is the one asked for, else by the file name's extension, case-insensitive: .csv
// CSV, .json a JSON array, .txt, .xml, .jsonld and stdin sniffed (the first byte that is not
// white space: '[' a JSON array, '{' NDJSON, anything else CSV), any other NDJSON. Sniffed input
// and JSON arrays are read into memory whole; CSV and NDJSON files are streamed. Input read
// whole that is an EPCIS 2.0 document (epcis_source.h) is read as one, whatever the format.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "domain/registry.h"
#include "domain/report.h"
#include "ingest/pipeline.h"
#include "store/store.h"

namespace battrace::ingest {

enum class Format { kAuto, kCsv, kNdjson, kJson };
// "csv", "ndjson", "json" (the --format option); nullopt for anything else.
std::optional<Format> FormatFromName(std::string_view name);
// By the extension (kAuto: sniff the content).
Format FormatOfPath(const std::string& path);

class Source {
 public:
  virtual ~Source() = default;
  // Up to `max` items; empty at the end of the input (or on a read error: see status()).
  virtual std::vector<Item> Next(size_t max) = 0;
  // Bytes consumed so far (for progress), when known.
  virtual uint64_t BytesRead() const = 0;
  virtual Status status() const = 0;
  // "CSV", "NDJSON" or "JSON"; the text encoding read ("UTF-8", "GB18030", ...: final once the
  // input is read).
  virtual std::string_view FormatName() const = 0;
  virtual std::string_view EncodingName() const = 0;
  // True when the input must be stored whole or not at all (a JSON array: every item comes in
  // the first batch).
  virtual bool AllOrNothing() const { return false; }
  // A CSV file's header record (UTF-8), to head a file of its rejected records; else empty.
  virtual std::string_view Header() const { return {}; }
};

Result<std::unique_ptr<Source>> OpenSource(const std::string& path, const ParseOptions& options,
                                           Format format = Format::kAuto);
// Reads a registry file (NDJSON, "-" for stdin): each non-blank line's number and record.
Result<std::vector<std::pair<uint64_t, Result<RegistryRecord>>>> ReadRegistry(
    const std::string& path);

// The file's size in bytes, or 0 when unknown (stdin, a pipe).
uint64_t SourceSize(const std::string& path);

}  // namespace battrace::ingest
