// Enterprise roles (docs/report-format.md, "Who may file what") and which role may file which
// report type, as data.
//
// An enterprise holds one or more roles in the registry; a report is authorized when one of
// the reporter's roles may file its type. The table is in role.cc, in one place.
#pragma once

#include <optional>
#include <string_view>

#include "domain/report_type.h"

namespace battrace {

enum class Role {
  kBatteryMaker,
  kVehicleMaker,
  kSwapOperator,
  kRepairShop,
  kDismantler,
  kRecycler,
  kEbikeMaker,  // a known prohibited-use destination (Art. 22); files nothing
};

inline constexpr size_t kRoleCount = 7;

// The wire name, e.g. "battery_maker".
std::string_view RoleName(Role role);
std::optional<Role> RoleFromName(std::string_view name);

// Whether an enterprise holding `role` may file a report of `type` (docs/report-format.md, "Who may
// file role"). For kCorrection this is true for every role that may file some type: a correction is
// authorized like the report it corrects, and the store checks that its reporter filed the
// original.
bool RoleMayFile(Role role, ReportType type);

}  // namespace battrace
