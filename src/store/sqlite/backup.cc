#include "store/sqlite/backup.h"

#include "store/sqlite/sqlite.h"

namespace battrace::sqlite {

Result<BackupCopy> BackupFile(const std::string& from, const std::string& to, int pages_per_step) {
  BATTRACE_ASSIGN_OR_RETURN(source, Db::Open(from, false));
  BATTRACE_ASSIGN_OR_RETURN(dest, Db::Open(to, false));
  BATTRACE_RETURN_IF_ERROR(dest.Exec("PRAGMA synchronous=FULL"));
  // BEGIN is deferred: the first read takes the snapshot the whole copy is made of.
  BATTRACE_RETURN_IF_ERROR(source.Exec("BEGIN"));
  if (Status st = source.Exec("SELECT count(*) FROM sqlite_master"); !st.ok()) {
    return Status::IOError("cannot read " + from + " (" + st.message() + ")");
  }
  sqlite3_backup* backup = sqlite3_backup_init(dest.raw(), "main", source.raw(), "main");
  if (backup == nullptr) return dest.Error("backup of " + from);
  BackupCopy copy;
  int rc = SQLITE_OK;
  while (rc == SQLITE_OK) {
    rc = sqlite3_backup_step(backup, pages_per_step);
    ++copy.steps;
  }
  copy.pages = static_cast<uint64_t>(sqlite3_backup_pagecount(backup));
  // finish returns the step's error, if any, and makes it the destination's error message.
  const int finished = sqlite3_backup_finish(backup);
  (void)source.Exec("COMMIT");  // ends the read transaction; nothing was written
  if ((rc & 0xff) != SQLITE_DONE || finished != SQLITE_OK) {
    return dest.Error("backup of " + from + " into " + to);
  }
  BATTRACE_ASSIGN_OR_RETURN(size, dest.Prepare("PRAGMA page_size"));
  BATTRACE_ASSIGN_OR_RETURN(page_size, size.OneRow([](const Stmt& st) { return st.Int(0); }));
  copy.page_size = static_cast<uint64_t>(page_size.value_or(0));
  return copy;
}

}  // namespace battrace::sqlite
