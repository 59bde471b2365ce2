#include "store/migrate.h"

#include "store/postgres/pg.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite.h"
#include "store/sqlite/sqlite_store.h"
#include "store/tree_head.h"

namespace battrace::store {
namespace {

// COPY statements are sent in pieces of about this many bytes.
constexpr size_t kCopyPiece = size_t{64} << 20;

struct Table {
  std::string name;
  std::vector<std::string> columns;
  std::vector<bool> bytes;  // by column: a byte string on PostgreSQL (BYTEA)
};

// Which columns of each table are byte strings on PostgreSQL: a text value SQLite holds there
// (a report body stored before schema version 10) is copied as its bytes.
Status MarkBytes(pg::Conn& conn, std::vector<Table>& tables) {
  for (Table& t : tables) {
    BATTRACE_ASSIGN_OR_RETURN(
        rows, conn.Query("SELECT column_name::text FROM information_schema.columns WHERE "
                         "table_schema = current_schema() AND table_name = $1 AND "
                         "data_type = 'bytea'",
                         pg::Params().Add(t.name)));
    t.bytes.assign(t.columns.size(), false);
    for (int i = 0; i < rows.size(); ++i) {
      const std::string name = rows.Text(i, 0);
      for (size_t c = 0; c < t.columns.size(); ++c) {
        if (t.columns[c] == name) t.bytes[c] = true;
      }
    }
  }
  return Status::Ok();
}

Result<std::vector<Table>> TablesOf(sqlite::Db& db) {
  std::vector<Table> tables;
  // The store file's tables and the audit trail file's (attached as `audit`).
  BATTRACE_ASSIGN_OR_RETURN(
      names, db.Prepare("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT "
                        "LIKE 'sqlite_%' UNION ALL SELECT name FROM audit.sqlite_master WHERE "
                        "type = 'table' ORDER BY name"));
  BATTRACE_RETURN_IF_ERROR(names.ForEachRow([&](const sqlite::Stmt& st) {
    tables.push_back({st.Text(0), {}, {}});
    return true;
  }));
  for (Table& t : tables) {
    BATTRACE_ASSIGN_OR_RETURN(info,
                              db.Prepare("SELECT name FROM pragma_table_info(?) ORDER BY cid"));
    BATTRACE_RETURN_IF_ERROR(info.Bind(1, t.name).ForEachRow([&](const sqlite::Stmt& st) {
      t.columns.push_back(st.Text(0));
      return true;
    }));
  }
  return tables;
}

std::string Join(const std::vector<std::string>& columns) {
  std::string out;
  for (const std::string& c : columns)
    out += (out.empty() ? "" : ", ") + c;
  return out;
}

// Copies one table's rows; meta's rows (written by the schema's creation) are upserted.
Result<uint64_t> CopyTable(sqlite::Db& db, pg::Conn& conn, const Table& t) {
  const std::string columns = Join(t.columns);
  BATTRACE_ASSIGN_OR_RETURN(rows, db.Prepare("SELECT " + columns + " FROM " + t.name));
  if (t.name == "meta") {
    uint64_t n = 0;
    Status error;
    BATTRACE_RETURN_IF_ERROR(rows.ForEachRow([&](const sqlite::Stmt& st) {
      error = conn.Query(
                      "INSERT INTO meta (key, value) VALUES ($1, $2) "
                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                      pg::Params().Add(st.Text(0)).Add(st.Text(1)))
                  .status();
      ++n;
      return error.ok();
    }));
    BATTRACE_RETURN_IF_ERROR(error);
    return n;
  }
  const std::string copy = "COPY " + t.name + " (" + columns + ") FROM STDIN";
  pg::CopyBuffer buf;
  uint64_t n = 0;
  Status error;
  BATTRACE_RETURN_IF_ERROR(rows.ForEachRow([&](const sqlite::Stmt& st) {
    for (int c = 0; c < st.Columns(); ++c) {
      const int type = st.Type(c);
      if (type == SQLITE_NULL) {
        buf.Null();
      } else if (type == SQLITE_INTEGER) {
        buf.Int(st.Int(c));
      } else if (type == SQLITE_BLOB || t.bytes[static_cast<size_t>(c)]) {
        const std::string_view b = st.Blob(c);
        buf.Bytes(b.data(), b.size());
      } else {
        buf.Text(st.Text(c));
      }
    }
    buf.EndRow();
    ++n;
    if (buf.data().size() >= kCopyPiece) {
      error = conn.Copy(copy, buf.data());
      buf.clear();
    }
    return error.ok();
  }));
  BATTRACE_RETURN_IF_ERROR(error);
  if (!buf.empty()) BATTRACE_RETURN_IF_ERROR(conn.Copy(copy, buf.data()));
  return n;
}

// Makes the PostgreSQL store's partitions by leaf (schema migration 11) reach the embedded
// store's last leaf.
Status PartitionFor(sqlite::Db& db, pg::Conn& conn) {
  BATTRACE_ASSIGN_OR_RETURN(last, db.Prepare("SELECT COALESCE(MAX(leaf), 0) FROM report"));
  int64_t leaf = 0;
  BATTRACE_RETURN_IF_ERROR(last.ForEachRow([&](const sqlite::Stmt& st) {
    leaf = st.Int(0);
    return false;
  }));
  return conn.Query("SELECT battrace_partition($1)", pg::Params().Add(leaf)).status();
}

}  // namespace

Result<MigrationResult> MigrateSqliteToPostgres(const std::string& db_path,
                                                const std::string& conninfo,
                                                std::optional<int64_t> partition_leaves) {
  // Opening the embedded store first brings its schema to this binary's version.
  BATTRACE_ASSIGN_OR_RETURN(source, OpenSqliteStore(db_path, OpenOptions{}));
  BATTRACE_ASSIGN_OR_RETURN(occupied, PostgresHoldsStore(conninfo));
  if (occupied) {
    return Status::FailedPrecondition(
        "the PostgreSQL database already holds a battrace store; migrate into an empty one");
  }
  OpenOptions create;
  create.create = true;
  create.partition_leaves = partition_leaves;
  BATTRACE_ASSIGN_OR_RETURN(target, OpenPostgresStore(conninfo, create, source->Origin()));

  BATTRACE_ASSIGN_OR_RETURN(db, sqlite::Db::Open(db_path, false));
  BATTRACE_RETURN_IF_ERROR(db.Attach(AuditFilePath(db_path), "audit", false));
  BATTRACE_ASSIGN_OR_RETURN(conn, pg::Conn::Connect(conninfo));
  BATTRACE_ASSIGN_OR_RETURN(tables, TablesOf(db));
  BATTRACE_RETURN_IF_ERROR(MarkBytes(conn, tables));
  MigrationResult result;
  // One transaction on each side: a consistent snapshot in, all or nothing out.
  BATTRACE_RETURN_IF_ERROR(db.Exec("BEGIN"));
  BATTRACE_RETURN_IF_ERROR(conn.Exec("BEGIN"));
  // The partitions of the tables by leaf (schema migration 11) are made up to the last leaf
  // before the rows come.
  Status st = PartitionFor(db, conn);
  for (const Table& t : tables) {
    if (!st.ok()) break;
    auto n = CopyTable(db, conn, t);
    if (!n.ok()) {
      st = Status::IOError("copying table " + t.name + ": " + n.status().message());
      break;
    }
    result.rows += *n;
  }
  // The embedded store keeps reporter and id unique on report itself; PostgreSQL in report_key.
  if (st.ok()) {
    st = conn.Exec(
        "INSERT INTO report_key (reporter, id, leaf) SELECT reporter, id, leaf FROM report");
  }
  if (st.ok()) {
    // The identity columns continue after the copied ids.
    for (const char* table : {"obligation", "finding"}) {
      st = conn.Exec(std::string("SELECT setval(pg_get_serial_sequence('") + table +
                     "', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM " + table);
      if (!st.ok()) break;
    }
  }
  if (st.ok()) st = conn.Exec("ANALYZE");
  if (st.ok()) st = conn.Exec("COMMIT");
  (void)db.Exec("COMMIT");
  if (!st.ok()) {
    (void)conn.Exec("ROLLBACK");
    return st;
  }
  BATTRACE_ASSIGN_OR_RETURN(before, CurrentTreeHead(*source));
  BATTRACE_ASSIGN_OR_RETURN(after, CurrentTreeHead(*target));
  if (before != after) {
    return Status::Corruption(
        "after the copy the PostgreSQL ledger has size " + std::to_string(after.size) +
        " and root " + ledger::HashToHex(after.root) + ", the embedded one size " +
        std::to_string(before.size) + " and root " + ledger::HashToHex(before.root));
  }
  result.reports = after.size;
  result.root = after.root;
  return result;
}

}  // namespace battrace::store
