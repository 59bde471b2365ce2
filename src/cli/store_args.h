// The options every store-backed subcommand shares (--db or --pg, --key), and opening the store.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "core/lang.h"
#include "core/status.h"
#include "store/open.h"
#include "store/store.h"

namespace battrace::cli {

// Help texts of the two ways to name a store, shared by every subcommand that takes them.
inline constexpr const char* kDbHelp = "the embedded store (SQLite file)";
inline constexpr const char* kPgHelp =
    "a PostgreSQL database (libpq connection string, e.g. "
    "'host=127.0.0.1 dbname=battrace user=battrace')";
// The help of --partition-leaves, for the commands that create a PostgreSQL store.
inline constexpr const char* kPartitionLeavesHelp =
    "PostgreSQL: leaves per partition of the report and history tables (default 10000000)";

struct StoreArgs {
  std::string db;   // the embedded store's file
  std::string pg;   // a PostgreSQL connection string
  std::string key;  // the signing key file; with --db, default "<db>.key"

  // Adds --db and --pg (exactly one of them is required) and, when `with_key`, --key to `cmd`.
  void AddTo(CLI::App* cmd, bool with_key);
  store::Location Where() const { return {db, pg}; }
  // The signing key file: --key, else "<db>.key" with --db; with --pg --key has no default,
  // and its absence is a usage error.
  Result<std::string> KeyPath() const;
  // Opens the store; with `write`, also loads the signing key.
  Result<std::unique_ptr<store::Store>> Open(bool write) const;
  // Opens the store for the commands that only read (verify, proof, checkpoint, findings,
  // obligations, show): nothing is written, so a read-only copy can be examined
  // (store::OpenOptions::read_only).
  Result<std::unique_ptr<store::Store>> OpenReadOnly() const;
};

// Prints "error: <message>" to stderr, in the language of --lang (LocalizedError: in zh-CN the
// rule's Chinese sentence, then the English message), and returns the exit code for a failed
// Status (2 for usage-like errors, 1 otherwise).
int Fail(const Status& status);

// The whole content of the file at `path` (IOError "cannot read <path>").
Result<std::string> ReadFile(const std::string& path);

// The language of the command's messages: --lang, else the environment's (LangFromEnvironment).
Lang CliLang();
void SetCliLang(Lang lang);

}  // namespace battrace::cli
