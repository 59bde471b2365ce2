// The descriptions of the stored rows (store/rows.h), one per row type, in the columns' order
// in the live table (docs/data-model.md describes each table). The old migrations in schema.cc
// keep their DDL as history; tests/unit/store/rows_test.cc checks that every description
// matches the table a fresh store has, on both engines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/date.h"
#include "domain/state.h"
#include "store/rows.h"
#include "store/store.h"
#include "store/stored_body.h"

namespace battrace::store::tables {

using rows::Col;
using rows::Describe;

// A sale row: where a maker sold (domain::Sale), when it was recorded, and when a correction
// retracted its evidence.
struct SaleRow {
  domain::Sale sale;
  Instant known_from = 0;
  std::optional<Instant> retracted_at;
};

// A row of registry_version: a registry record as it stands from `effective` on, written by the
// report at `leaf`.
struct StoredVersion {
  std::string kind, key, effective;
  int64_t leaf = 0;
  std::string record;
};

// A report being appended, as the report table stores it: the leaf it becomes, and the input's
// fields by reference (nothing copied).
struct NewReport {
  uint64_t leaf_index;
  const std::string& reporter;
  const std::string& id;
  const std::string& type;
  const std::string& occurred;
  const Instant& reported;
  const ledger::Hash& content_hash;
  const ledger::Hash& leaf_hash;
  const std::string& body;

  static NewReport Of(uint64_t leaf, const LeafInput& in) {
    return {leaf,        in.reporter,     in.id,        in.type, in.occurred,
            in.reported, in.content_hash, in.leaf_hash, in.body};
  }
};

using rows::Bool;
using rows::Bytes;
using rows::CompressedBody;
using rows::DateText;
using rows::EvidenceJson;
using rows::HashBlob;
using rows::Int;
using rows::OptDateText;
using rows::OptInt;
using rows::OptText;
using rows::Packs;
using rows::Text;

// Columns read from StoredReport and written from NewReport alike; the body through the
// connection's BodyCodec (store/stored_body.h).
inline constexpr auto kReport =
    Describe<StoredReport>("report", true,
                           Col<Int>(
                               "leaf", [](auto& r) -> auto& { return r.leaf_index; }),
                           Col<Text>(
                               "reporter", [](auto& r) -> auto& { return r.reporter; }),
                           Col<Text>(
                               "id", [](auto& r) -> auto& { return r.id; }),
                           Col<Text>(
                               "type", [](auto& r) -> auto& { return r.type; }),
                           Col<Text>(
                               "occurred", [](auto& r) -> auto& { return r.occurred; }),
                           Col<Int>(
                               "reported", [](auto& r) -> auto& { return r.reported; }),
                           Col<HashBlob>(
                               "content_hash", [](auto& r) -> auto& { return r.content_hash; }),
                           Col<HashBlob>(
                               "leaf_hash", [](auto& r) -> auto& { return r.leaf_hash; }),
                           Col<CompressedBody>(
                               "body", [](auto& r) -> auto& { return r.body; }));

// The dictionaries report bodies are compressed with.
using common::BodyDictionary;
inline constexpr auto kBodyDictionary =
    Describe<BodyDictionary>("body_dictionary", true, Col<Int>("id", &BodyDictionary::id),
                             Col<Int>("trained_at_leaf", &BodyDictionary::trained_at_leaf),
                             Col<Bytes>("bytes", &BodyDictionary::bytes));

inline constexpr auto kCheckpoint = Describe<StoredCheckpoint>(
    "checkpoint", true, Col<Int>("size", &StoredCheckpoint::size),
    Col<Int>("created", &StoredCheckpoint::created), Col<Text>("note", &StoredCheckpoint::note));

inline constexpr auto kRegistry = Describe<RegistryRow>(
    "registry", true, Col<Text>("kind", &RegistryRow::kind), Col<Text>("key", &RegistryRow::key),
    Col<Text>("division", &RegistryRow::division), Col<Text>("record", &RegistryRow::record));

inline constexpr auto kRegistryVersion = Describe<StoredVersion>(
    "registry_version", true, Col<Text>("kind", &StoredVersion::kind),
    Col<Text>("key", &StoredVersion::key), Col<Text>("effective", &StoredVersion::effective),
    Col<Int>("leaf", &StoredVersion::leaf), Col<Text>("record", &StoredVersion::record));

using domain::BatteryState;
inline constexpr auto kBattery = Describe<BatteryState>(
    "battery", true, Col<Text>("code", &BatteryState::code),
    Col<Text>("level", &BatteryState::level), Col<OptText>("producer", &BatteryState::producer),
    Col<OptText>("chemistry", &BatteryState::chemistry),
    Col<OptText>("model", &BatteryState::model), Col<OptText>("parent", &BatteryState::parent),
    Col<OptText>("custodian", &BatteryState::custodian), Col<OptText>("vin", &BatteryState::vin),
    Col<Text>("status", &BatteryState::status),
    Col<Int>("produced_leaf", &BatteryState::produced_leaf),
    Col<Int>("updated_leaf", &BatteryState::updated_leaf),
    Col<Bool>("id_complete", &BatteryState::id_complete),
    Col<OptText>("contested", &BatteryState::contested),
    Col<OptText>("serial", &BatteryState::serial));

using domain::VehicleState;
inline constexpr auto kVehicle = Describe<VehicleState>(
    "vehicle", true, Col<Text>("vin", &VehicleState::vin),
    Col<OptText>("maker", &VehicleState::maker),
    Col<OptText>("vehicle_type", &VehicleState::vehicle_type),
    Col<OptText>("brand", &VehicleState::brand), Col<OptText>("model", &VehicleState::model),
    Col<OptText>("name", &VehicleState::name), Col<Bool>("imported", &VehicleState::imported),
    Col<Bool>("swappable", &VehicleState::swappable),
    Col<OptText>("sale_date", &VehicleState::sale_date),
    Col<OptText>("sale_division", &VehicleState::sale_division),
    Col<OptText>("scrapped_date", &VehicleState::scrapped_date),
    Col<OptText>("scrap_certificate", &VehicleState::scrap_certificate),
    Col<Int>("produced_leaf", &VehicleState::produced_leaf),
    Col<Int>("updated_leaf", &VehicleState::updated_leaf),
    Col<Packs>("packs", &VehicleState::packs));

using domain::OutletState;
inline constexpr auto kOutlet = Describe<OutletState>(
    "outlet", true, Col<Text>("id", &OutletState::id), Col<Text>("owner", &OutletState::owner),
    Col<Text>("division", &OutletState::division), Col<Bool>("closed", &OutletState::closed),
    Col<Int>("registered_at", &OutletState::registered_at),
    Col<OptInt>("closed_at", &OutletState::closed_at));

using domain::ModelState;
inline constexpr auto kModel = Describe<ModelState>(
    "model", true, Col<Text>("maker", &ModelState::maker), Col<Text>("model", &ModelState::model),
    Col<OptText>("first_produced", &ModelState::first_produced),
    Col<Bool>("has_disassembly_info", &ModelState::has_disassembly_info));

// obligation: after the generated id; then opened_at (the instant of the report that opened
// it), discharged_at, discharged_by and retracted_at, written by the statements that close it.
using domain::Duty;
inline constexpr auto kDuty = Describe<Duty>(
    "obligation", false, Col<Text>("kind", &Duty::kind), Col<Text>("duty", &Duty::duty),
    Col<Text>("article", &Duty::article), Col<Text>("party", &Duty::party),
    Col<Text>("subject", &Duty::subject), Col<Text>("fulfils", &Duty::fulfils),
    Col<DateText>("anchor", &Duty::anchor), Col<DateText>("due", &Duty::due),
    Col<Text>("evidence", &Duty::evidence),
    Col<Text>(
        "authority_department", [](auto& d) -> auto& { return d.authority.department; }),
    Col<Text>(
        "authority_division", [](auto& d) -> auto& { return d.authority.division; }),
    Col<Text>("detail", &Duty::detail));

// finding: after the generated id; then known_from (the instant it was recorded) and
// retracted_at.
using domain::Finding;
inline constexpr auto kFinding = Describe<Finding>(
    "finding", false, Col<Text>("kind", &Finding::kind), Col<Text>("article", &Finding::article),
    Col<Text>("party", &Finding::party), Col<Text>("subject", &Finding::subject),
    Col<OptDateText>("due", &Finding::due), Col<EvidenceJson>("evidence", &Finding::evidence),
    Col<Text>(
        "authority_department", [](auto& f) -> auto& { return f.authority.department; }),
    Col<Text>(
        "authority_division", [](auto& f) -> auto& { return f.authority.division; }),
    Col<Text>("detail", &Finding::detail));

inline constexpr auto kSale =
    Describe<SaleRow>("sale", true,
                      Col<Text>(
                          "maker", [](auto& s) -> auto& { return s.sale.maker; }),
                      Col<Text>(
                          "division", [](auto& s) -> auto& { return s.sale.division; }),
                      Col<Text>(
                          "article", [](auto& s) -> auto& { return s.sale.article; }),
                      Col<Text>(
                          "evidence", [](auto& s) -> auto& { return s.sale.evidence; }),
                      Col<Int>("known_from", &SaleRow::known_from),
                      Col<OptInt>("retracted_at", &SaleRow::retracted_at));

inline constexpr auto kToken = Describe<TokenRow>(
    "token", true, Col<HashBlob>("hash", &TokenRow::hash),
    Col<Text>("principal", &TokenRow::principal), Col<Int>("created", &TokenRow::created),
    Col<Int>("expires", &TokenRow::expires), Col<OptInt>("revoked", &TokenRow::revoked));

inline constexpr auto kAudit = Describe<AuditEntry>(
    "audit", true, Col<Int>("seq", &AuditEntry::seq), Col<Int>("at", &AuditEntry::at),
    Col<Text>("principal", &AuditEntry::principal), Col<Text>("action", &AuditEntry::action),
    Col<Text>("record", &AuditEntry::record), Col<Text>("purpose", &AuditEntry::purpose),
    Col<Text>("request_id", &AuditEntry::request_id), Col<HashBlob>("hash", &AuditEntry::hash));

inline constexpr auto kEpcisEvent = Describe<EpcisEvent>(
    "epcis_event", true, Col<Int>("seq", &EpcisEvent::seq),
    Col<Text>("event_id", &EpcisEvent::event_id), Col<Text>("hash", &EpcisEvent::hash),
    Col<Text>("dedup", &EpcisEvent::dedup), Col<Text>("owner", &EpcisEvent::owner),
    Col<Text>("owner_division", &EpcisEvent::owner_division),
    Col<Text>("capture_id", &EpcisEvent::capture_id), Col<Text>("type", &EpcisEvent::type),
    Col<Int>("event_time", &EpcisEvent::event_time),
    Col<Int>("record_time", &EpcisEvent::record_time), Col<Text>("action", &EpcisEvent::action),
    Col<Text>("biz_step", &EpcisEvent::biz_step),
    Col<Text>("disposition", &EpcisEvent::disposition),
    Col<Text>("read_point", &EpcisEvent::read_point),
    Col<Text>("biz_location", &EpcisEvent::biz_location), Col<Text>("body", &EpcisEvent::body));

inline constexpr auto kEpcisJob = Describe<EpcisJob>(
    "epcis_job", true, Col<Text>("capture_id", &EpcisJob::capture_id),
    Col<Text>("owner", &EpcisJob::owner), Col<Int>("created", &EpcisJob::created),
    Col<Int>("stored", &EpcisJob::stored), Col<Int>("duplicates", &EpcisJob::duplicates));

// Every description, for the tests that compare them with the live tables.
template <typename Fn>
void ForEachTable(Fn&& fn) {
  fn(kReport);
  fn(kCheckpoint);
  fn(kRegistry);
  fn(kRegistryVersion);
  fn(kBattery);
  fn(kVehicle);
  fn(kOutlet);
  fn(kModel);
  fn(kDuty);
  fn(kFinding);
  fn(kSale);
  fn(kToken);
  fn(kAudit);
  fn(kEpcisEvent);
  fn(kEpcisJob);
  fn(kBodyDictionary);
}

}  // namespace battrace::store::tables
