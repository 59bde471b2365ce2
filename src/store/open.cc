#include "store/open.h"

#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"

namespace battrace::store {

std::string Location::ToString() const {
  if (!postgres()) return db;
  std::string out = pg;
  // URI form: postgresql://user:password@host/...
  if (const size_t scheme = out.find("://"); scheme != std::string::npos) {
    const size_t at = out.find('@', scheme + 3);
    const size_t colon = out.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at) {
      out.replace(colon + 1, at - colon - 1, "***");
    }
    return out;
  }
  // key=value form: password=secret or password = 'a secret'
  for (size_t from = 0;;) {
    size_t key = out.find("password", from);
    if (key == std::string::npos) return out;
    size_t v = key + 8;
    while (v < out.size() && out[v] == ' ')
      ++v;
    if (v >= out.size() || out[v] != '=') {
      from = key + 8;
      continue;
    }
    ++v;
    while (v < out.size() && out[v] == ' ')
      ++v;
    size_t end = v;
    if (end < out.size() && out[end] == '\'') {
      for (++end; end < out.size() && out[end] != '\''; ++end) {
        if (out[end] == '\\') ++end;
      }
      if (end < out.size()) ++end;
    } else {
      while (end < out.size() && out[end] != ' ')
        ++end;
    }
    out.replace(v, end - v, "***");
    from = v + 3;
  }
}

Status CheckPinnedKey(const std::string& pinned, const ledger::SigningKey& key) {
  const std::string mine = key.VerifierKey();
  if (pinned == mine) return Status::Ok();
  // "name+keyid" of a verifier key text, without the public key.
  const auto named = [](const std::string& text) { return text.substr(0, text.rfind('+')); };
  return Status::FailedPrecondition(
      "the signing key " + named(mine) + " is not the key this store was created with (" +
      "its pinned verifier key is " + named(pinned) + "): use the store's own signing key");
}

Result<std::unique_ptr<Store>> OpenStore(const Location& where, const OpenOptions& options,
                                         const std::string& origin_if_created) {
  if (where.postgres() == !where.db.empty()) {
    return Status::Invalid(where.postgres() ? "--pg" : "--db", "store.location",
                           "name the store with exactly one of --db PATH and --pg CONNINFO");
  }
  if (options.partition_leaves) {
    if (!where.postgres()) {
      return Status::Invalid("--partition-leaves", "usage",
                             "--partition-leaves applies to a PostgreSQL store (--pg): the "
                             "embedded store's tables are not partitioned");
    }
    if (!options.create || *options.partition_leaves < 1) {
      return Status::Invalid("--partition-leaves", "usage",
                             "--partition-leaves is a positive number of leaves, given when the "
                             "store is created");
    }
  }
  if (where.postgres()) return OpenPostgresStore(where.pg, options, origin_if_created);
  return OpenSqliteStore(where.db, options, origin_if_created);
}

}  // namespace battrace::store
