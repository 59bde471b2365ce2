// An in-memory StateView for tests of the regulation engine: the rows a store would keep
// (batteries, vehicles, outlets, models), the registry, and the history a correction re-projects
// from (each report by its leaf, the leaves indexed under each code and VIN). Apply() takes what
// Evaluate() returned for a report, as a store's write transaction does; no SQL, no clock.
// Header-only: each unit test binary globs *_test.cc.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/registry_index.h"
#include "domain/report.h"
#include "domain/state.h"

namespace battrace::domain::testing {

class MemoryState final : public StateView {
 public:
  explicit MemoryState(RegistryIndex registry) : registry_(std::move(registry)) {}

  Result<std::optional<BatteryState>> GetBattery(const std::string& code) override {
    return Find(batteries_, code);
  }
  Result<std::optional<VehicleState>> GetVehicle(const std::string& vin) override {
    return Find(vehicles_, vin);
  }
  Result<std::optional<OutletState>> GetOutlet(const std::string& id) override {
    return Find(outlets_, id);
  }
  Result<std::optional<ModelState>> GetModel(const std::string& maker,
                                             const std::string& model) override {
    return Find(models_, std::make_pair(maker, model));
  }
  const RegistryIndex& Registry() override { return registry_; }

  // Leaves of the reports indexed under the code (Effects::battery_refs), with the
  // battery.produced of the battery and of its parent, as Store::BatteryHistory has them.
  Result<std::vector<uint64_t>> BatteryLeaves(const std::string& code) override {
    std::vector<uint64_t> leaves = Find(battery_leaves_, code).value_or(std::vector<uint64_t>());
    const std::optional<BatteryState> battery = Find(batteries_, code);
    if (battery && battery->produced_leaf >= 0) leaves.push_back(battery->produced_leaf);
    if (battery && battery->parent) {
      const std::optional<BatteryState> parent = Find(batteries_, *battery->parent);
      if (parent && parent->produced_leaf >= 0) leaves.push_back(parent->produced_leaf);
    }
    SortUnique(leaves);
    return leaves;
  }
  Result<std::vector<uint64_t>> VehicleLeaves(const std::string& vin) override {
    return Find(vehicle_leaves_, vin).value_or(std::vector<uint64_t>());
  }
  Result<std::optional<Report>> ReportAt(uint64_t leaf) override { return Find(reports_, leaf); }

  // Keeps `report` as leaf `leaf` and writes `effects` (its evaluation): rows replaced whole,
  // history indexed.
  void Apply(const Report& report, uint64_t leaf, const Effects& effects) {
    reports_.insert_or_assign(leaf, report);
    for (const BatteryState& b : effects.batteries)
      batteries_.insert_or_assign(b.code, b);
    for (const VehicleState& v : effects.vehicles)
      vehicles_.insert_or_assign(v.vin, v);
    for (const OutletState& o : effects.outlets)
      outlets_.insert_or_assign(o.id, o);
    for (const ModelState& m : effects.models)
      models_.insert_or_assign(std::make_pair(m.maker, m.model), m);
    for (const std::string& code : effects.battery_refs) {
      battery_leaves_[code].push_back(leaf);
      SortUnique(battery_leaves_[code]);
    }
    for (const std::string& vin : effects.vehicle_refs) {
      vehicle_leaves_[vin].push_back(leaf);
      SortUnique(vehicle_leaves_[vin]);
    }
  }

 private:
  template <typename Map, typename Key>
  static std::optional<typename Map::mapped_type> Find(const Map& rows, const Key& key) {
    auto it = rows.find(key);
    if (it == rows.end()) return std::nullopt;
    return it->second;
  }
  static void SortUnique(std::vector<uint64_t>& leaves) {
    std::sort(leaves.begin(), leaves.end());
    leaves.erase(std::unique(leaves.begin(), leaves.end()), leaves.end());
  }

  RegistryIndex registry_;
  std::map<std::string, BatteryState> batteries_;
  std::map<std::string, VehicleState> vehicles_;
  std::map<std::string, OutletState> outlets_;
  std::map<std::pair<std::string, std::string>, ModelState> models_;
  std::map<uint64_t, Report> reports_;
  std::map<std::string, std::vector<uint64_t>> battery_leaves_;
  std::map<std::string, std::vector<uint64_t>> vehicle_leaves_;
};

}  // namespace battrace::domain::testing
