// Subcommand registry of the battrace binary. Each Register* adds one subcommand to the app and
// a function that runs it after parsing; its return value is the process exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "server/http.h"

namespace battrace::cli {

struct Command {
  CLI::App* app;
  std::function<int()> run;
};
using CommandList = std::vector<Command>;

void RegisterCodeCheck(CLI::App& app, CommandList& commands);
void RegisterCalendar(CLI::App& app, CommandList& commands);
void RegisterLedger(CLI::App& app, CommandList& commands);
void RegisterImport(CLI::App& app, CommandList& commands);
void RegisterShow(CLI::App& app, CommandList& commands);
void RegisterFindings(CLI::App& app, CommandList& commands);
void RegisterSimulate(CLI::App& app, CommandList& commands);
void RegisterServe(CLI::App& app, CommandList& commands);
void RegisterToken(CLI::App& app, CommandList& commands);
void RegisterMigrate(CLI::App& app, CommandList& commands);
void RegisterWitness(CLI::App& app, CommandList& commands);
void RegisterLabel(CLI::App& app, CommandList& commands);
void RegisterPassport(CLI::App& app, CommandList& commands);
void RegisterEpcis(CLI::App& app, CommandList& commands);
void RegisterBackup(CLI::App& app, CommandList& commands);

// Parses --listen "HOST:PORT" (IPv4 or a name) or "[V6]:PORT" into `http` (port 0: any free
// one); defined in src/cli/serve.cc, used by every command that serves.
Status ParseListen(const std::string& text, server::HttpOptions* http);

// One line per subcommand; each is defined in src/cli/<name>.cc.
inline void RegisterAll(CLI::App& app, CommandList& commands) {
  RegisterCodeCheck(app, commands);
  RegisterCalendar(app, commands);
  RegisterLedger(app, commands);
  RegisterImport(app, commands);
  RegisterShow(app, commands);
  RegisterFindings(app, commands);
  RegisterSimulate(app, commands);
  RegisterServe(app, commands);
  RegisterToken(app, commands);
  RegisterMigrate(app, commands);
  RegisterWitness(app, commands);
  RegisterLabel(app, commands);
  RegisterPassport(app, commands);
  RegisterEpcis(app, commands);
  RegisterBackup(app, commands);
}

}  // namespace battrace::cli
