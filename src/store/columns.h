// The column lists of the described rows (store/tables.h) under the names the engines'
// statements use: kBatteryColumns ... Rows are read with rows::Read and rows::kReader.
#pragma once

#include "store/tables.h"

namespace battrace::store::common {

inline constexpr const char* kBatteryColumns = rows::kColumnsOf<tables::kBattery>;
inline constexpr const char* kVehicleColumns = rows::kColumnsOf<tables::kVehicle>;
inline constexpr const char* kReportColumns = rows::kColumnsOf<tables::kReport>;

inline constexpr const char* kOutletColumns = rows::kColumnsOf<tables::kOutlet>;
inline constexpr const char* kModelColumns = rows::kColumnsOf<tables::kModel>;
inline constexpr const char* kDutyColumns = rows::kColumnsOf<tables::kDuty>;
inline constexpr const char* kAuditColumns = rows::kColumnsOf<tables::kAudit>;
inline constexpr const char* kFindingColumns = rows::kColumnsOf<tables::kFinding>;
inline constexpr const char* kTokenColumns = rows::kColumnsOf<tables::kToken>;

}  // namespace battrace::store::common
