// Findings as the outside sees them (docs/findings.md, "The finding as JSON"): the stable kind
// names and the JSON shape that `battrace findings --json`, the simulator's answer key and the API
// share.
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/status.h"
#include "domain/names.h"
#include "domain/state.h"

namespace battrace::domain {

// Every finding kind (docs/findings.md), in its order.
inline constexpr std::array<std::string_view, 16> kFindingKinds = {
    finding_kind::kLateReport,
    finding_kind::kOverdueReport,
    finding_kind::kUnlicensedDestination,
    finding_kind::kProhibitedUse,
    finding_kind::kUnqualifiedRecycler,
    finding_kind::kScrappedWithoutBattery,
    finding_kind::kDuplicateCode,
    finding_kind::kImpersonatedCode,
    finding_kind::kConflictingCustody,
    finding_kind::kMissingDigitalId,
    finding_kind::kOutletCoverageGap,
    finding_kind::kSuspiciousTechQuery,
    finding_kind::kUnknownBattery,
    finding_kind::kUnknownVehicle,
    finding_kind::kImpersonatedVin,
    finding_kind::kImplausibleFact};

// The kinds an open duty becomes past its date (Duty::kind), in name order. The engine records
// no finding of these, nor of kOutletCoverageGap (counted from the sales): a list reads each
// kind only from the source that holds it (store/findings_query.cc).
inline constexpr std::array<std::string_view, 2> kDutyKinds = {finding_kind::kMissingDigitalId,
                                                               finding_kind::kOverdueReport};
bool IsDutyKind(std::string_view kind);

nlohmann::ordered_json AuthorityToJson(const Authority& authority);

// {"kind", "article", "party", "subject", "due" (when set), "evidence", "authority", "detail"}.
nlohmann::ordered_json FindingToJson(const Finding& finding);

// {"kind", "duty", "article", "party", "subject", "fulfils", "anchor", "due", "overdue" (due
// before `as_of`), "evidence", "authority", "detail"}.
nlohmann::ordered_json DutyToJson(const Duty& duty, Date as_of);

// A finding kind as a user gives it (a CLI option, a query parameter): one of kFindingKinds,
// else rule "findings.kind" on `field`.
Status CheckFindingKind(std::string_view kind, const std::string& field);

// A department as a findings filter gives it: a registry department name (MIIT, NDRC, MEE, MOT,
// MOFCOM, SAMR), else rule "findings.department" on `field`.
Status CheckDepartment(std::string_view department, const std::string& field);

// A findings date range: `from` not after `to` when both are given, else rule "findings.range"
// on `field`.
Status CheckFindingRange(const std::optional<Date>& from, const std::optional<Date>& to,
                         const std::string& field);

// The filters of the obligations list: `type` a report type (rule "obligations.type" on
// `type_field`), and `due_from` not after `due_to` (rule "obligations.range" on `from_field`,
// naming `to_field`).
Status CheckObligationFilter(const std::optional<std::string>& type, const std::string& type_field,
                             const std::optional<Date>& due_from, const std::optional<Date>& due_to,
                             const std::string& from_field, const std::string& to_field);

}  // namespace battrace::domain
