#include "access/access.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "core/division.h"
#include "domain/holders.h"
#include "domain/registry.h"

namespace battrace::access {

using store::AuditEntry;
using store::AuditPage;
using store::DutySort;
using store::EpcisEvent;
using store::EpcisFilter;
using store::EpcisJob;
using store::FindingFilter;
using store::FindingSort;
using store::FindingTally;
using store::HandoverTally;
using store::ListKeyWidth;
using store::ListScope;
using store::ObligationFilter;
using store::Page;
using store::RegistryRow;
using store::SortKey;
using store::Store;
using store::StoredReport;
namespace {

constexpr std::string_view kEnterprisePrefix = "enterprise:";
constexpr std::string_view kRegulatorPrefix = "regulator:";

// The custody fold over the store's current registry records.
domain::CustodyFold FoldOver(Store& store) {
  return domain::CustodyFold(
      [&store](const std::string& uscc) -> Result<std::optional<Enterprise>> {
        BATTRACE_ASSIGN_OR_RETURN(row, store.GetRegistry("enterprise", uscc));
        if (!row) return std::optional<Enterprise>();
        BATTRACE_ASSIGN_OR_RETURN(record, ParseRegistryRecord(row->record));
        const auto* e = std::get_if<Enterprise>(&record);
        if (e == nullptr) return Status::Corruption("registry row " + uscc + " is no enterprise");
        return std::optional<Enterprise>(*e);
      });
}

// The reports of a history the custody fold reads, as the domain reads them (their stored
// form, parsed back); the others are left out unparsed.
Result<std::vector<domain::HistoryReport>> Parsed(const std::vector<StoredReport>& history) {
  std::vector<domain::HistoryReport> out;
  out.reserve(history.size());
  for (const StoredReport& r : history) {
    const std::optional<ReportType> type = ReportTypeFromName(r.type);
    if (type && !domain::ProvesCustody(*type)) continue;
    auto report = ParseReport(r.body, {.replay = true, .codes = Strictness::kLenient});
    if (!report.ok()) {
      return Status::Corruption("the report at leaf " + std::to_string(r.leaf_index) +
                                " does not parse: " + report.status().ToString());
    }
    out.push_back({r.leaf_index, std::move(report).value()});
  }
  return out;
}

}  // namespace

std::string Viewer::Principal() const {
  switch (kind) {
    case Kind::kPublic:
      return "public";
    case Kind::kAdmin:
      return "admin";
    case Kind::kEnterprise:
      return std::string(kEnterprisePrefix) + id;
    case Kind::kRegulator:
      return std::string(kRegulatorPrefix) + id;
  }
  return "public";
}

Result<Viewer> ResolvePrincipal(Store& store, const std::string& principal) {
  Viewer v;
  if (principal == "admin") {
    v.kind = Viewer::Kind::kAdmin;
    return v;
  }
  const bool enterprise = principal.starts_with(kEnterprisePrefix);
  const bool regulator = principal.starts_with(kRegulatorPrefix);
  if (!enterprise && !regulator) {
    return Status::Invalid(
        "principal", "auth.principal",
        "a principal is admin, enterprise:<USCC> or regulator:<id>, not \"" + principal + "\"");
  }
  v.kind = enterprise ? Viewer::Kind::kEnterprise : Viewer::Kind::kRegulator;
  v.id = principal.substr(enterprise ? kEnterprisePrefix.size() : kRegulatorPrefix.size());
  BATTRACE_ASSIGN_OR_RETURN(row, store.GetRegistry(enterprise ? "enterprise" : "regulator", v.id));
  if (!row) {
    return Status::Invalid("principal", "auth.unregistered_principal",
                           std::string(enterprise ? "enterprise " : "regulator ") + v.id +
                               " is not in the registry (`battrace registry import` first)");
  }
  v.division = row->division;
  if (enterprise) {
    BATTRACE_ASSIGN_OR_RETURN(record, ParseRegistryRecord(row->record));
    if (const auto* e = std::get_if<Enterprise>(&record)) v.roles = e->roles;
  }
  return v;
}

ScopedReader::ScopedReader(Store& store, Viewer viewer, std::string purpose, std::string request_id,
                           const Clock& clock)
    : store_(store),
      viewer_(std::move(viewer)),
      purpose_(std::move(purpose)),
      request_id_(std::move(request_id)),
      clock_(&clock) {}

Status ScopedReader::NeedSignIn() const {
  return Status::Unauthenticated("this record is not public: send a bearer token");
}

Status ScopedReader::Hidden(const std::string& what) {
  return Status::NotFound("no such " + what + " among the records you may read");
}

Status ScopedReader::NeedPurpose(const std::string& what) const {
  return Status::Invalid("X-Purpose", "access.purpose_required",
                         "state the purpose of reading " + what +
                             " in the X-Purpose header: the read is audited (Arts. 25, 30)");
}

bool ScopedReader::InJurisdiction(const std::string& division) const {
  auto j = Division::Parse(viewer_.division);
  return j.ok() && j->Contains(division);
}

Result<bool> ScopedReader::RegisteredInJurisdiction(const std::string& uscc) {
  BATTRACE_ASSIGN_OR_RETURN(row, store_.GetRegistry("enterprise", uscc));
  return row && InJurisdiction(row->division);
}

void ScopedReader::Note(const std::string& action, const std::string& record) {
  AuditEntry e;
  e.at = clock_->Now();
  e.principal = viewer_.Principal();
  e.action = action;
  e.record = record;
  e.purpose = purpose_;
  e.request_id = request_id_;
  audit_.push_back(std::move(e));
}

Result<std::vector<EpcisEvent>> ScopedReader::CapturedEvents(EpcisFilter filter) {
  filter.owner.reset();
  filter.division.reset();
  switch (viewer_.kind) {
    case Viewer::Kind::kPublic:
      return std::vector<EpcisEvent>();
    case Viewer::Kind::kEnterprise:
      filter.owner = viewer_.id;
      break;
    case Viewer::Kind::kRegulator:
      if (purpose_.empty()) return NeedPurpose("EPCIS events");
      filter.division = viewer_.division;
      break;
    case Viewer::Kind::kAdmin:
      break;
  }
  BATTRACE_ASSIGN_OR_RETURN(events, store_.QueryEpcis(filter));
  if (viewer_.kind != Viewer::Kind::kEnterprise && !events.empty()) {
    Note("epcis_events", "epcis:events after=" + std::to_string(filter.after_seq) +
                             " first=" + std::to_string(events.front().seq) +
                             " last=" + std::to_string(events.back().seq));
  }
  return events;
}

Result<std::vector<EpcisEvent>> ScopedReader::CapturedEvent(const std::string& event_id) {
  if (viewer_.kind == Viewer::Kind::kPublic) return Hidden("EPCIS event");
  if (viewer_.kind == Viewer::Kind::kRegulator && purpose_.empty()) {
    return NeedPurpose("an EPCIS event");
  }
  BATTRACE_ASSIGN_OR_RETURN(all, store_.GetEpcisEvents(event_id));
  std::vector<EpcisEvent> out;
  for (EpcisEvent& e : all) {
    const bool may = viewer_.kind == Viewer::Kind::kAdmin ||
                     (viewer_.kind == Viewer::Kind::kEnterprise && e.owner == viewer_.id) ||
                     (viewer_.kind == Viewer::Kind::kRegulator && InJurisdiction(e.owner_division));
    if (may) out.push_back(std::move(e));
  }
  if (out.empty()) return Hidden("EPCIS event");
  if (viewer_.kind != Viewer::Kind::kEnterprise) Note("epcis_event", "epcis:" + event_id);
  return out;
}

Result<EpcisJob> ScopedReader::CaptureJob(const std::string& capture_id) {
  if (viewer_.kind == Viewer::Kind::kPublic) return Hidden("capture job");
  BATTRACE_ASSIGN_OR_RETURN(job, store_.GetEpcisJob(capture_id));
  if (!job || (viewer_.kind != Viewer::Kind::kAdmin &&
               (viewer_.kind != Viewer::Kind::kEnterprise || job->owner != viewer_.id))) {
    return Hidden("capture job");
  }
  if (viewer_.kind == Viewer::Kind::kAdmin) Note("epcis_capture", "epcis:capture:" + capture_id);
  return std::move(*job);
}

Result<StoredReport> ScopedReader::ReportAt(uint64_t leaf) {
  if (viewer_.kind == Viewer::Kind::kPublic) return NeedSignIn();
  BATTRACE_ASSIGN_OR_RETURN(report, store_.GetReportAt(leaf));
  if (!report) return Hidden("report");
  return Report(report->reporter, report->id);
}

void ScopedReader::NotePassport(const std::string& code, std::string_view access) {
  Note("passport_" + std::string(access), "battery:" + code);
}

Result<std::vector<StoredReport>> ScopedReader::Reports(const std::vector<uint64_t>& leaves) {
  std::vector<StoredReport> out;
  out.reserve(leaves.size());
  for (uint64_t leaf : leaves) {
    BATTRACE_ASSIGN_OR_RETURN(r, store_.GetReportAt(leaf));
    if (!r) return Status::Corruption("a history names leaf " + std::to_string(leaf) + ", absent");
    out.push_back(std::move(*r));
  }
  return out;
}

Result<StoredReport> ScopedReader::Report(const std::string& reporter, const std::string& id) {
  bool may = true;
  switch (viewer_.kind) {
    case Viewer::Kind::kPublic:
      return NeedSignIn();
    case Viewer::Kind::kEnterprise:
      may = reporter == viewer_.id;
      break;
    case Viewer::Kind::kRegulator: {
      if (purpose_.empty()) return NeedPurpose("a report");
      BATTRACE_ASSIGN_OR_RETURN(inside, RegisteredInJurisdiction(reporter));
      may = inside;
      break;
    }
    case Viewer::Kind::kAdmin:
      break;
  }
  if (!may) return Hidden("report");
  BATTRACE_ASSIGN_OR_RETURN(report, store_.GetReport(reporter, id));
  if (!report) return Hidden("report");
  Note("report", "report:" + reporter + "/" + id);
  return std::move(*report);
}

Result<bool> ScopedReader::MaySeeBattery(const domain::BatteryState& state,
                                         const std::vector<StoredReport>& history) {
  switch (viewer_.kind) {
    case Viewer::Kind::kPublic:
      return false;
    case Viewer::Kind::kAdmin:
      return true;
    case Viewer::Kind::kEnterprise: {
      // Custody the history proves, not the reports the viewer filed (docs/api.md).
      domain::CustodyFold fold = FoldOver(store_);
      BATTRACE_ASSIGN_OR_RETURN(reports, Parsed(history));
      BATTRACE_ASSIGN_OR_RETURN(custody, fold.Battery(state.code, reports));
      return fold.Holds(custody.holders, viewer_.id);
    }
    case Viewer::Kind::kRegulator: {
      std::set<std::string> holders;
      if (state.producer) holders.insert(*state.producer);
      if (state.custodian) holders.insert(*state.custodian);
      for (const StoredReport& r : history)
        holders.insert(r.reporter);
      for (const std::string& h : holders) {
        BATTRACE_ASSIGN_OR_RETURN(inside, RegisteredInJurisdiction(h));
        if (inside) return true;
      }
      return false;
    }
  }
  return false;
}

Result<bool> ScopedReader::MaySeeVehicle(const std::string& vin,
                                         const std::vector<StoredReport>& history) {
  domain::CustodyFold fold = FoldOver(store_);
  BATTRACE_ASSIGN_OR_RETURN(reports, Parsed(history));
  BATTRACE_ASSIGN_OR_RETURN(ids, fold.SelfAndPredecessors(viewer_.id));
  BATTRACE_ASSIGN_OR_RETURN(made, fold.MadeVehicle(vin, reports, ids));
  if (made) return true;
  // A pack the viewer took out of the vehicle, in a removal the pack's history proves.
  for (const domain::Removal& removal : domain::RemovalsBy(reports, ids)) {
    BATTRACE_ASSIGN_OR_RETURN(pack_history, store_.BatteryHistoryReports(removal.code));
    BATTRACE_ASSIGN_OR_RETURN(pack_reports, Parsed(pack_history));
    BATTRACE_ASSIGN_OR_RETURN(custody, fold.Battery(removal.code, pack_reports));
    if (custody.removals.contains(removal.leaf)) return true;
  }
  return false;
}

Result<BatteryRecord> ScopedReader::Battery(const std::string& code) {
  BATTRACE_ASSIGN_OR_RETURN(state, store_.GetBattery(code));
  if (!state) return Status::NotFound("no battery " + code + " in the record");
  BatteryRecord out{std::move(*state), false, {}};
  // The public view needs no more reads; a regulator without a stated purpose gets it too.
  if (viewer_.kind == Viewer::Kind::kPublic ||
      (viewer_.kind == Viewer::Kind::kRegulator && purpose_.empty())) {
    return out;
  }
  BATTRACE_ASSIGN_OR_RETURN(history, store_.BatteryHistoryReports(code));
  BATTRACE_ASSIGN_OR_RETURN(full, MaySeeBattery(out.state, history));
  if (full) {
    out.full = true;
    BATTRACE_ASSIGN_OR_RETURN(parts, store_.PartsOf(code));
    out.parts = std::move(parts);
    Note("battery", "battery:" + code);
  }
  return out;
}

Result<std::vector<StoredReport>> ScopedReader::BatteryHistory(const std::string& code) {
  if (viewer_.kind == Viewer::Kind::kPublic) return NeedSignIn();
  if (viewer_.kind == Viewer::Kind::kRegulator && purpose_.empty()) {
    return NeedPurpose("a battery's history");
  }
  BATTRACE_ASSIGN_OR_RETURN(state, store_.GetBattery(code));
  if (!state) return Hidden("battery history");
  BATTRACE_ASSIGN_OR_RETURN(history, store_.BatteryHistoryReports(code));
  BATTRACE_ASSIGN_OR_RETURN(may, MaySeeBattery(*state, history));
  if (!may) return Hidden("battery history");
  Note("battery_history", "battery:" + code);
  return history;
}

Result<VehicleRecord> ScopedReader::Vehicle(const std::string& vin) {
  if (viewer_.kind == Viewer::Kind::kPublic) return NeedSignIn();
  if (viewer_.kind == Viewer::Kind::kRegulator && purpose_.empty()) {
    return NeedPurpose("a vehicle's record");
  }
  BATTRACE_ASSIGN_OR_RETURN(state, store_.GetVehicle(vin));
  if (!state) return Hidden("vehicle");
  BATTRACE_ASSIGN_OR_RETURN(leaves, store_.VehicleHistory(vin));
  BATTRACE_ASSIGN_OR_RETURN(history, Reports(leaves));
  bool may = viewer_.kind == Viewer::Kind::kAdmin;
  if (viewer_.kind == Viewer::Kind::kEnterprise) {
    BATTRACE_ASSIGN_OR_RETURN(had, MaySeeVehicle(vin, history));
    may = had;
  } else if (viewer_.kind == Viewer::Kind::kRegulator) {
    may = state->sale_division && InJurisdiction(*state->sale_division);
    if (!may && state->maker) {
      BATTRACE_ASSIGN_OR_RETURN(inside, RegisteredInJurisdiction(*state->maker));
      may = inside;
    }
  }
  if (!may) return Hidden("vehicle");
  BATTRACE_ASSIGN_OR_RETURN(packs, store_.BatteriesInVehicle(vin));
  Note("vehicle", "vehicle:" + vin);
  return VehicleRecord{std::move(*state), std::move(packs), std::move(history)};
}

Status ScopedReader::Scope(const std::string& what, std::optional<std::string>* party,
                           std::optional<std::string>* division) const {
  switch (viewer_.kind) {
    case Viewer::Kind::kPublic:
      return NeedSignIn();
    case Viewer::Kind::kEnterprise:
      if (*party && **party != viewer_.id) {
        return Status::Forbidden("an enterprise reads its own " + what);
      }
      *party = viewer_.id;
      break;
    case Viewer::Kind::kRegulator:
      if (*division && !InJurisdiction(**division)) {
        return Status::Forbidden("division " + **division + " is outside your jurisdiction " +
                                 viewer_.division);
      }
      if (!*division) *division = viewer_.division;
      break;
    case Viewer::Kind::kAdmin:
      break;
  }
  return Status::Ok();
}

Result<Page<domain::Finding>> ScopedReader::Findings(Date as_of, FindingFilter filter,
                                                     FindingSort sort,
                                                     const std::optional<SortKey>& after,
                                                     size_t limit) {
  BATTRACE_RETURN_IF_ERROR(Scope("findings", &filter.party, &filter.division));
  BATTRACE_ASSIGN_OR_RETURN(page, store_.Findings(as_of, filter, sort, after, limit));
  Note("findings", "findings:" + as_of.ToString() +
                       (filter.party ? " party=" + *filter.party : "") +
                       (filter.division ? " division=" + *filter.division : "") +
                       (filter.kind ? " kind=" + *filter.kind : "") +
                       (filter.department ? " department=" + *filter.department : "") +
                       (filter.from ? " from=" + filter.from->ToString() : "") +
                       (filter.to ? " to=" + filter.to->ToString() : ""));
  return page;
}

Result<Page<domain::Duty>> ScopedReader::Obligations(Date as_of, ObligationFilter filter,
                                                     DutySort sort,
                                                     const std::optional<SortKey>& after,
                                                     size_t limit) {
  BATTRACE_RETURN_IF_ERROR(Scope("obligations", &filter.party, &filter.division));
  BATTRACE_ASSIGN_OR_RETURN(page, store_.Obligations(as_of, filter, sort, after, limit));
  Note("obligations", "obligations:" + as_of.ToString() +
                          (filter.party ? " party=" + *filter.party : "") +
                          (filter.division ? " division=" + *filter.division : "") +
                          (filter.type ? " type=" + *filter.type : "") +
                          (filter.due_from ? " due_from=" + filter.due_from->ToString() : "") +
                          (filter.due_to ? " due_to=" + filter.due_to->ToString() : ""));
  return page;
}

Result<ListScope> ScopedReader::ListScopeOf(const std::string& what,
                                            const std::vector<std::string>& after) {
  ListScope scope;
  switch (viewer_.kind) {
    case Viewer::Kind::kPublic:
      return NeedSignIn();
    case Viewer::Kind::kEnterprise:
      scope.party = viewer_.id;
      break;
    case Viewer::Kind::kRegulator:
      if (purpose_.empty()) return NeedPurpose("a list of " + what);
      scope.division = viewer_.division;
      break;
    case Viewer::Kind::kAdmin:
      break;
  }
  if (!after.empty() && after.size() != ListKeyWidth(scope)) {
    return Status::Invalid("cursor", "query.cursor",
                           "the cursor is not one of this list's: start again without it");
  }
  Note(what, what + ":" + (scope.party ? " party=" + *scope.party : "") +
                 (scope.division ? " division=" + *scope.division : "") +
                 (after.empty() ? "" : " after=" + after.back()));
  return scope;
}

Result<Page<domain::BatteryState>> ScopedReader::Batteries(const std::vector<std::string>& after,
                                                           size_t limit) {
  BATTRACE_ASSIGN_OR_RETURN(scope, ListScopeOf("batteries", after));
  BATTRACE_ASSIGN_OR_RETURN(rows, store_.ListBatteries(scope, after, limit));
  Page<domain::BatteryState> page;
  if (rows.size() == limit && !rows.empty()) {
    const domain::BatteryState& last = rows.back();
    page.next = scope.division ? std::vector<std::string>{last.custodian.value_or(""), last.code}
                               : std::vector<std::string>{last.code};
  }
  for (domain::BatteryState& b : rows) {
    if (viewer_.kind == Viewer::Kind::kEnterprise) {
      // Holding a battery by the projection is not custody the chain proves (docs/api.md).
      BATTRACE_ASSIGN_OR_RETURN(history, store_.BatteryHistoryReports(b.code));
      BATTRACE_ASSIGN_OR_RETURN(may, MaySeeBattery(b, history));
      if (!may) continue;
    }
    page.items.push_back(std::move(b));
  }
  return page;
}

Result<Page<domain::VehicleState>> ScopedReader::Vehicles(const std::vector<std::string>& after,
                                                          size_t limit) {
  BATTRACE_ASSIGN_OR_RETURN(scope, ListScopeOf("vehicles", after));
  BATTRACE_ASSIGN_OR_RETURN(rows, store_.ListVehicles(scope, after, limit));
  Page<domain::VehicleState> page;
  if (rows.size() == limit && !rows.empty()) {
    const domain::VehicleState& last = rows.back();
    page.next = scope.division ? std::vector<std::string>{last.maker.value_or(""), last.vin}
                               : std::vector<std::string>{last.vin};
  }
  for (domain::VehicleState& v : rows) {
    if (viewer_.kind == Viewer::Kind::kEnterprise) {
      // The first vehicle.produced's reporter is the maker of record only when the VIN's WMI is
      // registered to it.
      BATTRACE_ASSIGN_OR_RETURN(leaves, store_.VehicleHistory(v.vin));
      BATTRACE_ASSIGN_OR_RETURN(history, Reports(leaves));
      BATTRACE_ASSIGN_OR_RETURN(may, MaySeeVehicle(v.vin, history));
      if (!may) continue;
    }
    page.items.push_back(std::move(v));
  }
  return page;
}

Result<RegistryRow> ScopedReader::Enterprise(const std::string& uscc, bool* full) {
  BATTRACE_ASSIGN_OR_RETURN(row, store_.GetRegistry("enterprise", uscc));
  if (!row) return Status::NotFound("no enterprise " + uscc + " in the registry");
  *full = viewer_.kind == Viewer::Kind::kAdmin ||
          (viewer_.kind == Viewer::Kind::kEnterprise && viewer_.id == uscc) ||
          (viewer_.kind == Viewer::Kind::kRegulator && InJurisdiction(row->division));
  if (*full) Note("enterprise", "enterprise:" + uscc);
  return std::move(*row);
}

Result<std::vector<domain::OutletState>> ScopedReader::Outlets(const std::string& division) {
  return store_.Outlets(division);
}

Result<std::vector<StoredReport>> ScopedReader::DisassemblyInfo(const std::string& vehicle_model) {
  if (viewer_.kind == Viewer::Kind::kPublic) return NeedSignIn();
  const auto has = [&](Role r) {
    return std::find(viewer_.roles.begin(), viewer_.roles.end(), r) != viewer_.roles.end();
  };
  if (viewer_.kind != Viewer::Kind::kAdmin &&
      (viewer_.kind != Viewer::Kind::kEnterprise ||
       !(has(Role::kRepairShop) || has(Role::kDismantler) || has(Role::kRecycler)))) {
    return Status::Forbidden(
        "disassembly information is for repair shops, dismantlers and recyclers (Art. 25)");
  }
  if (purpose_.empty()) return NeedPurpose("disassembly information");
  BATTRACE_ASSIGN_OR_RETURN(reports, store_.DisassemblyInfo(vehicle_model));
  if (reports.empty()) {
    return Status::NotFound("no disassembly information filed for vehicle model " + vehicle_model);
  }
  Note("disassembly_info", "model:" + vehicle_model);
  return reports;
}

Status ScopedReader::MayReadAudit() const {
  if (viewer_.kind == Viewer::Kind::kPublic) return NeedSignIn();
  if (viewer_.kind != Viewer::Kind::kAdmin)
    return Status::Forbidden("the audit trail is for admins");
  return Status::Ok();
}

Result<std::vector<AuditEntry>> ScopedReader::Audit(const AuditPage& page) {
  BATTRACE_RETURN_IF_ERROR(MayReadAudit());
  return store_.ListAudit(page);
}

Result<std::vector<FindingTally>> ScopedReader::FindingTallies(Date as_of, FindingFilter filter,
                                                               bool by_month) {
  BATTRACE_RETURN_IF_ERROR(Scope("findings", &filter.party, &filter.division));
  BATTRACE_ASSIGN_OR_RETURN(tallies, store_.TallyFindings(as_of, filter, by_month));
  Note("findings_stats", "findings:" + as_of.ToString() +
                             (filter.party ? " party=" + *filter.party : "") +
                             (filter.division ? " division=" + *filter.division : "") +
                             (filter.kind ? " kind=" + *filter.kind : "") +
                             (filter.from ? " from=" + filter.from->ToString() : "") +
                             (filter.to ? " to=" + filter.to->ToString() : ""));
  return tallies;
}

Result<std::vector<Handover>> ScopedReader::Handovers(std::optional<Date> from,
                                                      std::optional<Date> to,
                                                      std::optional<std::string> division) {
  std::optional<std::string> party;
  BATTRACE_RETURN_IF_ERROR(Scope("handovers", &party, &division));
  std::optional<Division> within;
  if (division) {
    BATTRACE_ASSIGN_OR_RETURN(parsed, Division::Parse(*division));
    within = std::move(parsed);
  }
  BATTRACE_ASSIGN_OR_RETURN(tallies, store_.TallyHandovers(from, to));
  std::map<std::string, std::optional<std::string>, std::less<>> seats;
  auto seat = [&](const std::string& uscc) -> Result<std::optional<std::string>> {
    auto [it, fresh] = seats.try_emplace(uscc);
    if (fresh) {
      BATTRACE_ASSIGN_OR_RETURN(row, store_.GetRegistry("enterprise", uscc));
      if (row) it->second = row->division;
    }
    return it->second;
  };
  std::vector<Handover> out;
  for (HandoverTally& t : tallies) {
    if (party && t.sender != *party && t.receiver != *party) continue;
    BATTRACE_ASSIGN_OR_RETURN(sender, seat(t.sender));
    BATTRACE_ASSIGN_OR_RETURN(receiver, seat(t.receiver));
    if (!sender || !receiver) continue;
    if (within && !within->Contains(*sender) && !within->Contains(*receiver)) continue;
    out.push_back({std::move(t), std::move(*sender), std::move(*receiver)});
  }
  Note("handovers", "handovers:" + (from ? from->ToString() : std::string("-")) + ".." +
                        (to ? to->ToString() : std::string("-")) +
                        (party ? " party=" + *party : "") +
                        (division ? " division=" + *division : ""));
  return out;
}

}  // namespace battrace::access
