// The PostgreSQL engine's private header: the store (pg_store.cc: the session, opening and
// migrating, checkpoints and the writes outside the ledger), its write transaction
// (write_txn.cc), its reads (reads.cc) and its prepared statements (statements.cc). Nothing
// outside store/postgres/ includes it; the engine's interface is pg_store.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ledger/checkpoint.h"
#include "store/history.h"
#include "store/ledger_writer.h"
#include "store/node_layout.h"
#include "store/postgres/pg.h"
#include "store/registry_load.h"
#include "store/rows.h"
#include "store/store.h"

namespace battrace::store::pg_engine {

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

inline Params& AddHash(Params& p, const ledger::Hash& h) {
  return p.AddBytes(h.data(), h.size());
}

// Appends `row` to `out` as one COPY row, in the columns of `table` (store/tables.h).
template <typename Table, typename T>
void CopyRow(const Table& table, const T& row, CopyBuffer& out) {
  rows::Write(table, row, out);
  out.EndRow();
}

// A text[] literal for a parameter: {"a","b"} with quotes and backslashes escaped.
std::string ArrayLiteral(const std::vector<std::string>& values);

// A row sink (store/rows.h) that appends each value of a row to the array of its column, for a
// statement that inserts many rows at once from unnest() of one array parameter per column.
// Integers and text only (no NULL, no bytes): what the rows sent so have.
class ColumnArrays {
 public:
  explicit ColumnArrays(size_t columns) : columns_(columns) {}
  ColumnArrays& Int(int64_t value) {
    columns_.at(next_++).push_back(std::to_string(value));
    return *this;
  }
  ColumnArrays& Text(std::string_view value) {
    columns_.at(next_++).emplace_back(value);
    return *this;
  }
  void EndRow() { next_ = 0; }
  // Adds one array literal (ArrayLiteral) per column to `params`, in column order.
  void AddTo(Params& params) const {
    for (const auto& column : columns_)
      params.Add(ArrayLiteral(column));
  }

 private:
  std::vector<std::vector<std::string>> columns_;
  size_t next_ = 0;
};

// At most this many prepared QueryEpcis statements are kept per session (EpcisQuerySql).
constexpr size_t kEpcisQueryCache = 64;

class PgStore;

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
  common::PendingRows rows_;            // rows this transaction wrote
  std::vector<StoredReport> appended_;  // in leaf order
  std::map<std::pair<std::string, std::string>, size_t> appended_by_key_;
  // Report rows go to the server while the batch is evaluated, by a COPY kept open between
  // reads; the rules engine's statements wait for it and go at Commit, pipelined.
  CopyBuffer reports_copy_, nodes_copy_;
  std::vector<std::pair<const char*, Params>> judgments_;
  bool registry_changed_ = false;
};

class PgStore : public Store {
 public:
  PgStore(std::string conninfo, Conn conn, OpenOptions options)
      : conninfo_(std::move(conninfo)),
        conn_(std::move(conn)),
        options_(std::move(options)),
        writer_(options_) {}

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
  // BEGIN, on a new connection when the session was lost: the loss shows on the first
  // statement after it, and no transaction was open, so BEGIN runs once more after
  // reconnecting (as Run does for a statement outside a transaction).
  Status Begin();
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
  // The key, the tree's right edge and its copy at BEGIN, the last checkpoint and the clock.
  LedgerWriter writer_;
  PgWriteTxn* txn_ = nullptr;  // the open write transaction
  bool signer_ = false;
  uint64_t analyzed_size_ = 0;  // the tree size when the tables were last analyzed
  std::optional<common::LoadedRegistry> registry_;
  int64_t registry_version_ = 0;
  // The names of the QueryEpcis statements prepared on this session, by their SQL.
  std::map<std::string, std::string, std::less<>> epcis_queries_;
  uint64_t epcis_statements_ = 0;  // statements prepared so far, for their names
};

}  // namespace battrace::store::pg_engine
