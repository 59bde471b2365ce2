// The embedded engine: a Store in one SQLite file (WAL mode, synchronous=FULL, so a commit is
// durable when it returns), for one machine. Only one process writes at a time (SQLite's lock).
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace battrace::store {

// Opens the SQLite store at `path`; with options.create, creates it (file, schema, origin).
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, const OpenOptions& options,
                                               const std::string& origin_if_created = "");

}  // namespace battrace::store
