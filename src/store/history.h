// Battery and vehicle histories, and the projection rows a write transaction keeps until it
// commits (both engines write them behind, in key order).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/tables.h"

namespace battrace::store::common {

// The leaves of the history of the battery whose code is bound as $1 (Store::BatteryHistory):
// the reports naming it, its battery.produced and that of the battery it was assembled into,
// once each (a write transaction adds its pending rows the same way: CompleteHistory).
constexpr const char* kBatteryHistoryLeaves =
    "SELECT leaf FROM battery_event WHERE code = $1 "
    "UNION SELECT produced_leaf FROM battery WHERE code = $1 AND produced_leaf >= 0 "
    "UNION SELECT p.produced_leaf FROM battery b JOIN battery p ON p.code = b.parent "
    "WHERE b.code = $1 AND p.produced_leaf >= 0";

// A battery's history in a write transaction (kBatteryHistoryLeaves with pending rows): the
// reports naming it, its battery.produced and that of the battery it was assembled into, in
// ledger order, once each.
void CompleteHistory(std::vector<uint64_t>& leaves,
                     const std::optional<domain::BatteryState>& battery,
                     const std::optional<domain::BatteryState>& parent);

// Orders pairs of strings and looks them up by pairs of views, without copying the key.
struct PairLess {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    using Views = std::pair<std::string_view, std::string_view>;
    return Views(a.first, a.second) < Views(b.first, b.second);
  }
};

// The projection rows a write transaction changed, the newest version of each, kept until
// Commit writes each row once, in key order (reads of the transaction see them first), with
// the history index entries to be sorted too, so that B-tree inserts land close together.
struct PendingRows {
  using Sale = tables::SaleRow;
  std::map<std::string, domain::BatteryState> batteries;
  std::map<std::string, domain::VehicleState> vehicles;
  std::map<std::string, domain::OutletState> outlets;
  std::map<std::pair<std::string, std::string>, domain::ModelState, PairLess> models;
  std::map<std::pair<std::string, std::string>, Sale> sales;  // by (maker, division)
  std::vector<std::pair<std::string, int64_t>> battery_events, vehicle_events;

  // Takes the projection part of the effects of the report at `leaf`. The first sale of a
  // transaction stands, unless a correction retracted it (then the next one there replaces it);
  // one already stored stands over both unless it is retracted (the engines' upsert).
  void Take(domain::Effects& effects, uint64_t leaf);
  // The history index entries, sorted, each once.
  void SortEvents();
};

// A write transaction's history of a battery (StateView::BatteryLeaves): `stored`, the committed
// index entries, with those pending in `rows`, and its battery.produced and that of its parent as
// the transaction reads them through `txn`.
Result<std::vector<uint64_t>> TxnBatteryLeaves(domain::StateView& txn, const PendingRows& rows,
                                               const std::string& code,
                                               std::vector<uint64_t> stored);
// ... of a VIN (StateView::VehicleLeaves).
std::vector<uint64_t> TxnVehicleLeaves(const PendingRows& rows, const std::string& vin,
                                       std::vector<uint64_t> stored);
// The report a stored leaf holds, parsed as on replay; nullopt for none or a registry leaf.
Result<std::optional<Report>> ParseStored(const std::optional<StoredReport>& stored);

// Whether the rules engine's part of `effects` has anything to write.
bool HasJudgment(const domain::Effects& effects);

}  // namespace battrace::store::common
