// The column lists of the described rows (store/tables.h) under the names the engines'
// statements use: kBatteryColumns ... Rows are read with rows::Read and rows::kReader, reports
// with ReadReport.
#pragma once

#include <string>

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
inline constexpr const char* kBodyDictionaryColumns = rows::kColumnsOf<tables::kBodyDictionary>;

// A report row, its body decoded by the connection's `bodies` (a report is the one row that
// needs the codec, so it has no rows::kReader); a body that does not decode is Corruption
// naming the leaf.
template <typename Row>
Result<StoredReport> ReadReport(const Row& s, BodyCodec& bodies) {
  auto report = rows::Read(tables::kReport, s, bodies);
  if (report.ok()) return report;
  const Status& st = report.status();
  return Status(st.code(), "leaf " + std::to_string(s.Int(0)) + ": " + st.message(), st.field(),
                st.rule());
}

}  // namespace battrace::store::common
