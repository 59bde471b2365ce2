// Who reads, and what the access rules let them see (Arts. 25, 26 and 30; the contract is
// docs/api.md, "Access rules").
//
// The access layer sits on the store (it reads only through the Store interface, so both
// engines inherit the rules) and under passport and server.
//
// The server hands its route handlers a ScopedReader, never the Store: every read of a record
// passes through the rules here, whose filters go into the store's own queries (a regulator's
// findings query carries its jurisdiction, an enterprise's its USCC), so a handler cannot
// forget them. Each read of protected data the rules allow is noted as an audit entry; the
// caller makes the entries durable (Store::AppendAudit) before it sends anything read.
//
// The rules, in short:
// - public: the public digital-ID fields of any battery, the outlets; nothing else;
// - enterprise: its own reports and duties and findings; disassembly information only for
//   repair shops, dismantlers and recyclers (Art. 25), with a stated purpose; the full record
//   and history of a battery only on custody the chain proves (domain/holders.h), never for
//   having filed a report naming it:
//   * its own production: it filed the battery.produced of the code and the code's
//     manufacturer code is registered to it; the proven producer of a pack or module also
//     holds the parts of that battery.produced;
//   * its own installation: it filed the vehicle.produced installing the pack and the VIN's
//     WMI is registered to it (the maker of record);
//   * a removal: its battery.replaced (or one naming it `repairer`), battery.swapped or
//     vehicle.scrapped took the pack out of the VIN the pack is recorded installed in at that
//     point of the history (installed by the maker of record, or by a replacement or swap whose
//     installer held the pack or whose pack was new);
//   * a transfer: a battery.outbound naming it `to`, filed by an enterprise that held the
//     battery by these rules at that point (the history is folded in ledger order);
//   * succession: what the enterprises it succeeded (`successor_of`) hold;
//   the record and history of a vehicle: its maker of record, and an enterprise that took a
//   pack out of it in a removal the pack's history proves (a battery.replaced alone is not
//   enough); the current registry records decide;
// - regulator: what concerns an enterprise registered in its jurisdiction (division prefix;
//   "000000" national), read-only, with a stated purpose for commercial records (Art. 30);
// - admin: everything, audited like the others.
// A record (report, battery history, vehicle) the viewer may not see is answered exactly as
// one that does not exist (NotFound), so a token holder cannot probe which records exist.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/date.h"
#include "core/status.h"
#include "domain/role.h"
#include "store/keyset.h"
#include "store/store.h"

namespace battrace::access {

struct Viewer {
  enum class Kind { kPublic, kEnterprise, kRegulator, kAdmin };
  Kind kind = Kind::kPublic;
  std::string id;           // USCC or regulator id
  std::string division;     // the enterprise's seat, or the regulator's jurisdiction
  std::vector<Role> roles;  // an enterprise's registered roles

  // "public", "admin", "enterprise:<USCC>", "regulator:<id>".
  std::string Principal() const;
};

// The viewer a principal names, checked against the registry: an enterprise or regulator
// principal must be registered (rule "auth.unregistered_principal"); anything else is rule
// "auth.principal".
Result<Viewer> ResolvePrincipal(store::Store& store, const std::string& principal);

// A battery as the viewer may see it: `full` says whether the fields beyond the public
// digital ID may be shown (parts, custodian, vehicle, model, ...).
struct BatteryRecord {
  domain::BatteryState state;
  bool full = false;
  std::vector<std::string> parts;  // full view only
};

struct VehicleRecord {
  domain::VehicleState state;
  std::vector<domain::BatteryState> packs;
  std::vector<store::StoredReport> history;  // the reports naming the VIN, in ledger order
};

// Batteries handed over from one enterprise to another (ScopedReader::Handovers), with the
// divisions of their registered seats.
struct Handover {
  store::HandoverTally tally;
  std::string sender_seat, receiver_seat;
};

class ScopedReader {
 public:
  // `purpose`: the caller's stated purpose (X-Purpose), "" when none was given. `clock` stamps
  // the audit entries (not owned; it outlives the reader).
  ScopedReader(store::Store& store, Viewer viewer, std::string purpose, std::string request_id,
               const Clock& clock = SystemClock());

  const Viewer& viewer() const { return viewer_; }

  Result<store::StoredReport> Report(const std::string& reporter, const std::string& id);
  // Anyone finds any battery: the public see its public digital ID.
  Result<BatteryRecord> Battery(const std::string& code);
  Result<std::vector<store::StoredReport>> BatteryHistory(const std::string& code);
  Result<VehicleRecord> Vehicle(const std::string& vin);
  // The filters narrow further what the viewer may see; they never widen it.
  // A page of the list in the order of `sort`, after the key `after` (store/keyset.h).
  Result<store::Page<domain::Finding>> Findings(Date as_of, store::FindingFilter filter,
                                                store::FindingSort sort,
                                                const std::optional<store::SortKey>& after,
                                                size_t limit);
  Result<store::Page<domain::Duty>> Obligations(Date as_of, store::ObligationFilter filter,
                                                store::DutySort sort,
                                                const std::optional<store::SortKey>& after,
                                                size_t limit);
  // An enterprise's registry record: its name, roles and seat are public; the whole record
  // (qualifications, codes, cooperation, succession) is for itself, regulators, admin.
  // The lists of GET /v1/batteries and /v1/vehicles, `limit` rows from after the key `after`
  // (a previous page's `next`; empty for the first page; else rule "query.cursor"). An
  // enterprise: the batteries it holds now or produced whose full view it may read (custody the
  // chain proves), the vehicles it made whose record it may read (the maker of record); a
  // regulator, with a stated purpose: those whose holder, or maker, is registered in its
  // jurisdiction; the admin: all.
  Result<store::Page<domain::BatteryState>> Batteries(const std::vector<std::string>& after,
                                                      size_t limit);
  Result<store::Page<domain::VehicleState>> Vehicles(const std::vector<std::string>& after,
                                                     size_t limit);
  Result<store::RegistryRow> Enterprise(const std::string& uscc, bool* full);
  Result<std::vector<domain::OutletState>> Outlets(const std::string& division);
  Result<std::vector<store::StoredReport>> DisassemblyInfo(const std::string& vehicle_model);
  Result<std::vector<store::AuditEntry>> Audit(const store::AuditPage& page);
  // The findings Findings(as_of, filter) would list, counted (Store::TallyFindings), scoped
  // alike.
  Result<std::vector<store::FindingTally>> FindingTallies(Date as_of, store::FindingFilter filter,
                                                          bool by_month);
  // The batteries handed over in [from, to] (Store::TallyHandovers) between registered
  // enterprises, those the viewer may see: an enterprise those it sent or received, a regulator
  // those with an end seated in its jurisdiction, the admin all; `division` keeps those with an
  // end seated inside it (Forbidden beyond a regulator's jurisdiction). Handovers with an
  // unregistered end have no seat and are left out.
  Result<std::vector<Handover>> Handovers(std::optional<Date> from, std::optional<Date> to,
                                          std::optional<std::string> division);

  // The EPCIS events captured through /epcis (Store::CaptureEpcis) that the viewer may see:
  // an enterprise the ones it captured, a regulator those captured by enterprises registered
  // (at capture) in its jurisdiction with a stated purpose (they are commercial records, Art.
  // 30), the admin all, the public none. `filter`'s scope
  // (owner, division) is set here, whatever the caller put there. A read by a regulator or the
  // admin is audited (the events are another party's records); an enterprise reading its own
  // is not.
  Result<std::vector<store::EpcisEvent>> CapturedEvents(store::EpcisFilter filter);
  // The stored events with this eventID (an event and its error declarations) the viewer may
  // see; NotFound when there is none.
  Result<std::vector<store::EpcisEvent>> CapturedEvent(const std::string& event_id);
  // A capture job: for the enterprise that captured it and the admin; NotFound for others,
  // the public included.
  Result<store::EpcisJob> CaptureJob(const std::string& capture_id);
  // The report at a leaf index, under the rules of Report().
  Result<store::StoredReport> ReportAt(uint64_t leaf);

  // Notes the read of a battery's EU passport above the public class (passport/eu.h decides
  // the class; `access` names it), audited like the other protected reads.
  void NotePassport(const std::string& code, std::string_view access);

  // The audit entries of the reads allowed so far; the caller appends them.
  std::vector<store::AuditEntry>& audit() { return audit_; }

 private:
  Status NeedSignIn() const;
  Status MayReadAudit() const;
  // The answer for a record that does not exist and for one the viewer may not see alike
  // (NotFound, one message per kind of record), so that no answer tells them apart.
  static Status Hidden(const std::string& what);
  Status NeedPurpose(const std::string& what) const;
  bool InJurisdiction(const std::string& division) const;
  // Narrows a list's filter to what the viewer may see: an enterprise its own (`party`), a
  // regulator its jurisdiction (`division`); Forbidden when the filter asks for more.
  Status Scope(const std::string& what, std::optional<std::string>* party,
               std::optional<std::string>* division) const;
  Result<bool> RegisteredInJurisdiction(const std::string& uscc);
  // Whether the viewer may see the battery's full view and history (the rules above).
  Result<bool> MaySeeBattery(const domain::BatteryState& state,
                             const std::vector<store::StoredReport>& history);
  // Whether an enterprise viewer had the vehicle: its maker of record, or the remover of a
  // pack in a removal the chain proves (domain/holders.h).
  Result<bool> MaySeeVehicle(const std::string& vin,
                             const std::vector<store::StoredReport>& history);
  Result<std::vector<store::StoredReport>> Reports(const std::vector<uint64_t>& leaves);
  // The scope of the viewer's list of `what` ("batteries", "vehicles"), checking a resumed
  // list's key against it.
  Result<store::ListScope> ListScopeOf(const std::string& what,
                                       const std::vector<std::string>& after);
  void Note(const std::string& action, const std::string& record);

  store::Store& store_;
  Viewer viewer_;
  std::string purpose_;
  std::string request_id_;
  const Clock* clock_;
  std::vector<store::AuditEntry> audit_;
};

}  // namespace battrace::access
