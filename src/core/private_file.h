// Files only their owner may read: the embedded store and its audit trail file (and the -wal
// and -shm files SQLite creates beside each with its mode), the receipts and rejects files of an
// import, and the TLS private key. They hold reports, token hashes and keys; docs/operations.md
// says which file gets which check.
#pragma once

#include <string>

#include "core/status.h"

namespace battrace {

// Creates `path` empty with mode 0600, whatever the umask, when nothing is there; an existing
// file is left as it is. IOError when it cannot be created.
Status CreatePrivateFile(const std::string& path);

// Ok when `path` is a regular file that neither group nor others may access (mode & 077 == 0);
// FailedPrecondition otherwise, naming `what` (e.g. "the TLS key file"), its mode and the fix.
// IOError when it cannot be examined.
Status CheckPrivateFile(const std::string& path, const std::string& what);

}  // namespace battrace
