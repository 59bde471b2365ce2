#include "store/findings_query.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <tuple>

#include "domain/registry.h"

namespace battrace::store::common {

namespace {

std::optional<Department> DepartmentByName(std::string_view name) {
  for (Department d : {Department::kMiit, Department::kNdrc, Department::kMee, Department::kMot,
                       Department::kMofcom, Department::kSamr}) {
    if (DepartmentName(d) == name) return d;
  }
  return std::nullopt;
}

}  // namespace

void ShowSuccessor(const domain::RegistryIndex& registry, std::string& party,
                   domain::Authority& authority) {
  const Enterprise* successor = registry.SuccessorOf(party);
  if (successor == nullptr) return;
  party = successor->uscc.str();
  if (auto department = DepartmentByName(authority.department)) {
    authority = registry.AuthorityFor(*department, party);
  }
}

DivisionRange RangeOfCode(std::string_view code) {
  // The prefix as Division::prefix, without needing the code in the list.
  while (code.size() >= 2 && code.substr(code.size() - 2) == "00")
    code.remove_suffix(2);
  return {std::string(code), std::string(code) + ":"};
}

domain::Finding CoverageGap(const domain::Sale& sale, Instant known_from,
                            const domain::RegistryIndex& registry, Date as_of) {
  const bool province = sale.article == "14";
  domain::Finding f;
  f.kind = "outlet_coverage_gap";
  f.article = sale.article;
  f.party = sale.maker;
  f.subject = sale.division;
  f.evidence = {sale.evidence};
  f.authority = registry.AuthorityFor(Department::kMiit, sale.maker);
  f.date = BeijingDate(known_from);
  f.detail = std::string(province ? "batteries" : "vehicles") + " of " + sale.maker +
             " were sold in " + (province ? "province " : "city ") + sale.division +
             ", where it had no recycling service outlet registered and open as of " +
             as_of.ToString() + " (Art. " + sale.article + ")";
  return f;
}

Result<std::optional<Division>> Within(const std::optional<std::string>& division) {
  if (!division) return std::optional<Division>();
  BATTRACE_ASSIGN_OR_RETURN(d, Division::Parse(*division));
  return std::optional<Division>(std::move(d));
}

FindingRange RangeOf(const FindingFilter& filter) {
  FindingRange r;
  if (filter.from) {
    r.start = EndOfBeijingDay(filter.from->AddDays(-1));
    r.first_day = filter.from->ToString();
  }
  if (filter.to) {
    r.end = EndOfBeijingDay(*filter.to);
    r.last_day = filter.to->ToString();
  }
  return r;
}

Status FinishFindings(std::vector<domain::Finding>& out, std::vector<domain::Duty> overdue,
                      const FindingFilter& filter) {
  BATTRACE_ASSIGN_OR_RETURN(within, Within(filter.division));
  for (domain::Duty& d : overdue) {
    domain::Finding f;
    f.kind = std::move(d.kind);
    f.article = std::move(d.article);
    f.party = std::move(d.party);
    f.subject = std::move(d.subject);
    f.due = d.due;
    f.evidence = {std::move(d.evidence)};
    f.authority = std::move(d.authority);
    f.detail = std::move(d.detail);
    f.fulfils = std::move(d.fulfils);
    f.date = d.due;
    out.push_back(std::move(f));
  }
  std::erase_if(out, [&](const domain::Finding& f) {
    return (filter.kind && f.kind != *filter.kind) || (filter.party && f.party != *filter.party) ||
           (within && !within->Contains(f.authority.division));
  });
  std::sort(out.begin(), out.end(), [](const domain::Finding& a, const domain::Finding& b) {
    return std::tie(a.kind, a.party, a.subject, a.due, a.evidence, a.article, a.detail) <
           std::tie(b.kind, b.party, b.subject, b.due, b.evidence, b.article, b.detail);
  });
  return Status::Ok();
}

FindingTallier::FindingTallier(const domain::RegistryIndex& registry, const FindingFilter& filter,
                               std::optional<Division> within, bool by_month)
    : registry_(registry), filter_(filter), within_(std::move(within)), by_month_(by_month) {}

void FindingTallier::Add(const std::string& kind, const std::string* party,
                         const std::string& division, const std::string& month, uint64_t count) {
  if ((filter_.kind && kind != *filter_.kind) ||
      (party != nullptr && filter_.party && *party != *filter_.party) ||
      (within_ && !within_->Contains(division))) {
    return;
  }
  groups_[{kind, division, by_month_ ? month : std::string()}] += count;
}

void FindingTallier::Recorded(const std::string& kind, const std::string& division,
                              const std::string& month, uint64_t count) {
  Add(kind, nullptr, division, month, count);
}

void FindingTallier::Overdue(const std::string& kind, std::string party,
                             domain::Authority authority, const std::string& month,
                             uint64_t count) {
  ShowSuccessor(registry_, party, authority);
  Add(kind, &party, authority.division, month, count);
}

void FindingTallier::Gap(const domain::Sale& sale, Instant known_from, Date as_of) {
  const domain::Finding f = CoverageGap(sale, known_from, registry_, as_of);
  Add(f.kind, &f.party, f.authority.division, BeijingDate(known_from).ToString().substr(0, 7), 1);
}

std::vector<FindingTally> FindingTallier::Take() {
  std::vector<FindingTally> out;
  out.reserve(groups_.size());
  for (auto& [key, count] : groups_) {
    out.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), count});
  }
  groups_.clear();
  return out;
}

std::string SaleUncoveredAt(const std::string& at) {
  // The prefix of the sale's division as RangeOfCode strips it: a province "440000" is "44", a
  // city "440300" is "4403".
  const std::string prefix =
      "(CASE WHEN s.division LIKE '%0000' THEN substr(s.division, 1, 2) "
      "WHEN s.division LIKE '%00' THEN substr(s.division, 1, 4) ELSE s.division END)";
  return "NOT EXISTS (SELECT 1 FROM outlet o WHERE o.owner = s.maker AND o.division >= " + prefix +
         " AND o.division < " + prefix + " || ':' AND o.registered_at < " + at +
         " AND (o.closed = 0 OR o.closed_at >= " + at + "))";
}

Status FinishObligations(std::vector<domain::Duty>& out, const ObligationFilter& filter) {
  BATTRACE_ASSIGN_OR_RETURN(within, Within(filter.division));
  // Party and division are those shown, after succession, which the stored rows do not hold:
  // both filters apply to the rows read, as in Findings.
  std::erase_if(out, [&](const domain::Duty& d) {
    return (filter.party && d.party != *filter.party) ||
           (within && !within->Contains(d.authority.division)) ||
           (filter.type && d.fulfils != *filter.type) ||
           (filter.due_from && d.due < *filter.due_from) ||
           (filter.due_to && *filter.due_to < d.due);
  });
  std::sort(out.begin(), out.end(), [](const domain::Duty& a, const domain::Duty& b) {
    return std::tie(a.due, a.party, a.subject, a.kind, a.duty, a.evidence) <
           std::tie(b.due, b.party, b.subject, b.kind, b.duty, b.evidence);
  });
  return Status::Ok();
}

std::string DutiesOpenAt(const std::string& columns, const std::string& at,
                         const std::string& extra) {
  const std::string select = "SELECT " + columns + " FROM obligation WHERE ";
  const std::string tail = " AND opened_at < " + at + " " + extra;
  return select + "discharged_at IS NULL AND retracted_at IS NULL" + tail + " UNION ALL " + select +
         "discharged_at >= " + at + tail + " UNION ALL " + select + "retracted_at >= " + at + tail;
}

Status HandoverTallier::Add(const StoredReport& outbound) {
  const auto body = nlohmann::json::parse(outbound.body, nullptr, false);
  const auto to = body.is_object() ? body.find("to") : body.end();
  const auto codes = body.is_object() ? body.find("codes") : body.end();
  if (to == body.end() || codes == body.end() || !to->is_string() || !codes->is_array()) {
    return Status::Corruption("leaf " + std::to_string(outbound.leaf_index) +
                              ": a battery.outbound report without its receiver and codes");
  }
  batteries_[{outbound.reporter, to->get<std::string>()}] += codes->size();
  return Status::Ok();
}

std::vector<HandoverTally> HandoverTallier::Take() {
  std::vector<HandoverTally> out;
  out.reserve(batteries_.size());
  for (const auto& [key, batteries] : batteries_) {
    out.push_back({key.first, key.second, batteries});
  }
  batteries_.clear();
  return out;
}

}  // namespace battrace::store::common
