// The SQLite engine's private parts, shared by its files (sqlite_store.cc: the session;
// write_txn.cc; reads.cc; statements.cc). Nothing outside store/sqlite/ includes it.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "domain/state.h"
#include "store/findings_query.h"
#include "store/history.h"
#include "store/ledger_writer.h"
#include "store/node_layout.h"
#include "store/registry_load.h"
#include "store/rows.h"
#include "store/sqlite/sqlite.h"
#include "store/sqlite/wal_checkpointer.h"
#include "store/store.h"
#include "store/stored_body.h"

namespace battrace::store::sqlite_engine {

using sqlite::Db;
using sqlite::Stmt;
using namespace common;  // NOLINT(google-build-using-namespace): the engines' shared parts

// A writing store checkpoints the WAL on a thread of its own (WalCheckpointer); its own
// automatic checkpoint stays as a fallback at this many pages (1 GiB of 4 KiB pages), for when
// the thread falls behind.
inline constexpr int kFallbackCheckpointPages = 262144;

// At most this many prepared QueryEpcis statements are kept (EpcisQuerySql).
inline constexpr size_t kEpcisQueryCache = 64;

class SqliteStore;

// A row sink (store/rows.h) that binds each value to the next parameter of a statement, from
// `first` on. Text a codec computes is kept here until the statement runs (SQLite binds text
// without copying it): a Binder lives as long as the expression that runs its statement.
class Binder {
 public:
  explicit Binder(sqlite::Stmt& st, int first = 1) : st_(st), next_(first) {}

  Binder& Null() {
    st_.BindNull(next_++);
    return *this;
  }
  Binder& Int(int64_t v) {
    st_.Bind(next_++, v);
    return *this;
  }
  Binder& Text(std::string_view v) {
    st_.Bind(next_++, v);
    return *this;
  }
  Binder& Text(std::string&& v) {
    std::string& kept = kept_.at(kept_count_++);
    kept = std::move(v);
    st_.Bind(next_++, std::string_view(kept));
    return *this;
  }
  Binder& Bytes(const void* data, size_t size) {
    st_.BindBlob(next_++, data, size);
    return *this;
  }
  // Binds the values of `row` as the description `table` orders them.
  template <typename Table, typename T>
  Binder& Row(const Table& table, const T& row) {
    rows::Write(table, row, *this);
    return *this;
  }
  // The same for a description with a report body, encoded by `bodies`.
  template <typename Table, typename T>
  Binder& Row(const Table& table, const T& row, BodyCodec& bodies) {
    rows::Write(table, row, *this, bodies);
    return *this;
  }
  Status Run() { return st_.Run(); }

 private:
  sqlite::Stmt& st_;
  int next_;
  // At most this many computed texts in one row (a finding has two: due and evidence).
  std::array<std::string, 4> kept_;
  size_t kept_count_ = 0;
};

// Projection rows are written behind: Apply keeps the newest version of each row of the
// transaction in memory (reads see them first), and Commit writes each row once, in key order,
// with the history index entries sorted too, so that B-tree inserts land close together.
class SqliteWriteTxn : public WriteTxn {
 public:
  explicit SqliteWriteTxn(SqliteStore* store) : store_(store) {}
  ~SqliteWriteTxn() override;

#include "store/write_txn_overrides.h"  // IWYU pragma: keep

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
      : db_(std::move(db)),
        options_(std::move(options)),
        writer_(options_),
        bodies_(options_.dictionaries, [this](int64_t id) { return Dictionary(id); }) {}

  Status Initialize(const std::string& path, bool create, const std::string& origin);

#include "store/store_overrides.h"  // IWYU pragma: keep

 private:
  friend class SqliteWriteTxn;

  Status Migrate(bool create, const std::string& origin);
  // Within Migrate, before kAuditApartVersion: copies the store file's audit table, rows and
  // all, into the attached audit trail file (store/schema.h).
  Status CopyAuditTrail();
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
  // The first report row of `st` (bound), its body decoded; nullopt when there is none.
  Result<std::optional<StoredReport>> OneReport(Stmt& st);
  // Calls `fn` with each report row of `st` (bound), its body decoded, until it returns false.
  Status EachReport(Stmt& st, const std::function<bool(StoredReport&&)>& fn);
  // The row of body_dictionary with this id.
  Result<std::optional<BodyDictionary>> Dictionary(int64_t id);

  Result<ledger::Hash> NodeAt(const ledger::NodeId& id);
  // The registry index, built from the registry tables on first use and again whenever
  // meta('registry_version') changed since (a registry change of this or another connection).
  Result<const domain::RegistryIndex*> LoadRegistry();
  // The reads the findings and obligations lists are made of (store/findings_query.h).
  Result<common::ListReads> Lists();
  // list_queries_[query], bound to `params`.
  Stmt& ListStatement(common::ListQuery query, const std::vector<common::ListParam>& params);

  Db db_;
  OpenOptions options_;
  std::string origin_;
  std::string pinned_key_;  // meta('verifier_key'), or empty
  LedgerWriter writer_;     // the frontier, the key, the last checkpoint
  std::unique_ptr<sqlite::WalCheckpointer> checkpointer_;  // set when the store writes
  std::optional<LoadedRegistry> registry_;
  int64_t registry_version_ = 0;  // meta('registry_version') when registry_ was built
  BodyCodec bodies_;              // the stored form of report bodies, and its dictionaries

  std::optional<Stmt> insert_report_, find_report_, report_at_, scan_reports_, insert_node_,
      node_range_, leaf_hashes_, upsert_battery_, upsert_vehicle_, get_battery_, get_vehicle_,
      battery_event_, vehicle_event_, battery_history_, vehicle_history_, in_vehicle_, parts_of_,
      insert_checkpoint_, put_registry_, get_registry_, all_registry_, all_registry_versions_,
      insert_registry_version_, upsert_outlet_, get_outlet_, upsert_model_, get_model_,
      insert_duty_, open_duties_for_, discharge_, retract_duties_, retract_findings_,
      retract_sales_, insert_correction_, corrected_by_, insert_finding_, insert_finding_evidence_,
      insert_sale_, tree_size_, registry_version_of_, bump_registry_version_, count_open_duties_,
      outlets_in_, disassembly_info_, model_declarations_, batteries_by_serial_, insert_token_,
      find_token_, revoke_token_, list_tokens_, tokens_by_prefix_, last_audit_, insert_audit_,
      list_audit_, list_audit_newest_, dictionary_, latest_dictionary_, insert_dictionary_;
  // A battery's history: the stored rows a write transaction completes (battery_event only),
  // and its reports.
  std::optional<Stmt> battery_events_, history_reports_;
  // The counting queries of TallyFindings and TallyHandovers.
  std::optional<Stmt> tally_recorded_, tally_recorded_monthly_, tally_overdue_, tally_gaps_,
      tally_handovers_;
  // The lists' bound on the coverage gaps (ListReads::last_sale).
  std::optional<Stmt> last_sale_;
  // EPCIS: capture, jobs, events by id; QueryEpcis's statements by their SQL (EpcisQuerySql).
  std::optional<Stmt> last_epcis_seq_, insert_epcis_event_, insert_epcis_epc_, insert_epcis_job_,
      get_epcis_job_, epcis_events_by_id_;
  std::map<std::string, Stmt, std::less<>> epcis_queries_;
  // The findings and obligations lists' queries (common::ListSql).
  std::map<common::ListQuery, Stmt> list_queries_;
};

}  // namespace battrace::store::sqlite_engine
