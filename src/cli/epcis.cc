// `battrace epcis`: GS1 EPCIS 2.0 documents at the command line. `validate` reads documents as
// `POST /epcis/capture` would (src/epcis/document.h) and says whether each is accepted; `hash`
// prints the CBV 2.0 event hash of each event of a document (src/epcis/hash.h); `export` writes
// the events of the reports naming a battery (src/epcis/mapping.h, docs/epcis.md).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/store_args.h"
#include "core/battery_code.h"
#include "core/clock.h"
#include "core/rule_text.h"
#include "epcis/document.h"
#include "epcis/hash.h"
#include "epcis/mapping.h"

namespace battrace::cli {
namespace {

// A document's format: --format, else by its content (epcis::FormatOfBody).
epcis::Format FormatOf(const std::string& flag, const std::string& body) {
  if (flag == "json") return epcis::Format::kJson;
  if (flag == "xml") return epcis::Format::kXml;
  return epcis::FormatOfBody(body);
}

struct ValidateOptions {
  std::string format = "auto";
  std::vector<std::string> files;
};

// One line per file: "<file>: valid <type>, <n> events" on stdout, or "error: <file>: <field>:
// <message> [rule]" on stderr. Exit 0 when every file is valid, 1 otherwise.
int RunValidate(const ValidateOptions& o) {
  int rc = 0;
  for (const std::string& file : o.files) {
    auto body = ReadFile(file);
    if (!body.ok()) {
      rc = Fail(body.status());
      continue;
    }
    auto doc = epcis::ParseDocument(*body, FormatOf(o.format, *body));
    if (!doc.ok()) {
      std::cerr << (CliLang() == Lang::kZhCn ? "错误: " : "error: ") << file << ": "
                << LocalizedError(doc.status(), CliLang()) << "\n";
      rc = 1;
      continue;
    }
    std::cout << file << ": valid "
              << (doc->query_document ? "EPCISQueryDocument" : "EPCISDocument") << ", "
              << doc->events.size() << (doc->events.size() == 1 ? " event" : " events") << "\n";
  }
  return rc;
}

void RegisterValidate(CLI::App* epcis, CommandList& commands) {
  auto o = std::make_shared<ValidateOptions>();
  CLI::App* cmd = epcis->add_subcommand(
      "validate", "Check EPCIS documents (JSON or XML) as capture would: schema, XSD, extensions");
  cmd->add_option("FILE", o->files, "EPCIS documents (EPCISDocument or EPCISQueryDocument)")
      ->required();
  cmd->add_option("--format", o->format, "json, xml, or auto (XML when it starts with '<')")
      ->check(CLI::IsMember({"auto", "json", "xml"}));
  commands.push_back({cmd, [o] { return RunValidate(*o); }});
}

struct HashOptions {
  std::string format = "auto";
  std::string file;
};

// The CBV 2.0 event hash of each event of the document, one line each in document order, as
// capture gives an event without an eventID. A document capture would refuse: its error, exit 1.
int RunHash(const HashOptions& o) {
  auto body = ReadFile(o.file);
  if (!body.ok()) return Fail(body.status());
  auto doc = epcis::ParseDocument(*body, FormatOf(o.format, *body));
  if (!doc.ok()) {
    std::cerr << (CliLang() == Lang::kZhCn ? "错误: " : "error: ") << o.file << ": "
              << LocalizedError(doc.status(), CliLang()) << "\n";
    return 1;
  }
  for (const nlohmann::json& event : doc->events) {
    std::cout << epcis::EventHash(event, doc->context) << "\n";
  }
  std::cout.flush();
  return std::cout ? 0 : 1;
}

void RegisterHash(CLI::App* epcis, CommandList& commands) {
  auto o = std::make_shared<HashOptions>();
  CLI::App* cmd = epcis->add_subcommand(
      "hash", "Print the CBV 2.0 event hash of each event of an EPCIS document, one per line");
  cmd->add_option("FILE", o->file, "an EPCISDocument or EPCISQueryDocument (JSON or XML)")
      ->required();
  cmd->add_option("--format", o->format, "json, xml, or auto (XML when it starts with '<')")
      ->check(CLI::IsMember({"auto", "json", "xml"}));
  commands.push_back({cmd, [o] { return RunHash(*o); }});
}

// Every report that names the battery, in ledger order, as events of one EPCISDocument. The
// operator reads the store directly, as `battrace show` does.
Result<nlohmann::json> Export(store::Store& s, const BatteryCode& code) {
  BATTRACE_ASSIGN_OR_RETURN(reports, s.BatteryHistoryReports(code.str()));
  if (reports.empty()) return Status::NotFound("no report names battery " + code.str());
  std::vector<nlohmann::json> events;
  for (const store::StoredReport& report : reports) {
    for (nlohmann::json& event : epcis::ReportEvents(report))
      events.push_back(std::move(event));
  }
  return epcis::EventsDocument(std::move(events), SystemClock().Now());
}

void RegisterExport(CLI::App* epcis, CommandList& commands) {
  CLI::App* cmd = epcis->add_subcommand(
      "export", "The EPCIS 2.0 events of the reports naming a battery, as an EPCISDocument");
  auto args = std::make_shared<StoreArgs>();
  auto code = std::make_shared<std::string>();
  args->AddTo(cmd, false);
  cmd->add_option("--code", *code, "the battery's GB/T 34014 code")->required();
  commands.push_back({cmd, [args, code] {
                        // A bad code is a usage error, found before the store is opened.
                        auto battery = BatteryCode::Parse(*code, Strictness::kLenient);
                        if (!battery.ok()) return Fail(battery.status().WithFieldPrefix("--"));
                        auto store = args->OpenReadOnly();
                        if (!store.ok()) return Fail(store.status());
                        auto doc = Export(**store, *battery);
                        if (!doc.ok()) return Fail(doc.status());
                        std::cout << doc->dump(2) << "\n";
                        return 0;
                      }});
}

}  // namespace

void RegisterEpcis(CLI::App& app, CommandList& commands) {
  CLI::App* epcis = app.add_subcommand("epcis", "GS1 EPCIS 2.0 documents");
  epcis->require_subcommand(1);
  RegisterValidate(epcis, commands);
  RegisterHash(epcis, commands);
  RegisterExport(epcis, commands);
}

}  // namespace battrace::cli
