// One record of a bulk report file as the readers yield it: where it was, what it said, and
// the parsed report or why it was rejected (for `battrace import` and its reject file). When
// replaying stored leaves, a line may instead be a registry leaf (store/registry_leaf.h).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "core/status.h"
#include "domain/report.h"
#include "store/registry_leaf.h"

namespace battrace::ingest {

struct ImportRecord {
  size_t line_number;     // 1-based line of the file where the record starts
  std::string_view raw;   // the record's text (a line's first 256 bytes when it was too long);
                          // valid until the reader's next call
  Result<Report> report;  // unused when `registry` is set
  std::optional<store::RegistryChange> registry = std::nullopt;
};

}  // namespace battrace::ingest
