// The SQLite engine's session: opening, migrating, the signing key, the registry cache, and
// the write lock (BEGIN IMMEDIATE) its transactions and checkpoints take.
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
#include "store/ledger_writer.h"
#include "store/open.h"
#include "store/open_checks.h"
#include "store/registry_load.h"
#include "store/rows.h"
#include "store/schema.h"
#include "store/sqlite/sqlite.h"
#include "store/sqlite/sqlite_internal.h"
#include "store/sqlite/wal_checkpointer.h"
#include "store/tables.h"

namespace battrace::store::sqlite_engine {
namespace {

Status MissingAuditFile(const std::string& audit_path, const Status& why) {
  return Status::FailedPrecondition(
      "the store's audit trail file " + audit_path + " cannot be read (" + why.message() +
      "): it is part of the store, kept beside the store file; restore both files from one "
      "backup (docs/operations.md, section 2)");
}

}  // namespace

Status SqliteStore::Initialize(const std::string& path, bool create, const std::string& origin) {
  const std::string audit_path = AuditFilePath(path);
  if (!options_.read_only) {
    // Before the first migration that needs it, a store has no audit trail file yet.
    BATTRACE_RETURN_IF_ERROR(CreatePrivateFile(audit_path));
    BATTRACE_RETURN_IF_ERROR(db_.Attach(audit_path, "audit", false));
    // A read-only store is read in the journal mode it has (WAL, as a writer left it). Without a
    // schema, the pragma sets the mode of every attached file.
    BATTRACE_RETURN_IF_ERROR(db_.Exec("PRAGMA journal_mode=WAL"));
    BATTRACE_RETURN_IF_ERROR(db_.Exec("PRAGMA audit.synchronous=FULL"));
  }
  BATTRACE_RETURN_IF_ERROR(db_.Exec("PRAGMA synchronous=FULL"));
  BATTRACE_RETURN_IF_ERROR(db_.Exec("PRAGMA foreign_keys=OFF"));
  BATTRACE_RETURN_IF_ERROR(db_.Exec("PRAGMA temp_store=MEMORY"));
  BATTRACE_RETURN_IF_ERROR(
      db_.Exec("PRAGMA cache_size=-" + std::to_string(options_.cache_mib * 1024)));
  BATTRACE_RETURN_IF_ERROR(Migrate(create, origin));
  if (options_.read_only) {
    // A read-only store is at the latest version, so its trail is in its own file (immutable
    // when no writer has it open, as the store file is read).
    std::error_code ec;
    const bool wal = std::filesystem::exists(audit_path + "-wal", ec);
    if (Status st = db_.Attach(audit_path, "audit", !wal && !ec); !st.ok()) {
      return MissingAuditFile(audit_path, st);
    }
  }
  {
    BATTRACE_ASSIGN_OR_RETURN(
        st,
        db_.Prepare("SELECT 1 FROM audit.sqlite_master WHERE type = 'table' AND name = 'audit'"));
    BATTRACE_ASSIGN_OR_RETURN(has_trail, st.Step());
    if (!has_trail)
      return MissingAuditFile(audit_path, Status::NotFound("it holds no audit table"));
  }
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
    Status st = m.version == kAuditApartVersion ? CopyAuditTrail() : Status::Ok();
    if (st.ok()) st = db_.Exec(RenderSql(m.sql, SqliteDialect()));
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

Status SqliteStore::CopyAuditTrail() {
  // The migrations so far commit, then the table and its rows are copied in a transaction of
  // their own: were the copy in the transaction that drops the table from the store file, SQLite
  // could commit the drop first (a transaction over several WAL files is atomic in each file,
  // not across them), and a crash between the two would lose the trail. Each step is repeated
  // safely after a crash: the copy takes only rows the trail file lacks.
  BATTRACE_RETURN_IF_ERROR(db_.Exec("COMMIT"));
  BATTRACE_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  Status st = [&]() -> Status {
    BATTRACE_ASSIGN_OR_RETURN(
        ddl, db_.Prepare("SELECT sql FROM main.sqlite_master WHERE type = 'table' AND "
                         "name = 'audit'"));
    BATTRACE_ASSIGN_OR_RETURN(table, ddl.OneRow([](const Stmt& r) { return r.Text(0); }));
    if (!table) {
      // Only a store put back to an older version by hand has its trail in the file already.
      BATTRACE_ASSIGN_OR_RETURN(
          moved, db_.Prepare("SELECT 1 FROM audit.sqlite_master WHERE type = 'table' AND "
                             "name = 'audit'"));
      BATTRACE_ASSIGN_OR_RETURN(in_file, moved.Step());
      return in_file ? Status::Ok()
                     : Status::Corruption(
                           "neither the store file nor the audit trail file has "
                           "an audit table");
    }
    constexpr std::string_view kCreate = "CREATE TABLE audit ";
    if (!table->starts_with(kCreate)) {
      return Status::Corruption("the store file's audit table is not as created: " + *table);
    }
    BATTRACE_RETURN_IF_ERROR(
        db_.Exec("CREATE TABLE IF NOT EXISTS audit.audit " + table->substr(kCreate.size())));
    return db_.Exec(
        "INSERT INTO audit.audit SELECT * FROM main.audit WHERE seq > "
        "(SELECT COALESCE(MAX(seq), 0) FROM audit.audit) ORDER BY seq");
  }();
  if (!st.ok()) return st;  // the caller rolls back
  BATTRACE_RETURN_IF_ERROR(db_.Exec("COMMIT"));
  return db_.Exec("BEGIN IMMEDIATE");
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
  BATTRACE_ASSIGN_OR_RETURN(
      versions, all_registry_versions_->AllRows(rows::kReader<tables::kRegistryVersion>));
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

}  // namespace battrace::store::sqlite_engine

namespace battrace::store {

using common::CheckOpenOptions;
using sqlite::Db;
using sqlite_engine::SqliteStore;

std::string DefaultKeyPath(const std::string& db_path) {
  return db_path + ".key";
}

std::string AuditFilePath(const std::string& db_path) {
  return db_path + ".audit";
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
  if (options.key_path) {
    BATTRACE_RETURN_IF_ERROR(CheckPrivateFile(path, "the store file"));
    std::error_code ec;
    if (std::filesystem::exists(AuditFilePath(path), ec)) {
      BATTRACE_RETURN_IF_ERROR(CheckPrivateFile(AuditFilePath(path), "the audit trail file"));
    }
  }
  BATTRACE_ASSIGN_OR_RETURN(db, Db::Open(path, options.create));
  auto store = std::make_unique<SqliteStore>(std::move(db), options);
  BATTRACE_RETURN_IF_ERROR(store->Initialize(path, options.create, origin_if_created));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace battrace::store
