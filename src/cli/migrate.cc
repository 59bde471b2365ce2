// `battrace migrate --db PATH --pg CONNINFO [--partition-leaves N]`: moves an embedded store into
// an empty PostgreSQL database (src/store/migrate.h); the ledger's size and root must match
// afterwards. The signing key file is not moved: commands on the new store name it with --key.
#include "store/migrate.h"

#include <iostream>

#include "cli/commands.h"
#include "cli/store_args.h"
#include "ledger/hash.h"

namespace battrace::cli {

void RegisterMigrate(CLI::App& app, CommandList& commands) {
  auto* cmd =
      app.add_subcommand("migrate", "Move an embedded store into an empty PostgreSQL database");
  auto args = std::make_shared<StoreArgs>();
  cmd->add_option("--db", args->db, std::string("from: ") + kDbHelp)->type_name("PATH")->required();
  cmd->add_option("--pg", args->pg, std::string("to: ") + kPgHelp)
      ->type_name("CONNINFO")
      ->required();
  auto partition_leaves = std::make_shared<std::optional<int64_t>>();
  cmd->add_option("--partition-leaves", *partition_leaves, kPartitionLeavesHelp)
      ->check(CLI::PositiveNumber);
  commands.push_back(
      {cmd, [args, partition_leaves] {
         auto moved = store::MigrateSqliteToPostgres(args->db, args->pg, *partition_leaves);
         if (!moved.ok()) return Fail(moved.status());
         const store::Location to{"", args->pg};
         std::cout << "migrated " << moved->rows << " rows; ledger size " << moved->reports
                   << ", root " << ledger::HashToHex(moved->root) << " on both sides\n"
                   << "from now on: --pg '" << to.ToString() << "' --key "
                   << store::DefaultKeyPath(args->db) << " (the signing key stays where it is)\n";
         return 0;
       }});
}

}  // namespace battrace::cli
