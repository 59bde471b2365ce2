// Invariants every identifier checker (VIN, USCC, division) must keep on any input, shared by
// their fuzz targets: normalization is idempotent, Check agrees with Parse, and every issue
// points inside the normalized text. A broken invariant aborts, which libFuzzer reports.
#pragma once

#include <cstdlib>
#include <string>
#include <string_view>

#include "core/code_check.h"
#include "core/status.h"

namespace battrace {

// `normalize` is the checker's Normalize; `check` its Check of `raw`; `parsed` the Status of
// its Parse of `raw` with the same strictness, and `parsed_text` the parsed value's text.
template <typename Normalize>
void CheckIdentifierInvariants(std::string_view raw, Normalize normalize, const CodeCheck& check,
                               const Status& parsed, std::string_view parsed_text,
                               std::string_view kind) {
  const std::string n = normalize(raw);
  if (normalize(n) != n) std::abort();
  if (check.input != raw || check.normalized != n || check.kind != kind) std::abort();
  if (check.valid != check.errors.empty()) std::abort();
  if (check.valid != parsed.ok()) std::abort();
  if (parsed.ok() && parsed_text != n) std::abort();
  if (!parsed.ok() && (parsed.field() != kind || parsed.rule() != check.errors.front().rule)) {
    std::abort();
  }
  for (const CodeIssue& e : check.errors) {
    if (e.position < 0 || static_cast<size_t>(e.position) > n.size()) std::abort();
    if (e.rule.substr(0, kind.size() + 1) != std::string(kind) + ".") std::abort();
  }
}

}  // namespace battrace
