// The `cursor` of a keyset-paged list (GET /v1/batteries, /v1/vehicles: docs/api.md,
// "Pagination"): an opaque token that names the key of the last row of the previous page, so
// the next page starts right after it however the list changed in between. It is the key's
// parts, each printable ASCII (codes, VINs, credit codes, dates, numbers), joined by '|' and
// encoded in base64url without padding, so it travels in a URL as it is.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace battrace::server {

// REQUIRES: every part is printable ASCII (0x20-0x7E) other than '|'.
std::string EncodeCursor(const std::vector<std::string>& parts);

// The parts of a cursor EncodeCursor made; anything else, or more than kMaxCursorParts parts,
// is Invalid, field "cursor", rule "query.cursor".
Result<std::vector<std::string>> DecodeCursor(std::string_view cursor);

constexpr size_t kMaxCursorParts = 8;

}  // namespace battrace::server
