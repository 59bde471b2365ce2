// The rules on the text a request's head carries, checked before routing (docs/api.md, "Every
// request"): the path, the query's names and values (percent-decoded) and X-Purpose must be
// valid UTF-8, since they reach JSON answers, logs and the audit trail (rule "http.utf8"); a
// stated purpose is one line of at most kMaxPurposeChars characters (rule "api.purpose").
#pragma once

#include <cstddef>
#include <string>

#include "core/status.h"
#include "server/http.h"

namespace battrace::server {

// X-Purpose is stored in the audit trail with every read it justifies: a sentence, not a file.
constexpr size_t kMaxPurposeChars = 200;

// Ok when the path and every query parameter's name and value are valid UTF-8; otherwise
// Invalid, rule "http.utf8", field "path", "query" (a name) or the parameter's name (its value).
// X-Purpose is CheckPurpose's.
Status CheckRequestText(const HttpRequest& req);

// Ok for an absent purpose ("") or one of valid UTF-8 with no control character (U+0000..U+001F,
// U+007F..U+009F) and at most kMaxPurposeChars code points; otherwise Invalid, rule
// "api.purpose" (or "http.utf8" for bytes that are not UTF-8), field "X-Purpose".
Status CheckPurpose(const std::string& purpose);

}  // namespace battrace::server
