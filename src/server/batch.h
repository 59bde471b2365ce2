// The body of POST /v1/reports: a JSON array of reports (docs/report-format.md), each parsed
// strictly on its own so one bad report does not sink the others. Errors of an item name its index
// ("/3/codes/0"); a report filed for another enterprise is refused (rule "auth.reporter").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ingest/pipeline.h"

namespace battrace::server {

// The parsed items, in order (Item.line is the 1-based index), battery codes read as `codes`
// says. Fails as a whole, nothing parsed, when the body is not a JSON array (rule "api.body") or
// holds more than `max_items` entries (rule "api.batch_too_large").
Result<std::vector<ingest::Item>> ParseBatch(std::string_view body, const std::string& reporter,
                                             size_t max_items,
                                             Strictness codes = Strictness::kStrict);

}  // namespace battrace::server
