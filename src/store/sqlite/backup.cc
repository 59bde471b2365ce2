#include "store/sqlite/backup.h"

#include "store/sqlite/sqlite.h"

namespace battrace::sqlite {
namespace {

// The schema name `files[i]` is attached as on the source connection.
std::string SchemaOf(size_t i) {
  return i == 0 ? "main" : "copy" + std::to_string(i);
}

// Copies the source's schema into the empty file `to`, adding its pages and steps to `copy`.
Status CopyOne(Db& source, const std::string& schema, const FileCopy& file, int pages_per_step,
               BackupCopy& copy) {
  BATTRACE_ASSIGN_OR_RETURN(dest, Db::Open(file.to, false));
  BATTRACE_RETURN_IF_ERROR(dest.Exec("PRAGMA synchronous=FULL"));
  sqlite3_backup* backup = sqlite3_backup_init(dest.raw(), "main", source.raw(), schema.c_str());
  if (backup == nullptr) return dest.Error("backup of " + file.from);
  int rc = SQLITE_OK;
  while (rc == SQLITE_OK) {
    rc = sqlite3_backup_step(backup, pages_per_step);
    ++copy.steps;
  }
  const auto pages = static_cast<uint64_t>(sqlite3_backup_pagecount(backup));
  // finish returns the step's error, if any, and makes it the destination's error message.
  const int finished = sqlite3_backup_finish(backup);
  if ((rc & 0xff) != SQLITE_DONE || finished != SQLITE_OK) {
    return dest.Error("backup of " + file.from + " into " + file.to);
  }
  BATTRACE_ASSIGN_OR_RETURN(size, dest.Prepare("PRAGMA page_size"));
  BATTRACE_ASSIGN_OR_RETURN(page_size, size.OneRow([](const Stmt& st) { return st.Int(0); }));
  copy.pages += pages;
  copy.bytes += pages * static_cast<uint64_t>(page_size.value_or(0));
  return Status::Ok();
}

}  // namespace

Result<BackupCopy> BackupFiles(const std::vector<FileCopy>& files, int pages_per_step) {
  BATTRACE_ASSIGN_OR_RETURN(source, Db::Open(files.front().from, false));
  for (size_t i = 1; i < files.size(); ++i) {
    BATTRACE_RETURN_IF_ERROR(source.Attach(files[i].from, SchemaOf(i), false));
  }
  // BEGIN is deferred: the first read of each file takes the snapshot its copy is made of.
  BATTRACE_RETURN_IF_ERROR(source.Exec("BEGIN"));
  for (size_t i = 0; i < files.size(); ++i) {
    if (Status st = source.Exec("SELECT count(*) FROM " + SchemaOf(i) + ".sqlite_master");
        !st.ok()) {
      (void)source.Exec("COMMIT");
      return Status::IOError("cannot read " + files[i].from + " (" + st.message() + ")");
    }
  }
  BackupCopy copy;
  Status st = Status::Ok();
  for (size_t i = 0; i < files.size() && st.ok(); ++i) {
    st = CopyOne(source, SchemaOf(i), files[i], pages_per_step, copy);
  }
  (void)source.Exec("COMMIT");  // ends the read transaction; nothing was written
  if (!st.ok()) return st;
  return copy;
}

}  // namespace battrace::sqlite
