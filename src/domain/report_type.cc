// Wire names of the report types: the single table both directions read.
#include "domain/report_type.h"

#include <array>

namespace battrace {
namespace {

constexpr std::array<std::string_view, kReportTypeCount> kNames = {
    "battery.produced", "vehicle.produced",       "vehicle.sold",           "battery.replaced",
    "battery.swapped",  "battery.outbound",       "battery.inbound",        "vehicle.scrapped",
    "battery.utilized", "product.outbound",       "outlet.registered",      "outlet.changed",
    "outlet.closed",    "model.disassembly_info", "battery_model.declared", "battery.health",
    "correction",
};

}  // namespace

std::string_view ReportTypeName(ReportType type) {
  return kNames[static_cast<size_t>(type)];
}

std::optional<ReportType> ReportTypeFromName(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<ReportType>(i);
  }
  return std::nullopt;
}

}  // namespace battrace
