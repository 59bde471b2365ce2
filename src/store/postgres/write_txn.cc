// The PostgreSQL engine's write transaction: reads ahead, appends the reports to the ledger,
// keeps the rules engine's rows and sends them at Commit.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/registry.h"
#include "store/columns.h"
#include "store/history.h"
#include "store/ledger_writer.h"
#include "store/node_layout.h"
#include "store/postgres/pg_internal.h"
#include "store/registry_load.h"
#include "store/rows.h"
#include "store/tables.h"

namespace battrace::store::pg_engine {

using namespace common;  // NOLINT(google-build-using-namespace): the engines' shared parts

namespace {

constexpr size_t kStreamBytes = size_t{256} << 10;
constexpr uint64_t kAnalyzeFrom = 1000;

// A row as the transaction sees it: written by it, else as stored when it began (read ahead,
// or read now and kept).
template <typename Written, typename Stored, typename Key, typename Load>
auto ReadThrough(const Written& written, Stored& stored, const Key& key, Load load)
    -> decltype(load()) {
  if (auto it = written.find(key); it != written.end()) return {it->second};
  if (auto it = stored.find(key); it != stored.end()) return it->second;
  auto row = load();
  if (row.ok()) stored.emplace(key, *row);
  return row;
}

}  // namespace

PgWriteTxn::~PgWriteTxn() {
  if (!done_) {
    (void)store_->conn_.Sync();
    (void)store_->conn_.Exec("ROLLBACK");
    store_->signed_size_.reset();
    store_->writer_.RolledBack();
    store_->partition_end_ = 0;
    // The registry versions it added are gone with it.
    if (registry_changed_) store_->registry_.reset();
  }
  store_->txn_ = nullptr;
}

Status PgWriteTxn::Warm(const ReadSet& rows) {
  PgStore& s = *store_;
  if (!rows.reports.empty()) {
    std::vector<std::string> reporters, ids;
    for (const auto& [reporter, id] : rows.reports) {
      if (stored_reports_.emplace(std::make_pair(reporter, id), std::nullopt).second) {
        reporters.push_back(reporter);
        ids.push_back(id);
      }
    }
    if (!reporters.empty()) {
      BATTRACE_ASSIGN_OR_RETURN(
          found,
          s.Run("find_reports", Params().Add(ArrayLiteral(reporters)).Add(ArrayLiteral(ids))));
      BATTRACE_ASSIGN_OR_RETURN(reports, s.Reports(found));
      for (StoredReport& r : reports) {
        auto key = std::make_pair(r.reporter, r.id);
        stored_reports_[key] = std::move(r);
      }
    }
  }
  BATTRACE_RETURN_IF_ERROR(WarmBatteries(rows.batteries));
  BATTRACE_RETURN_IF_ERROR(WarmVehicles(rows.vehicles));
  std::vector<std::string> outlets;
  for (const std::string& id : rows.outlets) {
    if (stored_outlets_.emplace(id, std::nullopt).second) outlets.push_back(id);
  }
  if (!outlets.empty()) {
    BATTRACE_ASSIGN_OR_RETURN(found, s.Run("get_outlets", Params().Add(ArrayLiteral(outlets))));
    for (domain::OutletState& o : All<domain::OutletState>(found, rows::kReader<tables::kOutlet>)) {
      std::string id = o.id;
      stored_outlets_[id] = std::move(o);
    }
  }
  std::vector<std::string> makers, models;
  for (const auto& key : rows.models) {
    if (stored_models_.emplace(key, std::nullopt).second) {
      makers.push_back(key.first);
      models.push_back(key.second);
    }
  }
  if (!makers.empty()) {
    BATTRACE_ASSIGN_OR_RETURN(
        found, s.Run("get_models", Params().Add(ArrayLiteral(makers)).Add(ArrayLiteral(models))));
    for (domain::ModelState& m : All<domain::ModelState>(found, rows::kReader<tables::kModel>)) {
      auto key = std::make_pair(m.maker, m.model);
      stored_models_[key] = std::move(m);
    }
  }
  return Status::Ok();
}

Status PgWriteTxn::WarmBatteries(std::vector<std::string> codes) {
  // Two rounds: the batteries named, then the parents and vehicles of those found, which the
  // rules read next.
  for (int round = 0; round < 2 && !codes.empty(); ++round) {
    std::vector<std::string> wanted, parents, vins;
    for (const std::string& c : codes) {
      if (stored_batteries_.emplace(c, std::nullopt).second) wanted.push_back(c);
    }
    if (wanted.empty()) break;
    BATTRACE_ASSIGN_OR_RETURN(found,
                              store_->Run("get_batteries", Params().Add(ArrayLiteral(wanted))));
    for (domain::BatteryState& b :
         All<domain::BatteryState>(found, rows::kReader<tables::kBattery>)) {
      if (b.parent) parents.push_back(*b.parent);
      if (b.vin) vins.push_back(*b.vin);
      std::string code = b.code;
      stored_batteries_[code] = std::move(b);
    }
    BATTRACE_RETURN_IF_ERROR(WarmVehicles(vins));
    codes = std::move(parents);
  }
  return Status::Ok();
}

Status PgWriteTxn::WarmVehicles(const std::vector<std::string>& vins) {
  std::vector<std::string> wanted;
  for (const std::string& vin : vins) {
    if (stored_vehicles_.emplace(vin, std::nullopt).second) wanted.push_back(vin);
  }
  if (wanted.empty()) return Status::Ok();
  BATTRACE_ASSIGN_OR_RETURN(found, store_->Run("get_vehicles", Params().Add(ArrayLiteral(wanted))));
  for (domain::VehicleState& v :
       All<domain::VehicleState>(found, rows::kReader<tables::kVehicle>)) {
    std::string vin = v.vin;
    stored_vehicles_[vin] = std::move(v);
  }
  return Status::Ok();
}

Status PgWriteTxn::StreamReports() {
  Conn& c = store_->conn_;
  static const std::string kCopyReports =
      "COPY report (" + std::string(kReportColumns) + ") FROM STDIN";
  if (!c.copying()) BATTRACE_RETURN_IF_ERROR(c.CopyBegin(kCopyReports));
  BATTRACE_RETURN_IF_ERROR(c.CopyPut(reports_copy_.data()));
  reports_copy_.clear();
  return Status::Ok();
}

const StoredReport* PgWriteTxn::Pending(const std::string& reporter, const std::string& id) const {
  auto it = appended_by_key_.find(std::make_pair(reporter, id));
  return it == appended_by_key_.end() ? nullptr : &appended_[it->second];
}

const StoredReport* PgWriteTxn::PendingAt(uint64_t leaf) const {
  if (appended_.empty() || leaf < appended_.front().leaf_index) return nullptr;
  const uint64_t at = leaf - appended_.front().leaf_index;
  return at < appended_.size() ? &appended_[at] : nullptr;
}

Result<AppendResult> PgWriteTxn::Append(const LeafInput& in) {
  PgStore& s = *store_;
  const auto key = std::make_pair(in.reporter, in.id);
  std::optional<StoredReport> existing;
  if (const StoredReport* p = Pending(in.reporter, in.id)) {
    existing = *p;
  } else if (auto it = stored_reports_.find(key); it != stored_reports_.end()) {
    existing = it->second;
  } else {
    BATTRACE_ASSIGN_OR_RETURN(found, s.Run("find_report", Params().Add(in.reporter).Add(in.id)));
    BATTRACE_ASSIGN_OR_RETURN(first, s.FirstReport(found));
    existing = std::move(first);
    stored_reports_.emplace(key, existing);
  }
  if (existing) {
    AppendResult r;
    r.outcome = existing->content_hash == in.content_hash ? AppendOutcome::kDuplicate
                                                          : AppendOutcome::kConflict;
    r.leaf_index = existing->leaf_index;
    r.leaf_hash = existing->leaf_hash;
    return r;
  }
  const uint64_t leaf = s.writer_.next_leaf();
  StoredReport stored;
  stored.leaf_index = leaf;
  stored.reporter = in.reporter;
  stored.id = in.id;
  stored.type = in.type;
  stored.occurred = in.occurred;
  stored.reported = in.reported;
  stored.body = in.body;
  stored.leaf_hash = in.leaf_hash;
  stored.content_hash = in.content_hash;
  if (leaf >= s.partition_end_) BATTRACE_RETURN_IF_ERROR(s.CoverLeaf(leaf));
  CopyRow(tables::kReport, tables::NewReport::Of(leaf, in), reports_copy_, s.bodies_);
  keys_copy_.Text(in.reporter).Text(in.id).Int(static_cast<int64_t>(leaf)).EndRow();
  appended_by_key_.emplace(key, appended_.size());
  appended_.push_back(std::move(stored));
  if (reports_copy_.data().size() >= kStreamBytes) BATTRACE_RETURN_IF_ERROR(StreamReports());
  for (const ledger::Node& n : s.writer_.Append(in.leaf_hash)) {
    nodes_copy_.Int(NodeKey(n.id.level, n.id.index)).Bytes(n.hash.data(), n.hash.size()).EndRow();
  }
  return AppendResult{AppendOutcome::kAccepted, leaf, in.leaf_hash};
}

Status PgWriteTxn::Apply(domain::Effects&& effects, uint64_t leaf) {
  rows_.Take(effects, leaf);
  return HasJudgment(effects) ? ApplyJudgment(effects, leaf) : Status::Ok();
}

// The rules engine's rows are kept, in order, and sent at Commit, pipelined: the server runs
// them in order, so each sees what the earlier ones wrote.
Status PgWriteTxn::ApplyJudgment(const domain::Effects& effects, uint64_t leaf) {
  const Instant at = effects.at;
  auto send = [&](const char* statement, Params params) {
    judgments_.emplace_back(statement, std::move(params));
    return Status::Ok();
  };
  if (effects.retracts) {
    BATTRACE_RETURN_IF_ERROR(send("retract_duties", Params().Add(at).Add(*effects.retracts)));
    BATTRACE_RETURN_IF_ERROR(send("retract_findings", Params().Add(at).Add(*effects.retracts)));
    BATTRACE_RETURN_IF_ERROR(send("retract_sales", Params().Add(at).Add(*effects.retracts)));
    const StoredReport* correction = PendingAt(leaf);
    if (correction == nullptr) {
      return Status::Internal("a correction applied to leaf " + std::to_string(leaf) +
                              ", which this transaction did not append");
    }
    BATTRACE_RETURN_IF_ERROR(
        send("insert_correction", Params()
                                      .Add(*effects.retracts)
                                      .Add(static_cast<int64_t>(leaf))
                                      .Add(correction->reporter + "/" + correction->id)));
  }
  if (!effects.discharges.empty()) {
    const StoredReport* report = PendingAt(leaf);
    if (report == nullptr) {
      return Status::Internal("effects applied to leaf " + std::to_string(leaf) +
                              ", which this transaction did not append");
    }
    const std::string name = report->reporter + "/" + report->id;
    for (const domain::Discharge& d : effects.discharges) {
      for (const std::string& party : d.parties) {
        BATTRACE_RETURN_IF_ERROR(
            send("discharge", Params().Add(at).Add(name).Add(d.subject).Add(party).Add(d.fulfils)));
      }
    }
  }
  for (const domain::Duty& d : effects.duties) {
    Params p;
    rows::Write(tables::kDuty, d, p);
    p.Add(at);
    BATTRACE_RETURN_IF_ERROR(send("insert_duty", std::move(p)));
  }
  for (const domain::Finding& f : effects.findings) {
    Params p;
    rows::Write(tables::kFinding, f, p);
    p.Add(at).Add(ArrayLiteral(f.evidence));
    BATTRACE_RETURN_IF_ERROR(send("insert_finding", std::move(p)));
  }
  return Status::Ok();
}

Status PgWriteTxn::Flush() {
  Conn& c = store_->conn_;
  if (!reports_copy_.empty()) BATTRACE_RETURN_IF_ERROR(StreamReports());
  BATTRACE_RETURN_IF_ERROR(c.CopyEnd());
  if (!keys_copy_.empty()) {
    // A (reporter, id) stored already fails the COPY and with it the transaction: Append found
    // none, so this is the database holding the key unique, whatever a writer might do.
    BATTRACE_RETURN_IF_ERROR(
        c.Copy("COPY report_key (reporter, id, leaf) FROM STDIN", keys_copy_.data()));
  }
  for (const auto& [statement, params] : judgments_) {
    BATTRACE_RETURN_IF_ERROR(c.Send(statement, params));
  }
  BATTRACE_RETURN_IF_ERROR(c.Sync());
  if (!nodes_copy_.empty()) {
    BATTRACE_RETURN_IF_ERROR(
        c.Copy("COPY merkle_node (node, hash) FROM STDIN", nodes_copy_.data()));
  }
  CopyBuffer buf;
  auto stage = [&](const char* table, const char* columns, const char* upsert) -> Status {
    if (buf.empty()) return Status::Ok();
    BATTRACE_RETURN_IF_ERROR(
        c.Copy("COPY " + std::string(table) + " (" + columns + ") FROM STDIN", buf.data()));
    buf.clear();
    return store_->Run(upsert).status();
  };
  // A row known to be absent when the transaction began (the rules read every row before they
  // write it) goes straight into its table; the others are staged and upserted.
  CopyBuffer fresh;
  auto insert_fresh = [&](const char* table, const char* columns) -> Status {
    if (fresh.empty()) return Status::Ok();
    Status st =
        c.Copy("COPY " + std::string(table) + " (" + columns + ") FROM STDIN", fresh.data());
    fresh.clear();
    return st;
  };
  for (const auto& [code, b] : rows_.batteries) {
    auto known = stored_batteries_.find(code);
    CopyRow(tables::kBattery, b, known != stored_batteries_.end() && !known->second ? fresh : buf);
  }
  BATTRACE_RETURN_IF_ERROR(insert_fresh("battery", kBatteryColumns));
  BATTRACE_RETURN_IF_ERROR(stage("battery_stage", kBatteryColumns, "upsert_batteries"));
  for (const auto& [vin, v] : rows_.vehicles) {
    auto known = stored_vehicles_.find(vin);
    CopyRow(tables::kVehicle, v, known != stored_vehicles_.end() && !known->second ? fresh : buf);
  }
  BATTRACE_RETURN_IF_ERROR(insert_fresh("vehicle", kVehicleColumns));
  BATTRACE_RETURN_IF_ERROR(stage("vehicle_stage", kVehicleColumns, "upsert_vehicles"));
  for (const auto& [id, o] : rows_.outlets)
    CopyRow(tables::kOutlet, o, buf);
  BATTRACE_RETURN_IF_ERROR(stage("outlet_stage", kOutletColumns, "upsert_outlets"));
  for (const auto& [key, m] : rows_.models)
    CopyRow(tables::kModel, m, buf);
  BATTRACE_RETURN_IF_ERROR(stage("model_stage", kModelColumns, "upsert_models"));
  for (const auto& [key, sale] : rows_.sales)
    CopyRow(tables::kSale, sale, buf);
  BATTRACE_RETURN_IF_ERROR(stage("sale_stage", rows::kColumnsOf<tables::kSale>, "insert_sales"));
  // History index entries: a report naming a code twice is indexed once.
  rows_.SortEvents();
  auto copy_events = [&](const std::vector<std::pair<std::string, int64_t>>& events,
                         const char* copy_sql) -> Status {
    if (events.empty()) return Status::Ok();
    for (const auto& [key, leaf] : events)
      buf.Text(key).Int(leaf).EndRow();
    Status st = c.Copy(copy_sql, buf.data());
    buf.clear();
    return st;
  };
  BATTRACE_RETURN_IF_ERROR(
      copy_events(rows_.battery_events, "COPY battery_event (code, leaf) FROM STDIN"));
  return copy_events(rows_.vehicle_events, "COPY vehicle_event (vin, leaf) FROM STDIN");
}

Status PgWriteTxn::Commit() {
  PgStore& s = *store_;
  BATTRACE_RETURN_IF_ERROR(Flush());
  const uint64_t size = s.writer_.next_leaf();
  BATTRACE_ASSIGN_OR_RETURN(trained, s.bodies_.TrainIfDue(s, size, [&](const BodyDictionary& d) {
    Params p;
    rows::Write(tables::kBodyDictionary, d, p);
    return s.Run("insert_dictionary", p).status();
  }));
  BATTRACE_ASSIGN_OR_RETURN(audit, s.ReadAuditHead());
  if (s.writer_.CheckpointDue(audit)) {
    BATTRACE_ASSIGN_OR_RETURN(signer, s.IsSigner());
    if (signer) BATTRACE_RETURN_IF_ERROR(s.InsertCheckpoint(audit).status());
  }
  Status st = s.Commit();
  if (!st.ok()) return st;  // the destructor rolls back
  done_ = true;
  s.writer_.Committed();
  if (trained) s.bodies_.Adopt();
  // The first plans of a new store were made on empty tables (a sequential scan of obligation
  // for each discharge): the writer has the tables analyzed whenever the ledger has doubled
  // since it opened or last did so; autovacuum keeps them current after that.
  if (size >= kAnalyzeFrom && size >= 2 * s.analyzed_size_) {
    (void)s.conn_.Exec("ANALYZE");
    s.analyzed_size_ = size;
  }
  return Status::Ok();
}

Result<std::optional<domain::BatteryState>> PgWriteTxn::GetBattery(const std::string& code) {
  return ReadThrough(rows_.batteries, stored_batteries_, code,
                     [&] { return store_->GetBattery(code); });
}

Result<std::optional<domain::VehicleState>> PgWriteTxn::GetVehicle(const std::string& vin) {
  return ReadThrough(rows_.vehicles, stored_vehicles_, vin,
                     [&] { return store_->GetVehicle(vin); });
}

Result<std::optional<domain::OutletState>> PgWriteTxn::GetOutlet(const std::string& id) {
  return ReadThrough(rows_.outlets, stored_outlets_, id,
                     [&]() -> Result<std::optional<domain::OutletState>> {
                       BATTRACE_ASSIGN_OR_RETURN(rows, store_->Run("get_outlet", Params().Add(id)));
                       return First<domain::OutletState>(rows, rows::kReader<tables::kOutlet>);
                     });
}

Result<std::optional<domain::ModelState>> PgWriteTxn::GetModel(const std::string& maker,
                                                               const std::string& model) {
  return ReadThrough(rows_.models, stored_models_, std::make_pair(maker, model),
                     [&]() -> Result<std::optional<domain::ModelState>> {
                       BATTRACE_ASSIGN_OR_RETURN(
                           rows, store_->Run("get_model", Params().Add(maker).Add(model)));
                       return First<domain::ModelState>(rows, rows::kReader<tables::kModel>);
                     });
}

const domain::RegistryIndex& PgWriteTxn::Registry() {
  // BeginWrite loaded it under the ledger lock, which every registry change holds too.
  return store_->registry_->current;
}

Result<std::vector<uint64_t>> PgWriteTxn::BatteryLeaves(const std::string& code) {
  BATTRACE_ASSIGN_OR_RETURN(stored, store_->Leaves("battery_events", code));
  return TxnBatteryLeaves(*this, rows_, code, std::move(stored));
}

Result<std::vector<uint64_t>> PgWriteTxn::VehicleLeaves(const std::string& vin) {
  BATTRACE_ASSIGN_OR_RETURN(stored, store_->Leaves("vehicle_history", vin));
  return TxnVehicleLeaves(rows_, vin, std::move(stored));
}

Result<std::optional<Report>> PgWriteTxn::ReportAt(uint64_t leaf) {
  BATTRACE_ASSIGN_OR_RETURN(stored, store_->GetReportAt(leaf));
  return ParseStored(stored);
}

domain::RegistryHistory& PgWriteTxn::RegistryVersions() {
  return store_->registry_->history;
}

Status PgWriteTxn::PutRegistry(const RegistryRow& row, Date effective, uint64_t leaf) {
  // Sent with the rules engine's statements, after the leaf's report row; the version tells
  // every connection's cached registry (LoadRegistry) that it is stale (once per transaction).
  if (!registry_changed_) judgments_.emplace_back("bump_registry_version", Params());
  registry_changed_ = true;
  Params put, version;
  rows::Write(tables::kRegistry, row, put);
  judgments_.emplace_back("put_registry", std::move(put));
  rows::Write(tables::kRegistryVersion,
              tables::StoredVersion{row.kind, row.key, effective.ToString(),
                                    static_cast<int64_t>(leaf), row.record},
              version);
  judgments_.emplace_back("insert_registry_version", std::move(version));
  return AddVersion(store_->registry_->history, row, effective, leaf);
}

}  // namespace battrace::store::pg_engine
