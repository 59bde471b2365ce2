// The API's views of principals and their tokens (docs/api.md, "Who am I" and "Tokens"):
// GET /v1/me, and the admin's GET/POST/DELETE /v1/tokens. Tokens are shown by their public id
// (server/auth.h TokenId), never by their text, except the text of a token just issued, once.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "access/access.h"
#include "core/date.h"
#include "core/status.h"
#include "store/store.h"

namespace battrace::server {

// GET /v1/me: {principal, kind, id, name, division, division_name, department, roles}, the
// members that do not apply to the viewer's kind left out. The name and roles come from the
// viewer's current registry record, the division's name from the compiled division list.
nlohmann::json MeJson(store::Store& store, const access::Viewer& viewer);

// A token as GET /v1/tokens lists it: {id, principal, created, expires, revoked?, state}, state
// being "live", "expired" or "revoked" at `now`.
nlohmann::json TokenJson(const store::TokenRow& row, Instant now);

// The cursor of GET /v1/tokens (store/cursor.h): where a page ended, the last token's creation
// time and hash. Parsing refuses anything the server did not write (rule "query.cursor", field
// "cursor").
std::string FormatTokenCursor(const store::TokenRow& last);
Result<store::TokenCursor> ParseTokenCursor(std::string_view text);

// The body of POST /v1/tokens: {"principal": "...", "days": N} (days optional, 90 by
// default); else rule "tokens.body" with the member's JSON pointer. The principal's and the
// days' own rules are IssueToken's (server/auth.h).
struct IssueRequest {
  std::string principal;
  int64_t days = 90;
};
Result<IssueRequest> ParseIssueBody(std::string_view body);

}  // namespace battrace::server
