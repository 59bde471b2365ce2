// The request parameters of the API's routes (docs/api.md): query parameters read from the
// request, path parameters from the route's match. A parameter that does not parse is refused
// with a problem naming it: Invalid, its field the parameter's name, a stable rule
// ("query.integer", "query.enum", "query.required", or the rule of the value's own parser).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/code_check.h"
#include "core/date.h"
#include "core/status.h"
#include "domain/report_type.h"
#include "server/batch.h"
#include "server/http.h"
#include "store/keyset.h"
#include "store/store.h"

namespace battrace::server {

// The page sizes of the lists (store/keyset.h).
using store::kDefaultPage;
using store::kMaxPage;

// The value of query parameter `name` as sent (percent-decoded), or none when absent.
std::optional<std::string> StringParam(const HttpRequest& req, const std::string& name);

// An integer from 0 to `max`, decimal digits only, `fallback` when absent; else rule
// "query.integer".
Result<uint64_t> UintParam(const HttpRequest& req, const std::string& name, uint64_t fallback,
                           uint64_t max);

// A ledger index or size: absent, or an integer from 0 to 2^63 - 1.
Result<std::optional<uint64_t>> OptionalUintParam(const HttpRequest& req, const std::string& name);

// A ledger index or size the route needs: rule "query.required" when absent.
Result<uint64_t> RequiredUintParam(const HttpRequest& req, const std::string& name);

// A value of an enumerated query parameter: one of `names` (the first by default), as its index;
// else rule "query.enum".
Result<size_t> EnumParam(const HttpRequest& req, const std::string& name,
                         const std::vector<std::string_view>& names);

// The page size of a list, `limit`: 1 to 1000, 100 by default.
Result<size_t> LimitParam(const HttpRequest& req);

// Whether a list is asked for as CSV: `format=csv` (`json`, the default, or absent: JSON), or,
// without `format`, an Accept header naming text/csv.
Result<bool> WantsCsv(const HttpRequest& req);

// The pages a battery's label leads to (/b/{code}, the Digital Link) answer JSON or HTML by the
// request: `format` (json or html), else its Accept header (web.h, PrefersJson). True for JSON.
bool JsonAsked(const HttpRequest& req);

// `as_of` (YYYY-MM-DD), by default the Beijing day of `now`.
Result<Date> AsOf(const HttpRequest& req, Instant now);

// `party`: a USCC, read leniently and given in its canonical form.
Result<std::optional<std::string>> PartyParam(const HttpRequest& req);

// `division`: a division code of the table (core/division.h).
Result<std::optional<std::string>> DivisionParam(const HttpRequest& req);

// The findings' department filter: one of the registry's departments (MIIT, NDRC, MEE, MOT,
// MOFCOM, SAMR), else rule "findings.department".
Result<std::optional<std::string>> DepartmentParam(const HttpRequest& req);

// The date range of a findings query: `from` and `to` (YYYY-MM-DD, inclusive), `from` not after
// `to`, else rule "findings.range".
Status DateRangeParams(const HttpRequest& req, store::FindingFilter* filter);

// The `codes` parameter of POST /v1/reports: how battery codes are read, "strict" (the
// default) or "lenient" (docs/report-format.md, "Reading battery codes").
Result<Strictness> CodesParam(const HttpRequest& req);

// The `type` parameter of POST /v1/reports: the report type of every row of a CSV body (which
// may then leave out its "type" column); taken with a CSV body only.
Result<std::optional<ReportType>> ReportTypeParam(const HttpRequest& req, BodyFormat format);

// The key a cursor names, or none without one. `query` names the list, sort and filters.
Result<std::optional<store::SortKey>> CursorParam(const HttpRequest& req, const std::string& query,
                                                  size_t key_size);

// The path parameter `code` of a battery route: a battery code, read leniently and given in
// its canonical form.
Result<std::string> CodeParam(const std::map<std::string, std::string>& params);

}  // namespace battrace::server
