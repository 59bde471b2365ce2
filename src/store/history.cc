#include "store/history.h"

#include <algorithm>

#include "domain/report.h"
#include "store/registry_leaf.h"

namespace battrace::store::common {

void CompleteHistory(std::vector<uint64_t>& leaves,
                     const std::optional<domain::BatteryState>& battery,
                     const std::optional<domain::BatteryState>& parent) {
  if (battery && battery->produced_leaf >= 0) leaves.push_back(battery->produced_leaf);
  if (parent && parent->produced_leaf >= 0) leaves.push_back(parent->produced_leaf);
  std::sort(leaves.begin(), leaves.end());
  leaves.erase(std::unique(leaves.begin(), leaves.end()), leaves.end());
}

namespace {

void AddPending(std::vector<uint64_t>& leaves,
                const std::vector<std::pair<std::string, int64_t>>& events,
                const std::string& key) {
  for (const auto& [k, leaf] : events) {
    if (k == key) leaves.push_back(static_cast<uint64_t>(leaf));
  }
}

}  // namespace

Result<std::vector<uint64_t>> TxnBatteryLeaves(domain::StateView& txn, const PendingRows& rows,
                                               const std::string& code,
                                               std::vector<uint64_t> stored) {
  AddPending(stored, rows.battery_events, code);
  BATTRACE_ASSIGN_OR_RETURN(battery, txn.GetBattery(code));
  std::optional<domain::BatteryState> parent;
  if (battery && battery->parent) {
    BATTRACE_ASSIGN_OR_RETURN(p, txn.GetBattery(*battery->parent));
    parent = std::move(p);
  }
  CompleteHistory(stored, battery, parent);
  return stored;
}

std::vector<uint64_t> TxnVehicleLeaves(const PendingRows& rows, const std::string& vin,
                                       std::vector<uint64_t> stored) {
  AddPending(stored, rows.vehicle_events, vin);
  CompleteHistory(stored, std::nullopt, std::nullopt);
  return stored;
}

Result<std::optional<Report>> ParseStored(const std::optional<StoredReport>& stored) {
  if (!stored || IsRegistryLeafType(stored->type)) return std::optional<Report>();
  auto report = ParseReport(stored->body, {.replay = true, .codes = Strictness::kLenient});
  if (!report.ok()) {
    return Status::Corruption("the report at leaf " + std::to_string(stored->leaf_index) +
                              " does not parse: " + report.status().message());
  }
  return std::optional<Report>(std::move(report).value());
}

void PendingRows::Take(domain::Effects& effects, uint64_t leaf) {
  for (domain::BatteryState& b : effects.batteries) {
    std::string key = b.code;
    batteries.insert_or_assign(std::move(key), std::move(b));
  }
  for (domain::VehicleState& v : effects.vehicles) {
    std::string key = v.vin;
    vehicles.insert_or_assign(std::move(key), std::move(v));
  }
  for (std::string& code : effects.battery_refs) {
    battery_events.emplace_back(std::move(code), static_cast<int64_t>(leaf));
  }
  for (std::string& vin : effects.vehicle_refs) {
    vehicle_events.emplace_back(std::move(vin), static_cast<int64_t>(leaf));
  }
  for (domain::OutletState& o : effects.outlets) {
    std::string key = o.id;
    outlets.insert_or_assign(std::move(key), std::move(o));
  }
  for (domain::ModelState& m : effects.models) {
    auto key = std::make_pair(m.maker, m.model);
    models.insert_or_assign(std::move(key), std::move(m));
  }
  // A correction retracts the sales its original recorded, those of this transaction as the
  // stored ones (WriteTxn::Apply).
  if (effects.retracts) {
    for (auto& [key, pending] : sales) {
      if (pending.sale.evidence == *effects.retracts && !pending.retracted_at)
        pending.retracted_at = effects.at;
    }
  }
  for (domain::Sale& sale : effects.sales) {
    auto key = std::make_pair(sale.maker, sale.division);
    auto [it, added] = sales.try_emplace(std::move(key), Sale{sale, effects.at, std::nullopt});
    if (!added && it->second.retracted_at) it->second = Sale{std::move(sale), effects.at, {}};
  }
}

void PendingRows::SortEvents() {
  for (auto* events : {&battery_events, &vehicle_events}) {
    std::sort(events->begin(), events->end());
    events->erase(std::unique(events->begin(), events->end()), events->end());
  }
}

bool HasJudgment(const domain::Effects& effects) {
  return effects.retracts || !effects.discharges.empty() || !effects.duties.empty() ||
         !effects.findings.empty();
}

}  // namespace battrace::store::common
