#include "cli/store_args.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "core/rule_text.h"

namespace battrace::cli {

void StoreArgs::AddTo(CLI::App* cmd, bool with_key) {
  auto* where = cmd->add_option_group("store", "where the store lives");
  where->add_option("--db", db, kDbHelp)->type_name("PATH");
  where->add_option("--pg", pg, kPgHelp)->type_name("CONNINFO");
  where->require_option(1);
  if (with_key) {
    cmd->add_option("--key", key,
                    "signing key file (default with --db: <db>.key; required with --pg)");
  }
}

Result<std::string> StoreArgs::KeyPath() const {
  if (!key.empty()) return key;
  if (!pg.empty()) {
    return Status::Invalid("", "usage", "--key is required with --pg (the signing key file)");
  }
  return store::DefaultKeyPath(db);
}

Result<std::unique_ptr<store::Store>> StoreArgs::Open(bool write) const {
  store::OpenOptions options;
  if (write) {
    BATTRACE_ASSIGN_OR_RETURN(path, KeyPath());
    options.key_path = path;
  }
  return store::OpenStore(Where(), options);
}

Result<std::unique_ptr<store::Store>> StoreArgs::OpenReadOnly() const {
  store::OpenOptions options;
  options.read_only = true;
  return store::OpenStore(Where(), options);
}

namespace {
Lang cli_lang = Lang::kEn;
}  // namespace

Lang CliLang() {
  return cli_lang;
}
void SetCliLang(Lang lang) {
  cli_lang = lang;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int Fail(const Status& status) {
  std::cerr << (cli_lang == Lang::kZhCn ? "错误: " : "error: ") << LocalizedError(status, cli_lang)
            << "\n";
  return status.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

}  // namespace battrace::cli
