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

#include "core/date.h"
#include "core/status.h"
#include "domain/registry_index.h"
#include "domain/report.h"

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
  // Its battery.produced carried every field of a complete digital ID (Art. 12): model, rated
  // capacity, rated energy, mass, materials, and parts for a module or pack.
  bool id_complete = false;
  // The report ("reporter/id") that last reported on it against its record (a conflicting_custody;
  // docs/findings.md, "Which reports move custody, and from whom"), which left it as it was;
  // cleared when a later report moves it, or a correction of that report re-projects it.
  std::optional<std::string> contested;
  // The GS1 AI (21) serial its battery.produced gave (with the GTIN declared for its model, its
  // GS1 Digital Link).
  std::optional<std::string> serial;
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
  std::vector<std::string> packs;  // the pack codes installed now, sorted
  int64_t produced_leaf = -1;
  int64_t updated_leaf = -1;
};

// A recycling service outlet, from the outlet.* reports of its owner (Arts. 14-16).
struct OutletState {
  std::string id;
  std::string owner;     // USCC of the battery or vehicle maker that registered it
  std::string division;  // GB/T 2260 code where it is
  bool closed = false;
  Instant registered_at = 0;  // `reported` of its outlet.registered
  std::optional<Instant> closed_at;
};

// A vehicle model of a maker: when it was first produced and whether its disassembly
// information was filed (24.1).
struct ModelState {
  std::string maker;  // USCC
  std::string model;
  std::optional<std::string> first_produced;  // YYYY-MM-DD, `occurred` of the first vehicle
  bool has_disassembly_info = false;
};

// A duty proved by a report: `party` owes a report of type `fulfils` about `subject` by `due`
// (docs/findings.md, "Duties a report proves"). Open until a report of that type by the party
// (or its successor) about the subject discharges it.
struct Duty {
  std::string kind;     // the finding it becomes when overdue: "overdue_report" or
                        // "missing_digital_id"
  std::string duty;     // the rule's duty key ("24.6b"), or "12" for a digital ID
  std::string article;  // what the finding cites
  std::string party;    // USCC
  std::string subject;  // battery code, VIN, vehicle model or outlet id
  std::string fulfils;  // the report type that discharges it, e.g. "battery.inbound"
  Date anchor;
  Date due;
  std::string evidence;  // the proving report, "reporter/id"
  Authority authority;
  std::string detail;
};

// What a report discharges: the open duties to file `fulfils` about `subject` owed by one of
// `parties` (the reporter and the enterprises it succeeded).
struct Discharge {
  std::string fulfils;
  std::string subject;
  std::vector<std::string> parties;
};

// A finding (docs/findings.md). Overdue duties and coverage gaps become findings at query
// time; the others are recorded when the report that reveals them is stored.
struct Finding {
  std::string kind;
  std::string article;
  std::string party;
  std::string subject;
  std::optional<Date> due;
  std::vector<std::string> evidence;  // "reporter/id", in ledger order
  Authority authority;
  std::string detail;
  // For a finding from a duty (overdue_report, missing_digital_id): the report type that
  // discharges it. Not stored with recorded findings; shown in their action (finding_text.h).
  std::string fulfils;
  // The finding's date (docs/findings.md, "Queries"), set when a store's query reads it: the
  // Beijing day it became visible, the due date of an overdue duty, the day of a coverage gap's
  // first sale.
  std::optional<Date> date;
};

// A place where a maker's batteries or vehicles were sold, which needs an outlet of that maker
// (Arts. 14, 15): a province for a battery maker, a city for a vehicle maker.
struct Sale {
  std::string maker;     // USCC
  std::string division;  // province or city code
  std::string article;   // "14" or "15"
  std::string evidence;  // the first vehicle.sold there, "reporter/id"
};

// Read access to the projection and the registry, as seen inside the current transaction.
class StateView {
 public:
  virtual ~StateView() = default;
  virtual Result<std::optional<BatteryState>> GetBattery(const std::string& code) = 0;
  virtual Result<std::optional<VehicleState>> GetVehicle(const std::string& vin) = 0;
  virtual Result<std::optional<OutletState>> GetOutlet(const std::string& id) = 0;
  virtual Result<std::optional<ModelState>> GetModel(const std::string& maker,
                                                     const std::string& model) = 0;
  virtual const RegistryIndex& Registry() = 0;

  // What a correction re-projects from (docs/findings.md, "Corrections and succession"). A view
  // without history (these defaults) re-projects nothing.
  // The registry as it stood on `day` (docs/findings.md, "The registry as it stood").
  virtual const RegistryIndex& RegistryOn(Date day) {
    (void)day;
    return Registry();
  }
  // The leaves of the reports indexed under a battery code (with its battery.produced and that of
  // the battery it was assembled into: Store::BatteryHistory) or a VIN, in ledger order, those of
  // the current transaction included.
  virtual Result<std::vector<uint64_t>> BatteryLeaves(const std::string& code) {
    (void)code;
    return std::vector<uint64_t>();
  }
  virtual Result<std::vector<uint64_t>> VehicleLeaves(const std::string& vin) {
    (void)vin;
    return std::vector<uint64_t>();
  }
  // The report stored at `leaf`, as parsed from its leaf data; nullopt for a registry leaf.
  virtual Result<std::optional<Report>> ReportAt(uint64_t leaf) {
    (void)leaf;
    return std::optional<Report>();
  }
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

  // The rules engine's part (docs/findings.md), all as of `at`, the report's `reported`.
  Instant at = 0;
  std::vector<OutletState> outlets;  // complete new rows
  std::vector<ModelState> models;    // complete new rows
  std::vector<Duty> duties;          // opened; one already open with the same kind, duty,
                                     // party and subject is kept instead
  std::vector<Discharge> discharges;
  std::vector<Finding> findings;
  std::vector<Sale> sales;  // recorded once per (maker, division): the first stands
  // A correction: the report ("reporter/id") whose findings, duties and sales are retracted.
  std::optional<std::string> retracts;
};

}  // namespace battrace::domain
