// `battrace migrate`: moves an embedded store into an empty PostgreSQL database, table by table
// (COPY), and checks that the ledger arrived whole. It sits above both engines (store/sqlite/,
// store/postgres/): it opens each through its own header and copies between them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"
#include "ledger/hash.h"

namespace battrace::store {

struct MigrationResult {
  uint64_t reports = 0;  // ledger size, the same on both sides
  ledger::Hash root{};   // ledger root, the same on both sides
  uint64_t rows = 0;     // rows copied, all tables
};

// Copies the SQLite store at `db_path` into the database named by `conninfo`, which must hold
// no battrace schema yet; then opens both and compares ledger size and root (an error if they
// differ). The signing key stays where it is: pass it with --key to commands on the new store.
// `partition_leaves`: the leaves of a partition of the new store (OpenOptions).
Result<MigrationResult> MigrateSqliteToPostgres(const std::string& db_path,
                                                const std::string& conninfo,
                                                std::optional<int64_t> partition_leaves);

}  // namespace battrace::store
