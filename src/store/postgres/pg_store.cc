#include "store/postgres/pg_store.h"

namespace battrace::store {

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string&, const OpenOptions&,
                                                 const std::string&) {
  return Status::FailedPrecondition("the PostgreSQL engine is being written");
}

}  // namespace battrace::store
