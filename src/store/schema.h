// The store's schema as a list of forward-only migrations, shared by both engines.
//
// Migration SQL is portable; the few engine differences are placeholders each engine fills in:
//   {I64PK}  a 64-bit integer primary key       {BLOB}  a byte string column
//   {I64AUTO} a 64-bit integer primary key the engine assigns on insert
//   {NOROWID} SQLite's WITHOUT ROWID clause (empty elsewhere)
//   {TEXT}   a text column compared and sorted byte by byte, as SQLite does (PostgreSQL's
//            "C" collation), whatever the database's default collation
//   {BODY_BYTES} what makes report.body, a text column until version 10, hold byte strings:
//            PostgreSQL changes its type to BYTEA (a rewrite of the table, each body keeping its
//            bytes); SQLite needs nothing (a column of any declared type holds blobs as given)
//   {PARTITIONS} PostgreSQL's partitioning of report, battery_event and vehicle_event by leaf
//            range (a rewrite of the three tables); nothing on SQLite
//   {AUDIT_APART} SQLite's drop of the audit table from the store file, once the engine has
//            copied it into the audit trail's own file (kAuditApartVersion); PostgreSQL keeps
//            the table, and only describes it
// A store records the version it reached in meta('schema_version'); a store whose version is
// newer than this binary knows is refused, never downgraded.
#pragma once

#include <string>
#include <vector>

namespace battrace::store {

struct Migration {
  int version;
  const char* description;
  const char* sql;
};

// The migration from which an SQLite store keeps its audit trail in a file of its own beside
// the store file (store/sqlite/sqlite_store.h, AuditFilePath). Before applying it, the engine
// copies the audit table and its rows into that file in a transaction of its own, so that the
// drop never commits before the copy.
inline constexpr int kAuditApartVersion = 15;

// All migrations, in version order.
const std::vector<Migration>& Migrations();
int LatestSchemaVersion();

// What one engine writes for each placeholder.
struct Dialect {
  std::string i64pk, i64auto, blob, norowid, text, body_bytes, partitions, audit_apart;
};

const Dialect& SqliteDialect();
const Dialect& PostgresDialect();

// Replaces the placeholders for one engine.
std::string RenderSql(const std::string& sql, const Dialect& dialect);

}  // namespace battrace::store
