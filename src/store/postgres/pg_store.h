// The server engine: a Store in a PostgreSQL database, shared by any number of processes.
// Writers serialize on a transaction-level advisory lock, so the ledger keeps one order with no
// gap or duplicate; one process at a time holds the session-level signer lock and signs
// checkpoints. A commit is durable when it returns (synchronous_commit as the server sets it).
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace battrace::store {

// Opens the store in the database named by `conninfo`; with options.create, creates the schema
// and origin in an empty database.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& conninfo,
                                                 const OpenOptions& options,
                                                 const std::string& origin_if_created = "");

// Whether the database named by `conninfo` holds a battrace store already.
Result<bool> PostgresHoldsStore(const std::string& conninfo);

}  // namespace battrace::store
