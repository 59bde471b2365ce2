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
#include "store/findings_query.h"
#include "store/history.h"
#include "store/ledger_writer.h"
#include "store/node_layout.h"
#include "store/postgres/pg.h"
#include "store/registry_load.h"
#include "store/rows.h"
#include "store/store.h"
#include "store/stored_body.h"

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
// The same for a description with a report body, encoded by `bodies`.
template <typename Table, typename T>
void CopyRow(const Table& table, const T& row, CopyBuffer& out, common::BodyCodec& bodies) {
  rows::Write(table, row, out, bodies);
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
#include "store/write_txn_overrides.h"  // IWYU pragma: keep

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
  // (reporter, id, leaf) of each report appended, for report_key, copied at Commit.
  CopyBuffer keys_copy_;
  std::vector<std::pair<const char*, Params>> judgments_;
  bool registry_changed_ = false;
};

class PgStore : public Store {
 public:
  PgStore(std::string conninfo, Conn conn, OpenOptions options)
      : conninfo_(std::move(conninfo)),
        conn_(std::move(conn)),
        options_(std::move(options)),
        writer_(options_),
        bodies_(options_.dictionaries, [this](int64_t id) { return Dictionary(id); }) {}

  Status Initialize(bool create, const std::string& origin);

#include "store/store_overrides.h"  // IWYU pragma: keep
  Status CheckReportKeys() override;
  // Runs the list statement `list` ("list_batteries" or "list_vehicles") of `scope`.
  Result<Rows> RunList(const std::string& list, const ListScope& scope,
                       const std::vector<std::string>& after, size_t limit);

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
  // Commits the open transaction. When it stored a checkpoint (InsertCheckpoint) and this
  // session may (restore_points_), then records the PostgreSQL restore point
  // "battrace-checkpoint-<size>" (docs/operations.md, 2.2), holding the ledger lock at session
  // level from before the COMMIT to after the restore point: no other writer's leaves commit
  // between the two, so recovery to that name yields exactly the checkpoint's tree. The restore
  // point is best effort: the commit stands when it fails.
  Status Commit();
  // The audit chain's head as committed (nullopt: the trail is empty). One statement, so one
  // snapshot: appenders hold the audit lock until they commit, so they commit in seq order and
  // a snapshot holds a prefix of the chain, whose last row is its head.
  Result<std::optional<AuditHead>> ReadAuditHead();
  // Reads meta('verifier_key'); with a signing key, pins it when the row is missing (a store
  // from before pinning) and refuses a key that differs from the pinned one.
  Status PinVerifierKey();
  Result<const domain::RegistryIndex*> LoadRegistry();
  // Makes the partitions of report, battery_event and vehicle_event reach `leaf` in the open
  // transaction (battrace_partition, schema migration 11) and notes where they end.
  Status CoverLeaf(uint64_t leaf);
  Result<std::vector<uint64_t>> Leaves(const char* statement, const std::string& key);
  // The report rows of `rows`, their bodies decoded.
  Result<std::vector<StoredReport>> Reports(const Rows& rows);
  Result<std::optional<StoredReport>> FirstReport(const Rows& rows);
  // The row of body_dictionary with this id.
  Result<std::optional<common::BodyDictionary>> Dictionary(int64_t id);
  // The reads the findings and obligations lists are made of (store/findings_query.h).
  Result<common::ListReads> Lists();

  std::string conninfo_;
  Conn conn_;
  OpenOptions options_;
  std::string origin_;
  std::string pinned_key_;  // meta('verifier_key'), or empty
  // The key, the tree's right edge and its copy at BEGIN, the last checkpoint and the clock.
  LedgerWriter writer_;
  PgWriteTxn* txn_ = nullptr;  // the open write transaction
  bool signer_ = false;
  // The session may create restore points: EXECUTE on pg_create_restore_point and a wal_level
  // above minimal (checked when a writer opens).
  bool restore_points_ = false;
  std::optional<uint64_t> signed_size_;  // a checkpoint stored in the open transaction
  uint64_t analyzed_size_ = 0;           // the tree size when the tables were last analyzed
  // The end of the partitions this session knows of: a leaf below it has its partition. Zero
  // until looked up, and again after a rollback, which takes the partitions it made along.
  uint64_t partition_end_ = 0;
  std::optional<common::LoadedRegistry> registry_;
  int64_t registry_version_ = 0;
  common::BodyCodec bodies_;  // the stored form of report bodies, and its dictionaries
  // The names of the QueryEpcis statements prepared on this session, by their SQL.
  std::map<std::string, std::string, std::less<>> epcis_queries_;
  uint64_t epcis_statements_ = 0;  // statements prepared so far, for their names
};

}  // namespace battrace::store::pg_engine
