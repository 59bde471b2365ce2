#include "cli/store_args.h"

#include <iostream>

#include "store/sqlite/sqlite_store.h"

namespace battrace::cli {

void StoreArgs::AddTo(CLI::App* cmd, bool with_key) {
  cmd->add_option("--db", db, "the embedded store (SQLite file)")->required();
  if (with_key) cmd->add_option("--key", key, "signing key file (default: <db>.key)");
}

std::string StoreArgs::KeyPath() const {
  return key.empty() ? store::DefaultKeyPath(db) : key;
}

Result<std::unique_ptr<store::Store>> StoreArgs::Open(bool write) const {
  store::OpenOptions options;
  if (write) options.key_path = KeyPath();
  return store::OpenSqliteStore(db, options);
}

int Fail(const Status& status) {
  std::cerr << "error: " << (status.field().empty() ? "" : status.field() + ": ")
            << status.message();
  if (!status.rule().empty()) std::cerr << " [" << status.rule() << "]";
  std::cerr << "\n";
  return status.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

}  // namespace battrace::cli
