// An online copy of SQLite database files through SQLite's backup API
// (sqlite3_backup_init/step/finish), private to the store layer: store/backup.cc makes a store
// backup of it. Nothing here knows the battrace schema.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace battrace::sqlite {

struct FileCopy {
  std::string from;  // a database file, in WAL mode as a store keeps its files
  std::string to;    // REQUIRES: exists and is empty (the caller creates it, with its mode)
};

struct BackupCopy {
  uint64_t pages = 0;  // pages in the copies
  uint64_t bytes = 0;  // their size
  uint64_t steps = 0;  // sqlite3_backup_step calls
};

// Copies each file's database into its `to`, `pages_per_step` pages a step, and makes each copy
// durable (its commit is fsync'd, then the file once more after it is closed).
//
// The copies are the databases as they stood when the copy began, and it finishes however fast
// others write: one connection opens `files[0].from` and attaches the others, and one read
// transaction on it takes each file's snapshot, in the order given, before the first step, and
// holds them to after the last. SQLite restarts a backup from its first page when the source
// changed between two steps outside the backup's own connection; under that read transaction
// the connection keeps its snapshot, so no step sees a change and none restarts, while writers
// go on appending to the WAL (a WAL-mode reader never blocks them). Meanwhile the WAL cannot be
// reset past that snapshot, so it grows by what is written during the copy.
//
// REQUIRES: `files` is not empty; the caller may write the directories of the `from` files
// (SQLite's shared-memory files). Errors: NotFound when a `from` does not exist, IOError (or
// Corruption) with SQLite's message otherwise.
Result<BackupCopy> BackupFiles(const std::vector<FileCopy>& files, int pages_per_step);

}  // namespace battrace::sqlite
