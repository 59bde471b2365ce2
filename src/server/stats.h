// The aggregates of the regulator's overview (docs/api.md, "Aggregates"): findings counted by
// kind and division as of a date, by month, and the batteries handed over between provinces.
// Every count comes from the store's counting queries (Store::TallyFindings,
// Store::TallyHandovers) through the viewer's ScopedReader, so it is scoped as the lists are.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "access/access.h"
#include "core/date.h"
#include "core/division.h"
#include "core/lang.h"
#include "core/status.h"

namespace battrace::server {

// A month "YYYY-MM" (a valid month of years 1-9999), as the date of its first day; else rule
// "query.month" on `field`.
Result<Date> ParseMonth(std::string_view text, const std::string& field);

// The `level` parameter: "province", "city" or "county", else rule "query.enum".
Result<DivisionLevel> ParseLevel(std::string_view text);

// GET /v1/stats/findings: {as_of, level, total, by_kind, by_division, cells}. `level` defaults
// to the level below `division` (when given) or the viewer's jurisdiction: a finding is counted
// under its authority division's ancestor at that level, or under its own division when that
// is coarser (a province's own findings in a view by city). by_division lists every division of
// the level inside the scope (`division`, else the regulator's jurisdiction, else the nation),
// those without findings with count 0.
// by_kind gives each kind's name in `lang` (domain::FindingKindName).
Result<nlohmann::json> FindingStats(access::ScopedReader& reader, Date as_of,
                                    std::optional<std::string> division,
                                    std::optional<DivisionLevel> level, Lang lang);

// GET /v1/stats/trend: {as_of, from, to, months: [{month, count, by_kind}]}, every month of
// [from, to] (first days of months), those without findings counted 0.
Result<nlohmann::json> FindingTrend(access::ScopedReader& reader, Date as_of, Date from, Date to,
                                    std::optional<std::string> kind,
                                    std::optional<std::string> division);

// GET /v1/stats/flows: {total, flows: [{from, from_name, to, to_name, batteries}]}, by the
// provinces of the sender's and the receiver's registered seats, most batteries first.
Result<nlohmann::json> Flows(access::ScopedReader& reader, std::optional<Date> from,
                             std::optional<Date> to, std::optional<std::string> division);

}  // namespace battrace::server
