// `battrace findings` and `battrace obligations`: what the record shows as of a date
// (docs/findings.md), as JSON (docs/findings.md, "The finding as JSON") or as an aligned table,
// whole, a page at a time by the API's keyset cursors (store/cursor.h), or as NDJSON (--all).
//   battrace findings (--db PATH | --pg CONNINFO) --as-of DATE [--json] [--kind K] [--party USCC]
//                     [--division D] [--department DEP] [--from DATE] [--to DATE]
//                     [--sort kind|date|-date] [--limit N] [--cursor C] [--all]
//   (and the global --lang en|zh-CN: the language of messages, docs/api.md "Languages")
//   battrace obligations (--db PATH | --pg CONNINFO) --as-of DATE [--party USCC] [--division D]
//                        [--type T] [--due-from D1] [--due-to D2]
//                        [--json] [--sort due|-due] [--limit N] [--cursor C] [--all]
#include <algorithm>
#include <array>
#include <future>
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
#include "store/cursor.h"
#include "store/keyset.h"
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
  bool all = false;  // NDJSON, an item a line
  std::optional<size_t> limit;
  std::optional<std::string> cursor;
  std::string sort;  // a name of store::kFindingSortNames or kDutySortNames; "" for the first
  std::string kind, party, division, department, from, to;
  std::string type, due_from, due_to;  // obligations
};

// The order --sort names (store::kFindingSortNames, store::kDutySortNames).
template <typename Sort>
Sort SortOf(const std::string& name, const std::vector<std::string_view>& names) {
  const auto it = std::find(names.begin(), names.end(), name);
  return static_cast<Sort>(it == names.end() ? 0 : it - names.begin());
}

// What the options ask of the list: a page (--limit, --cursor) or the whole of it.
struct Paging {
  std::string query;  // what the list's cursors are bound to (store::CursorQuery)
  std::optional<store::SortKey> after;
  std::optional<size_t> limit;  // set for a page
};

// `filters`: the options under the names of the API's query parameters, "" when not given. The
// query of the cursors is built from them as the API builds it from its parameters, so that a
// cursor of GET /v1/findings continues `battrace findings` with the same filters and sort, and
// the other way round.
Result<Paging> PagingOf(const Options& o, std::string_view list, Date as_of,
                        const std::map<std::string, std::string>& filters, size_t key_size) {
  std::map<std::string, std::string> given;
  for (const auto& [name, value] : filters) {
    if (!value.empty()) given.emplace(name, value);
  }
  Paging paging{store::CursorQuery(list, as_of, given), std::nullopt, o.limit};
  if (o.cursor) {
    auto key = store::DecodeCursor(paging.query, *o.cursor, key_size);
    if (!key.ok()) return Status::Invalid("--cursor", key.status().rule(), key.status().message());
    paging.after = std::move(*key);
    if (!paging.limit) paging.limit = store::kDefaultPage;
  }
  return paging;
}

// The items --all reads from the store at a time.
constexpr size_t kStreamPage = 10000;

// Prints the whole list as --all asks: NDJSON, an item a line, read kStreamPage items at a time
// (`read(after)`: the page after `after`), so that memory holds two pages whatever the list's
// length. The next page is read on a thread of its own while one is printed: `item` (an item's
// JSON) must not use the store connection that `read` uses.
template <typename Read, typename F>
Status PrintAll(const Read& read, const F& item) {
  auto page = read(std::nullopt);
  for (;;) {
    if (!page.ok()) return page.status();
    std::future<decltype(read(std::nullopt))> ahead;
    if (page->next) ahead = std::async(std::launch::async, read, page->next);
    std::string lines;
    for (const auto& t : page->items)
      lines += item(t).dump() + "\n";
    std::cout << lines;
    if (!ahead.valid()) return Status::Ok();
    page = ahead.get();
  }
}

// Prints the page as --json asks (the API's page document for a page, else an array); false
// when it is not asked (the table then). `item`: an item's JSON.
template <typename T, typename F>
bool PrintJson(const Options& o, const Paging& paging, const store::Page<T>& page, Date as_of,
               F item) {
  if (!o.json) return false;
  Json out = Json::array();
  if (paging.limit) {
    out = store::PageJson(page, *paging.limit, paging.query, item);
    out["as_of"] = as_of.ToString();
  } else {
    for (const T& t : page.items)
      out.push_back(item(t));
  }
  std::cout << out.dump(2) << "\n";
  return true;
}

// The table's rows are followed by the count and, for a page, where the next one starts.
void PrintCount(const std::string& count, const Paging& paging,
                const std::optional<store::SortKey>& next) {
  std::cout << count << "\n";
  if (!paging.limit) return;
  std::cout << (next ? "next: --cursor " + store::EncodeCursor(paging.query, *next)
                     : "next: none, the last page")
            << "\n";
}

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
  const auto sort = SortOf<store::FindingSort>(o.sort, store::kFindingSortNames);
  auto paging = PagingOf(o, "findings", as_of,
                         {{"kind", o.kind},
                          {"party", o.party},
                          {"division", o.division},
                          {"department", o.department},
                          {"from", o.from},
                          {"to", o.to},
                          {"sort", o.sort}},
                         store::KeySize(sort));
  if (!paging.ok()) return Fail(paging.status());
  auto store = o.store.OpenReadOnly();
  if (!store.ok()) return Fail(store.status());
  const auto& rules = RuleSet::Default();
  const RuleSet* rule_set = rules.ok() ? &*rules : nullptr;
  // --all reads the list on another thread (PrintAll): the names come from a connection of
  // their own.
  auto names = o.all ? o.store.OpenReadOnly() : Result<std::unique_ptr<store::Store>>(nullptr);
  if (!names.ok()) return Fail(names.status());
  store::Store& names_store = o.all ? **names : **store;
  std::map<std::string, std::optional<domain::PartyInfo>> parties;
  auto party_info = [&](const std::string& uscc) -> const std::optional<domain::PartyInfo>& {
    auto [it, fresh] = parties.try_emplace(uscc);
    if (fresh) it->second = store::PartyInfoOf(names_store, uscc);
    return it->second;
  };
  auto item = [&](const domain::Finding& f) {
    return domain::RegulatorFindingJson(f, party_info(f.party), rule_set, CliLang());
  };
  if (o.all) {
    const Status st = PrintAll(
        [&](const std::optional<store::SortKey>& after) {
          return (*store)->Findings(as_of, filter, sort, after, kStreamPage);
        },
        item);
    return st.ok() ? 0 : Fail(st);
  }
  // The API's page of the list (access::ScopedReader::Findings), or the whole list in its order.
  auto findings =
      (*store)->Findings(as_of, filter, sort, paging->after, paging->limit.value_or(SIZE_MAX));
  if (!findings.ok()) return Fail(findings.status());
  const store::Page<domain::Finding>& page = *findings;
  if (PrintJson(o, *paging, page, as_of, item)) return 0;
  std::vector<std::vector<std::string>> rows;
  for (const auto& f : page.items) {
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
  PrintCount(Plural(rows.size(), "finding", "findings") + " as of " + as_of.ToString(), *paging,
             page.next);
  return 0;
}

int RunObligations(const Options& o) {
  Date as_of;
  store::ObligationFilter filter;
  if (Status st = Check(o, &as_of, &filter.party); !st.ok()) return Fail(st);
  if (!o.division.empty()) filter.division = Division::Normalize(o.division);
  if (!o.type.empty()) filter.type = o.type;
  for (const auto& [text, field, date] : {std::tuple(&o.due_from, "--due-from", &filter.due_from),
                                          std::tuple(&o.due_to, "--due-to", &filter.due_to)}) {
    if (text->empty()) continue;
    auto parsed = Date::Parse(*text, field);
    if (!parsed.ok()) return Fail(parsed.status());
    *date = *parsed;
  }
  if (Status st = domain::CheckObligationFilter(filter.type, "--type", filter.due_from,
                                                filter.due_to, "--due-from", "--due-to");
      !st.ok()) {
    return Fail(st);
  }
  const auto sort = SortOf<store::DutySort>(o.sort, store::kDutySortNames);
  auto paging = PagingOf(o, "obligations", as_of,
                         {{"party", o.party},
                          {"division", o.division},
                          {"type", o.type},
                          {"due_from", o.due_from},
                          {"due_to", o.due_to},
                          {"sort", o.sort}},
                         store::KeySize(sort));
  if (!paging.ok()) return Fail(paging.status());
  auto store = o.store.OpenReadOnly();
  if (!store.ok()) return Fail(store.status());
  auto item = [&](const domain::Duty& d) { return domain::DutyToJson(d, as_of); };
  if (o.all) {
    const Status st = PrintAll(
        [&](const std::optional<store::SortKey>& after) {
          return (*store)->Obligations(as_of, filter, sort, after, kStreamPage);
        },
        item);
    return st.ok() ? 0 : Fail(st);
  }
  // The API's page of the list (access::ScopedReader::Obligations), or the whole list.
  auto duties =
      (*store)->Obligations(as_of, filter, sort, paging->after, paging->limit.value_or(SIZE_MAX));
  if (!duties.ok()) return Fail(duties.status());
  const store::Page<domain::Duty>& page = *duties;
  if (PrintJson(o, *paging, page, as_of, item)) return 0;
  std::vector<std::vector<std::string>> rows;
  size_t overdue = 0;
  for (const auto& d : page.items) {
    const bool late = d.due < as_of;
    overdue += late ? 1 : 0;
    rows.push_back({d.due.ToString(), late ? "yes" : "no", d.kind, d.duty, d.party, d.subject,
                    d.fulfils, d.evidence});
  }
  PrintTable({"DUE", "OVERDUE", "KIND", "DUTY", "PARTY", "SUBJECT", "FULFILS", "EVIDENCE"}, rows);
  PrintCount(Plural(rows.size(), "open duty", "open duties") + " as of " + as_of.ToString() + ", " +
                 std::to_string(overdue) + " overdue",
             *paging, page.next);
  return 0;
}

// The paging options of both commands (docs/findings.md, "Pages and NDJSON"). --all prints every
// item and --json a document, so neither goes with a page (--limit, --cursor), nor --all with
// --json.
void AddPagingOptions(CLI::App* cmd, Options& o, const std::vector<std::string_view>& sorts,
                      const std::string& sort_help) {
  cmd->add_option("--sort", o.sort, sort_help)
      ->check(CLI::IsMember(std::vector<std::string>(sorts.begin(), sorts.end())));
  auto* limit = cmd->add_option("--limit", o.limit,
                                "print one page of at most N items (1 to 1000) and the cursor of "
                                "the next; 100 with --cursor alone")
                    ->check(CLI::Range(size_t{1}, store::kMaxPage));
  auto* cursor = cmd->add_option("--cursor", o.cursor,
                                 "print the page after this cursor (the next cursor of the "
                                 "previous page of the same query, from this command or the API)");
  cmd->add_flag("--all", o.all,
                "every item, one JSON object a line (NDJSON), written as it is produced")
      ->excludes(limit)
      ->excludes(cursor)
      ->excludes(cmd->get_option("--json"));
}

}  // namespace

void RegisterFindings(CLI::App& app, CommandList& commands) {
  auto findings = std::make_shared<Options>();
  auto* f = app.add_subcommand("findings", "Findings as of a date (docs/findings.md)");
  findings->store.AddTo(f, false);
  f->add_option("--as-of", findings->as_of, "the date, YYYY-MM-DD (Beijing time, end of day)")
      ->required();
  f->add_flag("--json", findings->json,
              "a JSON array (docs/findings.md, \"The finding as JSON\"); with --limit or "
              "--cursor, a page: {items, limit, next_cursor, as_of}");
  f->add_option("--kind", findings->kind, "only findings of this kind");
  f->add_option("--party", findings->party, "only findings against this enterprise (USCC)");
  f->add_option("--division", findings->division,
                "only findings handled by a regulator inside this division (GB/T 2260)");
  f->add_option("--department", findings->department,
                "only findings handled by this department (MIIT, NDRC, MEE, MOT, MOFCOM, SAMR)");
  f->add_option("--from", findings->from,
                "only findings dated on or after this day (docs/findings.md, \"Queries\")");
  f->add_option("--to", findings->to, "only findings dated on or before this day");
  AddPagingOptions(f, *findings, store::kFindingSortNames,
                   "the order: kind (the default), date, or -date for the latest first");
  commands.push_back({f, [findings] { return RunFindings(*findings); }});

  auto obligations = std::make_shared<Options>();
  auto* o = app.add_subcommand("obligations", "Duties open as of a date, soonest due first");
  obligations->store.AddTo(o, false);
  o->add_option("--as-of", obligations->as_of, "the date, YYYY-MM-DD (Beijing time, end of day)")
      ->required();
  o->add_option("--party", obligations->party, "only duties of this enterprise (USCC)");
  o->add_option("--division", obligations->division,
                "only duties handled by a regulator inside this division (GB/T 2260)");
  o->add_option("--type", obligations->type,
                "only duties discharged by a report of this type (e.g. battery.inbound)");
  o->add_option("--due-from", obligations->due_from, "only duties due on or after this date");
  o->add_option("--due-to", obligations->due_to, "only duties due on or before this date");
  o->add_flag("--json", obligations->json,
              "a JSON array; with --limit or --cursor, a page: {items, limit, next_cursor, as_of}");
  AddPagingOptions(o, *obligations, store::kDutySortNames,
                   "the order: due, soonest first (the default), or -due, latest first");
  commands.push_back({o, [obligations] { return RunObligations(*obligations); }});
}

}  // namespace battrace::cli
