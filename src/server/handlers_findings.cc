// The regulator's reads: findings and obligations (as JSON pages or CSV downloads) and the
// statistics of findings (counts by division, the monthly trend, the flows of batteries).
#include "domain/finding.h"
#include "domain/finding_text.h"
#include "server/csv_export.h"
#include "server/params.h"
#include "server/server_internal.h"
#include "server/stats.h"
#include "store/party.h"

namespace battrace::server {

using access::ScopedReader;

Status Api::GetFindings(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(as_of, AsOf(c.req, c.now));
  store::FindingFilter filter;
  if (auto kind = StringParam(c.req, "kind")) {
    BATTRACE_RETURN_IF_ERROR(domain::CheckFindingKind(*kind, "kind"));
    filter.kind = *kind;
  }
  BATTRACE_ASSIGN_OR_RETURN(party, PartyParam(c.req));
  BATTRACE_ASSIGN_OR_RETURN(division, DivisionParam(c.req));
  BATTRACE_ASSIGN_OR_RETURN(department, DepartmentParam(c.req));
  BATTRACE_RETURN_IF_ERROR(DateRangeParams(c.req, &filter));
  filter.party = party;
  filter.division = division;
  filter.department = department;
  BATTRACE_ASSIGN_OR_RETURN(sort_index, EnumParam(c.req, "sort", store::kFindingSortNames));
  const auto sort = static_cast<store::FindingSort>(sort_index);
  BATTRACE_ASSIGN_OR_RETURN(csv, WantsCsv(c.req));
  const std::string query = store::CursorQuery("findings", as_of, c.req.query);
  BATTRACE_ASSIGN_OR_RETURN(after, CursorParam(c.req, query, store::KeySize(sort)));
  BATTRACE_ASSIGN_OR_RETURN(limit, LimitParam(c.req));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(page, reader.Findings(as_of, filter, sort, csv ? std::nullopt : after,
                                                  csv ? SIZE_MAX : limit));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  // The parties' registered names and divisions, from the current registry, once each.
  std::map<std::string, std::optional<domain::PartyInfo>> parties;
  auto party_info = [&](const std::string& uscc) -> const std::optional<domain::PartyInfo>& {
    auto [it, fresh] = parties.try_emplace(uscc);
    if (fresh) it->second = store::PartyInfoOf(*c.store, uscc);
    return it->second;
  };
  c.res.headers.emplace_back("Content-Language", std::string(LangTag(c.lang)));
  if (csv) {
    std::string body;
    AppendCsvRow(body, {"kind", "date", "article", "party", "party_name", "subject", "due",
                        "department", "division", "evidence", "message", "action", "detail"});
    for (const domain::Finding& f : page.items) {
      const std::optional<domain::PartyInfo>& info = party_info(f.party);
      std::string evidence;
      for (const std::string& e : f.evidence)
        evidence += (evidence.empty() ? "" : " ") + e;
      AppendCsvRow(body, {f.kind, f.date ? f.date->ToString() : "", f.article, f.party,
                          info ? info->name : "", f.subject, f.due ? f.due->ToString() : "",
                          f.authority.department, f.authority.division, evidence,
                          domain::FindingMessage(f, info, c.lang),
                          domain::FindingAction(f, &law_.rules, c.lang), f.detail});
    }
    ReplyCsv(c, "findings-" + as_of.ToString() + ".csv", body);
    return Status::Ok();
  }
  Json out = store::PageJson(page, limit, query, [&](const domain::Finding& f) {
    return Json(domain::RegulatorFindingJson(f, party_info(f.party), &law_.rules, c.lang));
  });
  out["as_of"] = as_of.ToString();
  Reply(c, out);
  return Status::Ok();
}

Status Api::GetStatsFindings(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(as_of, AsOf(c.req, c.now));
  BATTRACE_ASSIGN_OR_RETURN(division, DivisionParam(c.req));
  std::optional<DivisionLevel> level;
  if (auto v = StringParam(c.req, "level")) {
    BATTRACE_ASSIGN_OR_RETURN(l, ParseLevel(*v));
    level = l;
  }
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(out, FindingStats(reader, as_of, division, level, c.lang));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  Reply(c, out);
  c.res.headers.emplace_back("Content-Language", std::string(LangTag(c.lang)));
  return Status::Ok();
}

Status Api::GetStatsTrend(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(as_of, AsOf(c.req, c.now));
  // By default the twelve months ending with that of as_of.
  Date to = as_of.AddDays(1 - as_of.day());
  if (auto v = StringParam(c.req, "to")) {
    BATTRACE_ASSIGN_OR_RETURN(m, ParseMonth(*v, "to"));
    to = m;
  }
  const int back = to.year() * 12 + to.month() - 1 - 11;
  Date from = Date::FromYmd(back / 12, back % 12 + 1, 1).value_or(to);
  if (auto v = StringParam(c.req, "from")) {
    BATTRACE_ASSIGN_OR_RETURN(m, ParseMonth(*v, "from"));
    from = m;
  }
  std::optional<std::string> kind = StringParam(c.req, "kind");
  if (kind) BATTRACE_RETURN_IF_ERROR(domain::CheckFindingKind(*kind, "kind"));
  BATTRACE_ASSIGN_OR_RETURN(division, DivisionParam(c.req));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(out, FindingTrend(reader, as_of, from, to, kind, division));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  Reply(c, out);
  return Status::Ok();
}

Status Api::GetStatsFlows(Call& c) {
  store::FindingFilter range;
  BATTRACE_RETURN_IF_ERROR(DateRangeParams(c.req, &range));
  BATTRACE_ASSIGN_OR_RETURN(division, DivisionParam(c.req));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(out, Flows(reader, range.from, range.to, division));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  Reply(c, out);
  return Status::Ok();
}

Status Api::GetObligations(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(as_of, AsOf(c.req, c.now));
  store::ObligationFilter filter;
  BATTRACE_ASSIGN_OR_RETURN(party, PartyParam(c.req));
  BATTRACE_ASSIGN_OR_RETURN(division, DivisionParam(c.req));
  filter.party = party;
  filter.division = division;
  filter.type = StringParam(c.req, "type");
  for (const char* name : {"due_from", "due_to"}) {
    auto v = StringParam(c.req, name);
    if (!v) continue;
    BATTRACE_ASSIGN_OR_RETURN(d, Date::Parse(*v, name));
    (std::string_view(name) == "due_from" ? filter.due_from : filter.due_to) = d;
  }
  BATTRACE_RETURN_IF_ERROR(domain::CheckObligationFilter(filter.type, "type", filter.due_from,
                                                         filter.due_to, "due_from", "due_to"));
  BATTRACE_ASSIGN_OR_RETURN(sort_index, EnumParam(c.req, "sort", store::kDutySortNames));
  const auto sort = static_cast<store::DutySort>(sort_index);
  BATTRACE_ASSIGN_OR_RETURN(csv, WantsCsv(c.req));
  const std::string query = store::CursorQuery("obligations", as_of, c.req.query);
  BATTRACE_ASSIGN_OR_RETURN(after, CursorParam(c.req, query, store::KeySize(sort)));
  BATTRACE_ASSIGN_OR_RETURN(limit, LimitParam(c.req));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(
      page,
      reader.Obligations(as_of, filter, sort, csv ? std::nullopt : after, csv ? SIZE_MAX : limit));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  if (csv) {
    std::string body;
    AppendCsvRow(body, {"due", "overdue", "kind", "duty", "fulfils", "article", "party", "subject",
                        "anchor", "department", "division", "evidence", "detail"});
    for (const domain::Duty& d : page.items) {
      AppendCsvRow(body, {d.due.ToString(), d.due < as_of ? "true" : "false", d.kind, d.duty,
                          d.fulfils, d.article, d.party, d.subject, d.anchor.ToString(),
                          d.authority.department, d.authority.division, d.evidence, d.detail});
    }
    ReplyCsv(c, "obligations-" + as_of.ToString() + ".csv", body);
    return Status::Ok();
  }
  Json out = store::PageJson(page, limit, query, [&](const domain::Duty& d) {
    return Json(domain::DutyToJson(d, as_of));
  });
  out["as_of"] = as_of.ToString();
  Reply(c, out);
  return Status::Ok();
}

}  // namespace battrace::server
