#include "store/postgres/pg_store.h"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/registry.h"
#include "ledger/checkpoint.h"
#include "store/ledger_writer.h"
#include "store/open.h"
#include "store/open_checks.h"
#include "store/postgres/pg.h"
#include "store/postgres/pg_internal.h"
#include "store/postgres/pg_locks.h"
#include "store/registry_load.h"
#include "store/rows.h"
#include "store/schema.h"
#include "store/tables.h"
#include "store/tokens_audit.h"

namespace battrace::store::pg_engine {

using namespace common;  // NOLINT(google-build-using-namespace): the engines' shared parts

namespace {

// Whether the connection's database holds a store: its meta table, in the current schema.
Result<bool> HasMeta(Conn& conn) {
  BATTRACE_ASSIGN_OR_RETURN(
      rows, conn.Query("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = "
                       "current_schema() AND tablename = 'meta'",
                       {}));
  return rows.Int(0, 0) > 0;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Opening: schema and statements.

Status PgStore::Initialize(bool create, const std::string& origin) {
  BATTRACE_RETURN_IF_ERROR(CheckOpenOptions(options_));
  BATTRACE_RETURN_IF_ERROR(SetSessionMode());
  BATTRACE_RETURN_IF_ERROR(Migrate(create, origin));
  BATTRACE_RETURN_IF_ERROR(writer_.LoadKey(options_));
  BATTRACE_RETURN_IF_ERROR(PrepareSession());
  BATTRACE_ASSIGN_OR_RETURN(rows, conn_.Query("SELECT value FROM meta WHERE key = 'origin'", {}));
  if (rows.size() == 0) return Status::Corruption("store has no origin in its meta table");
  origin_ = rows.Text(0, 0);
  BATTRACE_RETURN_IF_ERROR(PinVerifierKey());
  BATTRACE_ASSIGN_OR_RETURN(cp, LatestCheckpoint());
  writer_.SetLastCheckpoint(cp);
  if (writer_.has_key()) {
    BATTRACE_ASSIGN_OR_RETURN(size, TreeSize());
    analyzed_size_ = size;
    BATTRACE_ASSIGN_OR_RETURN(
        may,
        conn_.Query("SELECT (has_function_privilege('pg_catalog.pg_create_restore_point(text)',"
                    " 'EXECUTE') AND current_setting('wal_level') <> 'minimal')::int",
                    {}));
    restore_points_ = may.Int(0, 0) != 0;
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
  if (!writer_.has_key()) return Status::Ok();
  if (pinned_key_.empty()) {
    // Another process may pin at the same time: the first row stands, and is read back.
    BATTRACE_RETURN_IF_ERROR(
        conn_
            .Query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
                   Params().Add(std::string(kVerifierKeyMeta)).Add(writer_.key().VerifierKey()))
            .status());
    BATTRACE_RETURN_IF_ERROR(read());
  }
  return CheckPinnedKey(pinned_key_, writer_.key());
}

Status PgStore::PrepareSession() {
  if (writer_.has_key()) {
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

Status PgStore::Begin() {
  if (conn_.Broken()) BATTRACE_RETURN_IF_ERROR(Reconnect());
  Status st = conn_.Exec("BEGIN");
  if (!st.ok() && conn_.Broken()) {
    BATTRACE_RETURN_IF_ERROR(Reconnect());
    st = conn_.Exec("BEGIN");
  }
  return st;
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
        // Read by migration 11, which makes the first partition that wide.
        if (st.ok() && options_.partition_leaves) {
          st = conn_
                   .Query("INSERT INTO meta (key, value) VALUES ('partition_leaves', $1)",
                          Params().Add(std::to_string(*options_.partition_leaves)))
                   .status();
        }
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

// ---------------------------------------------------------------------------------------------
// Writing.

Status PgStore::LockLedger() {
  BATTRACE_RETURN_IF_ERROR(
      Run("lock", Params().Add(int64_t{kLockClass}).Add(int64_t{kLedgerLock})).status());
  // Under the lock nobody else appends: the table's size is the tree's.
  BATTRACE_ASSIGN_OR_RETURN(size, TreeSize());
  BATTRACE_RETURN_IF_ERROR(writer_.CatchUp(*this, size).status());
  BATTRACE_RETURN_IF_ERROR(LoadRegistry().status());
  // A dictionary another process trained is the one new bodies are compressed with.
  BATTRACE_ASSIGN_OR_RETURN(latest, Run("latest_dictionary"));
  return bodies_.Follow(latest.Int(0, 0));
}

Status PgStore::CoverLeaf(uint64_t leaf) {
  BATTRACE_ASSIGN_OR_RETURN(end, Run("partition", Params().Add(static_cast<int64_t>(leaf))));
  partition_end_ = static_cast<uint64_t>(end.Int(0, 0));
  return Status::Ok();
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
  BATTRACE_RETURN_IF_ERROR(writer_.Writable());
  if (txn_) return Status::FailedPrecondition("a write transaction is already open");
  BATTRACE_RETURN_IF_ERROR(Begin());
  // A right edge caught up under the lock is the committed tree's, kept even when the rest of
  // the locking fails.
  if (Status st = LockLedger(); !st.ok()) {
    (void)conn_.Exec("ROLLBACK");
    return st;
  }
  BATTRACE_RETURN_IF_ERROR(writer_.Begin());
  auto txn = std::make_unique<PgWriteTxn>(this);
  txn_ = txn.get();
  return std::unique_ptr<WriteTxn>(std::move(txn));
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
  BATTRACE_ASSIGN_OR_RETURN(cp, writer_.Sign(origin_, audit, [&](const StoredCheckpoint& cp) {
    Params p;
    rows::Write(tables::kCheckpoint, cp, p);
    return Run("insert_checkpoint", p).status();
  }));
  signed_size_ = cp.size;
  return cp;
}

Status PgStore::Commit() {
  const std::optional<uint64_t> size = std::exchange(signed_size_, std::nullopt);
  if (!size || !restore_points_) return conn_.Exec("COMMIT");
  const Params ledger = Params().Add(int64_t{kLockClass}).Add(int64_t{kLedgerLock});
  // This session holds the lock at transaction level already, so it is granted at once.
  BATTRACE_RETURN_IF_ERROR(conn_.Query("SELECT pg_advisory_lock($1, $2)", ledger).status());
  Status st = conn_.Exec("COMMIT");
  if (st.ok()) {
    (void)conn_.Query("SELECT pg_create_restore_point($1)::text",
                      Params().Add("battrace-checkpoint-" + std::to_string(*size)));
  }
  // A session-level lock outlives its transaction, committed or not; a lost session took it
  // along.
  (void)conn_.Query("SELECT pg_advisory_unlock($1, $2)", ledger);
  return st;
}

Result<std::optional<AuditHead>> PgStore::ReadAuditHead() {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("last_audit"));
  return First<AuditHead>(rows, [](const Row& r) {
    return AuditHead{static_cast<uint64_t>(r.Int(0)), HashFromBytes(r.Blob(1))};
  });
}

Result<StoredCheckpoint> PgStore::SignCheckpoint() {
  if (!writer_.has_key()) {
    return Status::FailedPrecondition("the store was opened without its signing key");
  }
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
    if (latest && !LastCheckpoint::Of(latest).Behind(writer_.next_leaf(), audit)) {
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
  BATTRACE_RETURN_IF_ERROR(Begin());
  BATTRACE_RETURN_IF_ERROR(writer_.Begin());
  Status st = body();
  if (st.ok()) st = Commit();
  if (st.ok()) {
    writer_.Committed();
  } else {
    signed_size_.reset();
    (void)conn_.Exec("ROLLBACK");
    writer_.RolledBack();
  }
  return st;
}

// ---------------------------------------------------------------------------------------------
// Writes outside the ledger: tokens, the audit trail, EPCIS captures.

Status PgStore::PutToken(const TokenRow& t) {
  Params p;
  rows::Write(tables::kToken, t, p);
  return Run("insert_token", p).status();
}

Result<bool> PgStore::RevokeToken(const ledger::Hash& hash, Instant at) {
  Params p;
  AddHash(p.Add(at), hash);
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("revoke_token", p));
  return rows.Affected() > 0;
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
      rows::Write(tables::kAudit, e, p);
      BATTRACE_RETURN_IF_ERROR(conn_.Send("insert_audit", p));
    }
    return conn_.Sync();
  });
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
    ColumnArrays columns(tables::kEpcisEvent.kColumns);
    std::vector<std::string> epc, role, event;
    for (size_t i = 0; i < capture.events.size(); ++i) {
      EpcisEvent& e = capture.events[i];
      e.seq = static_cast<uint64_t>(first) + i;
      rows::Write(tables::kEpcisEvent, e, columns);
      columns.EndRow();
      for (const auto& [r, value] : e.epcs) {
        epc.push_back(value);
        role.push_back(r);
        event.push_back(std::to_string(e.seq));
      }
      e.seq = 0;  // until it is stored
    }
    Params p;
    columns.AddTo(p);
    p.Add(ArrayLiteral(epc)).Add(ArrayLiteral(role)).Add(ArrayLiteral(event));
    BATTRACE_ASSIGN_OR_RETURN(stored, Run("capture_epcis", p));
    for (int r = 0; r < stored.size(); ++r) {
      const int64_t seq = stored.Int(r, 0);
      capture.events[static_cast<size_t>(seq - first)].seq = static_cast<uint64_t>(seq);
    }
    result.stored = static_cast<size_t>(stored.size());
    result.duplicates = capture.events.size() - result.stored;
    Params job;
    rows::Write(tables::kEpcisJob,
                EpcisJob{capture.capture_id, capture.owner, capture.created, result.stored,
                         result.duplicates},
                job);
    return Run("insert_epcis_job", job).status();
  }));
  return result;
}

}  // namespace battrace::store::pg_engine

namespace battrace::store {

Result<bool> PostgresHoldsStore(const std::string& conninfo) {
  BATTRACE_ASSIGN_OR_RETURN(conn, pg::Conn::Connect(conninfo));
  return pg_engine::HasMeta(conn);
}

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& conninfo,
                                                 const OpenOptions& options,
                                                 const std::string& origin_if_created) {
  BATTRACE_ASSIGN_OR_RETURN(conn, pg::Conn::Connect(conninfo));
  auto store = std::make_unique<pg_engine::PgStore>(conninfo, std::move(conn), options);
  BATTRACE_RETURN_IF_ERROR(store->Initialize(options.create, origin_if_created));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace battrace::store
