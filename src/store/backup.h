// Online backups of a store, for `battrace backup` (docs/operations.md, "Backing up the embedded
// store"). The embedded store is copied with SQLite's backup API (store/sqlite/backup.h) into a
// new file while servers and imports go on writing; the copy is checked to open as a store, and
// its tree head and latest signed checkpoint are read from it. A PostgreSQL store is backed up
// with PostgreSQL's own tools (docs/operations.md, section 2), and BackupStore refuses it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/open.h"
#include "store/store.h"
#include "store/tree_head.h"

namespace battrace::store {

struct BackupOptions {
  int pages_per_step = 256;  // SQLite pages copied by each step (1 MiB of 4 KiB pages)
};

struct BackupResult {
  // The files written: the copy of the store file (`out`) and of its audit trail file
  // (AuditFilePath(out), store/sqlite/sqlite_store.h); restored together.
  std::vector<std::string> files;
  uint64_t bytes = 0;  // the copy's size, both files
  uint64_t pages = 0;
  uint64_t steps = 0;
  TreeHead tree;                               // the copy's tree: every leaf it holds
  std::optional<StoredCheckpoint> checkpoint;  // the latest signed checkpoint in the copy
};

// Copies the embedded store at `from` into the new file `out`, and its audit trail file into
// AuditFilePath(out), as they stood when the copy began (a consistent snapshot, whatever is
// written meanwhile; the trail's snapshot is taken after the store file's, so it holds every
// entry the copy's checkpoints sign): first into "<out>.tmp" and AuditFilePath("<out>.tmp")
// (mode 0600), which are fsync'd and opened as a store to read its tree head and latest
// checkpoint, then renamed (the trail first; never over an existing file) and their directory
// fsync'd. On failure nothing is left at `out` and the temporary files are removed. The signing
// key file beside the store is not copied. Errors: FailedPrecondition for a PostgreSQL store
// (naming pg_basebackup), when `out`, its trail's path or a temporary file exists, when `from`
// has no audit trail file (a store of schema 14 or older, not yet migrated), or when the copy is
// not a store of this version; NotFound when there is no store at `from`; IOError otherwise.
Result<BackupResult> BackupStore(const Location& from, const std::string& out,
                                 const BackupOptions& options = {});

}  // namespace battrace::store
