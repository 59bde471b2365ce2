#include "store/postgres/migrate.h"

namespace battrace::store {

Result<MigrationResult> MigrateSqliteToPostgres(const std::string&, const std::string&) {
  return Status::FailedPrecondition("the PostgreSQL engine is being written");
}

}  // namespace battrace::store
