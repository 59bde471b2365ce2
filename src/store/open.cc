#include "store/open.h"

#include <regex>

#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"

namespace battrace::store {

std::string Location::ToString() const {
  if (!postgres()) return db;
  // key=value form (password=...) and URI form (user:password@host).
  static const std::regex kKeyValue(R"((password\s*=\s*)('[^']*'|\S+))");
  static const std::regex kUri(R"((://[^:/@]*:)[^@]*@)");
  std::string out = std::regex_replace(pg, kKeyValue, "$1***");
  return std::regex_replace(out, kUri, "$1***@");
}

Result<std::unique_ptr<Store>> OpenStore(const Location& where, const OpenOptions& options,
                                         const std::string& origin_if_created) {
  if (where.postgres() == !where.db.empty()) {
    return Status::Invalid(where.postgres() ? "--pg" : "--db", "store.location",
                           "name the store with exactly one of --db PATH and --pg CONNINFO");
  }
  if (where.postgres()) return OpenPostgresStore(where.pg, options, origin_if_created);
  return OpenSqliteStore(where.db, options, origin_if_created);
}

}  // namespace battrace::store
