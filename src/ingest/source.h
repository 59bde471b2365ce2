// Report sources for bulk loads: a file (or stdin, "-") read as NDJSON (one JSON object per
// line) or CSV (header row; chosen by the .csv extension), yielding parsed Items in batches for
// the pipeline. Parsing happens here, on the importer's preparing thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "domain/registry.h"
#include "domain/report.h"
#include "ingest/pipeline.h"
#include "store/store.h"

namespace battrace::ingest {

class Source {
 public:
  virtual ~Source() = default;
  // Up to `max` items; empty at the end of the input (or on a read error: see status()).
  virtual std::vector<Item> Next(size_t max) = 0;
  // Bytes consumed so far (for progress), when known.
  virtual uint64_t BytesRead() const = 0;
  virtual Status status() const = 0;
};

Result<std::unique_ptr<Source>> OpenSource(const std::string& path, const ParseOptions& options);
// Reads a registry file (NDJSON, "-" for stdin): each non-blank line's number and record.
Result<std::vector<std::pair<uint64_t, Result<RegistryRecord>>>> ReadRegistry(
    const std::string& path);

// The file's size in bytes, or 0 when unknown (stdin, a pipe).
uint64_t SourceSize(const std::string& path);

}  // namespace battrace::ingest
