// The column lists and readers of the described rows (store/tables.h) under the names the
// engines' statements use: kBatteryColumns, ReadBattery<Row> ...
#pragma once

#include "store/tables.h"

namespace battrace::store::common {

// The column lists of the described rows (store/tables.h).
inline constexpr const char* kBatteryColumns = rows::kColumnsOf<tables::kBattery>;
inline constexpr const char* kVehicleColumns = rows::kColumnsOf<tables::kVehicle>;
inline constexpr const char* kReportColumns = rows::kColumnsOf<tables::kReport>;

inline constexpr const char* kOutletColumns = rows::kColumnsOf<tables::kOutlet>;
inline constexpr const char* kModelColumns = rows::kColumnsOf<tables::kModel>;
inline constexpr const char* kDutyColumns = rows::kColumnsOf<tables::kDuty>;
inline constexpr const char* kAuditColumns = rows::kColumnsOf<tables::kAudit>;
inline constexpr const char* kFindingColumns = rows::kColumnsOf<tables::kFinding>;
inline constexpr const char* kTokenColumns = rows::kColumnsOf<tables::kToken>;

template <typename Row>
domain::BatteryState ReadBattery(const Row& s) {
  return rows::Read(tables::kBattery, s);
}

template <typename Row>
domain::VehicleState ReadVehicle(const Row& s) {
  return rows::Read(tables::kVehicle, s);
}

template <typename Row>
domain::OutletState ReadOutlet(const Row& s) {
  return rows::Read(tables::kOutlet, s);
}

template <typename Row>
domain::ModelState ReadModel(const Row& s) {
  return rows::Read(tables::kModel, s);
}

template <typename Row>
Result<domain::Duty> ReadDuty(const Row& s) {
  return rows::Read(tables::kDuty, s);
}

template <typename Row>
Result<domain::Finding> ReadFinding(const Row& s) {
  return rows::Read(tables::kFinding, s);
}

template <typename Row>
TokenRow ReadToken(const Row& s) {
  return rows::Read(tables::kToken, s);
}

template <typename Row>
AuditEntry ReadAudit(const Row& s) {
  return rows::Read(tables::kAudit, s);
}

template <typename Row>
StoredCheckpoint ReadCheckpoint(const Row& s) {
  return rows::Read(tables::kCheckpoint, s);
}

template <typename Row>
StoredReport ReadReport(const Row& s) {
  return rows::Read(tables::kReport, s);
}

}  // namespace battrace::store::common
