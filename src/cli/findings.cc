// `battrace findings` and `battrace obligations`: what the record shows as of a date
// (docs/findings.md), as JSON (docs/findings.md, "The finding as JSON") or as an aligned table.
//   battrace findings (--db PATH | --pg CONNINFO) --as-of DATE [--json] [--kind K] [--party USCC]
//                     [--division D] [--department DEP] [--from DATE] [--to DATE]
//   (and the global --lang en|zh-CN: the language of messages, docs/api.md "Languages")
//   battrace obligations (--db PATH | --pg CONNINFO) --as-of DATE [--party USCC] [--division D]
//                        [--json]
#include <algorithm>
#include <array>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/store_args.h"
#include "core/date.h"
#include "core/display_width.h"
#include "core/division.h"
#include "core/uscc.h"
#include "domain/finding.h"
#include "domain/finding_text.h"
#include "domain/rules.h"
#include "store/party.h"

namespace battrace::cli {
namespace {

using Json = nlohmann::ordered_json;

// Prints rows under a header, each column as wide as its widest cell on a terminal (Chinese
// characters take two columns: DisplayWidth), two spaces apart.
void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    width[c] = DisplayWidth(header[c]);
    for (const auto& row : rows)
      width[c] = std::max(width[c], DisplayWidth(row[c]));
  }
  auto print = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += c + 1 < row.size() ? PadToWidth(row[c], width[c] + 2) : row[c];
    }
    std::cout << line << "\n";
  };
  print(header);
  for (const auto& row : rows)
    print(row);
}

std::string Plural(size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// The widest a party name, the evidence and the detail of a finding are shown in the table.
constexpr size_t kNameColumns = 24;
constexpr size_t kEvidenceColumns = 44;
constexpr size_t kDetailColumns = 100;

// The evidence of a finding in one cell: the first reference, and how many more.
std::string EvidenceCell(const std::vector<std::string>& evidence) {
  if (evidence.empty()) return "-";
  std::string cell = TruncateToWidth(evidence.front(), kEvidenceColumns);
  if (evidence.size() > 1) cell += " +" + std::to_string(evidence.size() - 1);
  return cell;
}

struct Options {
  StoreArgs store;
  std::string as_of;
  bool json = false;
  std::string kind, party, division, department, from, to;
};

// Checks the options before the store is opened: a bad date or identifier is a usage error.
Status Check(const Options& o, Date* as_of, std::optional<std::string>* party) {
  auto d = Date::Parse(o.as_of, "--as-of");
  if (!d.ok()) return d.status();
  *as_of = *d;
  if (!o.kind.empty()) BATTRACE_RETURN_IF_ERROR(domain::CheckFindingKind(o.kind, "--kind"));
  if (!o.party.empty()) {
    auto uscc = Uscc::Parse(o.party, Strictness::kLenient);
    if (!uscc.ok())
      return Status::Invalid("--party", uscc.status().rule(), uscc.status().message());
    *party = uscc->str();
  }
  if (!o.division.empty()) {
    auto division = Division::Parse(o.division);
    if (!division.ok()) {
      return Status::Invalid("--division", division.status().rule(), division.status().message());
    }
  }
  return Status::Ok();
}

// The findings-only options: --department, --from, --to.
Status CheckFindingOptions(const Options& o, store::FindingFilter* filter) {
  if (!o.department.empty()) {
    BATTRACE_RETURN_IF_ERROR(domain::CheckDepartment(o.department, "--department"));
    filter->department = o.department;
  }
  if (!o.from.empty()) {
    BATTRACE_ASSIGN_OR_RETURN(from, Date::Parse(o.from, "--from"));
    filter->from = from;
  }
  if (!o.to.empty()) {
    BATTRACE_ASSIGN_OR_RETURN(to, Date::Parse(o.to, "--to"));
    filter->to = to;
  }
  return domain::CheckFindingRange(filter->from, filter->to, "--from");
}

int RunFindings(const Options& o) {
  Date as_of;
  store::FindingFilter filter;
  if (Status st = Check(o, &as_of, &filter.party); !st.ok()) return Fail(st);
  if (Status st = CheckFindingOptions(o, &filter); !st.ok()) return Fail(st);
  if (!o.kind.empty()) filter.kind = o.kind;
  if (!o.division.empty()) filter.division = Division::Normalize(o.division);
  auto store = o.store.OpenReadOnly();
  if (!store.ok()) return Fail(store.status());
  auto findings = (*store)->Findings(as_of, filter);
  if (!findings.ok()) return Fail(findings.status());
  const auto& rules = RuleSet::Default();
  const RuleSet* rule_set = rules.ok() ? &*rules : nullptr;
  std::map<std::string, std::optional<domain::PartyInfo>> parties;
  auto party_info = [&](const std::string& uscc) -> const std::optional<domain::PartyInfo>& {
    auto [it, fresh] = parties.try_emplace(uscc);
    if (fresh) it->second = store::PartyInfoOf(**store, uscc);
    return it->second;
  };
  if (o.json) {
    Json out = Json::array();
    for (const auto& f : *findings)
      out.push_back(domain::RegulatorFindingJson(f, party_info(f.party), rule_set, CliLang()));
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& f : *findings) {
    const auto& party = party_info(f.party);
    rows.push_back(
        {f.kind, f.article, f.party, party ? TruncateToWidth(party->name, kNameColumns) : "-",
         f.subject, f.due ? f.due->ToString() : "-",
         f.authority.department + " " + f.authority.division, EvidenceCell(f.evidence),
         TruncateToWidth(
             CliLang() == Lang::kZhCn ? domain::FindingMessage(f, party, CliLang()) : f.detail,
             kDetailColumns)});
  }
  PrintTable({"KIND", "ARTICLE", "PARTY", "NAME", "SUBJECT", "DUE", "AUTHORITY", "EVIDENCE",
              CliLang() == Lang::kZhCn ? "说明" : "DETAIL"},
             rows);
  std::cout << Plural(rows.size(), "finding", "findings") << " as of " << as_of.ToString() << "\n";
  return 0;
}

int RunObligations(const Options& o) {
  Date as_of;
  store::ObligationFilter filter;
  if (Status st = Check(o, &as_of, &filter.party); !st.ok()) return Fail(st);
  if (!o.division.empty()) filter.division = Division::Normalize(o.division);
  auto store = o.store.OpenReadOnly();
  if (!store.ok()) return Fail(store.status());
  auto duties = (*store)->Obligations(as_of, filter);
  if (!duties.ok()) return Fail(duties.status());
  if (o.json) {
    Json out = Json::array();
    for (const auto& d : *duties)
      out.push_back(domain::DutyToJson(d, as_of));
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  size_t overdue = 0;
  for (const auto& d : *duties) {
    const bool late = d.due < as_of;
    overdue += late ? 1 : 0;
    rows.push_back({d.due.ToString(), late ? "yes" : "no", d.kind, d.duty, d.party, d.subject,
                    d.fulfils, d.evidence});
  }
  PrintTable({"DUE", "OVERDUE", "KIND", "DUTY", "PARTY", "SUBJECT", "FULFILS", "EVIDENCE"}, rows);
  std::cout << Plural(rows.size(), "open duty", "open duties") << " as of " << as_of.ToString()
            << ", " << overdue << " overdue\n";
  return 0;
}

}  // namespace

void RegisterFindings(CLI::App& app, CommandList& commands) {
  auto findings = std::make_shared<Options>();
  auto* f = app.add_subcommand("findings", "Findings as of a date (docs/findings.md)");
  findings->store.AddTo(f, false);
  f->add_option("--as-of", findings->as_of, "the date, YYYY-MM-DD (Beijing time, end of day)")
      ->required();
  f->add_flag("--json", findings->json, "a JSON array (docs/findings.md, \"The finding as JSON\")");
  f->add_option("--kind", findings->kind, "only findings of this kind");
  f->add_option("--party", findings->party, "only findings against this enterprise (USCC)");
  f->add_option("--division", findings->division,
                "only findings handled by a regulator inside this division (GB/T 2260)");
  f->add_option("--department", findings->department,
                "only findings handled by this department (MIIT, NDRC, MEE, MOT, MOFCOM, SAMR)");
  f->add_option("--from", findings->from,
                "only findings dated on or after this day (docs/findings.md, \"Queries\")");
  f->add_option("--to", findings->to, "only findings dated on or before this day");
  commands.push_back({f, [findings] { return RunFindings(*findings); }});

  auto obligations = std::make_shared<Options>();
  auto* o = app.add_subcommand("obligations", "Duties open as of a date, soonest due first");
  obligations->store.AddTo(o, false);
  o->add_option("--as-of", obligations->as_of, "the date, YYYY-MM-DD (Beijing time, end of day)")
      ->required();
  o->add_option("--party", obligations->party, "only duties of this enterprise (USCC)");
  o->add_option("--division", obligations->division,
                "only duties handled by a regulator inside this division (GB/T 2260)");
  o->add_flag("--json", obligations->json, "a JSON array");
  commands.push_back({o, [obligations] { return RunObligations(*obligations); }});
}

}  // namespace battrace::cli
