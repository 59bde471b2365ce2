// How each report changes the projected state: the battery table (custody, composition,
// vehicle binding, status) and the vehicle table. Pure: reads state through StateView,
// returns Effects; the caller writes them in the transaction that appends the report.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "domain/custody.h"
#include "domain/report.h"
#include "domain/state.h"

namespace battrace::domain {

// Battery statuses written by Project (docs/data-model.md).
inline constexpr const char* kStatusReferenced = "referenced";  // named, never reported produced
inline constexpr const char* kStatusProduced = "produced";
inline constexpr const char* kStatusInstalled = "installed";
inline constexpr const char* kStatusRemoved = "removed";
inline constexpr const char* kStatusInTransit = "in_transit";
inline constexpr const char* kStatusReceived = "received";
inline constexpr const char* kStatusDismantled = "dismantled";
inline constexpr const char* kStatusUtilized = "utilized";

// The projection changes of `report`, accepted as ledger leaf `leaf`. `contests`: what
// Contests (domain/custody.h) gives for the report against `state`, computed once by the
// caller, which judges them too: those batteries stay as they are, marked contested.
// A second battery.produced or vehicle.produced for the same code or VIN changes nothing but
// the history index: the first report's digital ID stands (the duplicate is a finding).
Result<Effects> Project(const Report& report, uint64_t leaf, StateView& state,
                        std::vector<Contest> contests);

// The report a correction carries, in the place of `original`, the report it corrects: the
// original's id, reporter and receipt time, the corrected `occurred` and body.
Report InPlaceOf(const Report& original, const CorrectedReport& corrected);

// The rows a correction rebuilds (docs/findings.md, "Corrections and succession").
struct Reprojection {
  std::vector<BatteryState> batteries;  // complete new rows
  std::vector<VehicleState> vehicles;
  std::vector<std::string> battery_refs;  // every code either report names
  std::vector<std::string> vehicle_refs;  // every VIN either report names
  // The batteries the corrected report moves against their record as rebuilt up to it.
  std::vector<Contest> contests;
};

// Re-projects a correction, ledger leaf `leaf`, of `original` (stored at `original_leaf`):
// `corrected` is the correction's report in the original's place (the original's id, reporter
// and receipt time). Every battery and vehicle either report names is rebuilt from an empty row
// by replaying, through Project and in ledger order, the reports of its history (read through
// state.BatteryLeaves / VehicleLeaves / ReportAt, with those of the batteries a named vehicle
// holds now), each earlier correction's report in place of the report it corrects and
// `corrected` in place of `original`; each report is replayed against the registry of its date
// (state.RegistryOn). The rebuilt rows carry `leaf` as updated_leaf. Errors: the StateView's.
Result<Reprojection> Reproject(const Report& original, uint64_t original_leaf,
                               const Report& corrected, uint64_t leaf, StateView& state);

}  // namespace battrace::domain
