// The SQLite engine's writes: the write transaction (reports, nodes, projection rows and the
// rules engine's rows), and the tokens, audit entries and EPCIS captures written outside it.

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

#include "core/division.h"
#include "core/private_file.h"
#include "core/str_cat.h"
#include "domain/registry.h"
#include "ledger/checkpoint.h"
#include "store/audit.h"
#include "store/columns.h"
#include "store/history.h"
#include "store/ledger_writer.h"
#include "store/node_layout.h"
#include "store/open.h"
#include "store/registry_load.h"
#include "store/schema.h"
#include "store/sqlite/sqlite.h"
#include "store/sqlite/sqlite_internal.h"
#include "store/sqlite/wal_checkpointer.h"
#include "store/tables.h"
#include "store/tokens_audit.h"

namespace battrace::store::sqlite_engine {

Result<std::unique_ptr<WriteTxn>> SqliteStore::BeginWrite() {
  BATTRACE_RETURN_IF_ERROR(writer_.Writable());
  if (writer_.in_transaction()) {
    return Status::FailedPrecondition("a write transaction is already open");
  }
  BATTRACE_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  // Read under the write lock: no other connection can change the ledger or the registry until
  // Commit.
  Status st = CatchUp();
  if (st.ok()) st = LoadRegistry().status();
  if (st.ok()) {
    // A dictionary another process trained is the one new bodies are compressed with.
    auto latest = latest_dictionary_->OneRow([](const Stmt& row) { return row.Int(0); });
    st = latest.ok() ? bodies_.Follow(latest->value_or(0)) : latest.status();
  }
  if (!st.ok()) {
    (void)db_.Exec("ROLLBACK");
    return st;
  }
  BATTRACE_RETURN_IF_ERROR(writer_.Begin());
  return std::unique_ptr<WriteTxn>(new SqliteWriteTxn(this));
}

SqliteWriteTxn::~SqliteWriteTxn() {
  if (!done_) {
    (void)store_->db_.Exec("ROLLBACK");
    store_->writer_.RolledBack();
    // The registry versions it added are gone with it.
    if (registry_changed_) store_->registry_.reset();
  }
}

Result<AppendResult> SqliteWriteTxn::Append(const LeafInput& in) {
  SqliteStore& s = *store_;
  const uint64_t leaf = s.writer_.next_leaf();
  const ledger::Hash& leaf_hash = in.leaf_hash;
  BATTRACE_RETURN_IF_ERROR(Binder(*s.insert_report_)
                               .Row(tables::kReport, tables::NewReport::Of(leaf, in), s.bodies_)
                               .Run());
  if (s.db_.Changes() == 0) {
    BATTRACE_ASSIGN_OR_RETURN(existing, s.GetReport(in.reporter, in.id));
    if (!existing) return Status::Internal("report insert was ignored but no row holds its key");
    AppendResult r;
    r.outcome = existing->content_hash == in.content_hash ? AppendOutcome::kDuplicate
                                                          : AppendOutcome::kConflict;
    r.leaf_index = existing->leaf_index;
    r.leaf_hash = existing->leaf_hash;
    return r;
  }
  for (const ledger::Node& n : s.writer_.Append(leaf_hash)) {
    Stmt& node = *s.insert_node_;
    node.Bind(1, NodeKey(n.id.level, n.id.index)).BindBlob(2, n.hash.data(), n.hash.size());
    BATTRACE_RETURN_IF_ERROR(node.Run());
  }
  last_leaf_ = leaf;
  last_name_.assign(in.reporter).append("/").append(in.id);
  return AppendResult{AppendOutcome::kAccepted, leaf, leaf_hash};
}

Status SqliteWriteTxn::Apply(domain::Effects&& effects, uint64_t leaf) {
  rows_.Take(effects, leaf);
  return HasJudgment(effects) ? ApplyJudgment(effects, leaf) : Status::Ok();
}

Result<std::string> SqliteWriteTxn::NameOf(uint64_t leaf) {
  if (last_leaf_ == leaf) return last_name_;
  BATTRACE_ASSIGN_OR_RETURN(report, store_->GetReportAt(leaf));
  if (!report)
    return Status::Internal("effects applied to leaf " + std::to_string(leaf) +
                            ", which holds no report");
  return report->reporter + "/" + report->id;
}

Status SqliteWriteTxn::ApplyJudgment(const domain::Effects& effects, uint64_t leaf) {
  SqliteStore& s = *store_;
  const Instant at = effects.at;
  if (effects.retracts) {
    BATTRACE_RETURN_IF_ERROR(s.retract_duties_->Bind(1, at).Bind(2, *effects.retracts).Run());
    BATTRACE_RETURN_IF_ERROR(s.retract_findings_->Bind(1, at).Bind(2, *effects.retracts).Run());
    BATTRACE_RETURN_IF_ERROR(s.retract_sales_->Bind(1, at).Bind(2, *effects.retracts).Run());
    BATTRACE_ASSIGN_OR_RETURN(name, NameOf(leaf));
    BATTRACE_RETURN_IF_ERROR(s.insert_correction_->Bind(1, *effects.retracts)
                                 .Bind(2, static_cast<int64_t>(leaf))
                                 .Bind(3, name)
                                 .Run());
  }
  if (!effects.discharges.empty()) {
    discharged_.clear();
    for (const domain::Discharge& d : effects.discharges) {
      for (const std::string& party : d.parties) {
        BATTRACE_RETURN_IF_ERROR(s.open_duties_for_->Bind(1, d.subject)
                                     .Bind(2, party)
                                     .Bind(3, d.fulfils)
                                     .ForEachRow([&](const Stmt& row) {
                                       discharged_.push_back(row.Int(0));
                                       return true;
                                     }));
      }
    }
    if (!discharged_.empty()) {
      BATTRACE_ASSIGN_OR_RETURN(name, NameOf(leaf));
      for (int64_t id : discharged_) {
        BATTRACE_RETURN_IF_ERROR(s.discharge_->Bind(1, at).Bind(2, name).Bind(3, id).Run());
      }
    }
  }
  for (const domain::Duty& d : effects.duties) {
    BATTRACE_RETURN_IF_ERROR(Binder(*s.insert_duty_).Row(tables::kDuty, d).Int(at).Run());
  }
  for (const domain::Finding& f : effects.findings) {
    BATTRACE_RETURN_IF_ERROR(Binder(*s.insert_finding_).Row(tables::kFinding, f).Int(at).Run());
    const int64_t id = s.db_.LastInsertRowid();
    for (const std::string& e : f.evidence) {
      BATTRACE_RETURN_IF_ERROR(s.insert_finding_evidence_->Bind(1, e).Bind(2, id).Run());
    }
  }
  return Status::Ok();
}

Status SqliteWriteTxn::Flush() {
  SqliteStore& s = *store_;
  for (const auto& [code, b] : rows_.batteries) {
    BATTRACE_RETURN_IF_ERROR(Binder(*s.upsert_battery_).Row(tables::kBattery, b).Run());
  }
  for (const auto& [vin, v] : rows_.vehicles) {
    BATTRACE_RETURN_IF_ERROR(Binder(*s.upsert_vehicle_).Row(tables::kVehicle, v).Run());
  }
  for (const auto& [id, o] : rows_.outlets) {
    BATTRACE_RETURN_IF_ERROR(Binder(*s.upsert_outlet_).Row(tables::kOutlet, o).Run());
  }
  for (const auto& [key, m] : rows_.models) {
    BATTRACE_RETURN_IF_ERROR(Binder(*s.upsert_model_).Row(tables::kModel, m).Run());
  }
  for (const auto& [key, p] : rows_.sales) {
    BATTRACE_RETURN_IF_ERROR(Binder(*s.insert_sale_).Row(tables::kSale, p).Run());
  }
  rows_.SortEvents();
  for (const auto& [code, leaf] : rows_.battery_events) {
    BATTRACE_RETURN_IF_ERROR(s.battery_event_->Bind(1, code).Bind(2, leaf).Run());
  }
  for (const auto& [vin, leaf] : rows_.vehicle_events) {
    BATTRACE_RETURN_IF_ERROR(s.vehicle_event_->Bind(1, vin).Bind(2, leaf).Run());
  }
  return Status::Ok();
}

Status SqliteWriteTxn::Commit() {
  SqliteStore& s = *store_;
  BATTRACE_RETURN_IF_ERROR(Flush());
  BATTRACE_ASSIGN_OR_RETURN(
      trained, s.bodies_.TrainIfDue(s, s.writer_.next_leaf(), [&](const BodyDictionary& d) {
        return Binder(*s.insert_dictionary_).Row(tables::kBodyDictionary, d).Run();
      }));
  BATTRACE_ASSIGN_OR_RETURN(audit, s.ReadAuditHead());
  if (s.writer_.CheckpointDue(audit)) {
    auto cp = s.InsertCheckpoint(audit);
    if (!cp.ok()) return cp.status();
  }
  // On failure the destructor rolls back, the frontier and the last checkpoint too.
  BATTRACE_RETURN_IF_ERROR(s.db_.Exec("COMMIT"));
  done_ = true;
  s.writer_.Committed();
  if (trained) s.bodies_.Adopt();
  if (s.checkpointer_) s.checkpointer_->Poke();
  return Status::Ok();
}

Result<std::optional<domain::BatteryState>> SqliteWriteTxn::GetBattery(const std::string& code) {
  auto it = rows_.batteries.find(code);
  if (it != rows_.batteries.end()) return std::optional<domain::BatteryState>(it->second);
  return store_->GetBattery(code);
}

Result<std::optional<domain::VehicleState>> SqliteWriteTxn::GetVehicle(const std::string& vin) {
  auto it = rows_.vehicles.find(vin);
  if (it != rows_.vehicles.end()) return std::optional<domain::VehicleState>(it->second);
  return store_->GetVehicle(vin);
}

Result<std::optional<domain::OutletState>> SqliteWriteTxn::GetOutlet(const std::string& id) {
  auto it = rows_.outlets.find(id);
  if (it != rows_.outlets.end()) return std::optional<domain::OutletState>(it->second);
  return store_->get_outlet_->Bind(1, id).OneRow(rows::kReader<tables::kOutlet>);
}

Result<std::optional<domain::ModelState>> SqliteWriteTxn::GetModel(const std::string& maker,
                                                                   const std::string& model) {
  auto it = rows_.models.find(std::pair<std::string_view, std::string_view>(maker, model));
  if (it != rows_.models.end()) return std::optional<domain::ModelState>(it->second);
  return store_->get_model_->Bind(1, maker).Bind(2, model).OneRow(rows::kReader<tables::kModel>);
}

const domain::RegistryIndex& SqliteWriteTxn::Registry() {
  // BeginWrite loaded it under the write lock: no other connection changes it meanwhile.
  return store_->registry_->current;
}

Result<std::vector<uint64_t>> SqliteWriteTxn::BatteryLeaves(const std::string& code) {
  BATTRACE_ASSIGN_OR_RETURN(stored, store_->Leaves(*store_->battery_events_, code));
  return TxnBatteryLeaves(*this, rows_, code, std::move(stored));
}

Result<std::vector<uint64_t>> SqliteWriteTxn::VehicleLeaves(const std::string& vin) {
  BATTRACE_ASSIGN_OR_RETURN(stored, store_->Leaves(*store_->vehicle_history_, vin));
  return TxnVehicleLeaves(rows_, vin, std::move(stored));
}

Result<std::optional<Report>> SqliteWriteTxn::ReportAt(uint64_t leaf) {
  BATTRACE_ASSIGN_OR_RETURN(stored, store_->GetReportAt(leaf));
  return ParseStored(stored);
}

domain::RegistryHistory& SqliteWriteTxn::RegistryVersions() {
  return store_->registry_->history;
}

Status SqliteWriteTxn::PutRegistry(const RegistryRow& row, Date effective, uint64_t leaf) {
  SqliteStore& s = *store_;
  // The version tells every connection's cached registry (LoadRegistry) that it is stale: once
  // per transaction.
  if (!registry_changed_) BATTRACE_RETURN_IF_ERROR(s.bump_registry_version_->Run());
  registry_changed_ = true;
  BATTRACE_RETURN_IF_ERROR(Binder(*s.put_registry_).Row(tables::kRegistry, row).Run());
  const tables::StoredVersion version{row.kind, row.key, effective.ToString(),
                                      static_cast<int64_t>(leaf), row.record};
  BATTRACE_RETURN_IF_ERROR(
      Binder(*s.insert_registry_version_).Row(tables::kRegistryVersion, version).Run());
  return AddVersion(s.registry_->history, row, effective, leaf);
}

Status SqliteStore::PutToken(const TokenRow& t) {
  return Binder(*insert_token_).Row(tables::kToken, t).Run();
}

Result<bool> SqliteStore::RevokeToken(const ledger::Hash& hash, Instant at) {
  BATTRACE_RETURN_IF_ERROR(revoke_token_->Bind(1, at).BindBlob(2, hash.data(), hash.size()).Run());
  return db_.Changes() > 0;
}

Status SqliteStore::AppendAudit(std::vector<AuditEntry>& entries) {
  if (entries.empty()) return Status::Ok();
  // The chain's end is read under the write lock, so that concurrent appenders (other
  // connections, other processes) each continue it.
  return InTransaction([&]() -> Status {
    BATTRACE_ASSIGN_OR_RETURN(last, ReadAuditHead());
    ChainAudit(entries, last.value_or(AuditHead{}));
    for (const AuditEntry& e : entries) {
      BATTRACE_RETURN_IF_ERROR(Binder(*insert_audit_).Row(tables::kAudit, e).Run());
    }
    return Status::Ok();
  });
}

Result<EpcisCaptureResult> SqliteStore::CaptureEpcis(EpcisCapture& capture) {
  EpcisCaptureResult result;
  // Under the write lock (BEGIN IMMEDIATE) no other connection or process captures: the
  // largest seq stays the largest, and a duplicate stored by another capture is seen here.
  BATTRACE_RETURN_IF_ERROR(InTransaction([&]() -> Status {
    result = {};
    BATTRACE_ASSIGN_OR_RETURN(last,
                              last_epcis_seq_->OneRow([](const Stmt& st) { return st.Int(0); }));
    int64_t seq = last.value_or(0);
    for (EpcisEvent& e : capture.events) {
      e.seq = static_cast<uint64_t>(seq + 1);
      const Status inserted = Binder(*insert_epcis_event_).Row(tables::kEpcisEvent, e).Run();
      e.seq = 0;
      BATTRACE_RETURN_IF_ERROR(inserted);
      // No row: the unique (owner, dedup) index holds this fact already.
      if (db_.Changes() == 0) {
        ++result.duplicates;
        continue;
      }
      e.seq = static_cast<uint64_t>(++seq);
      ++result.stored;
      for (const auto& [role, epc] : e.epcs) {
        BATTRACE_RETURN_IF_ERROR(insert_epcis_epc_->Bind(1, epc).Bind(2, role).Bind(3, seq).Run());
      }
    }
    const EpcisJob job{capture.capture_id, capture.owner, capture.created, result.stored,
                       result.duplicates};
    return Binder(*insert_epcis_job_).Row(tables::kEpcisJob, job).Run();
  }));
  return result;
}

}  // namespace battrace::store::sqlite_engine
