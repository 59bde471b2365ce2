// `battrace token issue` / `token revoke`: API bearer tokens (src/server/auth.h). The token's
// text is printed once, at issue; the store keeps only its hash.
#include <iostream>

#include "cli/commands.h"
#include "cli/store_args.h"
#include "core/clock.h"
#include "core/date.h"
#include "server/auth.h"

namespace battrace::cli {

void RegisterToken(CLI::App& app, CommandList& commands) {
  auto* token = app.add_subcommand("token", "Issue or revoke API bearer tokens");
  token->require_subcommand(1);
  {
    auto* cmd = token->add_subcommand("issue", "Issue a token; its text is shown only now");
    auto args = std::make_shared<StoreArgs>();
    auto principal = std::make_shared<std::string>();
    auto days = std::make_shared<int>(90);
    args->AddTo(cmd, false);
    cmd->add_option("--principal", *principal, "admin, enterprise:USCC or regulator:ID")
        ->required();
    cmd->add_option("--days", *days, "days until it expires")->capture_default_str();
    commands.push_back({cmd, [args, principal, days] {
                          auto store = args->Open(false);
                          if (!store.ok()) return Fail(store.status());
                          auto issued =
                              server::IssueToken(**store, *principal, *days, SystemClock().Now());
                          if (!issued.ok()) return Fail(issued.status());
                          std::cout << issued->text << "\n";
                          std::cerr << "token for " << issued->row.principal << ", expires "
                                    << FormatTimestamp(issued->row.expires)
                                    << " (shown once: store it now)\n";
                          return 0;
                        }});
  }
  {
    auto* cmd = token->add_subcommand("revoke", "Revoke a token");
    auto args = std::make_shared<StoreArgs>();
    auto text = std::make_shared<std::string>();
    args->AddTo(cmd, false);
    cmd->add_option("TOKEN", *text, "the token's text")->required();
    commands.push_back({cmd, [args, text] {
                          auto store = args->Open(false);
                          if (!store.ok()) return Fail(store.status());
                          Status st = server::RevokeToken(**store, *text, SystemClock().Now());
                          if (!st.ok()) return Fail(st);
                          std::cout << "revoked\n";
                          return 0;
                        }});
  }
}

}  // namespace battrace::cli
