// Where a store lives, and opening it: an embedded SQLite file (store/sqlite/) or a PostgreSQL
// database (store/postgres/). Callers above the store layer name a Location and never an engine.
// Also the rule on which signing key may open a store: the one it pins.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "ledger/signing_key.h"
#include "store/store.h"

namespace battrace::store {

struct Location {
  std::string db;  // the embedded store's file, or empty
  std::string pg;  // a libpq connection string (key=value or URI), or empty

  bool postgres() const { return !pg.empty(); }
  // For messages: the file, or the connection string with any password masked.
  std::string ToString() const;
};

// Opens the store at `where` (exactly one of db and pg is set); with options.create, creates it
// (file or schema, origin).
Result<std::unique_ptr<Store>> OpenStore(const Location& where, const OpenOptions& options,
                                         const std::string& origin_if_created = "");

// Whether `key` may sign for a store that pins `pinned` (its verifier key text,
// Store::PinnedVerifierKey): it must be the same key. Errors (kFailedPrecondition) name both keys
// by name and key id. The engines refuse to open for writing with a key that fails this.
Status CheckPinnedKey(const std::string& pinned, const ledger::SigningKey& key);

}  // namespace battrace::store
