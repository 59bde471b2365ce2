// The column lists and readers of the described rows (store/tables.h) under the names the
// engines' statements use: kBatteryColumns, ReadBattery<Row> ...
#pragma once

#include <string>

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
inline constexpr const char* kBodyDictionaryColumns = rows::kColumnsOf<tables::kBodyDictionary>;

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

// A report row, its body decoded by the connection's `bodies`; a body that does not decode is
// Corruption naming the leaf.
template <typename Row>
Result<StoredReport> ReadReport(const Row& s, BodyCodec& bodies) {
  auto report = rows::Read(tables::kReport, s, bodies);
  if (report.ok()) return report;
  const Status& st = report.status();
  return Status(st.code(), "leaf " + std::to_string(s.Int(0)) + ": " + st.message(), st.field(),
                st.rule());
}

// The dictionary row of body_dictionary.
template <typename Row>
BodyDictionary ReadBodyDictionary(const Row& s) {
  return rows::Read(tables::kBodyDictionary, s);
}

}  // namespace battrace::store::common
