#include "store/backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "store/sqlite/backup.h"
#include "store/sqlite/sqlite_store.h"

namespace battrace::store {
namespace {

std::string ErrnoText(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// Makes what was written to the file or directory `path` durable.
Status SyncPath(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(ErrnoText("cannot open " + path));
  const bool ok = ::fsync(fd) == 0;
  Status st = ok ? Status::Ok() : Status::IOError(ErrnoText("cannot fsync " + path));
  ::close(fd);
  return st;
}

// Renames `from` to `to` unless something is at `to` (then FailedPrecondition): renameat2's
// RENAME_NOREPLACE, or, on a file system without it (NFS), a hard link and an unlink.
Status RenameNoReplace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
    return Status::Ok();
  }
  if (errno == EINVAL || errno == ENOSYS) {
    if (::link(from.c_str(), to.c_str()) == 0) {
      ::unlink(from.c_str());
      return Status::Ok();
    }
  }
  if (errno == EEXIST) {
    return Status::FailedPrecondition(to + " appeared while the backup ran: not written over");
  }
  return Status::IOError(ErrnoText("cannot rename " + from + " to " + to));
}

// The copy's tree head and latest signed checkpoint, read from it as a store (read-only: nothing
// is written, no -wal or -shm file is created beside it).
Status ReadCopy(const std::string& path, BackupResult& result) {
  OpenOptions options;
  options.read_only = true;
  BATTRACE_ASSIGN_OR_RETURN(copy, OpenSqliteStore(path, options));
  BATTRACE_ASSIGN_OR_RETURN(tree, CurrentTreeHead(*copy));
  BATTRACE_ASSIGN_OR_RETURN(checkpoint, copy->LatestCheckpoint());
  result.tree = tree;
  result.checkpoint = std::move(checkpoint);
  return Status::Ok();
}

}  // namespace

Result<BackupResult> BackupStore(const Location& from, const std::string& out,
                                 const BackupOptions& options) {
  if (from.postgres()) {
    return Status::FailedPrecondition(
        "battrace backup copies the embedded store (--db); back up a PostgreSQL store with "
        "pg_basebackup and WAL archiving, or pg_dump (docs/operations.md, section 2)");
  }
  std::error_code ec;
  if (std::filesystem::exists(from.db, ec) &&
      !std::filesystem::exists(AuditFilePath(from.db), ec)) {
    return Status::FailedPrecondition(
        from.db + " has no audit trail file beside it (" + AuditFilePath(from.db) +
        "): a store of an older version, which keeps its trail in the store file; open it once "
        "for writing with this version (battrace serve or import) to move the trail, then back "
        "it up");
  }
  const std::string out_audit = AuditFilePath(out);
  for (const std::string& path : {out, out_audit}) {
    struct stat st;
    if (::lstat(path.c_str(), &st) == 0) {
      return Status::FailedPrecondition(path +
                                        " exists already: a backup is never written over a file "
                                        "(name a new one)");
    }
    if (errno != ENOENT) return Status::IOError(ErrnoText("cannot examine " + path));
  }
  // The copy of the store file and of its audit trail file (sqlite_store.h), "<out>.tmp" and
  // the audit trail path of that, so that the pair opens as a store before it is renamed.
  const std::string tmp = out + ".tmp";
  const std::string tmp_audit = AuditFilePath(tmp);
  std::vector<std::string> created;
  const auto fail = [&created](Status why) {
    std::error_code ignored;
    for (const std::string& path : created) {
      std::filesystem::remove(path, ignored);
      std::filesystem::remove(path + "-journal", ignored);
    }
    return why;
  };
  for (const std::string& path : {tmp, tmp_audit}) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
      if (errno == EEXIST) {
        return fail(Status::FailedPrecondition(
            path +
            " exists: another backup is writing it, or one was interrupted (remove it "
            "when no backup runs)"));
      }
      return fail(Status::IOError(ErrnoText("cannot create " + path)));
    }
    created.push_back(path);
    const bool mode_set = ::fchmod(fd, 0600) == 0;  // whatever the umask
    ::close(fd);
    if (!mode_set) return fail(Status::IOError(ErrnoText("cannot set mode 0600 on " + path)));
  }

  // The store file's snapshot is taken first: the trail holds at least every entry the copy's
  // checkpoints sign.
  auto copied = sqlite::BackupFiles({{from.db, tmp}, {AuditFilePath(from.db), tmp_audit}},
                                    options.pages_per_step);
  if (!copied.ok()) return fail(copied.status());
  BackupResult result;
  result.pages = copied->pages;
  result.steps = copied->steps;
  result.bytes = copied->bytes;
  result.files = {out, out_audit};
  for (const std::string& path : {tmp, tmp_audit}) {
    if (Status synced = SyncPath(path); !synced.ok()) return fail(synced);
  }
  if (Status read = ReadCopy(tmp, result); !read.ok()) {
    return fail(Status(read.code(),
                       "the copy of " + from.db + " is not a readable store: " + read.message()));
  }
  // The trail first: a store file at `out` is a whole backup.
  if (Status renamed = RenameNoReplace(tmp_audit, out_audit); !renamed.ok()) return fail(renamed);
  created = {tmp};
  if (Status renamed = RenameNoReplace(tmp, out); !renamed.ok()) {
    std::error_code ignored;
    std::filesystem::remove(out_audit, ignored);
    return fail(renamed);
  }
  const std::filesystem::path dir = std::filesystem::path(out).parent_path();
  BATTRACE_RETURN_IF_ERROR(SyncPath(dir.empty() ? "." : dir.string()));
  return result;
}

}  // namespace battrace::store
