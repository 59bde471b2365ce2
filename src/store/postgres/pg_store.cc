#include "store/postgres/pg_store.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "core/str_cat.h"
#include "domain/registry.h"
#include "ledger/checkpoint.h"
#include "store/engine_common.h"
#include "store/open.h"
#include "store/postgres/pg.h"
#include "store/postgres/pg_locks.h"
#include "store/schema.h"

namespace battrace::store {
namespace {

using namespace common;  // NOLINT(google-build-using-namespace): the engines' shared parts
using pg::Conn;
using pg::CopyBuffer;
using pg::Params;
using pg::Rows;

// One row of a result, with the accessors the shared row readers use.
struct Row {
  const Rows& rows;
  int i;
  std::string Text(int c) const { return rows.Text(i, c); }
  std::optional<std::string> OptText(int c) const { return rows.OptText(i, c); }
  int64_t Int(int c) const { return rows.Int(i, c); }
  bool IsNull(int c) const { return rows.IsNull(i, c); }
  std::string_view Blob(int c) const { return rows.Bytes(i, c); }
};

template <typename T, typename Read>
std::optional<T> First(const Rows& rows, Read read) {
  if (rows.size() == 0) return std::nullopt;
  return read(Row{rows, 0});
}

template <typename T, typename Read>
std::vector<T> All(const Rows& rows, Read read) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (int i = 0; i < rows.size(); ++i)
    out.push_back(read(Row{rows, i}));
  return out;
}

Params& AddHash(Params& p, const ledger::Hash& h) {
  return p.AddBytes(h.data(), h.size());
}

// A text[] literal for a parameter: {"a","b"} with quotes and backslashes escaped.
std::string ArrayLiteral(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string AssignExcluded(const std::string& columns, size_t key_columns) {
  std::string out;
  size_t index = 0;
  for (size_t at = 0; at <= columns.size();) {
    size_t end = columns.find(',', at);
    if (end == std::string::npos) end = columns.size();
    std::string name = columns.substr(at, end - at);
    name.erase(0, name.find_first_not_of(' '));
    if (index++ >= key_columns) {
      if (!out.empty()) out += ", ";
      out += StrCat(name, " = excluded.", name);
    }
    at = end + 1;
  }
  return out;
}

// Whether the connection's database holds a store: its meta table, in the current schema.
Result<bool> HasMeta(Conn& conn) {
  BATTRACE_ASSIGN_OR_RETURN(
      rows, conn.Query("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = "
                       "current_schema() AND tablename = 'meta'",
                       {}));
  return rows.Int(0, 0) > 0;
}

// At most this many prepared QueryEpcis statements are kept per session (EpcisQuerySql).
constexpr size_t kEpcisQueryCache = 64;

class PgStore;

struct PendingReport {
  uint64_t leaf = 0;
  ledger::Hash content_hash{}, leaf_hash{};
  StoredReport stored;
};

class PgWriteTxn : public WriteTxn {
 public:
  explicit PgWriteTxn(PgStore* store) : store_(store) {}
  ~PgWriteTxn() override;

  bool WantsReadSet() const override { return true; }
  Status Warm(const ReadSet& rows) override;
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

  // A report appended by this transaction, not yet written.
  const StoredReport* Pending(const std::string& reporter, const std::string& id) const;
  const StoredReport* PendingAt(uint64_t leaf) const;

 private:
  friend class PgStore;
  Status ApplyJudgment(const domain::Effects& effects, uint64_t leaf);
  Status Flush();
  Status WarmBatteries(std::vector<std::string> codes);
  Status WarmVehicles(const std::vector<std::string>& vins);
  // Sends the report rows buffered so far, opening the COPY when none is open.
  Status StreamReports();

  PgStore* store_;
  bool done_ = false;
  // Rows as they were when the transaction began, read ahead by Warm or on a miss (nullopt:
  // no such row).
  std::unordered_map<std::string, std::optional<domain::BatteryState>> stored_batteries_;
  std::unordered_map<std::string, std::optional<domain::VehicleState>> stored_vehicles_;
  std::unordered_map<std::string, std::optional<domain::OutletState>> stored_outlets_;
  std::map<std::pair<std::string, std::string>, std::optional<domain::ModelState>> stored_models_;
  std::map<std::pair<std::string, std::string>, std::optional<StoredReport>> stored_reports_;
  PendingRows rows_;                    // rows this transaction wrote
  std::vector<StoredReport> appended_;  // in leaf order
  std::map<std::pair<std::string, std::string>, size_t> appended_by_key_;
  // Report rows go to the server while the batch is evaluated, by a COPY kept open between
  // reads; the rules engine's statements wait for it and go at Commit, pipelined.
  CopyBuffer reports_copy_, nodes_copy_;
  std::vector<std::pair<const char*, Params>> judgments_;
  std::vector<ledger::Node> new_nodes_;
  bool registry_changed_ = false;
};

class PgStore : public Store {
 public:
  PgStore(std::string conninfo, Conn conn, OpenOptions options)
      : conninfo_(std::move(conninfo)), conn_(std::move(conn)), options_(std::move(options)) {}

  Status Initialize(bool create, const std::string& origin);

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
  // Runs the list statement `list` ("list_batteries" or "list_vehicles") of `scope`.
  Result<Rows> RunList(const std::string& list, const ListScope& scope,
                       const std::vector<std::string>& after, size_t limit);
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
  friend class PgWriteTxn;

  Status Migrate(bool create, const std::string& origin);
  // Makes a read-only store's session refuse writes (OpenOptions::read_only).
  Status SetSessionMode();
  // What a session needs before it runs the store's statements: the staging tables of a
  // writer and the prepared statements.
  Status PrepareSession();
  Status PrepareStatements();
  // A lost connection (a restart, a failover) is opened again before the next statement that
  // runs outside a transaction; a transaction in flight fails and is rolled back.
  Status Reconnect();
  Result<Rows> Run(const char* name, const Params& params = Params()) {
    if (conn_.Broken() && !txn_) BATTRACE_RETURN_IF_ERROR(Reconnect());
    auto rows = conn_.Run(name, params);
    // The loss shows on first use: a statement outside a transaction is tried once more.
    if (!rows.ok() && conn_.Broken() && !txn_ && !conn_.InTransaction()) {
      BATTRACE_RETURN_IF_ERROR(Reconnect());
      return conn_.Run(name, params);
    }
    return rows;
  }
  // Runs `body` in a transaction of its own, rolled back when `body` or the commit fails.
  // REQUIRES: no WriteTxn is open.
  Status InTransaction(const std::function<Status()>& body);
  // Takes the ledger's write lock for the open transaction and brings the tree's right edge
  // (and the registry) up to what other processes committed.
  Status LockLedger();
  // Whether this process signs checkpoints: it holds the signer lock (or takes it now).
  Result<bool> IsSigner();
  // Signs a checkpoint of the current tree and `audit` inside the open transaction.
  Result<StoredCheckpoint> InsertCheckpoint(const std::optional<AuditHead>& audit);
  // The audit chain's head as committed (nullopt: the trail is empty). One statement, so one
  // snapshot: appenders hold the audit lock until they commit, so they commit in seq order and
  // a snapshot holds a prefix of the chain, whose last row is its head.
  Result<std::optional<AuditHead>> ReadAuditHead();
  // Reads meta('verifier_key'); with a signing key, pins it when the row is missing (a store
  // from before pinning) and refuses a key that differs from the pinned one.
  Status PinVerifierKey();
  Result<const domain::RegistryIndex*> LoadRegistry();
  Result<std::vector<uint64_t>> Leaves(const char* statement, const std::string& key);
  // The duties open as of `as_of`; with `overdue` (a findings query), only those overdue and
  // narrowed by its department and date range.
  Result<std::vector<domain::Duty>> DutiesOpenAsOf(Date as_of, const FindingFilter* overdue);
  Status CoverageGaps(Date as_of, Instant end, const FindingFilter& filter,
                      std::vector<domain::Finding>* out);

  std::string conninfo_;
  Conn conn_;
  OpenOptions options_;
  std::string origin_;
  std::string pinned_key_;  // meta('verifier_key'), or empty
  std::optional<ledger::SigningKey> key_;
  ledger::Frontier frontier_;
  ledger::Frontier frontier_at_begin_;
  LastCheckpoint last_checkpoint_;
  PgWriteTxn* txn_ = nullptr;  // the open write transaction
  bool signer_ = false;
  uint64_t analyzed_size_ = 0;  // the tree size when the tables were last analyzed
  std::optional<LoadedRegistry> registry_;
  int64_t registry_version_ = 0;
  // The names of the QueryEpcis statements prepared on this session, by their SQL.
  std::map<std::string, std::string, std::less<>> epcis_queries_;
  uint64_t epcis_statements_ = 0;  // statements prepared so far, for their names
};

// ---------------------------------------------------------------------------------------------
// Opening: schema and statements.

Status PgStore::Initialize(bool create, const std::string& origin) {
  BATTRACE_RETURN_IF_ERROR(CheckOpenOptions(options_));
  BATTRACE_RETURN_IF_ERROR(SetSessionMode());
  BATTRACE_RETURN_IF_ERROR(Migrate(create, origin));
  if (options_.key_path) {
    BATTRACE_ASSIGN_OR_RETURN(key, ledger::SigningKey::FromFile(*options_.key_path));
    key_ = std::move(key);
  }
  BATTRACE_RETURN_IF_ERROR(PrepareSession());
  BATTRACE_ASSIGN_OR_RETURN(rows, conn_.Query("SELECT value FROM meta WHERE key = 'origin'", {}));
  if (rows.size() == 0) return Status::Corruption("store has no origin in its meta table");
  origin_ = rows.Text(0, 0);
  BATTRACE_RETURN_IF_ERROR(PinVerifierKey());
  BATTRACE_ASSIGN_OR_RETURN(cp, LatestCheckpoint());
  last_checkpoint_ = LastCheckpoint::Of(cp);
  if (key_) {
    BATTRACE_ASSIGN_OR_RETURN(size, TreeSize());
    analyzed_size_ = size;
  }
  return Status::Ok();
}

Status PgStore::SetSessionMode() {
  // The server refuses any write of a read-only session, whatever a bug here might try.
  if (!options_.read_only) return Status::Ok();
  return conn_.Exec("SET default_transaction_read_only = on");
}

Status PgStore::PinVerifierKey() {
  const auto read = [&]() -> Status {
    BATTRACE_ASSIGN_OR_RETURN(rows, conn_.Query("SELECT value FROM meta WHERE key = $1",
                                                Params().Add(std::string(kVerifierKeyMeta))));
    pinned_key_ = rows.size() == 0 ? "" : rows.Text(0, 0);
    return Status::Ok();
  };
  BATTRACE_RETURN_IF_ERROR(read());
  if (!key_) return Status::Ok();
  if (pinned_key_.empty()) {
    // Another process may pin at the same time: the first row stands, and is read back.
    BATTRACE_RETURN_IF_ERROR(
        conn_
            .Query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
                   Params().Add(std::string(kVerifierKeyMeta)).Add(key_->VerifierKey()))
            .status());
    BATTRACE_RETURN_IF_ERROR(read());
  }
  return CheckPinnedKey(pinned_key_, *key_);
}

Status PgStore::PrepareSession() {
  if (key_) {
    // Temporary tables that stage a batch's projection rows for one upsert each.
    BATTRACE_RETURN_IF_ERROR(
        conn_.Exec("CREATE TEMP TABLE battery_stage (LIKE battery) ON COMMIT DELETE ROWS;"
                   "CREATE TEMP TABLE vehicle_stage (LIKE vehicle) ON COMMIT DELETE ROWS;"
                   "CREATE TEMP TABLE outlet_stage (LIKE outlet) ON COMMIT DELETE ROWS;"
                   "CREATE TEMP TABLE model_stage (LIKE model) ON COMMIT DELETE ROWS;"
                   "CREATE TEMP TABLE sale_stage (LIKE sale) ON COMMIT DELETE ROWS;"));
  }
  return PrepareStatements();
}

Status PgStore::Reconnect() {
  BATTRACE_ASSIGN_OR_RETURN(conn, Conn::Connect(conninfo_));
  conn_ = std::move(conn);
  signer_ = false;         // the session that held the signer lock is gone
  epcis_queries_.clear();  // and its prepared statements
  BATTRACE_RETURN_IF_ERROR(SetSessionMode());
  return PrepareSession();
}

Status PgStore::Migrate(bool create, const std::string& origin) {
  BATTRACE_RETURN_IF_ERROR(conn_.Exec("BEGIN"));
  auto body = [&]() -> Status {
    BATTRACE_RETURN_IF_ERROR(
        conn_
            .Query("SELECT pg_advisory_xact_lock($1, $2)",
                   Params().Add(int64_t{kLockClass}).Add(int64_t{kMigrationLock}))
            .status());
    BATTRACE_ASSIGN_OR_RETURN(has_meta, HasMeta(conn_));
    int version = 0;
    if (has_meta) {
      BATTRACE_ASSIGN_OR_RETURN(
          v, conn_.Query("SELECT value FROM meta WHERE key = 'schema_version'", {}));
      if (v.size() == 0) return Status::Corruption("store has a meta table but no schema_version");
      BATTRACE_ASSIGN_OR_RETURN(stored, ParseSchemaVersion(v.Text(0, 0)));
      version = stored;
    } else if (!create) {
      return Status::FailedPrecondition(
          "this database holds no battrace store (create one with `battrace init --pg`)");
    }
    BATTRACE_RETURN_IF_ERROR(CheckSchemaVersion(version));
    if (options_.read_only && version < LatestSchemaVersion()) return OlderSchemaReadOnly(version);
    const bool fresh = version == 0;
    for (const Migration& m : Migrations()) {
      if (m.version <= version) continue;
      Status st = conn_.Exec(RenderSql(m.sql, PostgresDialect()));
      if (st.ok() && fresh && m.version == Migrations().front().version) {
        st =
            conn_.Query("INSERT INTO meta (key, value) VALUES ('origin', $1)", Params().Add(origin))
                .status();
      }
      if (st.ok()) {
        st = conn_
                 .Query(
                     "INSERT INTO meta (key, value) VALUES ('schema_version', $1) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                     Params().Add(std::to_string(m.version)))
                 .status();
      }
      if (!st.ok()) {
        return Status::IOError("migration " + std::to_string(m.version) + " (" + m.description +
                               ") failed: " + st.message());
      }
    }
    return Status::Ok();
  };
  Status st = body();
  if (st.ok()) st = conn_.Exec("COMMIT");
  if (!st.ok()) (void)conn_.Exec("ROLLBACK");
  return st;
}

Status PgStore::PrepareStatements() {
  const std::string b = kBatteryColumns, v = kVehicleColumns, r = kReportColumns,
                    o = kOutletColumns, m = kModelColumns, d = kDutyColumns, f = kFindingColumns,
                    a = kAuditColumns, t = kTokenColumns;
  // TallyFindings: the conditions of findings_at, overdue_at and sales_at, grouped.
  auto recorded = [](const std::string& month) {
    return "SELECT kind, authority_division, " + month +
           ", COUNT(*) FROM finding WHERE known_from < $1 "
           "AND (retracted_at IS NULL OR retracted_at >= $1) "
           "AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR party = $3) "
           "AND ($4::text IS NULL OR authority_department = $4) "
           "AND ($5::bigint IS NULL OR known_from >= $5) "
           "AND ($6::bigint IS NULL OR known_from < $6) GROUP BY 1, 2, 3";
  };
  const std::pair<const char*, std::string> statements[] = {
      {"find_report", "SELECT " + r + " FROM report WHERE reporter = $1 AND id = $2"},
      {"find_reports",
       "SELECT " + r +
           " FROM report WHERE (reporter, id) IN (SELECT * FROM unnest($1::text[], $2::text[]))"},
      {"report_at", "SELECT " + r + " FROM report WHERE leaf = $1"},
      {"scan_reports", "SELECT " + r + " FROM report WHERE leaf >= $1 ORDER BY leaf LIMIT $2"},
      {"node_range", "SELECT hash FROM merkle_node WHERE node BETWEEN $1 AND $2 ORDER BY node"},
      {"leaf_hashes", "SELECT leaf_hash FROM report WHERE leaf BETWEEN $1 AND $2 ORDER BY leaf"},
      {"get_battery", "SELECT " + b + " FROM battery WHERE code = $1"},
      {"get_batteries", "SELECT " + b + " FROM battery WHERE code = ANY($1::text[])"},
      {"get_vehicle", "SELECT " + v + " FROM vehicle WHERE vin = $1"},
      {"get_vehicles", "SELECT " + v + " FROM vehicle WHERE vin = ANY($1::text[])"},
      {"get_outlet", "SELECT " + o + " FROM outlet WHERE id = $1"},
      {"get_outlets", "SELECT " + o + " FROM outlet WHERE id = ANY($1::text[])"},
      {"get_model", "SELECT " + m + " FROM model WHERE maker = $1 AND model = $2"},
      {"get_models",
       "SELECT " + m +
           " FROM model WHERE (maker, model) IN (SELECT * FROM unnest($1::text[], $2::text[]))"},
      {"battery_events", "SELECT leaf FROM battery_event WHERE code = $1 ORDER BY leaf"},
      {"battery_history", std::string(kBatteryHistoryLeaves) + " ORDER BY leaf"},
      {"history_reports",
       "SELECT " + r + " FROM report WHERE leaf IN (" + kBatteryHistoryLeaves + ") ORDER BY leaf"},
      {"vehicle_history", "SELECT leaf FROM vehicle_event WHERE vin = $1 ORDER BY leaf"},
      {"in_vehicle", "SELECT " + b + " FROM battery WHERE vin = $1 ORDER BY code"},
      {"parts_of", "SELECT code FROM battery WHERE parent = $1 ORDER BY code"},
      {"insert_checkpoint",
       // A checkpoint of the same tree with a longer audit trail replaces the older one.
       "INSERT INTO checkpoint (size, created, note) VALUES ($1, $2, $3) ON CONFLICT (size) "
       "DO UPDATE SET created = excluded.created, note = excluded.note"},
      {"latest_checkpoint",
       "SELECT size, created, note FROM checkpoint ORDER BY size DESC LIMIT 1"},
      {"list_checkpoints", "SELECT size, created, note FROM checkpoint ORDER BY size"},
      {"checkpoint_note_for_update", "SELECT note FROM checkpoint WHERE size = $1 FOR UPDATE"},
      {"set_checkpoint_note", "UPDATE checkpoint SET note = $2 WHERE size = $1"},
      {"put_registry",
       "INSERT INTO registry (kind, key, division, record) VALUES ($1, $2, $3, $4) "
       "ON CONFLICT (kind, key) DO UPDATE SET division = excluded.division, "
       "record = excluded.record"},
      {"get_registry",
       "SELECT kind, key, division, record FROM registry WHERE kind = $1 AND key = $2"},
      {"all_registry", "SELECT kind, key, record FROM registry ORDER BY kind, key"},
      {"all_registry_versions",
       "SELECT " + std::string(kRegistryVersionColumns) + " FROM registry_version ORDER BY leaf"},
      {"insert_registry_version", "INSERT INTO registry_version (" +
                                      std::string(kRegistryVersionColumns) +
                                      ") VALUES ($1, $2, $3, $4, $5)"},
      {"registry_version", "SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'registry_version'"},
      {"bump_registry_version",
       "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) "
       "WHERE key = 'registry_version'"},
      {"insert_duty", "INSERT INTO obligation (" + d +
                          ", opened_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) "
                          "ON CONFLICT DO NOTHING"},
      {"discharge",
       "UPDATE obligation SET discharged_at = $1, discharged_by = $2 WHERE subject = $3 "
       "AND party = $4 AND fulfils = $5 AND discharged_at IS NULL AND retracted_at IS NULL"},
      {"retract_duties",
       "UPDATE obligation SET retracted_at = $1 WHERE evidence = $2 "
       "AND discharged_at IS NULL AND retracted_at IS NULL"},
      {"retract_findings",
       "UPDATE finding SET retracted_at = $1 WHERE id IN "
       "(SELECT finding FROM finding_evidence WHERE evidence = $2) AND retracted_at IS NULL"},
      {"retract_sales",
       "UPDATE sale SET retracted_at = $1 WHERE evidence = $2 AND retracted_at IS NULL"},
      {"insert_correction",
       "INSERT INTO correction (original, leaf, correction) VALUES ($1, $2, $3) "
       "ON CONFLICT DO NOTHING"},
      {"corrected_by",
       "SELECT correction FROM correction WHERE original = $1 ORDER BY leaf DESC LIMIT 1"},
      {"insert_finding",
       "WITH f AS (INSERT INTO finding (" + f +
           ", known_from) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id) "
           "INSERT INTO finding_evidence (evidence, finding) "
           "SELECT e, f.id FROM f, unnest($11::text[]) AS e ON CONFLICT DO NOTHING"},
      {"findings_at", "SELECT " + f +
                          ", known_from FROM finding WHERE known_from < $1 "
                          "AND (retracted_at IS NULL OR retracted_at >= $1) "
                          "AND ($2::text IS NULL OR kind = $2) "
                          "AND ($3::text IS NULL OR party = $3) "
                          "AND ($4::text IS NULL OR authority_department = $4) "
                          "AND ($5::bigint IS NULL OR known_from >= $5) "
                          "AND ($6::bigint IS NULL OR known_from < $6)"},
      {"overdue_at", DutiesOpenAt(d, "$2",
                                  "AND due < $1 AND ($3::text IS NULL OR authority_department = "
                                  "$3) AND ($4::text IS NULL OR due >= $4) AND ($5::text IS NULL "
                                  "OR due <= $5)")},
      {"open_at", DutiesOpenAt(d, "$1", "")},
      {"sales_at",
       "SELECT maker, division, article, evidence, known_from FROM sale WHERE known_from < $1 "
       "AND (retracted_at IS NULL OR retracted_at >= $1) "
       "AND ($2::text IS NULL OR $2::text = 'MIIT') AND ($3::bigint IS NULL OR known_from >= $3) "
       "AND ($4::bigint IS NULL OR known_from < $4)"},
      {"outlet_covering",
       "SELECT 1 FROM outlet WHERE owner = $1 AND division >= $2 AND division < $3 "
       "AND registered_at < $4 AND (closed = 0 OR closed_at >= $4) LIMIT 1"},
      {"tree_size", "SELECT COALESCE(MAX(leaf) + 1, 0) FROM report"},
      {"count_open_duties",
       "SELECT COUNT(*) FROM obligation WHERE discharged_at IS NULL AND retracted_at IS NULL"},
      {"outlets_in",
       "SELECT " + o + " FROM outlet WHERE division >= $1 AND division < $2 ORDER BY division, id"},
      {"list_batteries_all", ListBatteriesSql({})},
      {"list_batteries_party", ListBatteriesSql({.party = "", .division = std::nullopt})},
      {"list_batteries_division", ListBatteriesSql({.party = std::nullopt, .division = ""})},
      {"list_vehicles_all", ListVehiclesSql({})},
      {"list_vehicles_party", ListVehiclesSql({.party = "", .division = std::nullopt})},
      {"list_vehicles_division", ListVehiclesSql({.party = std::nullopt, .division = ""})},
      {"disassembly_info",
       "SELECT " + r + " FROM report WHERE type = 'model.disassembly_info' ORDER BY leaf"},
      {"model_declarations", "SELECT " + r +
                                 " FROM report WHERE type = 'battery_model.declared' AND "
                                 "reporter = $1 AND " +
                                 MayDeclareModel("(body::jsonb ->> 'model')", "$2") +
                                 " ORDER BY leaf"},
      {"batteries_by_serial",
       "SELECT " + b + " FROM battery WHERE serial = $1 ORDER BY produced_leaf, code"},
      {"insert_token", "INSERT INTO token (" + t + ") VALUES ($1, $2, $3, $4, $5)"},
      {"find_token", "SELECT " + t + " FROM token WHERE hash = $1"},
      {"revoke_token", "UPDATE token SET revoked = $1 WHERE hash = $2 AND revoked IS NULL"},
      {"list_tokens", "SELECT " + t +
                          " FROM token WHERE created < $1 OR (created = $1 AND hash < $2) "
                          "ORDER BY created DESC, hash DESC LIMIT $3"},
      {"tokens_by_prefix",
       "SELECT " + t + " FROM token WHERE hash BETWEEN $1 AND $2 ORDER BY hash LIMIT $3"},
      {"last_audit", "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"},
      {"insert_audit", "INSERT INTO audit (" + a + ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8)"},
      {"list_audit", "SELECT " + a + " FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2"},
      {"list_audit_newest",
       "SELECT " + a + " FROM audit WHERE seq < $1 ORDER BY seq DESC LIMIT $2"},
      {"lock", "SELECT pg_advisory_xact_lock($1, $2)"},
      {"last_epcis_seq", "SELECT COALESCE(MAX(seq), 0) FROM epcis_event"},
      // A capture in one statement: the events that are not duplicates, then the EPC index
      // rows of those stored; the seqs stored come back.
      {"capture_epcis",
       StrCat("WITH ins AS (INSERT INTO epcis_event (", kEpcisEventColumns,
              ") SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], "
              "$5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::bigint[], "
              "$11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[]) "
              "ON CONFLICT (owner, dedup) DO NOTHING RETURNING seq), "
              "epcs AS (INSERT INTO epcis_epc (epc, role, event) SELECT x.epc, x.role, x.event "
              "FROM unnest($17::text[], $18::text[], $19::bigint[]) AS x(epc, role, event) "
              "WHERE x.event IN (SELECT seq FROM ins) ON CONFLICT DO NOTHING) "
              "SELECT seq FROM ins ORDER BY seq")},
      {"insert_epcis_job",
       StrCat("INSERT INTO epcis_job (", kEpcisJobColumns, ") VALUES ($1, $2, $3, $4, $5)")},
      {"get_epcis_job",
       StrCat("SELECT ", kEpcisJobColumns, " FROM epcis_job WHERE capture_id = $1")},
      {"epcis_events_by_id",
       StrCat("SELECT ", kEpcisEventColumns, " FROM epcis_event WHERE event_id = $1 ORDER BY seq")},
      {"try_lock", "SELECT pg_try_advisory_lock($1, $2)::int"},
      {"upsert_batteries", "INSERT INTO battery (" + b + ") SELECT " + b +
                               " FROM battery_stage ON CONFLICT (code) DO UPDATE SET " +
                               AssignExcluded(b, 1)},
      {"upsert_vehicles", "INSERT INTO vehicle (" + v + ") SELECT " + v +
                              " FROM vehicle_stage ON CONFLICT (vin) DO UPDATE SET " +
                              AssignExcluded(v, 1)},
      {"upsert_outlets", "INSERT INTO outlet (" + o + ") SELECT " + o +
                             " FROM outlet_stage ON CONFLICT (id) DO UPDATE SET " +
                             AssignExcluded(o, 1)},
      {"upsert_models", "INSERT INTO model (" + m + ") SELECT " + m +
                            " FROM model_stage ON CONFLICT (maker, model) DO UPDATE SET " +
                            AssignExcluded(m, 2)},
      {"insert_sales",
       "INSERT INTO sale SELECT * FROM sale_stage ON CONFLICT (maker, division) DO UPDATE SET "
       "article = excluded.article, evidence = excluded.evidence, "
       "known_from = excluded.known_from, retracted_at = excluded.retracted_at "
       "WHERE sale.retracted_at IS NOT NULL"},
      {"tally_recorded", recorded("''")},
      // The Beijing month of known_from (microseconds, UTC): UTC+8 all year.
      {"tally_recorded_monthly",
       recorded("to_char(to_timestamp(known_from / 1000000 + 28800) AT TIME ZONE 'UTC', "
                "'YYYY-MM')")},
      {"tally_overdue",
       "SELECT kind, party, authority_department, authority_division, substr(due, 1, 7), "
       "COUNT(*) FROM (" +
           DutiesOpenAt("kind, party, authority_department, authority_division, due", "$2",
                        "AND due < $1 AND ($3::text IS NULL OR authority_department = $3) "
                        "AND ($4::text IS NULL OR due >= $4) AND ($5::text IS NULL OR due <= $5)") +
           ") AS d GROUP BY 1, 2, 3, 4, 5"},
      {"tally_gaps",
       "SELECT s.maker, s.division, s.article, s.evidence, s.known_from FROM sale s "
       "WHERE s.known_from < $1 AND (s.retracted_at IS NULL OR s.retracted_at >= $1) "
       "AND ($2::text IS NULL OR $2::text = 'MIIT') "
       "AND ($3::bigint IS NULL OR s.known_from >= $3) "
       "AND ($4::bigint IS NULL OR s.known_from < $4) AND " +
           SaleUncoveredAt("$1")},
      // The type is spelled out so that the planner uses the partial index report_outbound.
      {"tally_handovers",
       "SELECT reporter, body::jsonb ->> 'to', SUM(jsonb_array_length(body::jsonb -> 'codes')) "
       "FROM report WHERE type = 'battery.outbound' AND ($1::text IS NULL OR occurred >= $1) "
       "AND ($2::text IS NULL OR occurred <= $2) GROUP BY 1, 2"},
  };
  for (const auto& [name, sql] : statements) {
    // The upserts read the temporary tables only a writer has.
    if (!key_ && (std::string_view(name).starts_with("upsert_") ||
                  std::string_view(name) == "insert_sales")) {
      continue;
    }
    BATTRACE_RETURN_IF_ERROR(conn_.Prepare(name, sql));
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Writing.

Status PgStore::LockLedger() {
  BATTRACE_RETURN_IF_ERROR(
      Run("lock", Params().Add(int64_t{kLockClass}).Add(int64_t{kLedgerLock})).status());
  // Under the lock nobody else appends: the table's size is the tree's.
  BATTRACE_ASSIGN_OR_RETURN(size, TreeSize());
  if (size != frontier_.size()) {
    auto frontier = ledger::Frontier::Load(*this, size);
    if (!frontier.ok()) {
      return Status::Corruption("the ledger's right edge cannot be read (" +
                                frontier.status().message() + "): run `battrace verify`");
    }
    frontier_ = std::move(frontier).value();
  }
  return LoadRegistry().status();
}

Result<bool> PgStore::IsSigner() {
  if (!signer_) {
    BATTRACE_ASSIGN_OR_RETURN(
        rows, Run("try_lock", Params().Add(int64_t{kLockClass}).Add(int64_t{kSignerLock})));
    signer_ = rows.Int(0, 0) != 0;
  }
  return signer_;
}

Result<std::unique_ptr<WriteTxn>> PgStore::BeginWrite() {
  if (!key_) {
    return Status::FailedPrecondition("the store was opened without its signing key: cannot write");
  }
  if (txn_) return Status::FailedPrecondition("a write transaction is already open");
  if (conn_.Broken()) BATTRACE_RETURN_IF_ERROR(Reconnect());
  BATTRACE_RETURN_IF_ERROR(conn_.Exec("BEGIN"));
  frontier_at_begin_ = frontier_;
  if (Status st = LockLedger(); !st.ok()) {
    (void)conn_.Exec("ROLLBACK");
    frontier_ = frontier_at_begin_;
    return st;
  }
  frontier_at_begin_ = frontier_;
  auto txn = std::make_unique<PgWriteTxn>(this);
  txn_ = txn.get();
  return std::unique_ptr<WriteTxn>(std::move(txn));
}

PgWriteTxn::~PgWriteTxn() {
  if (!done_) {
    (void)store_->conn_.Sync();
    (void)store_->conn_.Exec("ROLLBACK");
    store_->frontier_ = store_->frontier_at_begin_;
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
      for (StoredReport& r : All<StoredReport>(found, ReadReport<Row>)) {
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
    for (domain::OutletState& o : All<domain::OutletState>(found, ReadOutlet<Row>)) {
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
    for (domain::ModelState& m : All<domain::ModelState>(found, ReadModel<Row>)) {
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
    for (domain::BatteryState& b : All<domain::BatteryState>(found, ReadBattery<Row>)) {
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
  for (domain::VehicleState& v : All<domain::VehicleState>(found, ReadVehicle<Row>)) {
    std::string vin = v.vin;
    stored_vehicles_[vin] = std::move(v);
  }
  return Status::Ok();
}

constexpr size_t kStreamBytes = size_t{256} << 10;
constexpr uint64_t kAnalyzeFrom = 1000;

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
    existing = First<StoredReport>(found, ReadReport<Row>);
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
  const uint64_t leaf = s.frontier_.size();
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
  reports_copy_.Int(static_cast<int64_t>(leaf))
      .Text(in.reporter)
      .Text(in.id)
      .Text(in.type)
      .Text(in.occurred)
      .Int(in.reported)
      .Bytes(in.content_hash.data(), in.content_hash.size())
      .Bytes(in.leaf_hash.data(), in.leaf_hash.size())
      .Text(in.body)
      .EndRow();
  appended_by_key_.emplace(key, appended_.size());
  appended_.push_back(std::move(stored));
  if (reports_copy_.data().size() >= kStreamBytes) BATTRACE_RETURN_IF_ERROR(StreamReports());
  new_nodes_.clear();
  s.frontier_.Append(in.leaf_hash, &new_nodes_);
  for (const ledger::Node& n : new_nodes_) {
    if (!common::KeepsLevel(n.id.level) || n.id.level == 0) continue;
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
    BATTRACE_RETURN_IF_ERROR(send("insert_duty", Params()
                                                     .Add(d.kind)
                                                     .Add(d.duty)
                                                     .Add(d.article)
                                                     .Add(d.party)
                                                     .Add(d.subject)
                                                     .Add(d.fulfils)
                                                     .Add(d.anchor.ToString())
                                                     .Add(d.due.ToString())
                                                     .Add(d.evidence)
                                                     .Add(d.authority.department)
                                                     .Add(d.authority.division)
                                                     .Add(d.detail)
                                                     .Add(at)));
  }
  for (const domain::Finding& f : effects.findings) {
    const std::optional<std::string> due =
        f.due ? std::optional<std::string>(f.due->ToString()) : std::nullopt;
    BATTRACE_RETURN_IF_ERROR(send("insert_finding", Params()
                                                        .Add(f.kind)
                                                        .Add(f.article)
                                                        .Add(f.party)
                                                        .Add(f.subject)
                                                        .Add(due)
                                                        .Add(EvidenceJson(f.evidence))
                                                        .Add(f.authority.department)
                                                        .Add(f.authority.division)
                                                        .Add(f.detail)
                                                        .Add(at)
                                                        .Add(ArrayLiteral(f.evidence))));
  }
  return Status::Ok();
}

Status PgWriteTxn::Flush() {
  Conn& c = store_->conn_;
  if (!reports_copy_.empty()) BATTRACE_RETURN_IF_ERROR(StreamReports());
  BATTRACE_RETURN_IF_ERROR(c.CopyEnd());
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
    CopyBuffer& out = known != stored_batteries_.end() && !known->second ? fresh : buf;
    out.Text(b.code)
        .Text(b.level)
        .Text(b.producer)
        .Text(b.chemistry)
        .Text(b.model)
        .Text(b.parent)
        .Text(b.custodian)
        .Text(b.vin)
        .Text(b.status)
        .Int(b.produced_leaf)
        .Int(b.updated_leaf)
        .Int(int64_t{b.id_complete})
        .Text(b.contested)
        .Text(b.serial)
        .EndRow();
  }
  BATTRACE_RETURN_IF_ERROR(insert_fresh("battery", kBatteryColumns));
  BATTRACE_RETURN_IF_ERROR(stage("battery_stage", kBatteryColumns, "upsert_batteries"));
  for (const auto& [vin, v] : rows_.vehicles) {
    auto known = stored_vehicles_.find(vin);
    CopyBuffer& out = known != stored_vehicles_.end() && !known->second ? fresh : buf;
    out.Text(v.vin)
        .Text(v.maker)
        .Text(v.vehicle_type)
        .Text(v.brand)
        .Text(v.model)
        .Text(v.name)
        .Int(int64_t{v.imported})
        .Int(int64_t{v.swappable})
        .Text(v.sale_date)
        .Text(v.sale_division)
        .Text(v.scrapped_date)
        .Text(v.scrap_certificate)
        .Int(v.produced_leaf)
        .Int(v.updated_leaf)
        .Text(JoinPacks(v.packs))
        .EndRow();
  }
  BATTRACE_RETURN_IF_ERROR(insert_fresh("vehicle", kVehicleColumns));
  BATTRACE_RETURN_IF_ERROR(stage("vehicle_stage", kVehicleColumns, "upsert_vehicles"));
  for (const auto& [id, o] : rows_.outlets) {
    buf.Text(o.id)
        .Text(o.owner)
        .Text(o.division)
        .Int(int64_t{o.closed})
        .Int(o.registered_at)
        .Int(o.closed_at)
        .EndRow();
  }
  BATTRACE_RETURN_IF_ERROR(stage("outlet_stage", kOutletColumns, "upsert_outlets"));
  for (const auto& [key, m] : rows_.models) {
    buf.Text(m.maker)
        .Text(m.model)
        .Text(m.first_produced)
        .Int(int64_t{m.has_disassembly_info})
        .EndRow();
  }
  BATTRACE_RETURN_IF_ERROR(stage("model_stage", kModelColumns, "upsert_models"));
  for (const auto& [key, p] : rows_.sales) {
    buf.Text(p.sale.maker)
        .Text(p.sale.division)
        .Text(p.sale.article)
        .Text(p.sale.evidence)
        .Int(p.known_from)
        .Int(p.retracted_at)
        .EndRow();
  }
  BATTRACE_RETURN_IF_ERROR(stage("sale_stage",
                                 "maker, division, article, evidence, known_from, retracted_at",
                                 "insert_sales"));
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
  const uint64_t size = s.frontier_.size();
  const LastCheckpoint before = s.last_checkpoint_;
  BATTRACE_ASSIGN_OR_RETURN(audit, s.ReadAuditHead());
  if (CheckpointDue(s.options_.checkpoints, before, size, audit, s.options_.clock->Now())) {
    BATTRACE_ASSIGN_OR_RETURN(signer, s.IsSigner());
    if (signer) BATTRACE_RETURN_IF_ERROR(s.InsertCheckpoint(audit).status());
  }
  Status st = s.conn_.Exec("COMMIT");
  if (!st.ok()) {
    s.last_checkpoint_ = before;
    return st;  // the destructor rolls back
  }
  done_ = true;
  // The first plans of a new store were made on empty tables (a sequential scan of obligation
  // for each discharge): the writer has the tables analyzed whenever the ledger has doubled
  // since it opened or last did so; autovacuum keeps them current after that.
  if (size >= kAnalyzeFrom && size >= 2 * s.analyzed_size_) {
    (void)s.conn_.Exec("ANALYZE");
    s.analyzed_size_ = size;
  }
  return Status::Ok();
}

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
                       return First<domain::OutletState>(rows, ReadOutlet<Row>);
                     });
}

Result<std::optional<domain::ModelState>> PgWriteTxn::GetModel(const std::string& maker,
                                                               const std::string& model) {
  return ReadThrough(rows_.models, stored_models_, std::make_pair(maker, model),
                     [&]() -> Result<std::optional<domain::ModelState>> {
                       BATTRACE_ASSIGN_OR_RETURN(
                           rows, store_->Run("get_model", Params().Add(maker).Add(model)));
                       return First<domain::ModelState>(rows, ReadModel<Row>);
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
  judgments_.emplace_back("put_registry",
                          Params().Add(row.kind).Add(row.key).Add(row.division).Add(row.record));
  judgments_.emplace_back("insert_registry_version", Params()
                                                         .Add(row.kind)
                                                         .Add(row.key)
                                                         .Add(effective.ToString())
                                                         .Add(static_cast<int64_t>(leaf))
                                                         .Add(row.record));
  return AddVersion(store_->registry_->history, row, effective, leaf);
}

Result<const domain::RegistryIndex*> PgStore::LoadRegistry() {
  BATTRACE_ASSIGN_OR_RETURN(v, Run("registry_version"));
  if (v.size() == 0) return Status::Corruption("store has no registry_version in its meta table");
  const int64_t version = v.Int(0, 0);
  if (registry_ && registry_version_ == version) return &registry_->current;
  registry_.reset();
  BATTRACE_ASSIGN_OR_RETURN(version_rows, Run("all_registry_versions"));
  const auto versions = All<StoredVersion>(version_rows, [](const Row& r) {
    return StoredVersion{r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Text(4)};
  });
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("all_registry"));
  BATTRACE_ASSIGN_OR_RETURN(
      loaded,
      BuildRegistry(All<StoredRecord>(rows,
                                      [](const Row& r) {
                                        return StoredRecord{r.Text(0), r.Text(1), r.Text(2)};
                                      }),
                    versions));
  registry_.emplace(std::move(loaded));
  registry_version_ = version;
  return &registry_->current;
}

Result<StoredCheckpoint> PgStore::InsertCheckpoint(const std::optional<AuditHead>& audit) {
  BATTRACE_ASSIGN_OR_RETURN(
      out, SignedCheckpoint(origin_, frontier_, audit, *key_, options_.clock->Now()));
  BATTRACE_RETURN_IF_ERROR(
      Run("insert_checkpoint",
          Params().Add(static_cast<int64_t>(out.size)).Add(out.created).Add(out.note))
          .status());
  last_checkpoint_ = {out.size, audit, out.created};
  return out;
}

Result<std::optional<AuditHead>> PgStore::ReadAuditHead() {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("last_audit"));
  return First<AuditHead>(rows, [](const Row& r) {
    return AuditHead{static_cast<uint64_t>(r.Int(0)), HashFromBytes(r.Blob(1))};
  });
}

Result<StoredCheckpoint> PgStore::SignCheckpoint() {
  if (!key_) return Status::FailedPrecondition("the store was opened without its signing key");
  BATTRACE_ASSIGN_OR_RETURN(signer, IsSigner());
  std::optional<StoredCheckpoint> result;
  BATTRACE_RETURN_IF_ERROR(InTransaction([&]() -> Status {
    BATTRACE_ASSIGN_OR_RETURN(latest, LatestCheckpoint());
    if (!signer) {
      // Another process signs; its checkpoints cover what this one appended within a second.
      if (!latest) return Status::FailedPrecondition("no checkpoint is signed yet");
      result = *latest;
      return Status::Ok();
    }
    BATTRACE_RETURN_IF_ERROR(LockLedger());
    BATTRACE_ASSIGN_OR_RETURN(audit, ReadAuditHead());
    if (latest && !LastCheckpoint::Of(latest).Behind(frontier_.size(), audit)) {
      result = *latest;
      return Status::Ok();
    }
    BATTRACE_ASSIGN_OR_RETURN(cp, InsertCheckpoint(audit));
    result = std::move(cp);
    return Status::Ok();
  }));
  return *std::move(result);
}

Status PgStore::AddCheckpointSignatures(uint64_t size, std::string_view lines) {
  return InTransaction([&]() -> Status {
    BATTRACE_ASSIGN_OR_RETURN(
        rows, Run("checkpoint_note_for_update", Params().Add(static_cast<int64_t>(size))));
    auto note = First<std::string>(rows, [](const Row& r) { return r.Text(0); });
    if (!note) return Status::NotFound("no checkpoint of size " + std::to_string(size));
    BATTRACE_ASSIGN_OR_RETURN(cosigned, NoteWithSignatures(*note, lines));
    return Run("set_checkpoint_note", Params().Add(static_cast<int64_t>(size)).Add(cosigned))
        .status();
  });
}

Status PgStore::InTransaction(const std::function<Status()>& body) {
  if (txn_) return Status::FailedPrecondition("a write transaction is open on this store");
  if (conn_.Broken()) BATTRACE_RETURN_IF_ERROR(Reconnect());
  BATTRACE_RETURN_IF_ERROR(conn_.Exec("BEGIN"));
  const ledger::Frontier before = frontier_;
  Status st = body();
  if (st.ok()) st = conn_.Exec("COMMIT");
  if (!st.ok()) {
    (void)conn_.Exec("ROLLBACK");
    frontier_ = before;
  }
  return st;
}

// ---------------------------------------------------------------------------------------------
// Reading.

Result<std::vector<StoredCheckpoint>> PgStore::ListCheckpoints() {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("list_checkpoints"));
  return All<StoredCheckpoint>(rows, ReadCheckpoint<Row>);
}

Result<std::optional<StoredCheckpoint>> PgStore::LatestCheckpoint() {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("latest_checkpoint"));
  return First<StoredCheckpoint>(rows, ReadCheckpoint<Row>);
}

Result<std::optional<RegistryRow>> PgStore::GetRegistry(const std::string& kind,
                                                        const std::string& key) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("get_registry", Params().Add(kind).Add(key)));
  return First<RegistryRow>(rows, [](const Row& r) {
    return RegistryRow{r.Text(0), r.Text(1), r.Text(2), r.Text(3)};
  });
}

Result<std::optional<StoredReport>> PgStore::GetReport(const std::string& reporter,
                                                       const std::string& id) {
  if (txn_) {
    if (const StoredReport* p = txn_->Pending(reporter, id)) return {*p};
  }
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("find_report", Params().Add(reporter).Add(id)));
  return First<StoredReport>(rows, ReadReport<Row>);
}

Result<std::optional<StoredReport>> PgStore::GetReportAt(uint64_t leaf) {
  if (txn_) {
    if (const StoredReport* p = txn_->PendingAt(leaf)) return {*p};
  }
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("report_at", Params().Add(static_cast<int64_t>(leaf))));
  return First<StoredReport>(rows, ReadReport<Row>);
}

Status PgStore::ScanReports(uint64_t from, const std::function<bool(const StoredReport&)>& fn) {
  // In pages, so that a whole ledger never sits in memory.
  constexpr int64_t kPage = 10000;
  for (;;) {
    BATTRACE_ASSIGN_OR_RETURN(
        rows, Run("scan_reports", Params().Add(static_cast<int64_t>(from)).Add(kPage)));
    for (int i = 0; i < rows.size(); ++i) {
      if (!fn(ReadReport(Row{rows, i}))) return Status::Ok();
    }
    if (rows.size() < kPage) return Status::Ok();
    from = static_cast<uint64_t>(rows.Int(rows.size() - 1, 0)) + 1;
  }
}

Result<std::optional<domain::BatteryState>> PgStore::GetBattery(const std::string& code) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("get_battery", Params().Add(code)));
  return First<domain::BatteryState>(rows, ReadBattery<Row>);
}

Result<std::optional<domain::VehicleState>> PgStore::GetVehicle(const std::string& vin) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("get_vehicle", Params().Add(vin)));
  return First<domain::VehicleState>(rows, ReadVehicle<Row>);
}

Result<std::vector<domain::BatteryState>> PgStore::BatteriesInVehicle(const std::string& vin) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("in_vehicle", Params().Add(vin)));
  return All<domain::BatteryState>(rows, ReadBattery<Row>);
}

Result<std::vector<std::string>> PgStore::PartsOf(const std::string& code) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("parts_of", Params().Add(code)));
  return All<std::string>(rows, [](const Row& r) { return r.Text(0); });
}

Result<std::vector<uint64_t>> PgStore::Leaves(const char* statement, const std::string& key) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run(statement, Params().Add(key)));
  return All<uint64_t>(rows, [](const Row& r) { return static_cast<uint64_t>(r.Int(0)); });
}

Result<std::vector<uint64_t>> PgStore::BatteryHistory(const std::string& code) {
  return Leaves("battery_history", code);
}

Result<std::vector<StoredReport>> PgStore::BatteryHistoryReports(const std::string& code) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("history_reports", Params().Add(code)));
  return All<StoredReport>(rows, ReadReport<Row>);
}

Result<std::vector<uint64_t>> PgStore::VehicleHistory(const std::string& vin) {
  return Leaves("vehicle_history", vin);
}

Result<std::optional<std::string>> PgStore::CorrectedBy(const std::string& reporter,
                                                        const std::string& id) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("corrected_by", Params().Add(reporter + "/" + id)));
  return First<std::string>(rows, [](const Row& r) { return r.Text(0); });
}

Result<std::vector<domain::Duty>> PgStore::DutiesOpenAsOf(Date as_of,
                                                          const FindingFilter* overdue) {
  BATTRACE_ASSIGN_OR_RETURN(registry, LoadRegistry());
  const Instant end = EndOfBeijingDay(as_of);
  const FindingRange range = overdue != nullptr ? RangeOf(*overdue) : FindingRange{};
  BATTRACE_ASSIGN_OR_RETURN(rows, overdue != nullptr
                                      ? Run("overdue_at", Params()
                                                              .Add(as_of.ToString())
                                                              .Add(end)
                                                              .Add(overdue->department)
                                                              .Add(range.first_day)
                                                              .Add(range.last_day))
                                      : Run("open_at", Params().Add(end)));
  std::vector<domain::Duty> out;
  out.reserve(rows.size());
  for (int i = 0; i < rows.size(); ++i) {
    BATTRACE_ASSIGN_OR_RETURN(duty, ReadDuty(Row{rows, i}));
    ShowSuccessor(*registry, duty.party, duty.authority);
    out.push_back(std::move(duty));
  }
  return out;
}

Status PgStore::CoverageGaps(Date as_of, Instant end, const FindingFilter& filter,
                             std::vector<domain::Finding>* out) {
  BATTRACE_ASSIGN_OR_RETURN(registry, LoadRegistry());
  const FindingRange range = RangeOf(filter);
  BATTRACE_ASSIGN_OR_RETURN(
      sales,
      Run("sales_at", Params().Add(end).Add(filter.department).Add(range.start).Add(range.end)));
  for (int i = 0; i < sales.size(); ++i) {
    const domain::Sale sale{sales.Text(i, 0), sales.Text(i, 1), sales.Text(i, 2), sales.Text(i, 3)};
    const DivisionRange range = RangeOfCode(sale.division);
    BATTRACE_ASSIGN_OR_RETURN(
        covered,
        Run("outlet_covering", Params().Add(sale.maker).Add(range.low).Add(range.high).Add(end)));
    if (covered.size() == 0) {
      out->push_back(CoverageGap(sale, sales.Int(i, 4), *registry, as_of));
    }
  }
  return Status::Ok();
}

Result<std::vector<domain::Finding>> PgStore::Findings(Date as_of, const FindingFilter& filter) {
  const Instant end = EndOfBeijingDay(as_of);
  const FindingRange range = RangeOf(filter);
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("findings_at", Params()
                                                         .Add(end)
                                                         .Add(filter.kind)
                                                         .Add(filter.party)
                                                         .Add(filter.department)
                                                         .Add(range.start)
                                                         .Add(range.end)));
  std::vector<domain::Finding> out;
  for (int i = 0; i < rows.size(); ++i) {
    BATTRACE_ASSIGN_OR_RETURN(f, ReadFinding(Row{rows, i}));
    f.date = BeijingDate(rows.Int(i, 9));  // known_from
    out.push_back(std::move(f));
  }
  BATTRACE_ASSIGN_OR_RETURN(overdue, DutiesOpenAsOf(as_of, &filter));
  BATTRACE_RETURN_IF_ERROR(CoverageGaps(as_of, end, filter, &out));
  BATTRACE_RETURN_IF_ERROR(FinishFindings(out, std::move(overdue), filter));
  return out;
}

Result<std::vector<domain::Duty>> PgStore::Obligations(Date as_of, const ObligationFilter& filter) {
  BATTRACE_ASSIGN_OR_RETURN(out, DutiesOpenAsOf(as_of, nullptr));
  BATTRACE_RETURN_IF_ERROR(FinishObligations(out, filter));
  return out;
}

Result<std::vector<FindingTally>> PgStore::TallyFindings(Date as_of, const FindingFilter& filter,
                                                         bool by_month) {
  BATTRACE_ASSIGN_OR_RETURN(registry, LoadRegistry());
  BATTRACE_ASSIGN_OR_RETURN(within, Within(filter.division));
  FindingTallier tally(*registry, filter, std::move(within), by_month);
  const Instant end = EndOfBeijingDay(as_of);
  const FindingRange range = RangeOf(filter);
  BATTRACE_ASSIGN_OR_RETURN(recorded, Run(by_month ? "tally_recorded_monthly" : "tally_recorded",
                                          Params()
                                              .Add(end)
                                              .Add(filter.kind)
                                              .Add(filter.party)
                                              .Add(filter.department)
                                              .Add(range.start)
                                              .Add(range.end)));
  for (int i = 0; i < recorded.size(); ++i) {
    tally.Recorded(recorded.Text(i, 0), recorded.Text(i, 1), recorded.Text(i, 2),
                   static_cast<uint64_t>(recorded.Int(i, 3)));
  }
  BATTRACE_ASSIGN_OR_RETURN(overdue, Run("tally_overdue", Params()
                                                              .Add(as_of.ToString())
                                                              .Add(end)
                                                              .Add(filter.department)
                                                              .Add(range.first_day)
                                                              .Add(range.last_day)));
  for (int i = 0; i < overdue.size(); ++i) {
    tally.Overdue(overdue.Text(i, 0), overdue.Text(i, 1), {overdue.Text(i, 2), overdue.Text(i, 3)},
                  overdue.Text(i, 4), static_cast<uint64_t>(overdue.Int(i, 5)));
  }
  BATTRACE_ASSIGN_OR_RETURN(
      gaps,
      Run("tally_gaps", Params().Add(end).Add(filter.department).Add(range.start).Add(range.end)));
  for (int i = 0; i < gaps.size(); ++i) {
    tally.Gap({gaps.Text(i, 0), gaps.Text(i, 1), gaps.Text(i, 2), gaps.Text(i, 3)}, gaps.Int(i, 4),
              as_of);
  }
  return tally.Take();
}

Result<std::vector<HandoverTally>> PgStore::TallyHandovers(std::optional<Date> from,
                                                           std::optional<Date> to) {
  std::optional<std::string> first, last;
  if (from) first = from->ToString();
  if (to) last = to->ToString();
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("tally_handovers", Params().Add(first).Add(last)));
  std::vector<HandoverTally> out;
  out.reserve(static_cast<size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    out.push_back({rows.Text(i, 0), rows.Text(i, 1), static_cast<uint64_t>(rows.Int(i, 2))});
  }
  return out;
}

Result<uint64_t> PgStore::CountOpenDuties() {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("count_open_duties"));
  return static_cast<uint64_t>(rows.Int(0, 0));
}

Result<std::vector<domain::OutletState>> PgStore::Outlets(const std::string& division) {
  BATTRACE_ASSIGN_OR_RETURN(within, Division::Parse(division));
  const std::string low = within.prefix(), high = low + ":";
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("outlets_in", Params().Add(low).Add(high)));
  return All<domain::OutletState>(rows, ReadOutlet<Row>);
}

Result<Rows> PgStore::RunList(const std::string& list, const ListScope& scope,
                              const std::vector<std::string>& after, size_t limit) {
  BATTRACE_ASSIGN_OR_RETURN(values, ListParams(scope, after));
  Params params;
  for (const std::string& v : values)
    params.Add(v);
  params.Add(static_cast<int64_t>(limit));
  const std::string name = list + (scope.division ? "_division" : scope.party ? "_party" : "_all");
  return Run(name.c_str(), params);
}

Result<std::vector<domain::BatteryState>> PgStore::ListBatteries(
    const ListScope& scope, const std::vector<std::string>& after, size_t limit) {
  BATTRACE_ASSIGN_OR_RETURN(rows, RunList("list_batteries", scope, after, limit));
  return All<domain::BatteryState>(rows, ReadBattery<Row>);
}

Result<std::vector<domain::VehicleState>> PgStore::ListVehicles(
    const ListScope& scope, const std::vector<std::string>& after, size_t limit) {
  BATTRACE_ASSIGN_OR_RETURN(rows, RunList("list_vehicles", scope, after, limit));
  return All<domain::VehicleState>(rows, ReadVehicle<Row>);
}

Result<std::vector<StoredReport>> PgStore::DisassemblyInfo(const std::string& vehicle_model) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("disassembly_info"));
  std::vector<StoredReport> out;
  for (int i = 0; i < rows.size(); ++i) {
    StoredReport r = ReadReport(Row{rows, i});
    if (IsAboutModel(r, vehicle_model)) out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<StoredReport>> PgStore::ModelDeclarations(const std::string& maker,
                                                             const std::string& model) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("model_declarations", Params().Add(maker).Add(model)));
  std::vector<StoredReport> declared;
  declared.reserve(static_cast<size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i)
    declared.push_back(ReadReport(Row{rows, i}));
  return DeclarationsOf(*this, std::move(declared), model);
}

Result<std::optional<std::string>> PgStore::FindByDigitalLink(const std::string& gtin14,
                                                              const std::string& serial) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("batteries_by_serial", Params().Add(serial)));
  return DigitalLinkHolder(*this, All<domain::BatteryState>(rows, ReadBattery<Row>), gtin14);
}

Status PgStore::ScanDerived(std::string_view table,
                            const std::function<bool(const std::string& row)>& fn) {
  const DerivedTable* derived = FindDerivedTable(table);
  if (derived == nullptr) return Status::NotFound("no derived table '" + std::string(table) + "'");
  BATTRACE_ASSIGN_OR_RETURN(rows, conn_.Query(derived->query, {}));
  for (int i = 0; i < rows.size(); ++i) {
    if (!fn(CanonicalRowOf(Row{rows, i}, derived->columns))) break;
  }
  return Status::Ok();
}

Status PgStore::PutToken(const TokenRow& t) {
  Params p;
  AddHash(p, t.hash).Add(t.principal).Add(t.created).Add(t.expires).Add(t.revoked);
  return Run("insert_token", p).status();
}

Result<std::optional<TokenRow>> PgStore::FindToken(const ledger::Hash& hash) {
  Params p;
  AddHash(p, hash);
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("find_token", p));
  return First<TokenRow>(rows, ReadToken<Row>);
}

Result<bool> PgStore::RevokeToken(const ledger::Hash& hash, Instant at) {
  Params p;
  AddHash(p.Add(at), hash);
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("revoke_token", p));
  return rows.Affected() > 0;
}

Result<std::vector<TokenRow>> PgStore::ListTokens(const std::optional<TokenCursor>& after,
                                                  size_t limit) {
  const TokenCursor from = after.value_or(TokensStart());
  Params p;
  AddHash(p.Add(from.created), from.hash).Add(static_cast<int64_t>(limit));
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("list_tokens", p));
  return All<TokenRow>(rows, ReadToken<Row>);
}

Result<std::vector<TokenRow>> PgStore::FindTokensByPrefix(std::string_view prefix, size_t limit) {
  const HashRange range = HashPrefixRange(prefix);
  Params p;
  AddHash(AddHash(p, range.first), range.last).Add(static_cast<int64_t>(limit));
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("tokens_by_prefix", p));
  return All<TokenRow>(rows, ReadToken<Row>);
}

Status PgStore::AppendAudit(std::vector<AuditEntry>& entries) {
  if (entries.empty()) return Status::Ok();
  // The chain's end is read under the audit lock, so that concurrent appenders (other
  // connections, other processes) each continue it.
  return InTransaction([&]() -> Status {
    BATTRACE_RETURN_IF_ERROR(
        Run("lock", Params().Add(int64_t{kLockClass}).Add(int64_t{kAuditLock})).status());
    BATTRACE_ASSIGN_OR_RETURN(last, ReadAuditHead());
    ChainAudit(entries, last.value_or(AuditHead{}));
    for (const AuditEntry& e : entries) {
      Params p;
      p.Add(static_cast<int64_t>(e.seq))
          .Add(e.at)
          .Add(e.principal)
          .Add(e.action)
          .Add(e.record)
          .Add(e.purpose)
          .Add(e.request_id);
      BATTRACE_RETURN_IF_ERROR(conn_.Send("insert_audit", AddHash(p, e.hash)));
    }
    return conn_.Sync();
  });
}

Result<std::vector<AuditEntry>> PgStore::ListAudit(const AuditPage& page) {
  BATTRACE_ASSIGN_OR_RETURN(
      rows,
      Run(page.newest_first ? "list_audit_newest" : "list_audit",
          Params().Add(static_cast<int64_t>(page.from)).Add(static_cast<int64_t>(page.limit))));
  return All<AuditEntry>(rows, ReadAudit<Row>);
}

Result<EpcisCaptureResult> PgStore::CaptureEpcis(EpcisCapture& capture) {
  EpcisCaptureResult result;
  BATTRACE_RETURN_IF_ERROR(InTransaction([&]() -> Status {
    result = {};
    // Under the lock captures follow one another: the largest seq stays the largest until
    // commit, and a duplicate committed by another capture is seen by the unique index.
    BATTRACE_RETURN_IF_ERROR(
        Run("lock", Params().Add(int64_t{kLockClass}).Add(int64_t{kEpcisLock})).status());
    BATTRACE_ASSIGN_OR_RETURN(last, Run("last_epcis_seq"));
    const int64_t first = last.Int(0, 0) + 1;
    // Each event is offered with seq first + its index; a duplicate leaves its seq unused.
    std::array<std::vector<std::string>, 16> columns;
    std::vector<std::string> epc, role, event;
    for (size_t i = 0; i < capture.events.size(); ++i) {
      const EpcisEvent& e = capture.events[i];
      const std::string seq = std::to_string(first + static_cast<int64_t>(i)),
                        event_time = std::to_string(e.event_time),
                        record_time = std::to_string(e.record_time);
      // In the order of kEpcisEventColumns.
      const std::string_view values[] = {
          seq,           e.event_id,   e.hash,         e.dedup,     e.owner,  e.owner_division,
          e.capture_id,  e.type,       event_time,     record_time, e.action, e.biz_step,
          e.disposition, e.read_point, e.biz_location, e.body};
      for (size_t c = 0; c < std::size(values); ++c)
        columns[c].emplace_back(values[c]);
      for (const auto& [r, value] : e.epcs) {
        epc.push_back(value);
        role.push_back(r);
        event.push_back(seq);
      }
    }
    Params p;
    for (const auto& column : columns)
      p.Add(ArrayLiteral(column));
    p.Add(ArrayLiteral(epc)).Add(ArrayLiteral(role)).Add(ArrayLiteral(event));
    BATTRACE_ASSIGN_OR_RETURN(stored, Run("capture_epcis", p));
    for (EpcisEvent& e : capture.events)
      e.seq = 0;
    for (int r = 0; r < stored.size(); ++r) {
      const int64_t seq = stored.Int(r, 0);
      capture.events[static_cast<size_t>(seq - first)].seq = static_cast<uint64_t>(seq);
    }
    result.stored = static_cast<size_t>(stored.size());
    result.duplicates = capture.events.size() - result.stored;
    return Run("insert_epcis_job", Params()
                                       .Add(capture.capture_id)
                                       .Add(capture.owner)
                                       .Add(capture.created)
                                       .Add(static_cast<int64_t>(result.stored))
                                       .Add(static_cast<int64_t>(result.duplicates)))
        .status();
  }));
  return result;
}

Result<std::optional<EpcisJob>> PgStore::GetEpcisJob(const std::string& capture_id) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("get_epcis_job", Params().Add(capture_id)));
  return First<EpcisJob>(rows, ReadEpcisJob<Row>);
}

std::string PgInList(std::string_view column, std::string_view placeholder) {
  return StrCat(column, " = ANY(", placeholder, "::text[])");
}

Result<std::vector<EpcisEvent>> PgStore::QueryEpcis(const EpcisFilter& filter) {
  BATTRACE_ASSIGN_OR_RETURN(query, EpcisQuerySql(filter, PgInList));
  if (conn_.Broken() && !txn_) BATTRACE_RETURN_IF_ERROR(Reconnect());
  auto name = epcis_queries_.find(query.sql);
  if (name == epcis_queries_.end()) {
    // The shapes a server asks for are few; an odd client's many are not kept for ever.
    if (epcis_queries_.size() >= kEpcisQueryCache) {
      for (const auto& [sql, prepared] : epcis_queries_)
        BATTRACE_RETURN_IF_ERROR(conn_.Exec("DEALLOCATE " + prepared));
      epcis_queries_.clear();
    }
    const std::string prepared = "epcis_query_" + std::to_string(++epcis_statements_);
    BATTRACE_RETURN_IF_ERROR(conn_.Prepare(prepared, query.sql));
    name = epcis_queries_.emplace(query.sql, prepared).first;
  }
  Params p;
  for (const EpcisParam& param : query.params) {
    switch (param.kind) {
      case EpcisParam::Kind::kInt:
        p.Add(param.number);
        break;
      case EpcisParam::Kind::kText:
        p.Add(param.text);
        break;
      case EpcisParam::Kind::kList:
        p.Add(ArrayLiteral(param.list));
        break;
    }
  }
  BATTRACE_ASSIGN_OR_RETURN(rows, conn_.Run(name->second, p));
  return All<EpcisEvent>(rows, ReadEpcisEvent<Row>);
}

Result<std::vector<EpcisEvent>> PgStore::GetEpcisEvents(const std::string& event_id) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("epcis_events_by_id", Params().Add(event_id)));
  return All<EpcisEvent>(rows, ReadEpcisEvent<Row>);
}

Result<uint64_t> PgStore::TreeSize() {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("tree_size"));
  return static_cast<uint64_t>(rows.Int(0, 0));
}

Status PgStore::GetNodes(std::span<const ledger::NodeId> ids, std::span<ledger::Hash> out) {
  for (size_t i = 0; i < ids.size(); ++i) {
    const NodeSpan span = SpanOf(ids[i]);
    const bool leaves = span.base == 0;
    Params p;
    if (leaves) {
      p.Add(static_cast<int64_t>(span.first))
          .Add(static_cast<int64_t>(span.first + span.count - 1));
    } else {
      p.Add(NodeKey(span.base, span.first)).Add(NodeKey(span.base, span.first + span.count - 1));
    }
    BATTRACE_ASSIGN_OR_RETURN(rows, Run(leaves ? "leaf_hashes" : "node_range", p));
    BATTRACE_ASSIGN_OR_RETURN(hash, FoldNode(ids[i], All<ledger::Hash>(rows, [](const Row& r) {
                                               return HashFromBytes(r.Blob(0));
                                             })));
    out[i] = hash;
  }
  return Status::Ok();
}

}  // namespace

Result<bool> PostgresHoldsStore(const std::string& conninfo) {
  BATTRACE_ASSIGN_OR_RETURN(conn, Conn::Connect(conninfo));
  return HasMeta(conn);
}

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& conninfo,
                                                 const OpenOptions& options,
                                                 const std::string& origin_if_created) {
  BATTRACE_ASSIGN_OR_RETURN(conn, Conn::Connect(conninfo));
  auto store = std::make_unique<PgStore>(conninfo, std::move(conn), options);
  BATTRACE_RETURN_IF_ERROR(store->Initialize(options.create, origin_if_created));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace battrace::store
