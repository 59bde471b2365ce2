// The embedded engine: a Store in an SQLite file (WAL mode, synchronous=FULL, so a commit is
// durable when it returns), for one machine, with its audit trail in a second file beside it
// (AuditFilePath). Only one process writes at a time (SQLite's lock).
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace battrace::store {

// The file that holds the audit trail of the store at `db_path`: "<db_path>.audit", attached to
// every connection as schema `audit`. Each read of protected data commits an entry there, and a
// commit to a file makes SQLite's other connections drop their cached pages of that file only:
// kept apart, the trail's commits leave the readers' caches of the store warm. The two files
// are one store: copied, backed up and restored together (docs/operations.md).
std::string AuditFilePath(const std::string& db_path);

// Opens the SQLite store at `path`; with options.create, creates it (file, schema, origin).
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, const OpenOptions& options,
                                               const std::string& origin_if_created = "");

}  // namespace battrace::store
