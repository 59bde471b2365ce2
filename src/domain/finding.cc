#include "domain/finding.h"

#include <fmt/format.h>

#include <algorithm>

#include "domain/registry.h"
#include "domain/report_type.h"

namespace battrace::domain {

nlohmann::ordered_json AuthorityToJson(const Authority& authority) {
  return {{"department", authority.department}, {"division", authority.division}};
}

nlohmann::ordered_json FindingToJson(const Finding& f) {
  nlohmann::ordered_json j = {
      {"kind", f.kind}, {"article", f.article}, {"party", f.party}, {"subject", f.subject}};
  if (f.due) j["due"] = f.due->ToString();
  j["evidence"] = f.evidence;
  j["authority"] = AuthorityToJson(f.authority);
  j["detail"] = f.detail;
  return j;
}

nlohmann::ordered_json DutyToJson(const Duty& d, Date as_of) {
  return {{"kind", d.kind},
          {"duty", d.duty},
          {"article", d.article},
          {"party", d.party},
          {"subject", d.subject},
          {"fulfils", d.fulfils},
          {"anchor", d.anchor.ToString()},
          {"due", d.due.ToString()},
          {"overdue", d.due < as_of},
          {"evidence", d.evidence},
          {"authority", AuthorityToJson(d.authority)},
          {"detail", d.detail}};
}

bool IsDutyKind(std::string_view kind) {
  return std::find(kDutyKinds.begin(), kDutyKinds.end(), kind) != kDutyKinds.end();
}

Status CheckFindingKind(std::string_view kind, const std::string& field) {
  if (std::find(kFindingKinds.begin(), kFindingKinds.end(), kind) != kFindingKinds.end()) {
    return Status::Ok();
  }
  return Status::Invalid(
      field, "findings.kind",
      fmt::format("unknown finding kind '{}' (one of {})", kind, fmt::join(kFindingKinds, ", ")));
}

Status CheckDepartment(std::string_view department, const std::string& field) {
  std::string known;
  for (Department d : {Department::kMiit, Department::kNdrc, Department::kMee, Department::kMot,
                       Department::kMofcom, Department::kSamr}) {
    if (DepartmentName(d) == department) return Status::Ok();
    known += (known.empty() ? "" : ", ") + std::string(DepartmentName(d));
  }
  return Status::Invalid(field, "findings.department",
                         fmt::format("unknown department '{}' (one of {})", department, known));
}

Status CheckFindingRange(const std::optional<Date>& from, const std::optional<Date>& to,
                         const std::string& field) {
  if (from && to && *to < *from) {
    return Status::Invalid(field, "findings.range",
                           fmt::format("from {} is after to {}", from->ToString(), to->ToString()));
  }
  return Status::Ok();
}

Status CheckObligationFilter(const std::optional<std::string>& type, const std::string& type_field,
                             const std::optional<Date>& due_from, const std::optional<Date>& due_to,
                             const std::string& from_field, const std::string& to_field) {
  if (type && !ReportTypeFromName(*type)) {
    return Status::Invalid(type_field, "obligations.type",
                           fmt::format("{} must be a report type, e.g. battery.inbound "
                                       "(docs/report-format.md); got '{}'",
                                       type_field, *type));
  }
  if (due_from && due_to && *due_to < *due_from) {
    return Status::Invalid(from_field, "obligations.range",
                           fmt::format("{} {} is after {} {}", from_field, due_from->ToString(),
                                       to_field, due_to->ToString()));
  }
  return Status::Ok();
}

}  // namespace battrace::domain
