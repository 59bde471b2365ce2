// The store's schema as a list of forward-only migrations, shared by both engines.
//
// Migration SQL is portable; the few engine differences are placeholders each engine fills in:
//   {I64PK}  a 64-bit integer primary key       {BLOB}  a byte string column
//   {I64AUTO} a 64-bit integer primary key the engine assigns on insert
//   {NOROWID} SQLite's WITHOUT ROWID clause (empty elsewhere)
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

// All migrations, in version order.
const std::vector<Migration>& Migrations();
int LatestSchemaVersion();

// Replaces the placeholders for one engine.
std::string RenderSql(const std::string& sql, const std::string& i64pk, const std::string& i64auto,
                      const std::string& blob, const std::string& norowid);

}  // namespace battrace::store
