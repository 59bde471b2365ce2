// The projected state the rules read, and the effects they produce.
//
// The rules engine is pure: Apply(state, report) reads current state through StateView and
// returns Effects; the ingest pipeline writes those effects in the same transaction as the
// report's ledger entry. Reads never replay history: these rows are the projection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace battrace::domain {

// One battery's current state (a row of the battery projection).
struct BatteryState {
  std::string code;
  std::string level;                     // "pack", "module", "cell"
  std::optional<std::string> producer;   // USCC of the battery.produced reporter
  std::optional<std::string> chemistry;  // code letter, e.g. "B"
  std::optional<std::string> model;
  std::optional<std::string> parent;     // code of the module or pack it is part of
  std::optional<std::string> custodian;  // USCC of the enterprise holding it
  std::optional<std::string> vin;        // vehicle it is installed in
  std::string status;  // see docs/data-model.md: produced, installed, removed, in_transit, ...
  int64_t produced_leaf = -1;  // ledger leaf of its battery.produced, -1 if none
  int64_t updated_leaf = -1;   // ledger leaf of the last report that changed it
};

struct VehicleState {
  std::string vin;
  std::optional<std::string> maker;  // USCC of the vehicle.produced reporter
  std::optional<std::string> vehicle_type, brand, model, name;
  bool imported = false;
  bool swappable = false;
  std::optional<std::string> sale_date;      // YYYY-MM-DD
  std::optional<std::string> sale_division;  // GB/T 2260
  std::optional<std::string> scrapped_date;  // YYYY-MM-DD
  std::optional<std::string> scrap_certificate;
  int64_t produced_leaf = -1;
  int64_t updated_leaf = -1;
};

// Read access to the projection, as seen inside the current transaction.
class StateView {
 public:
  virtual ~StateView() = default;
  virtual Result<std::optional<BatteryState>> GetBattery(const std::string& code) = 0;
  virtual Result<std::optional<VehicleState>> GetVehicle(const std::string& vin) = 0;
};

// What applying one report changes. A battery or vehicle change carries the complete new row
// (read, modified, written back), so a store writes it with one upsert.
struct Effects {
  std::vector<BatteryState> batteries;
  std::vector<VehicleState> vehicles;
  // The battery codes whose history index gets this report: every code the report names, but
  // for a battery.produced only a duplicate's code and parts re-assigned from another parent
  // (a battery's own production and its assembly are on its row: see Store::BatteryHistory).
  std::vector<std::string> battery_refs;
  std::vector<std::string> vehicle_refs;  // every VIN the report names
};

}  // namespace battrace::domain
