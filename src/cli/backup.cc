// `battrace backup --db PATH --out FILE [--json]`: an online backup of the embedded store
// (store/backup.h) while servers and imports keep writing, and what the copy holds: its tree
// size and root, and the latest signed checkpoint in it. Restoring is copying FILE into place
// (docs/operations.md, section 2.5). A PostgreSQL store is refused, with the way to back it up.
#include "store/backup.h"

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <utility>

#include "cli/commands.h"
#include "cli/store_args.h"
#include "core/date.h"
#include "ledger/hash.h"

namespace battrace::cli {
namespace {

struct BackupArgs {
  StoreArgs store;
  std::string out;
  bool json = false;
};

int RunBackup(const BackupArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  auto done = store::BackupStore(args.store.Where(), args.out);
  if (!done.ok()) return Fail(done.status());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const double seconds =
      static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()) /
      1000;
  const std::string root = ledger::HashToBase64(done->tree.root);
  const std::string key = store::DefaultKeyPath(args.store.db);
  if (args.json) {
    nlohmann::json checkpoint = nullptr;
    if (done->checkpoint) {
      checkpoint = {{"size", done->checkpoint->size},
                    {"created", FormatTimestamp(done->checkpoint->created)},
                    {"note", done->checkpoint->note}};
    }
    nlohmann::json out;
    out["out"] = args.out;
    out["files"] = done->files;
    out["bytes"] = done->bytes;
    out["pages"] = done->pages;
    out["steps"] = done->steps;
    out["seconds"] = seconds;
    out["tree_size"] = done->tree.size;
    out["root"] = root;
    out["checkpoint"] = std::move(checkpoint);
    out["not_included"] = nlohmann::json::array({key});
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::cout << "backup: wrote " << done->files.front() << " and its audit trail "
            << done->files.back() << ": " << done->bytes << " bytes (" << done->pages
            << " pages in " << done->steps << " steps) in " << seconds << " s\n"
            << "tree size " << done->tree.size << ", root " << root << "\n";
  if (done->checkpoint) {
    std::cout << "latest checkpoint in the copy: size " << done->checkpoint->size << ", signed "
              << FormatTimestamp(done->checkpoint->created) << "\n"
              << done->checkpoint->note;
  } else {
    std::cout << "no signed checkpoint in the copy\n";
  }
  std::cout << "not in the backup: the signing key file " << key
            << " (back it up once, apart: docs/operations.md, section 2.5)\n";
  return 0;
}

}  // namespace

void RegisterBackup(CLI::App& app, CommandList& commands) {
  auto* cmd = app.add_subcommand(
      "backup", "Copy the embedded store into a new file while it is in use (online backup)");
  auto args = std::make_shared<BackupArgs>();
  args->store.AddTo(cmd, false);
  cmd->add_option("--out", args->out, "the backup file to create (never written over)")
      ->type_name("FILE")
      ->required();
  cmd->add_flag("--json", args->json,
                "print one JSON object: the copy's size, tree size and root, latest checkpoint");
  commands.push_back({cmd, [args] { return RunBackup(*args); }});
}

}  // namespace battrace::cli
