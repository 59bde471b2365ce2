// How each report changes the projected state: the battery table (custody, composition,
// vehicle binding, status) and the vehicle table. Pure: reads state through StateView,
// returns Effects; the caller writes them in the transaction that appends the report.
#pragma once

#include <cstdint>

#include "core/status.h"
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

// The projection changes of `report`, accepted as ledger leaf `leaf`.
// A second battery.produced or vehicle.produced for the same code or VIN changes nothing but
// the history index: the first report's digital ID stands (the duplicate is a finding).
Result<Effects> Project(const Report& report, uint64_t leaf, StateView& state);

}  // namespace battrace::domain
