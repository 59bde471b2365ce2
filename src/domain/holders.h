// Custody the chain proves: which enterprises hold or held a battery, and which had a vehicle,
// read from the reports of its history alone (the access rules of docs/api.md, "Access rules").
//
// Filing a report that names a battery or a VIN proves nothing by itself: anyone can name any
// code. Custody is proven only by
// - production: a battery.produced of the code filed by the enterprise its manufacturer code
//   (code positions 1-3) is registered to; the proven producer of a pack or module also holds
//   the `parts` of that battery.produced;
// - installation: a vehicle.produced listing the pack, filed by the enterprise the VIN's WMI is
//   registered to (the maker of record); it holds the pack and records it installed in the VIN;
// - removal: a battery.replaced (its `repairer` when named, else its reporter), a
//   battery.swapped or a vehicle.scrapped (`packs_present`) taking the pack out of the VIN it is
//   recorded installed in at that point of the history; a removal of a pack not recorded in
//   that VIN proves nothing;
// - transfer: a battery.outbound naming the battery, filed by an enterprise that holds or held
//   it at that point: the receiver `to` holds it.
// A battery.replaced or battery.swapped records its installed pack in the VIN when the pack is
// recorded in no vehicle at that point and either the installer holds it or it is new (no
// custody since its production: no installation, removal or transfer yet). Installing gives
// the installer nothing. battery.inbound, battery.utilized, corrections and the other types
// prove no custody. An enterprise holds what the enterprises it succeeded (`successor_of`,
// followed through) hold. The registry read is the current one.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "domain/registry.h"
#include "domain/report.h"

namespace battrace::domain {

// The current registry record of an enterprise; nullopt when it is not registered.
using FindEnterprise = std::function<Result<std::optional<Enterprise>>(const std::string& uscc)>;

// Whether the fold reads reports of `type`: a history given to it may leave the others out.
bool ProvesCustody(ReportType type);

// One report of a history and the ledger leaf it is.
struct HistoryReport {
  uint64_t leaf = 0;
  Report report;
};

// What a battery's history proves.
struct Custody {
  std::set<std::string> holders;  // the USCCs that hold or held it
  std::set<uint64_t> removals;    // the leaves of the removals of it from a vehicle it proves
};

// A pack taken out of a vehicle by a report of the vehicle's history.
struct Removal {
  uint64_t leaf = 0;
  std::string code;
};

class CustodyFold {
 public:
  explicit CustodyFold(FindEnterprise find) : find_(std::move(find)) {}

  // The custody of battery `code` its `history` (the reports naming it, in ledger order)
  // proves, in one pass.
  Result<Custody> Battery(const std::string& code, const std::vector<HistoryReport>& history);

  // `uscc` and every enterprise it succeeded, directly or through others.
  Result<std::vector<std::string>> SelfAndPredecessors(const std::string& uscc);
  // Whether `uscc` or an enterprise it succeeded is among `holders`.
  Result<bool> Holds(const std::set<std::string>& holders, const std::string& uscc);
  // Whether one of `ids` filed a vehicle.produced of `vin`, in `history`, as the enterprise the
  // VIN's WMI is registered to.
  Result<bool> MadeVehicle(const std::string& vin, const std::vector<HistoryReport>& history,
                           const std::vector<std::string>& ids);

  // Whether the manufacturer code (battery code positions 1-3) / the WMI is registered to `uscc`.
  Result<bool> OwnsManufacturerCode(const std::string& uscc, std::string_view code);
  Result<bool> OwnsWmi(const std::string& uscc, std::string_view wmi);

 private:
  Result<const Enterprise*> Find(const std::string& uscc);

  FindEnterprise find_;
  std::map<std::string, std::optional<Enterprise>, std::less<>> cache_;
};

// The removals, in a vehicle's `history`, that one of `ids` made (the `repairer` of a
// battery.replaced when named, else its reporter; the reporter of a battery.swapped or a
// vehicle.scrapped): one per pack taken out. Whether each is proven is the pack's fold
// (Custody::removals).
std::vector<Removal> RemovalsBy(const std::vector<HistoryReport>& history,
                                const std::vector<std::string>& ids);

}  // namespace battrace::domain
