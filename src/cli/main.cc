// battrace: the command line. Each subcommand lives in its own file (src/cli/<name>.cc) and is
// registered here; subcommands parse flags and call the layers, nothing more.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"battrace: traceability and digital identity of NEV power batteries"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "battrace 0.1.0");
  battrace::cli::CommandList commands;
  battrace::cli::RegisterAll(app, commands);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;  // usage errors exit 2
  }
  for (const auto& c : commands) {
    if (c.app->parsed()) return c.run();
  }
  return 2;
}
