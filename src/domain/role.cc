// Role names and the filing table: rows are report types, columns are roles.
#include "domain/role.h"

#include <array>
#include <cstdint>

namespace battrace {
namespace {

constexpr std::array<std::string_view, kRoleCount> kNames = {
    "battery_maker", "vehicle_maker", "swap_operator", "repair_shop",
    "dismantler",    "recycler",      "ebike_maker",
};

constexpr uint32_t Bit(Role r) {
  return 1u << static_cast<uint32_t>(r);
}

constexpr uint32_t kBM = Bit(Role::kBatteryMaker);
constexpr uint32_t kVM = Bit(Role::kVehicleMaker);
constexpr uint32_t kSO = Bit(Role::kSwapOperator);
constexpr uint32_t kRS = Bit(Role::kRepairShop);
constexpr uint32_t kDM = Bit(Role::kDismantler);
constexpr uint32_t kRC = Bit(Role::kRecycler);
// Every enterprise that may hold waste batteries (docs/report-format.md, `battery.outbound`: any
// holder).
constexpr uint32_t kHolders = kBM | kVM | kSO | kRS | kDM | kRC;

// Indexed by ReportType.
constexpr std::array<uint32_t, kReportTypeCount> kMayFile = {
    kBM,              // battery.produced
    kVM,              // vehicle.produced
    kVM,              // vehicle.sold
    kVM | kRS,        // battery.replaced
    kSO,              // battery.swapped
    kHolders,         // battery.outbound
    kBM | kVM | kRC,  // battery.inbound: outlets of makers (24.6b), recyclers (24.7a)
    kDM,              // vehicle.scrapped
    kRC,              // battery.utilized
    kRC,              // product.outbound
    kBM | kVM,        // outlet.registered
    kBM | kVM,        // outlet.changed
    kBM | kVM,        // outlet.closed
    kVM,              // model.disassembly_info
    kBM,              // battery_model.declared
    kVM | kSO | kRS,  // battery.health
    kHolders,         // correction: every role that files something
};

}  // namespace

std::string_view RoleName(Role role) {
  return kNames[static_cast<size_t>(role)];
}

std::optional<Role> RoleFromName(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Role>(i);
  }
  return std::nullopt;
}

bool RoleMayFile(Role role, ReportType type) {
  return (kMayFile[static_cast<size_t>(type)] & Bit(role)) != 0;
}

}  // namespace battrace
