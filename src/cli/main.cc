// battrace: the command line. Each subcommand lives in its own file (src/cli/<name>.cc) and is
// registered here; subcommands parse flags and call the layers, nothing more.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"
#include "cli/store_args.h"
#include "core/lang.h"

int main(int argc, char** argv) {
  CLI::App app{"battrace: traceability and digital identity of NEV power batteries"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "battrace 0.1.0");
  // --lang may come before or after the subcommand (fallthrough, inherited by subcommands).
  std::string lang;
  app.add_option("--lang", lang,
                 "language of messages: en or zh-CN (default: zh-CN when LC_ALL, LC_MESSAGES or "
                 "LANG starts with zh, else en)");
  app.fallthrough();
  battrace::cli::CommandList commands;
  battrace::cli::RegisterAll(app, commands);
  battrace::cli::SetCliLang(battrace::LangFromEnvironment(
      std::getenv("LC_ALL"), std::getenv("LC_MESSAGES"), std::getenv("LANG")));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;  // usage errors exit 2
  }
  if (!lang.empty()) {
    auto chosen = battrace::ParseLang(lang, "--lang");
    if (!chosen.ok()) return battrace::cli::Fail(chosen.status());
    battrace::cli::SetCliLang(*chosen);
  }
  for (const auto& c : commands) {
    if (c.app->parsed()) return c.run();
  }
  return 2;
}
