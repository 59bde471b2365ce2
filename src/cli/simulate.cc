// `battrace simulate`: writes a registry, a lifecycle of reports and the answer key of the
// findings they must yield, for tests, demos and benchmarks (docs/simulator.md).
//   battrace simulate --out DIR --vehicles N --seed S [--from DATE --to DATE] [--violations RATE]
// Writes DIR/registry.ndjson, DIR/reports.ndjson (load with `import --replay`) and
// DIR/answer-key.json. Exit codes: 0 written; 2 bad input; 1 an output or installation error.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "core/date.h"
#include "sim/simulator.h"

namespace battrace::cli {
namespace {

struct SimulateOptions {
  std::string out;
  uint64_t vehicles = 1000;
  uint64_t seed = 1;
  std::string from = "2026-04-01";
  std::string to = "2026-09-30";
  double violations = 0.02;
};

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return code;
}

int RunSimulate(const SimulateOptions& o) {
  sim::SimOptions options;
  options.vehicles = o.vehicles;
  options.seed = o.seed;
  options.violations = o.violations;
  auto from = Date::Parse(o.from, "--from");
  if (!from.ok()) return Fail(2, from.status().ToString());
  auto to = Date::Parse(o.to, "--to");
  if (!to.ok()) return Fail(2, to.status().ToString());
  options.from = *from;
  options.to = *to;
  if (Status s = sim::ValidateOptions(options); !s.ok()) return Fail(2, s.ToString());

  std::error_code ec;
  std::filesystem::create_directories(o.out, ec);
  if (ec) return Fail(1, "--out " + o.out + ": " + ec.message());
  const std::filesystem::path dir(o.out);
  std::ofstream registry(dir / "registry.ndjson", std::ios::binary | std::ios::trunc);
  std::ofstream reports(dir / "reports.ndjson", std::ios::binary | std::ios::trunc);
  if (!registry || !reports) return Fail(1, "cannot write into " + o.out);
  auto key = sim::Simulate(options, registry, reports);
  if (!key.ok()) return Fail(1, key.status().ToString());
  registry.close();
  reports.close();
  std::ofstream answer(dir / "answer-key.json", std::ios::binary | std::ios::trunc);
  answer << sim::AnswerKeyToJson(*key).dump(1) << '\n';
  answer.close();
  if (!registry || !reports || !answer) return Fail(1, "writing into " + o.out + " failed");
  std::fprintf(stderr, "%llu registry records, %llu reports, %zu findings in the answer key\n",
               static_cast<unsigned long long>(key->registry_records),
               static_cast<unsigned long long>(key->reports), key->findings.size());
  return 0;
}

}  // namespace

void RegisterSimulate(CLI::App& app, CommandList& commands) {
  auto o = std::make_shared<SimulateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "simulate", "Write a simulated registry, reports and the answer key of their findings");
  cmd->add_option("--out", o->out, "Output directory (created if missing)")->required();
  cmd->add_option("--vehicles", o->vehicles, "Number of vehicles")->required();
  cmd->add_option("--seed", o->seed, "Random seed")->required();
  cmd->add_option("--from", o->from, "First day, YYYY-MM-DD (default 2026-04-01)");
  cmd->add_option("--to", o->to,
                  "Last day and the as-of date of the answer key (default 2026-09-30)");
  cmd->add_option(
      "--violations", o->violations,
      "Share of opportunities at which each kind of violation is injected (default 0.02)");
  commands.push_back({cmd, [o] { return RunSimulate(*o); }});
}

}  // namespace battrace::cli
