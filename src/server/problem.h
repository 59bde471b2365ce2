// RFC 9457 problem details (application/problem+json) for every error the API returns: the
// status, a title, what went wrong, and — for bad input — the field (a JSON pointer or a
// parameter name) and the rule it broke. Never a stack trace, SQL or a file path.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/lang.h"
#include "core/status.h"
#include "server/http.h"

namespace battrace::server {

// The HTTP status of a failed Status.
int HttpStatus(StatusCode code);

// The problem document of `status` (a failed Status) answered with `http_status`, in `lang`
// (docs/api.md, "Languages"): in zh-CN the title and the detail are Chinese (the detail states
// the broken rule from the rule catalogue, core/rule_text.h, with the field) and `detail_en`
// keeps the specific English message.
nlohmann::json Problem(int http_status, const Status& status, const std::string& request_id,
                       Lang lang = Lang::kEn);

// Writes the problem document of `status` into `res`, with its Content-Language; the HTTP
// status follows the code.
void WriteProblem(HttpResponse& res, const Status& status, const std::string& request_id,
                  Lang lang = Lang::kEn);
// The same with an explicit HTTP status (404 route, 405, 413, 429, ...).
void WriteProblem(HttpResponse& res, int http_status, const Status& status,
                  const std::string& request_id, Lang lang = Lang::kEn);

}  // namespace battrace::server
