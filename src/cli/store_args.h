// The options every store-backed subcommand shares (--db, --key), and opening the store.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "core/status.h"
#include "store/store.h"

namespace battrace::cli {

struct StoreArgs {
  std::string db;   // the embedded store's file
  std::string key;  // the signing key file; default "<db>.key"

  // Adds --db (required) and, when `with_key`, --key to `cmd`.
  void AddTo(CLI::App* cmd, bool with_key);
  std::string KeyPath() const;
  // Opens the store; with `write`, also loads the signing key.
  Result<std::unique_ptr<store::Store>> Open(bool write) const;
};

// Prints "error: <message>" to stderr and returns the exit code for a failed Status
// (2 for usage-like errors, 1 otherwise).
int Fail(const Status& status);

}  // namespace battrace::cli
