// An online copy of an SQLite database file through SQLite's backup API
// (sqlite3_backup_init/step/finish), private to the store layer: store/backup.cc makes a store
// backup of it. Nothing here knows the battrace schema.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace battrace::sqlite {

struct BackupCopy {
  uint64_t pages = 0;      // pages in the copy
  uint64_t page_size = 0;  // bytes a page
  uint64_t steps = 0;      // sqlite3_backup_step calls
};

// Copies the database at `from` (in WAL mode, as a store is kept) into the empty file `to`,
// `pages_per_step` pages a step, and makes the copy durable (its commit is fsync'd, then the
// file once more after it is closed).
//
// The copy is the database as it stood when the copy began, and it finishes however fast
// others write: one read transaction on `from` is held from before the first step to after the
// last. SQLite restarts a backup from its first page when the source changed between two steps
// outside the backup's own connection; under that read transaction the connection keeps its
// snapshot, so no step sees a change and none restarts, while writers go on appending to the
// WAL (a WAL-mode reader never blocks them). Meanwhile the WAL cannot be reset past that
// snapshot, so it grows by what is written during the copy.
//
// REQUIRES: `to` exists and is empty (the caller creates it, with the mode it wants); the
// caller may write `from`'s directory (SQLite's shared-memory file). Errors: NotFound when
// `from` does not exist, IOError (or Corruption) with SQLite's message otherwise.
Result<BackupCopy> BackupFile(const std::string& from, const std::string& to, int pages_per_step);

}  // namespace battrace::sqlite
