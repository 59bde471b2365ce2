// `battrace code check`: normalize, parse and validate battery codes, VINs, USCCs and division
// codes, one per argument or one per line of standard input.
#include "core/code_check.h"

#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace battrace::cli {
namespace {

struct CodeCheckOptions {
  std::string kind = "auto";
  bool strict = false;
  bool lenient = false;
  bool json = false;
  std::vector<std::string> inputs;
};

nlohmann::json IssuesToJson(const std::vector<CodeIssue>& issues) {
  nlohmann::json out = nlohmann::json::array();
  for (const CodeIssue& e : issues) {
    out.push_back(
        {{"position", e.position}, {"field", e.field}, {"rule", e.rule}, {"message", e.message}});
  }
  return out;
}

nlohmann::json ToJson(const CodeCheck& c) {
  nlohmann::json fields = nlohmann::json::object();
  for (const auto& [name, value] : c.fields)
    fields[name] = value;
  nlohmann::json out = {{"input", c.input},
                        {"normalized", c.normalized},
                        {"kind", c.kind},
                        {"valid", c.valid},
                        {"fields", fields}};
  if (!c.extracted_from.empty()) out["extracted_from"] = c.extracted_from;
  out["errors"] = IssuesToJson(c.errors);
  out["warnings"] = IssuesToJson(c.warnings);
  return out;
}

// "[rule]" or "at 9 [rule]" for an issue's place.
void PrintIssue(const char* what, const CodeIssue& e) {
  std::cout << "  " << what;
  if (e.position > 0) std::cout << " at " << e.position;
  std::cout << " [" << e.rule << "]: " << e.message << "\n";
}

void PrintText(const CodeCheck& c) {
  std::cout << (c.valid ? "valid   " : "INVALID ") << c.kind << " " << c.normalized;
  if (!c.extracted_from.empty()) std::cout << "  (extracted from " << c.extracted_from << ")";
  if (c.normalized != c.input) std::cout << "  (scanned: " << c.input << ")";
  std::cout << "\n";
  for (const auto& [name, value] : c.fields)
    std::cout << "  " << name << ": " << value << "\n";
  for (const CodeIssue& e : c.errors)
    PrintIssue("error", e);
  for (const CodeIssue& w : c.warnings)
    PrintIssue("warning", w);
}

int Run(const CodeCheckOptions& o) {
  const CodeKind kind = o.kind == "battery"    ? CodeKind::kBattery
                        : o.kind == "vin"      ? CodeKind::kVin
                        : o.kind == "uscc"     ? CodeKind::kUscc
                        : o.kind == "division" ? CodeKind::kDivision
                                               : CodeKind::kAuto;
  const Strictness strictness = o.lenient ? Strictness::kLenient : Strictness::kStrict;
  bool all_valid = true;
  auto check = [&](const std::string& input) {
    const CodeCheck c = CheckCode(kind, input, strictness);
    all_valid = all_valid && c.valid;
    if (o.json) {
      std::cout << ToJson(c).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
      PrintText(c);
    }
  };
  if (o.inputs.empty()) {
    std::string line;
    while (std::getline(std::cin, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) check(line);
    }
  } else {
    for (const std::string& in : o.inputs)
      check(in);
  }
  return all_valid ? 0 : 1;
}

}  // namespace

void RegisterCodeCheck(CLI::App& app, CommandList& commands) {
  auto* code = app.add_subcommand("code", "Battery codes, VINs, credit codes, division codes");
  code->require_subcommand(1);
  auto* check = code->add_subcommand(
      "check", "Normalize and validate codes given as arguments, or one per line on stdin");
  auto opts = std::make_shared<CodeCheckOptions>();
  check->add_option("--kind", opts->kind, "battery, vin, uscc, division or auto")
      ->check(CLI::IsMember({"auto", "battery", "vin", "uscc", "division"}));
  auto* strict = check->add_flag("--strict", opts->strict, "only the standard's form (default)");
  check->add_flag("--lenient", opts->lenient, "accept field-observed deviations with a warning")
      ->excludes(strict);
  check->add_flag("--json", opts->json, "one JSON object per input");
  check->add_option("INPUT", opts->inputs, "codes to check (stdin when none)");
  commands.push_back({check, [opts] { return Run(*opts); }});
}

}  // namespace battrace::cli
