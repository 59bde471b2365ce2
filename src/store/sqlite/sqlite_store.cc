#include "store/sqlite/sqlite_store.h"

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
#include "store/engine_common.h"
#include "store/ledger_writer.h"
#include "store/open.h"
#include "store/schema.h"
#include "store/sqlite/sqlite.h"
#include "store/sqlite/sqlite_internal.h"
#include "store/sqlite/wal_checkpointer.h"
#include "store/tables.h"

namespace battrace::store {
namespace {

using sqlite::Db;
using sqlite::Stmt;
using namespace common;  // NOLINT(google-build-using-namespace): the engines' shared parts
using sqlite_engine::Binder;

// A writing store checkpoints the WAL on a thread of its own (WalCheckpointer); its own
// automatic checkpoint stays as a fallback at this many pages (1 GiB of 4 KiB pages), for when
// the thread falls behind.
constexpr int kFallbackCheckpointPages = 262144;

// At most this many prepared QueryEpcis statements are kept (EpcisQuerySql).
constexpr size_t kEpcisQueryCache = 64;

class SqliteStore;

// Projection rows are written behind: Apply keeps the newest version of each row of the
// transaction in memory (reads see them first), and Commit writes each row once, in key order,
// with the history index entries sorted too, so that B-tree inserts land close together.
class SqliteWriteTxn : public WriteTxn {
 public:
  explicit SqliteWriteTxn(SqliteStore* store) : store_(store) {}
  ~SqliteWriteTxn() override;

  Result<AppendResult> Append(const LeafInput& report) override;
  Status Apply(domain::Effects&& effects, uint64_t leaf) override;
  Status Commit() override;
  Result<std::optional<domain::BatteryState>> GetBattery(const std::string& code) override;
  Result<std::optional<domain::VehicleState>> GetVehicle(const std::string& vin) override;
  Result<std::optional<domain::OutletState>> GetOutlet(const std::string& id) override;
  Result<std::optional<domain::ModelState>> GetModel(const std::string& maker,
                                                     const std::string& model) override;
  const domain::RegistryIndex& Registry() override;
  Result<std::vector<uint64_t>> BatteryLeaves(const std::string& code) override;
  Result<std::vector<uint64_t>> VehicleLeaves(const std::string& vin) override;
  Result<std::optional<Report>> ReportAt(uint64_t leaf) override;
  domain::RegistryHistory& RegistryVersions() override;
  Status PutRegistry(const RegistryRow& row, Date effective, uint64_t leaf) override;

 private:
  // The rules engine's rows that later reports of the batch must see as they are: written
  // at once, in order (retraction, discharges, duties, findings).
  Status ApplyJudgment(const domain::Effects& effects, uint64_t leaf);
  // "reporter/id" of the report at `leaf`.
  Result<std::string> NameOf(uint64_t leaf);
  Status Flush();

  SqliteStore* store_;
  bool done_ = false;
  PendingRows rows_;
  // The last report appended as a new leaf, named for the duties it discharges.
  std::optional<uint64_t> last_leaf_;
  std::string last_name_;
  std::vector<int64_t> discharged_;  // scratch for ApplyJudgment
  bool registry_changed_ = false;
};

class SqliteStore : public Store {
 public:
  SqliteStore(Db db, OpenOptions options)
      : db_(std::move(db)), options_(std::move(options)), writer_(options_) {}

  Status Initialize(const std::string& path, bool create, const std::string& origin);

  Result<std::unique_ptr<WriteTxn>> BeginWrite() override;
  Result<std::optional<RegistryRow>> GetRegistry(const std::string& kind,
                                                 const std::string& key) override;
  Result<std::optional<StoredReport>> GetReport(const std::string& reporter,
                                                const std::string& id) override;
  Result<std::optional<StoredReport>> GetReportAt(uint64_t leaf) override;
  Status ScanReports(uint64_t from, const std::function<bool(const StoredReport&)>& fn) override;
  Result<uint64_t> TreeSize() override;
  Result<std::vector<StoredCheckpoint>> ListCheckpoints() override;
  Result<std::optional<StoredCheckpoint>> LatestCheckpoint() override;
  Result<StoredCheckpoint> SignCheckpoint() override;
  Status AddCheckpointSignatures(uint64_t size, std::string_view lines) override;
  std::string Origin() const override { return origin_; }
  std::string PinnedVerifierKey() const override { return pinned_key_; }
  Result<std::optional<domain::BatteryState>> GetBattery(const std::string& code) override;
  Result<std::optional<domain::VehicleState>> GetVehicle(const std::string& vin) override;
  Result<std::vector<domain::BatteryState>> BatteriesInVehicle(const std::string& vin) override;
  Result<std::vector<std::string>> PartsOf(const std::string& code) override;
  Result<std::vector<uint64_t>> BatteryHistory(const std::string& code) override;
  Result<std::vector<StoredReport>> BatteryHistoryReports(const std::string& code) override;
  Result<std::vector<uint64_t>> VehicleHistory(const std::string& vin) override;
  Result<std::optional<std::string>> CorrectedBy(const std::string& reporter,
                                                 const std::string& id) override;
  Result<std::vector<domain::Finding>> Findings(Date as_of, const FindingFilter& filter) override;
  Result<std::vector<domain::Duty>> Obligations(Date as_of,
                                                const ObligationFilter& filter) override;
  Result<std::vector<FindingTally>> TallyFindings(Date as_of, const FindingFilter& filter,
                                                  bool by_month) override;
  Result<std::vector<HandoverTally>> TallyHandovers(std::optional<Date> from,
                                                    std::optional<Date> to) override;
  Result<uint64_t> CountOpenDuties() override;
  Result<std::vector<domain::OutletState>> Outlets(const std::string& division) override;
  Result<std::vector<domain::BatteryState>> ListBatteries(const ListScope& scope,
                                                          const std::vector<std::string>& after,
                                                          size_t limit) override;
  Result<std::vector<domain::VehicleState>> ListVehicles(const ListScope& scope,
                                                         const std::vector<std::string>& after,
                                                         size_t limit) override;
  Result<std::vector<StoredReport>> DisassemblyInfo(const std::string& vehicle_model) override;
  Result<std::vector<StoredReport>> ModelDeclarations(const std::string& maker,
                                                      const std::string& model) override;
  Result<std::optional<std::string>> FindByDigitalLink(const std::string& gtin14,
                                                       const std::string& serial) override;
  Status ScanDerived(std::string_view table,
                     const std::function<bool(const std::string& row)>& fn) override;
  Status PutToken(const TokenRow& token) override;
  Result<std::optional<TokenRow>> FindToken(const ledger::Hash& hash) override;
  Result<bool> RevokeToken(const ledger::Hash& hash, Instant at) override;
  Result<std::vector<TokenRow>> ListTokens(const std::optional<TokenCursor>& after,
                                           size_t limit) override;
  Result<std::vector<TokenRow>> FindTokensByPrefix(std::string_view prefix, size_t limit) override;
  Status AppendAudit(std::vector<AuditEntry>& entries) override;
  Result<std::vector<AuditEntry>> ListAudit(const AuditPage& page) override;
  Result<EpcisCaptureResult> CaptureEpcis(EpcisCapture& capture) override;
  Result<std::optional<EpcisJob>> GetEpcisJob(const std::string& capture_id) override;
  Result<std::vector<EpcisEvent>> QueryEpcis(const EpcisFilter& filter) override;
  Result<std::vector<EpcisEvent>> GetEpcisEvents(const std::string& event_id) override;
  Status GetNodes(std::span<const ledger::NodeId> ids, std::span<ledger::Hash> out) override;
  bool KeepsLevel(int level) const override { return common::KeepsLevel(level); }

 private:
  friend class SqliteWriteTxn;

  Status Migrate(bool create, const std::string& origin);
  Status PrepareStatements();
  // Runs `body` in a transaction of its own (BEGIN IMMEDIATE ... COMMIT), rolled back when
  // `body` or the commit fails. REQUIRES: no WriteTxn is open.
  Status InTransaction(const std::function<Status()>& body);
  // Signs a checkpoint of the current tree and audit head inside the open transaction.
  Result<StoredCheckpoint> InsertCheckpoint(const std::optional<AuditHead>& audit);
  // The audit chain's head as committed (nullopt: the trail is empty).
  Result<std::optional<AuditHead>> ReadAuditHead();
  // Under the write lock: when another process (a second writer on the same file, e.g. `import`
  // while `serve` runs) appended since this one last wrote, reloads the tree's right edge and the
  // last checkpoint from the tables, so that the next leaf is numbered after theirs.
  Status CatchUp();
  // Reads meta('verifier_key'); with a signing key, pins it when the row is missing (a store
  // from before pinning) and refuses a key that differs from the pinned one.
  Status PinVerifierKey();
  Result<std::vector<uint64_t>> Leaves(Stmt& stmt, const std::string& key);
  Result<ledger::Hash> NodeAt(const ledger::NodeId& id);
  // The registry index, built from the registry tables on first use and again whenever
  // meta('registry_version') changed since (a registry change of this or another connection).
  Result<const domain::RegistryIndex*> LoadRegistry();
  // The duties open at the end of `as_of`: all of them, or those due before `as_of`.
  // The duties open as of `as_of`; with `overdue` (a findings query), only those overdue and
  // narrowed by its department and date range.
  Result<std::vector<domain::Duty>> DutiesOpenAsOf(Date as_of, const FindingFilter* overdue);
  Status CoverageGaps(Date as_of, Instant end, const FindingFilter& filter,
                      std::vector<domain::Finding>* out);

  Db db_;
  OpenOptions options_;
  std::string origin_;
  std::string pinned_key_;  // meta('verifier_key'), or empty
  LedgerWriter writer_;     // the frontier, the key, the last checkpoint
  std::unique_ptr<sqlite::WalCheckpointer> checkpointer_;  // set when the store writes
  std::optional<LoadedRegistry> registry_;
  int64_t registry_version_ = 0;  // meta('registry_version') when registry_ was built

  std::optional<Stmt> insert_report_, find_report_, report_at_, scan_reports_, insert_node_,
      node_range_, leaf_hashes_, upsert_battery_, upsert_vehicle_, get_battery_, get_vehicle_,
      battery_event_, vehicle_event_, battery_history_, vehicle_history_, in_vehicle_, parts_of_,
      insert_checkpoint_, put_registry_, get_registry_, all_registry_, all_registry_versions_,
      insert_registry_version_, upsert_outlet_, get_outlet_, upsert_model_, get_model_,
      insert_duty_, open_duties_for_, discharge_, retract_duties_, retract_findings_,
      retract_sales_, insert_correction_, corrected_by_, insert_finding_, insert_finding_evidence_,
      insert_sale_, findings_at_, overdue_at_, open_at_, sales_at_, outlet_covering_, tree_size_,
      registry_version_of_, bump_registry_version_, count_open_duties_, outlets_in_,
      disassembly_info_, model_declarations_, batteries_by_serial_, insert_token_, find_token_,
      revoke_token_, list_tokens_, tokens_by_prefix_, last_audit_, insert_audit_, list_audit_,
      list_audit_newest_;
  // A battery's history: the stored rows a write transaction completes (battery_event only),
  // and its reports.
  std::optional<Stmt> battery_events_, history_reports_;
  // The counting queries of TallyFindings and TallyHandovers.
  std::optional<Stmt> tally_recorded_, tally_recorded_monthly_, tally_overdue_, tally_gaps_,
      tally_handovers_;
  // EPCIS: capture, jobs, events by id; QueryEpcis's statements by their SQL (EpcisQuerySql).
  std::optional<Stmt> last_epcis_seq_, insert_epcis_event_, insert_epcis_epc_, insert_epcis_job_,
      get_epcis_job_, epcis_events_by_id_;
  std::map<std::string, Stmt, std::less<>> epcis_queries_;
};

Status SqliteStore::Initialize(const std::string& path, bool create, const std::string& origin) {
  // A read-only store is read in the journal mode it has (WAL, as a writer left it).
  if (!options_.read_only) BATTRACE_RETURN_IF_ERROR(db_.Exec("PRAGMA journal_mode=WAL"));
  BATTRACE_RETURN_IF_ERROR(db_.Exec("PRAGMA synchronous=FULL"));
  BATTRACE_RETURN_IF_ERROR(db_.Exec("PRAGMA foreign_keys=OFF"));
  BATTRACE_RETURN_IF_ERROR(db_.Exec("PRAGMA temp_store=MEMORY"));
  BATTRACE_RETURN_IF_ERROR(
      db_.Exec("PRAGMA cache_size=-" + std::to_string(options_.cache_mib * 1024)));
  BATTRACE_RETURN_IF_ERROR(Migrate(create, origin));
  BATTRACE_RETURN_IF_ERROR(PrepareStatements());

  {
    BATTRACE_ASSIGN_OR_RETURN(st, db_.Prepare("SELECT value FROM meta WHERE key = 'origin'"));
    BATTRACE_ASSIGN_OR_RETURN(row, st.Step());
    if (!row) return Status::Corruption("store has no origin in its meta table");
    origin_ = st.Text(0);
  }
  {
    BATTRACE_ASSIGN_OR_RETURN(cp, LatestCheckpoint());
    writer_.SetLastCheckpoint(cp);
  }
  BATTRACE_RETURN_IF_ERROR(writer_.LoadKey(options_));
  BATTRACE_RETURN_IF_ERROR(PinVerifierKey());
  if (writer_.has_key()) {
    // Only a writer appends, so only it keeps the tree's right edge; a reader asks the tables
    // (TreeSize, GetNodes), which follow other connections' commits. A damaged ledger still
    // opens for reading and verification; only writes are refused.
    BATTRACE_ASSIGN_OR_RETURN(size, TreeSize());
    writer_.LoadFrontier(*this, size);
    BATTRACE_RETURN_IF_ERROR(
        db_.Exec("PRAGMA wal_autocheckpoint=" + std::to_string(kFallbackCheckpointPages)));
    BATTRACE_ASSIGN_OR_RETURN(checkpointer, sqlite::WalCheckpointer::Start(path));
    checkpointer_ = std::move(checkpointer);
  }
  return Status::Ok();
}

Status SqliteStore::Migrate(bool create, const std::string& origin) {
  int version = 0;
  {
    BATTRACE_ASSIGN_OR_RETURN(st,
                              db_.Prepare("SELECT name FROM sqlite_master WHERE name = 'meta'"));
    BATTRACE_ASSIGN_OR_RETURN(has_meta, st.Step());
    if (has_meta) {
      BATTRACE_ASSIGN_OR_RETURN(v,
                                db_.Prepare("SELECT value FROM meta WHERE key = 'schema_version'"));
      BATTRACE_ASSIGN_OR_RETURN(row, v.Step());
      if (!row) return Status::Corruption("store has a meta table but no schema_version");
      BATTRACE_ASSIGN_OR_RETURN(stored, ParseSchemaVersion(v.Text(0)));
      version = stored;
    } else if (!create) {
      return Status::FailedPrecondition(
          "this file is not a battrace store (create one with `battrace init`)");
    }
  }
  BATTRACE_RETURN_IF_ERROR(CheckSchemaVersion(version));
  if (version == LatestSchemaVersion()) return Status::Ok();
  if (options_.read_only) return OlderSchemaReadOnly(version);
  BATTRACE_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  const bool fresh = version == 0;
  for (const Migration& m : Migrations()) {
    if (m.version <= version) continue;
    Status st = db_.Exec(RenderSql(m.sql, SqliteDialect()));
    if (st.ok() && fresh && m.version == Migrations().front().version) {
      auto ins = db_.Prepare("INSERT INTO meta (key, value) VALUES ('origin', ?)");
      st = ins.ok() ? ins->Bind(1, origin).Run() : ins.status();
    }
    if (st.ok()) {
      auto up = db_.Prepare(
          "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
          "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
      st = up.ok() ? up->Bind(1, std::to_string(m.version)).Run() : up.status();
    }
    if (!st.ok()) {
      (void)db_.Exec("ROLLBACK");
      return Status::IOError("migration " + std::to_string(m.version) + " (" + m.description +
                             ") failed: " + st.message());
    }
  }
  return db_.Exec("COMMIT");
}

Status SqliteStore::PinVerifierKey() {
  const auto read = [&]() -> Status {
    BATTRACE_ASSIGN_OR_RETURN(st, db_.Prepare("SELECT value FROM meta WHERE key = ?"));
    BATTRACE_ASSIGN_OR_RETURN(
        row, st.Bind(1, std::string_view(kVerifierKeyMeta)).OneRow([](const Stmt& r) {
          return r.Text(0);
        }));
    pinned_key_ = row.value_or("");
    return Status::Ok();
  };
  BATTRACE_RETURN_IF_ERROR(read());
  if (!writer_.has_key()) return Status::Ok();
  if (pinned_key_.empty()) {
    // Another process may pin at the same time: the first row stands, and is read back.
    BATTRACE_ASSIGN_OR_RETURN(
        ins, db_.Prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING"));
    BATTRACE_RETURN_IF_ERROR(
        ins.Bind(1, std::string_view(kVerifierKeyMeta)).Bind(2, writer_.key().VerifierKey()).Run());
    BATTRACE_RETURN_IF_ERROR(read());
  }
  return CheckPinnedKey(pinned_key_, writer_.key());
}

Status SqliteStore::PrepareStatements() {
  auto prep = [&](std::optional<Stmt>& slot, const std::string& sql) -> Status {
    auto st = db_.Prepare(sql);
    if (!st.ok()) return st.status();
    slot.emplace(std::move(st).value());
    return Status::Ok();
  };
  const std::string b = kBatteryColumns, v = kVehicleColumns, r = kReportColumns;
  BATTRACE_RETURN_IF_ERROR(prep(insert_report_, "INSERT INTO report (" + r +
                                                    ") VALUES (?,?,?,?,?,?,?,?,?) "
                                                    "ON CONFLICT (reporter, id) DO NOTHING"));
  BATTRACE_RETURN_IF_ERROR(
      prep(find_report_, "SELECT " + r + " FROM report WHERE reporter = ? AND id = ?"));
  BATTRACE_RETURN_IF_ERROR(prep(report_at_, "SELECT " + r + " FROM report WHERE leaf = ?"));
  BATTRACE_RETURN_IF_ERROR(
      prep(scan_reports_, "SELECT " + r + " FROM report WHERE leaf >= ? ORDER BY leaf"));
  BATTRACE_RETURN_IF_ERROR(
      prep(insert_node_, "INSERT INTO merkle_node (node, hash) VALUES (?, ?)"));
  BATTRACE_RETURN_IF_ERROR(
      prep(node_range_, "SELECT hash FROM merkle_node WHERE node BETWEEN ? AND ? ORDER BY node"));
  BATTRACE_RETURN_IF_ERROR(
      prep(leaf_hashes_, "SELECT leaf_hash FROM report WHERE leaf BETWEEN ? AND ? ORDER BY leaf"));
  BATTRACE_RETURN_IF_ERROR(prep(
      upsert_battery_,
      "INSERT INTO battery (" + b +
          ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (code) DO UPDATE SET "
          "level = excluded.level, producer = excluded.producer, chemistry = excluded.chemistry, "
          "model = excluded.model, parent = excluded.parent, custodian = excluded.custodian, "
          "vin = excluded.vin, status = excluded.status, produced_leaf = excluded.produced_leaf, "
          "updated_leaf = excluded.updated_leaf, id_complete = excluded.id_complete, "
          "contested = excluded.contested, serial = excluded.serial"));
  BATTRACE_RETURN_IF_ERROR(prep(
      upsert_vehicle_,
      "INSERT INTO vehicle (" + v +
          ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (vin) DO UPDATE SET "
          "maker = excluded.maker, vehicle_type = excluded.vehicle_type, brand = excluded.brand, "
          "model = excluded.model, name = excluded.name, imported = excluded.imported, "
          "swappable = excluded.swappable, sale_date = excluded.sale_date, "
          "sale_division = excluded.sale_division, scrapped_date = excluded.scrapped_date, "
          "scrap_certificate = excluded.scrap_certificate, "
          "produced_leaf = excluded.produced_leaf, updated_leaf = excluded.updated_leaf, "
          "packs = excluded.packs"));
  BATTRACE_RETURN_IF_ERROR(prep(get_battery_, "SELECT " + b + " FROM battery WHERE code = ?"));
  BATTRACE_RETURN_IF_ERROR(prep(get_vehicle_, "SELECT " + v + " FROM vehicle WHERE vin = ?"));
  BATTRACE_RETURN_IF_ERROR(prep(battery_event_,
                                "INSERT INTO battery_event (code, leaf) VALUES (?, ?) "
                                "ON CONFLICT DO NOTHING"));
  BATTRACE_RETURN_IF_ERROR(prep(vehicle_event_,
                                "INSERT INTO vehicle_event (vin, leaf) VALUES (?, ?) "
                                "ON CONFLICT DO NOTHING"));
  BATTRACE_RETURN_IF_ERROR(
      prep(battery_events_, "SELECT leaf FROM battery_event WHERE code = ? ORDER BY leaf"));
  BATTRACE_RETURN_IF_ERROR(
      prep(battery_history_, std::string(kBatteryHistoryLeaves) + " ORDER BY leaf"));
  BATTRACE_RETURN_IF_ERROR(prep(history_reports_, "SELECT " + r + " FROM report WHERE leaf IN (" +
                                                      kBatteryHistoryLeaves + ") ORDER BY leaf"));
  BATTRACE_RETURN_IF_ERROR(
      prep(vehicle_history_, "SELECT leaf FROM vehicle_event WHERE vin = ? ORDER BY leaf"));
  BATTRACE_RETURN_IF_ERROR(
      prep(in_vehicle_, "SELECT " + b + " FROM battery WHERE vin = ? ORDER BY code"));
  BATTRACE_RETURN_IF_ERROR(
      prep(parts_of_, "SELECT code FROM battery WHERE parent = ? ORDER BY code"));
  BATTRACE_RETURN_IF_ERROR(
      prep(insert_checkpoint_,
           // A checkpoint of the same tree with a longer audit trail replaces the older one.
           std::string("INSERT INTO checkpoint (") + rows::kColumnsOf<tables::kCheckpoint> +
               ") VALUES (?, ?, ?) ON CONFLICT (size) "
               "DO UPDATE SET created = excluded.created, note = excluded.note"));
  BATTRACE_RETURN_IF_ERROR(prep(
      put_registry_, std::string("INSERT INTO registry (") + rows::kColumnsOf<tables::kRegistry> +
                         ") VALUES (?, ?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET "
                         "division = excluded.division, record = excluded.record"));
  BATTRACE_RETURN_IF_ERROR(prep(get_registry_, std::string("SELECT ") +
                                                   rows::kColumnsOf<tables::kRegistry> +
                                                   " FROM registry WHERE kind = ? AND key = ?"));
  BATTRACE_RETURN_IF_ERROR(
      prep(all_registry_, "SELECT kind, key, record FROM registry ORDER BY kind, key"));
  const std::string rv = kRegistryVersionColumns;
  BATTRACE_RETURN_IF_ERROR(
      prep(all_registry_versions_, "SELECT " + rv + " FROM registry_version ORDER BY leaf"));
  BATTRACE_RETURN_IF_ERROR(prep(insert_registry_version_,
                                "INSERT INTO registry_version (" + rv + ") VALUES (?,?,?,?,?)"));

  const std::string o = kOutletColumns, m = kModelColumns, d = kDutyColumns, f = kFindingColumns;
  BATTRACE_RETURN_IF_ERROR(
      prep(upsert_outlet_, "INSERT INTO outlet (" + o +
                               ") VALUES (?,?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET "
                               "owner = excluded.owner, division = excluded.division, "
                               "closed = excluded.closed, registered_at = "
                               "excluded.registered_at, closed_at = excluded.closed_at"));
  BATTRACE_RETURN_IF_ERROR(prep(get_outlet_, "SELECT " + o + " FROM outlet WHERE id = ?"));
  BATTRACE_RETURN_IF_ERROR(
      prep(upsert_model_, "INSERT INTO model (" + m +
                              ") VALUES (?,?,?,?) ON CONFLICT (maker, model) DO UPDATE SET "
                              "first_produced = excluded.first_produced, "
                              "has_disassembly_info = excluded.has_disassembly_info"));
  BATTRACE_RETURN_IF_ERROR(
      prep(get_model_, "SELECT " + m + " FROM model WHERE maker = ? AND model = ?"));
  // A duty already open with the same subject, party, kind and duty key stays the only one
  // (the partial unique index obligation_open).
  BATTRACE_RETURN_IF_ERROR(prep(insert_duty_, "INSERT INTO obligation (" + d +
                                                  ", opened_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) "
                                                  "ON CONFLICT DO NOTHING"));
  // Most reports that could discharge a duty find none: a read finds the few that do (through
  // obligation_open), then each is updated by its key.
  BATTRACE_RETURN_IF_ERROR(
      prep(open_duties_for_,
           "SELECT id FROM obligation WHERE subject = ?1 AND party = ?2 "
           "AND fulfils = ?3 AND discharged_at IS NULL AND retracted_at IS NULL"));
  BATTRACE_RETURN_IF_ERROR(prep(
      discharge_, "UPDATE obligation SET discharged_at = ?1, discharged_by = ?2 WHERE id = ?3"));
  BATTRACE_RETURN_IF_ERROR(prep(retract_duties_,
                                "UPDATE obligation SET retracted_at = ?1 WHERE evidence = ?2 "
                                "AND discharged_at IS NULL AND retracted_at IS NULL"));
  BATTRACE_RETURN_IF_ERROR(prep(retract_findings_,
                                "UPDATE finding SET retracted_at = ?1 WHERE id IN "
                                "(SELECT finding FROM finding_evidence WHERE evidence = ?2) "
                                "AND retracted_at IS NULL"));
  BATTRACE_RETURN_IF_ERROR(prep(retract_sales_,
                                "UPDATE sale SET retracted_at = ?1 WHERE evidence = ?2 "
                                "AND retracted_at IS NULL"));
  BATTRACE_RETURN_IF_ERROR(prep(insert_correction_,
                                "INSERT INTO correction (original, leaf, correction) "
                                "VALUES (?, ?, ?) ON CONFLICT DO NOTHING"));
  BATTRACE_RETURN_IF_ERROR(prep(corrected_by_,
                                "SELECT correction FROM correction WHERE original = ? "
                                "ORDER BY leaf DESC LIMIT 1"));
  BATTRACE_RETURN_IF_ERROR(prep(
      insert_finding_, "INSERT INTO finding (" + f + ", known_from) VALUES (?,?,?,?,?,?,?,?,?,?)"));
  BATTRACE_RETURN_IF_ERROR(prep(insert_finding_evidence_,
                                "INSERT INTO finding_evidence (evidence, finding) VALUES (?, ?) "
                                "ON CONFLICT DO NOTHING"));
  BATTRACE_RETURN_IF_ERROR(
      prep(insert_sale_, std::string("INSERT INTO sale (") + rows::kColumnsOf<tables::kSale> +
                             ") VALUES (?,?,?,?,?,?) "
                             "ON CONFLICT (maker, division) DO UPDATE SET "
                             "article = excluded.article, evidence = excluded.evidence, "
                             "known_from = excluded.known_from, "
                             "retracted_at = excluded.retracted_at "
                             "WHERE sale.retracted_at IS NOT NULL"));
  BATTRACE_RETURN_IF_ERROR(
      prep(findings_at_, "SELECT " + f +
                             ", known_from FROM finding WHERE known_from < ?1 "
                             "AND (retracted_at IS NULL OR retracted_at >= ?1) "
                             "AND (?2 IS NULL OR kind = ?2) AND (?3 IS NULL OR party = ?3) "
                             "AND (?4 IS NULL OR authority_department = ?4) "
                             "AND (?5 IS NULL OR known_from >= ?5) "
                             "AND (?6 IS NULL OR known_from < ?6)"));
  BATTRACE_RETURN_IF_ERROR(
      prep(overdue_at_, DutiesOpenAt(d, "?2",
                                     "AND due < ?1 AND (?3 IS NULL OR "
                                     "authority_department = ?3) AND (?4 IS NULL OR "
                                     "due >= ?4) AND (?5 IS NULL OR due <= ?5)")));
  BATTRACE_RETURN_IF_ERROR(prep(open_at_, DutiesOpenAt(d, "?2", "")));
  BATTRACE_RETURN_IF_ERROR(
      prep(sales_at_,
           "SELECT maker, division, article, evidence, known_from FROM sale WHERE known_from < ?1 "
           "AND (retracted_at IS NULL OR retracted_at >= ?1) "
           "AND (?2 IS NULL OR ?2 = 'MIIT') AND (?3 IS NULL OR known_from >= ?3) "
           "AND (?4 IS NULL OR known_from < ?4)"));
  // Division codes are digits, so the codes starting with a prefix p are those in [p, p + ":").
  BATTRACE_RETURN_IF_ERROR(prep(outlet_covering_,
                                "SELECT 1 FROM outlet WHERE owner = ?1 AND division >= ?2 "
                                "AND division < ?3 AND registered_at < ?4 "
                                "AND (closed = 0 OR closed_at >= ?4) LIMIT 1"));

  // The last leaf through the primary key: one B-tree descent.
  BATTRACE_RETURN_IF_ERROR(prep(tree_size_, "SELECT COALESCE(MAX(leaf) + 1, 0) FROM report"));
  BATTRACE_RETURN_IF_ERROR(
      prep(registry_version_of_,
           "SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'registry_version'"));
  BATTRACE_RETURN_IF_ERROR(prep(bump_registry_version_,
                                "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) "
                                "WHERE key = 'registry_version'"));
  // Answered from a partial index on open duties, without reading the table.
  BATTRACE_RETURN_IF_ERROR(
      prep(count_open_duties_,
           "SELECT COUNT(*) FROM obligation WHERE discharged_at IS NULL AND retracted_at IS NULL"));
  BATTRACE_RETURN_IF_ERROR(prep(outlets_in_, "SELECT " + o +
                                                 " FROM outlet WHERE division >= ?1 AND "
                                                 "division < ?2 ORDER BY division, id"));
  // The type is spelled out (not bound) so that the planner can use the partial index
  // report_disassembly_info instead of scanning report.
  BATTRACE_RETURN_IF_ERROR(
      prep(disassembly_info_, "SELECT " + r +
                                  " FROM report WHERE type = 'model.disassembly_info' "
                                  "ORDER BY leaf"));
  BATTRACE_RETURN_IF_ERROR(
      prep(model_declarations_, "SELECT " + r +
                                    " FROM report WHERE type = 'battery_model.declared' AND "
                                    "reporter = ?1 AND " +
                                    MayDeclareModel("json_extract(body, '$.model')", "?2") +
                                    " ORDER BY leaf"));
  BATTRACE_RETURN_IF_ERROR(prep(batteries_by_serial_, "SELECT " + b +
                                                          " FROM battery WHERE serial = ? "
                                                          "ORDER BY produced_leaf, code"));
  BATTRACE_RETURN_IF_ERROR(prep(
      insert_token_, std::string("INSERT INTO token (") + kTokenColumns + ") VALUES (?,?,?,?,?)"));
  BATTRACE_RETURN_IF_ERROR(
      prep(find_token_, std::string("SELECT ") + kTokenColumns + " FROM token WHERE hash = ?"));
  BATTRACE_RETURN_IF_ERROR(
      prep(revoke_token_, "UPDATE token SET revoked = ?1 WHERE hash = ?2 AND revoked IS NULL"));
  BATTRACE_RETURN_IF_ERROR(
      prep(list_tokens_, "SELECT " + std::string(kTokenColumns) +
                             " FROM token WHERE created < ?1 OR (created = ?1 AND hash < ?2) "
                             "ORDER BY created DESC, hash DESC LIMIT ?3"));
  BATTRACE_RETURN_IF_ERROR(prep(tokens_by_prefix_, "SELECT " + std::string(kTokenColumns) +
                                                       " FROM token WHERE hash BETWEEN ?1 AND ?2 "
                                                       "ORDER BY hash LIMIT ?3"));
  BATTRACE_RETURN_IF_ERROR(
      prep(last_audit_, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"));
  BATTRACE_RETURN_IF_ERROR(prep(insert_audit_, "INSERT INTO audit (" + std::string(kAuditColumns) +
                                                   ") VALUES (?,?,?,?,?,?,?,?)"));
  BATTRACE_RETURN_IF_ERROR(prep(list_audit_, "SELECT " + std::string(kAuditColumns) +
                                                 " FROM audit WHERE seq > ? ORDER BY seq LIMIT ?"));
  BATTRACE_RETURN_IF_ERROR(
      prep(list_audit_newest_, "SELECT " + std::string(kAuditColumns) +
                                   " FROM audit WHERE seq < ? ORDER BY seq DESC LIMIT ?"));
  // TallyFindings: the conditions of findings_at_, overdue_at_ and sales_at_, grouped; the
  // findings and the open duties are counted from the covering indexes finding_tally and
  // obligation_open_tally, without reading the tables' rows.
  auto recorded = [](const std::string& month) {
    return "SELECT kind, authority_division, " + month +
           ", COUNT(*) FROM finding INDEXED BY finding_tally WHERE known_from < ?1 "
           "AND (retracted_at IS NULL OR retracted_at >= ?1) "
           "AND (?2 IS NULL OR kind = ?2) AND (?3 IS NULL OR party = ?3) "
           "AND (?4 IS NULL OR authority_department = ?4) "
           "AND (?5 IS NULL OR known_from >= ?5) AND (?6 IS NULL OR known_from < ?6) "
           "GROUP BY 1, 2, 3";
  };
  BATTRACE_RETURN_IF_ERROR(prep(tally_recorded_, recorded("''")));
  // The Beijing month of known_from (microseconds, UTC): UTC+8 all year.
  BATTRACE_RETURN_IF_ERROR(
      prep(tally_recorded_monthly_,
           recorded("strftime('%Y-%m', known_from / 1000000 + 28800, 'unixepoch')")));
  BATTRACE_RETURN_IF_ERROR(
      prep(tally_overdue_,
           "SELECT kind, party, authority_department, authority_division, substr(due, 1, 7), "
           "COUNT(*) FROM (" +
               DutiesOpenAt("kind, party, authority_department, authority_division, due", "?2",
                            "AND due < ?1 AND (?3 IS NULL OR authority_department = ?3) "
                            "AND (?4 IS NULL OR due >= ?4) AND (?5 IS NULL OR due <= ?5)") +
               ") GROUP BY 1, 2, 3, 4, 5"));
  BATTRACE_RETURN_IF_ERROR(
      prep(tally_gaps_,
           "SELECT s.maker, s.division, s.article, s.evidence, s.known_from FROM sale s "
           "WHERE s.known_from < ?1 AND (s.retracted_at IS NULL OR s.retracted_at >= ?1) "
           "AND (?2 IS NULL OR ?2 = 'MIIT') AND (?3 IS NULL OR s.known_from >= ?3) "
           "AND (?4 IS NULL OR s.known_from < ?4) AND " +
               SaleUncoveredAt("?1")));
  // The type is spelled out so that the partial index report_outbound applies; without
  // INDEXED BY the planner would rather scan every report in the order of the grouping.
  BATTRACE_RETURN_IF_ERROR(
      prep(tally_handovers_,
           "SELECT reporter, json_extract(body, '$.to'), SUM(json_array_length(body, '$.codes')) "
           "FROM report INDEXED BY report_outbound WHERE type = 'battery.outbound' "
           "AND (?1 IS NULL OR occurred >= ?1) "
           "AND (?2 IS NULL OR occurred <= ?2) GROUP BY 1, 2"));
  const std::string ev = kEpcisEventColumns;
  BATTRACE_RETURN_IF_ERROR(prep(last_epcis_seq_, "SELECT COALESCE(MAX(seq), 0) FROM epcis_event"));
  BATTRACE_RETURN_IF_ERROR(
      prep(insert_epcis_event_, "INSERT INTO epcis_event (" + ev +
                                    ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                                    "ON CONFLICT (owner, dedup) DO NOTHING"));
  BATTRACE_RETURN_IF_ERROR(prep(insert_epcis_epc_,
                                "INSERT INTO epcis_epc (epc, role, event) VALUES (?, ?, ?) "
                                "ON CONFLICT DO NOTHING"));
  BATTRACE_RETURN_IF_ERROR(
      prep(insert_epcis_job_,
           std::string("INSERT INTO epcis_job (") + kEpcisJobColumns + ") VALUES (?, ?, ?, ?, ?)"));
  BATTRACE_RETURN_IF_ERROR(prep(get_epcis_job_, std::string("SELECT ") + kEpcisJobColumns +
                                                    " FROM epcis_job WHERE capture_id = ?"));
  BATTRACE_RETURN_IF_ERROR(prep(
      epcis_events_by_id_, "SELECT " + ev + " FROM epcis_event WHERE event_id = ? ORDER BY seq"));
  return Status::Ok();
}

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
  BATTRACE_RETURN_IF_ERROR(
      Binder(*s.insert_report_).Row(tables::kReport, tables::NewReport::Of(leaf, in)).Run());
  if (s.db_.Changes() == 0) {
    Stmt& find = *s.find_report_;
    find.Bind(1, in.reporter).Bind(2, in.id);
    BATTRACE_ASSIGN_OR_RETURN(row, find.Step());
    if (!row) {
      find.Reset();
      return Status::Internal("report insert was ignored but no row holds its key");
    }
    StoredReport existing = ReadReport(find);
    find.Reset();
    AppendResult r;
    r.outcome = existing.content_hash == in.content_hash ? AppendOutcome::kDuplicate
                                                         : AppendOutcome::kConflict;
    r.leaf_index = existing.leaf_index;
    r.leaf_hash = existing.leaf_hash;
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
  BATTRACE_ASSIGN_OR_RETURN(audit, s.ReadAuditHead());
  if (s.writer_.CheckpointDue(audit)) {
    auto cp = s.InsertCheckpoint(audit);
    if (!cp.ok()) return cp.status();
  }
  // On failure the destructor rolls back, the frontier and the last checkpoint too.
  BATTRACE_RETURN_IF_ERROR(s.db_.Exec("COMMIT"));
  done_ = true;
  s.writer_.Committed();
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
  return store_->get_outlet_->Bind(1, id).OneRow(ReadOutlet<Stmt>);
}

Result<std::optional<domain::ModelState>> SqliteWriteTxn::GetModel(const std::string& maker,
                                                                   const std::string& model) {
  auto it = rows_.models.find(std::pair<std::string_view, std::string_view>(maker, model));
  if (it != rows_.models.end()) return std::optional<domain::ModelState>(it->second);
  return store_->get_model_->Bind(1, maker).Bind(2, model).OneRow(ReadModel<Stmt>);
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

Result<const domain::RegistryIndex*> SqliteStore::LoadRegistry() {
  // The version is read before the records: should another connection commit in between, the
  // index is labelled older than it is and only rebuilt once more.
  BATTRACE_ASSIGN_OR_RETURN(version,
                            registry_version_of_->OneRow([](const Stmt& st) { return st.Int(0); }));
  if (!version) return Status::Corruption("store has no registry_version in its meta table");
  if (registry_ && registry_version_ == *version) return &registry_->current;
  registry_.reset();
  std::vector<StoredRecord> rows;
  BATTRACE_RETURN_IF_ERROR(all_registry_->ForEachRow([&](const Stmt& st) {
    rows.push_back({st.Text(0), st.Text(1), st.Text(2)});
    return true;
  }));
  std::vector<StoredVersion> versions;
  BATTRACE_RETURN_IF_ERROR(all_registry_versions_->ForEachRow([&](const Stmt& st) {
    versions.push_back(rows::Read(tables::kRegistryVersion, st));
    return true;
  }));
  BATTRACE_ASSIGN_OR_RETURN(loaded, BuildRegistry(rows, versions));
  registry_.emplace(std::move(loaded));
  registry_version_ = *version;
  return &registry_->current;
}

Status SqliteStore::CatchUp() {
  BATTRACE_RETURN_IF_ERROR(writer_.Writable());
  BATTRACE_ASSIGN_OR_RETURN(size, TreeSize());
  BATTRACE_ASSIGN_OR_RETURN(moved, writer_.CatchUp(*this, size));
  if (!moved) return Status::Ok();
  BATTRACE_ASSIGN_OR_RETURN(cp, LatestCheckpoint());
  writer_.SetLastCheckpoint(cp);
  return Status::Ok();
}

Result<StoredCheckpoint> SqliteStore::InsertCheckpoint(const std::optional<AuditHead>& audit) {
  return writer_.Sign(origin_, audit, [&](const StoredCheckpoint& cp) {
    return Binder(*insert_checkpoint_).Row(tables::kCheckpoint, cp).Run();
  });
}

Result<std::optional<AuditHead>> SqliteStore::ReadAuditHead() {
  return last_audit_->OneRow([](const Stmt& st) {
    return AuditHead{static_cast<uint64_t>(st.Int(0)), HashFromBytes(st.Blob(1))};
  });
}

Result<StoredCheckpoint> SqliteStore::SignCheckpoint() {
  if (!writer_.has_key()) {
    return Status::FailedPrecondition("the store was opened without its signing key");
  }
  BATTRACE_RETURN_IF_ERROR(writer_.Writable());
  // First without the write lock (the server asks every second): nothing new, nothing to sign.
  BATTRACE_ASSIGN_OR_RETURN(latest, LatestCheckpoint());
  BATTRACE_ASSIGN_OR_RETURN(head, ReadAuditHead());
  if (latest && !LastCheckpoint::Of(latest).Behind(writer_.next_leaf(), head)) return *latest;
  std::optional<StoredCheckpoint> signed_cp;
  // Under the write lock the ledger and the audit trail stand still while the tree's head and
  // the audit head are read and signed.
  BATTRACE_RETURN_IF_ERROR(InTransaction([&]() -> Status {
    BATTRACE_RETURN_IF_ERROR(CatchUp());
    BATTRACE_ASSIGN_OR_RETURN(audit, ReadAuditHead());
    BATTRACE_ASSIGN_OR_RETURN(again, LatestCheckpoint());
    if (again && !LastCheckpoint::Of(again).Behind(writer_.next_leaf(), audit)) {
      signed_cp = *again;  // another process signed it meanwhile
      return Status::Ok();
    }
    BATTRACE_ASSIGN_OR_RETURN(cp, InsertCheckpoint(audit));
    signed_cp = std::move(cp);
    return Status::Ok();
  }));
  return *std::move(signed_cp);
}

Status SqliteStore::AddCheckpointSignatures(uint64_t size, std::string_view lines) {
  return InTransaction([&]() -> Status {
    BATTRACE_ASSIGN_OR_RETURN(read, db_.Prepare("SELECT note FROM checkpoint WHERE size = ?"));
    BATTRACE_ASSIGN_OR_RETURN(
        note,
        read.Bind(1, static_cast<int64_t>(size)).OneRow([](const Stmt& st) { return st.Text(0); }));
    if (!note) return Status::NotFound("no checkpoint of size " + std::to_string(size));
    BATTRACE_ASSIGN_OR_RETURN(cosigned, NoteWithSignatures(*note, lines));
    BATTRACE_ASSIGN_OR_RETURN(write, db_.Prepare("UPDATE checkpoint SET note = ? WHERE size = ?"));
    return write.Bind(1, cosigned).Bind(2, static_cast<int64_t>(size)).Run();
  });
}

Status SqliteStore::InTransaction(const std::function<Status()>& body) {
  if (writer_.in_transaction()) {
    return Status::FailedPrecondition("a write transaction is open on this store");
  }
  BATTRACE_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  Status st = body();
  if (st.ok()) st = db_.Exec("COMMIT");
  if (!st.ok()) (void)db_.Exec("ROLLBACK");
  return st;
}

Result<std::vector<StoredCheckpoint>> SqliteStore::ListCheckpoints() {
  BATTRACE_ASSIGN_OR_RETURN(st, db_.Prepare(StrCat("SELECT ", rows::kColumnsOf<tables::kCheckpoint>,
                                                   " FROM checkpoint ORDER BY size")));
  std::vector<StoredCheckpoint> out;
  BATTRACE_RETURN_IF_ERROR(st.ForEachRow([&](const Stmt& row) {
    out.push_back(ReadCheckpoint(row));
    return true;
  }));
  return out;
}

Result<std::optional<StoredCheckpoint>> SqliteStore::LatestCheckpoint() {
  BATTRACE_ASSIGN_OR_RETURN(st, db_.Prepare(StrCat("SELECT ", rows::kColumnsOf<tables::kCheckpoint>,
                                                   " FROM checkpoint ORDER BY size DESC LIMIT 1")));
  return st.OneRow(ReadCheckpoint<Stmt>);
}

Result<std::optional<RegistryRow>> SqliteStore::GetRegistry(const std::string& kind,
                                                            const std::string& key) {
  return get_registry_->Bind(1, kind).Bind(2, key).OneRow(
      [](const Stmt& st) { return rows::Read(tables::kRegistry, st); });
}

Result<std::optional<StoredReport>> SqliteStore::GetReport(const std::string& reporter,
                                                           const std::string& id) {
  return find_report_->Bind(1, reporter).Bind(2, id).OneRow(ReadReport<Stmt>);
}

Result<std::optional<StoredReport>> SqliteStore::GetReportAt(uint64_t leaf) {
  return report_at_->Bind(1, static_cast<int64_t>(leaf)).OneRow(ReadReport<Stmt>);
}

Status SqliteStore::ScanReports(uint64_t from, const std::function<bool(const StoredReport&)>& fn) {
  return scan_reports_->Bind(1, static_cast<int64_t>(from)).ForEachRow([&](const Stmt& st) {
    return fn(ReadReport(st));
  });
}

Result<std::optional<domain::BatteryState>> SqliteStore::GetBattery(const std::string& code) {
  return get_battery_->Bind(1, code).OneRow(ReadBattery<Stmt>);
}

Result<std::optional<domain::VehicleState>> SqliteStore::GetVehicle(const std::string& vin) {
  return get_vehicle_->Bind(1, vin).OneRow(ReadVehicle<Stmt>);
}

Result<std::vector<domain::BatteryState>> SqliteStore::BatteriesInVehicle(const std::string& vin) {
  std::vector<domain::BatteryState> out;
  BATTRACE_RETURN_IF_ERROR(in_vehicle_->Bind(1, vin).ForEachRow([&](const Stmt& st) {
    out.push_back(ReadBattery(st));
    return true;
  }));
  return out;
}

Result<std::vector<std::string>> SqliteStore::PartsOf(const std::string& code) {
  std::vector<std::string> out;
  BATTRACE_RETURN_IF_ERROR(parts_of_->Bind(1, code).ForEachRow([&](const Stmt& st) {
    out.push_back(st.Text(0));
    return true;
  }));
  return out;
}

Result<std::vector<uint64_t>> SqliteStore::Leaves(Stmt& st, const std::string& key) {
  std::vector<uint64_t> out;
  BATTRACE_RETURN_IF_ERROR(st.Bind(1, key).ForEachRow([&](const Stmt& row) {
    out.push_back(static_cast<uint64_t>(row.Int(0)));
    return true;
  }));
  return out;
}

Result<std::vector<uint64_t>> SqliteStore::BatteryHistory(const std::string& code) {
  return Leaves(*battery_history_, code);
}

Result<std::vector<StoredReport>> SqliteStore::BatteryHistoryReports(const std::string& code) {
  std::vector<StoredReport> out;
  BATTRACE_RETURN_IF_ERROR(history_reports_->Bind(1, code).ForEachRow([&](const Stmt& st) {
    out.push_back(ReadReport(st));
    return true;
  }));
  return out;
}

Result<std::vector<uint64_t>> SqliteStore::VehicleHistory(const std::string& vin) {
  return Leaves(*vehicle_history_, vin);
}

Result<std::optional<std::string>> SqliteStore::CorrectedBy(const std::string& reporter,
                                                            const std::string& id) {
  const std::string original = reporter + "/" + id;
  return corrected_by_->Bind(1, original).OneRow([](const Stmt& r) { return r.Text(0); });
}

Result<std::vector<domain::Duty>> SqliteStore::DutiesOpenAsOf(Date as_of,
                                                              const FindingFilter* overdue) {
  BATTRACE_ASSIGN_OR_RETURN(registry, LoadRegistry());
  const std::string day = as_of.ToString();
  Stmt& st = overdue != nullptr ? *overdue_at_ : *open_at_;
  // Bound text is not copied: the range lives as long as the statement runs.
  const FindingRange range = overdue != nullptr ? RangeOf(*overdue) : FindingRange{};
  if (overdue != nullptr) {
    st.Bind(1, day).Bind(3, overdue->department).Bind(4, range.first_day).Bind(5, range.last_day);
  }
  st.Bind(2, EndOfBeijingDay(as_of));
  std::vector<domain::Duty> out;
  Status error;
  BATTRACE_RETURN_IF_ERROR(st.ForEachRow([&](const Stmt& row) {
    auto duty = ReadDuty(row);
    if (!duty.ok()) {
      error = duty.status();
      return false;
    }
    ShowSuccessor(*registry, duty->party, duty->authority);
    out.push_back(std::move(duty).value());
    return true;
  }));
  BATTRACE_RETURN_IF_ERROR(error);
  return out;
}

Status SqliteStore::CoverageGaps(Date as_of, Instant end, const FindingFilter& filter,
                                 std::vector<domain::Finding>* out) {
  BATTRACE_ASSIGN_OR_RETURN(registry, LoadRegistry());
  std::vector<std::pair<domain::Sale, Instant>> sales;  // and when it was recorded
  const FindingRange range = RangeOf(filter);
  BATTRACE_RETURN_IF_ERROR(
      sales_at_->Bind(1, end)
          .Bind(2, filter.department)
          .Bind(3, range.start)
          .Bind(4, range.end)
          .ForEachRow([&](const Stmt& row) {
            sales.push_back({{row.Text(0), row.Text(1), row.Text(2), row.Text(3)}, row.Int(4)});
            return true;
          }));
  for (const auto& [sale, known_from] : sales) {
    const DivisionRange range = RangeOfCode(sale.division);
    BATTRACE_ASSIGN_OR_RETURN(covered, outlet_covering_->Bind(1, sale.maker)
                                           .Bind(2, range.low)
                                           .Bind(3, range.high)
                                           .Bind(4, end)
                                           .OneRow([](const Stmt&) { return true; }));
    if (!covered) out->push_back(CoverageGap(sale, known_from, *registry, as_of));
  }
  return Status::Ok();
}

Result<std::vector<domain::Finding>> SqliteStore::Findings(Date as_of,
                                                           const FindingFilter& filter) {
  const Instant end = EndOfBeijingDay(as_of);
  std::vector<domain::Finding> out;
  Status error;
  const FindingRange range = RangeOf(filter);
  BATTRACE_RETURN_IF_ERROR(findings_at_->Bind(1, end)
                               .Bind(2, filter.kind)
                               .Bind(3, filter.party)
                               .Bind(4, filter.department)
                               .Bind(5, range.start)
                               .Bind(6, range.end)
                               .ForEachRow([&](const Stmt& row) {
                                 auto f = ReadFinding(row);
                                 if (!f.ok()) {
                                   error = f.status();
                                   return false;
                                 }
                                 f->date = BeijingDate(row.Int(9));  // known_from
                                 out.push_back(std::move(f).value());
                                 return true;
                               }));
  BATTRACE_RETURN_IF_ERROR(error);
  BATTRACE_ASSIGN_OR_RETURN(overdue, DutiesOpenAsOf(as_of, &filter));
  BATTRACE_RETURN_IF_ERROR(CoverageGaps(as_of, end, filter, &out));
  BATTRACE_RETURN_IF_ERROR(FinishFindings(out, std::move(overdue), filter));
  return out;
}

Result<std::vector<domain::Duty>> SqliteStore::Obligations(Date as_of,
                                                           const ObligationFilter& filter) {
  BATTRACE_ASSIGN_OR_RETURN(out, DutiesOpenAsOf(as_of, nullptr));
  BATTRACE_RETURN_IF_ERROR(FinishObligations(out, filter));
  return out;
}

Result<std::vector<FindingTally>> SqliteStore::TallyFindings(Date as_of,
                                                             const FindingFilter& filter,
                                                             bool by_month) {
  BATTRACE_ASSIGN_OR_RETURN(registry, LoadRegistry());
  BATTRACE_ASSIGN_OR_RETURN(within, Within(filter.division));
  FindingTallier tally(*registry, filter, std::move(within), by_month);
  const Instant end = EndOfBeijingDay(as_of);
  const FindingRange range = RangeOf(filter);
  Stmt& recorded = by_month ? *tally_recorded_monthly_ : *tally_recorded_;
  BATTRACE_RETURN_IF_ERROR(recorded.Bind(1, end)
                               .Bind(2, filter.kind)
                               .Bind(3, filter.party)
                               .Bind(4, filter.department)
                               .Bind(5, range.start)
                               .Bind(6, range.end)
                               .ForEachRow([&](const Stmt& row) {
                                 tally.Recorded(row.Text(0), row.Text(1), row.Text(2),
                                                static_cast<uint64_t>(row.Int(3)));
                                 return true;
                               }));
  const std::string day = as_of.ToString();
  BATTRACE_RETURN_IF_ERROR(tally_overdue_->Bind(1, day)
                               .Bind(2, end)
                               .Bind(3, filter.department)
                               .Bind(4, range.first_day)
                               .Bind(5, range.last_day)
                               .ForEachRow([&](const Stmt& row) {
                                 tally.Overdue(row.Text(0), row.Text(1), {row.Text(2), row.Text(3)},
                                               row.Text(4), static_cast<uint64_t>(row.Int(5)));
                                 return true;
                               }));
  BATTRACE_RETURN_IF_ERROR(
      tally_gaps_->Bind(1, end)
          .Bind(2, filter.department)
          .Bind(3, range.start)
          .Bind(4, range.end)
          .ForEachRow([&](const Stmt& row) {
            tally.Gap({row.Text(0), row.Text(1), row.Text(2), row.Text(3)}, row.Int(4), as_of);
            return true;
          }));
  return tally.Take();
}

Result<std::vector<HandoverTally>> SqliteStore::TallyHandovers(std::optional<Date> from,
                                                               std::optional<Date> to) {
  std::optional<std::string> first, last;
  if (from) first = from->ToString();
  if (to) last = to->ToString();
  std::vector<HandoverTally> out;
  BATTRACE_RETURN_IF_ERROR(
      tally_handovers_->Bind(1, first).Bind(2, last).ForEachRow([&](const Stmt& row) {
        out.push_back({row.Text(0), row.Text(1), static_cast<uint64_t>(row.Int(2))});
        return true;
      }));
  return out;
}

Result<uint64_t> SqliteStore::CountOpenDuties() {
  BATTRACE_ASSIGN_OR_RETURN(n,
                            count_open_duties_->OneRow([](const Stmt& st) { return st.Int(0); }));
  return static_cast<uint64_t>(n.value_or(0));
}

Result<std::vector<domain::OutletState>> SqliteStore::Outlets(const std::string& division) {
  BATTRACE_ASSIGN_OR_RETURN(within, Division::Parse(division));
  // Division codes are digits, so the codes starting with a prefix p are those in [p, p + ":").
  const std::string low = within.prefix(), high = low + ":";
  std::vector<domain::OutletState> out;
  BATTRACE_RETURN_IF_ERROR(outlets_in_->Bind(1, low).Bind(2, high).ForEachRow([&](const Stmt& st) {
    out.push_back(ReadOutlet(st));
    return true;
  }));
  return out;
}

// A list query (common::ListBatteriesSql, ListVehiclesSql), prepared when asked for: the lists
// are read a page at a time, far less often than the rows the ingest path prepares for.
template <typename T, typename Read>
Result<std::vector<T>> ReadList(sqlite::Db& db, const std::string& sql, const ListScope& scope,
                                const std::vector<std::string>& after, size_t limit, Read read) {
  BATTRACE_ASSIGN_OR_RETURN(params, ListParams(scope, after));
  BATTRACE_ASSIGN_OR_RETURN(st, db.Prepare(sql));
  int i = 1;
  for (const std::string& p : params)
    st.Bind(i++, p);
  st.Bind(i, static_cast<int64_t>(limit));
  std::vector<T> out;
  BATTRACE_RETURN_IF_ERROR(st.ForEachRow([&](const Stmt& row) {
    out.push_back(read(row));
    return true;
  }));
  return out;
}

Result<std::vector<domain::BatteryState>> SqliteStore::ListBatteries(
    const ListScope& scope, const std::vector<std::string>& after, size_t limit) {
  return ReadList<domain::BatteryState>(db_, ListBatteriesSql(scope), scope, after, limit,
                                        ReadBattery<Stmt>);
}

Result<std::vector<domain::VehicleState>> SqliteStore::ListVehicles(
    const ListScope& scope, const std::vector<std::string>& after, size_t limit) {
  return ReadList<domain::VehicleState>(db_, ListVehiclesSql(scope), scope, after, limit,
                                        ReadVehicle<Stmt>);
}

Result<std::vector<StoredReport>> SqliteStore::DisassemblyInfo(const std::string& vehicle_model) {
  // A maker files one such report per model: the type's rows are few, and reading them all
  // through report_disassembly_info costs less than a column and index of their own.
  std::vector<StoredReport> out;
  BATTRACE_RETURN_IF_ERROR(disassembly_info_->ForEachRow([&](const Stmt& st) {
    StoredReport r = ReadReport(st);
    if (IsAboutModel(r, vehicle_model)) out.push_back(std::move(r));
    return true;
  }));
  return out;
}

Result<std::vector<StoredReport>> SqliteStore::ModelDeclarations(const std::string& maker,
                                                                 const std::string& model) {
  // The maker's declarations are read through report_model_declared, narrowed to the model in
  // SQL (MayDeclareModel) and matched on the model in force.
  std::vector<StoredReport> declared;
  BATTRACE_RETURN_IF_ERROR(
      model_declarations_->Bind(1, maker).Bind(2, model).ForEachRow([&](const Stmt& st) {
        declared.push_back(ReadReport(st));
        return true;
      }));
  return DeclarationsOf(*this, std::move(declared), model);
}

Result<std::optional<std::string>> SqliteStore::FindByDigitalLink(const std::string& gtin14,
                                                                  const std::string& serial) {
  std::vector<domain::BatteryState> candidates;
  BATTRACE_RETURN_IF_ERROR(batteries_by_serial_->Bind(1, serial).ForEachRow([&](const Stmt& st) {
    candidates.push_back(ReadBattery(st));
    return true;
  }));
  return DigitalLinkHolder(*this, candidates, gtin14);
}

Status SqliteStore::ScanDerived(std::string_view table,
                                const std::function<bool(const std::string& row)>& fn) {
  const DerivedTable* derived = FindDerivedTable(table);
  if (derived == nullptr) {
    return Status::NotFound("no derived table '" + std::string(table) + "'");
  }
  BATTRACE_ASSIGN_OR_RETURN(st, db_.Prepare(derived->query));
  return st.ForEachRow([&](const Stmt& row) { return fn(CanonicalRowOf(row, derived->columns)); });
}

Status SqliteStore::PutToken(const TokenRow& t) {
  return Binder(*insert_token_).Row(tables::kToken, t).Run();
}

Result<std::optional<TokenRow>> SqliteStore::FindToken(const ledger::Hash& hash) {
  return find_token_->BindBlob(1, hash.data(), hash.size()).OneRow(ReadToken<Stmt>);
}

Result<bool> SqliteStore::RevokeToken(const ledger::Hash& hash, Instant at) {
  BATTRACE_RETURN_IF_ERROR(revoke_token_->Bind(1, at).BindBlob(2, hash.data(), hash.size()).Run());
  return db_.Changes() > 0;
}

Result<std::vector<TokenRow>> SqliteStore::ListTokens(const std::optional<TokenCursor>& after,
                                                      size_t limit) {
  const TokenCursor from = after.value_or(TokensStart());
  std::vector<TokenRow> out;
  BATTRACE_RETURN_IF_ERROR(list_tokens_->Bind(1, from.created)
                               .BindBlob(2, from.hash.data(), from.hash.size())
                               .Bind(3, static_cast<int64_t>(limit))
                               .ForEachRow([&](const Stmt& st) {
                                 out.push_back(ReadToken(st));
                                 return true;
                               }));
  return out;
}

Result<std::vector<TokenRow>> SqliteStore::FindTokensByPrefix(std::string_view prefix,
                                                              size_t limit) {
  const HashRange range = HashPrefixRange(prefix);
  std::vector<TokenRow> out;
  BATTRACE_RETURN_IF_ERROR(tokens_by_prefix_->BindBlob(1, range.first.data(), range.first.size())
                               .BindBlob(2, range.last.data(), range.last.size())
                               .Bind(3, static_cast<int64_t>(limit))
                               .ForEachRow([&](const Stmt& st) {
                                 out.push_back(ReadToken(st));
                                 return true;
                               }));
  return out;
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

Result<std::vector<AuditEntry>> SqliteStore::ListAudit(const AuditPage& page) {
  std::vector<AuditEntry> out;
  Stmt& list = page.newest_first ? *list_audit_newest_ : *list_audit_;
  BATTRACE_RETURN_IF_ERROR(list.Bind(1, static_cast<int64_t>(page.from))
                               .Bind(2, static_cast<int64_t>(page.limit))
                               .ForEachRow([&](const Stmt& st) {
                                 out.push_back(ReadAudit(st));
                                 return true;
                               }));
  return out;
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

Result<std::optional<EpcisJob>> SqliteStore::GetEpcisJob(const std::string& capture_id) {
  return get_epcis_job_->Bind(1, capture_id).OneRow(ReadEpcisJob<Stmt>);
}

std::string SqliteInList(std::string_view column, std::string_view placeholder) {
  return StrCat(column, " IN (SELECT value FROM json_each(", placeholder, "))");
}

Result<std::vector<EpcisEvent>> SqliteStore::QueryEpcis(const EpcisFilter& filter) {
  BATTRACE_ASSIGN_OR_RETURN(query, EpcisQuerySql(filter, SqliteInList));
  auto cached = epcis_queries_.find(query.sql);
  if (cached == epcis_queries_.end()) {
    // The shapes a server asks for are few; an odd client's many are not kept for ever.
    if (epcis_queries_.size() >= kEpcisQueryCache) epcis_queries_.clear();
    BATTRACE_ASSIGN_OR_RETURN(st, db_.Prepare(query.sql));
    cached = epcis_queries_.emplace(query.sql, std::move(st)).first;
  }
  Stmt& st = cached->second;
  // Lists are bound as JSON arrays (json_each); kept alive until the statement is reset.
  std::vector<std::string> lists;
  lists.reserve(query.params.size());
  for (size_t i = 0; i < query.params.size(); ++i) {
    const EpcisParam& p = query.params[i];
    const int n = static_cast<int>(i) + 1;
    switch (p.kind) {
      case EpcisParam::Kind::kInt:
        st.Bind(n, p.number);
        break;
      case EpcisParam::Kind::kText:
        st.Bind(n, p.text);
        break;
      case EpcisParam::Kind::kList:
        lists.push_back(nlohmann::json(p.list).dump());
        st.Bind(n, lists.back());
        break;
    }
  }
  std::vector<EpcisEvent> out;
  BATTRACE_RETURN_IF_ERROR(st.ForEachRow([&](const Stmt& row) {
    out.push_back(ReadEpcisEvent(row));
    return true;
  }));
  return out;
}

Result<std::vector<EpcisEvent>> SqliteStore::GetEpcisEvents(const std::string& event_id) {
  std::vector<EpcisEvent> out;
  BATTRACE_RETURN_IF_ERROR(epcis_events_by_id_->Bind(1, event_id).ForEachRow([&](const Stmt& st) {
    out.push_back(ReadEpcisEvent(st));
    return true;
  }));
  return out;
}

Result<uint64_t> SqliteStore::TreeSize() {
  BATTRACE_ASSIGN_OR_RETURN(size, tree_size_->OneRow([](const Stmt& st) { return st.Int(0); }));
  return static_cast<uint64_t>(size.value_or(0));
}

Status SqliteStore::GetNodes(std::span<const ledger::NodeId> ids, std::span<ledger::Hash> out) {
  for (size_t i = 0; i < ids.size(); ++i) {
    BATTRACE_ASSIGN_OR_RETURN(h, NodeAt(ids[i]));
    out[i] = h;
  }
  return Status::Ok();
}

Result<ledger::Hash> SqliteStore::NodeAt(const ledger::NodeId& id) {
  const NodeSpan span = SpanOf(id);
  // The hashes of the kept level under the node, in order.
  Stmt& st = span.base == 0 ? *leaf_hashes_ : *node_range_;
  if (span.base == 0) {
    st.Bind(1, static_cast<int64_t>(span.first))
        .Bind(2, static_cast<int64_t>(span.first + span.count - 1));
  } else {
    st.Bind(1, NodeKey(span.base, span.first))
        .Bind(2, NodeKey(span.base, span.first + span.count - 1));
  }
  std::vector<ledger::Hash> hashes;
  hashes.reserve(span.count);
  BATTRACE_RETURN_IF_ERROR(st.ForEachRow([&](const Stmt& row) {
    hashes.push_back(HashFromBytes(row.Blob(0)));
    return true;
  }));
  return FoldNode(id, std::move(hashes));
}

}  // namespace

std::string DefaultKeyPath(const std::string& db_path) {
  return db_path + ".key";
}

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, const OpenOptions& options,
                                               const std::string& origin_if_created) {
  BATTRACE_RETURN_IF_ERROR(CheckOpenOptions(options));
  if (options.read_only) {
    // SQLite deletes the -wal file when the last connection closes: without one, no process has
    // the store open, and it is read as an immutable file (creating no -wal or -shm beside it).
    // With one, a writer may be at work: SQLite's read-only mode reads through its WAL.
    std::error_code ec;
    const bool wal = std::filesystem::exists(path + "-wal", ec);
    BATTRACE_ASSIGN_OR_RETURN(db, Db::OpenReadOnly(path, !wal && !ec));
    auto store = std::make_unique<SqliteStore>(std::move(db), options);
    BATTRACE_RETURN_IF_ERROR(store->Initialize(path, false, ""));
    return std::unique_ptr<Store>(std::move(store));
  }
  // The store file is created 0600; SQLite gives its -wal and -shm files the same mode.
  if (options.create) BATTRACE_RETURN_IF_ERROR(CreatePrivateFile(path));
  if (options.key_path) BATTRACE_RETURN_IF_ERROR(CheckPrivateFile(path, "the store file"));
  BATTRACE_ASSIGN_OR_RETURN(db, Db::Open(path, options.create));
  auto store = std::make_unique<SqliteStore>(std::move(db), options);
  BATTRACE_RETURN_IF_ERROR(store->Initialize(path, options.create, origin_if_created));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace battrace::store
