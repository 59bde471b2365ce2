// The advisory locks the PostgreSQL engine takes, as (class, object) pairs, so that operators
// can find them in pg_locks (docs/operations.md).
#pragma once

#include <cstdint>

namespace battrace::store {

inline constexpr int32_t kLockClass = 0x62747263;  // "btrc"
// Transaction-level: held by the one writer appending to the ledger (and by registry updates).
inline constexpr int32_t kLedgerLock = 1;
// Session-level: held by the one process that signs checkpoints.
inline constexpr int32_t kSignerLock = 2;
// Transaction-level: held while the audit chain is continued.
inline constexpr int32_t kAuditLock = 3;
// Transaction-level: held while the schema is created or migrated.
inline constexpr int32_t kMigrationLock = 4;
// Transaction-level: held while EPCIS events are captured (seqs become visible in order).
inline constexpr int32_t kEpcisLock = 5;

}  // namespace battrace::store
