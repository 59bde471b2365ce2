// The report types of report format v1 (docs/report-format.md) and their stable wire names.
//
// The enumerators are in the order of the report model's variant (report.h), so a report's type
// is the index of its body; the wire names ("battery.produced", ...) never change.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace battrace {

enum class ReportType {
  kBatteryProduced,
  kVehicleProduced,
  kVehicleSold,
  kBatteryReplaced,
  kBatterySwapped,
  kBatteryOutbound,
  kBatteryInbound,
  kVehicleScrapped,
  kBatteryUtilized,
  kProductOutbound,
  kOutletRegistered,
  kOutletChanged,
  kOutletClosed,
  kModelDisassemblyInfo,
  kBatteryModelDeclared,
  kBatteryHealth,
  kCorrection,
};

inline constexpr size_t kReportTypeCount = 17;

// The wire name, e.g. "battery.produced".
std::string_view ReportTypeName(ReportType type);
// The type with that exact wire name, or nullopt.
std::optional<ReportType> ReportTypeFromName(std::string_view name);

}  // namespace battrace
