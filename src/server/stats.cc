#include "server/stats.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "domain/finding_text.h"

namespace battrace::server {
namespace {

using Json = nlohmann::json;

constexpr int kMaxTrendMonths = 120;

// The level of a six-digit division code by its trailing zeros; the code need not be in the
// list (a retired county still counts under its city).
DivisionLevel LevelOfCode(std::string_view code) {
  if (code == Division::kNationCode) return DivisionLevel::kNation;
  if (code.ends_with("0000")) return DivisionLevel::kProvince;
  if (code.ends_with("00")) return DivisionLevel::kCity;
  return DivisionLevel::kCounty;
}

// The division `code` is counted under in a view by `level`: its ancestor at that level, or
// itself when it is that level or coarser.
std::string CountedUnder(const std::string& code, DivisionLevel level) {
  if (LevelOfCode(code) <= level || code.size() != 6) return code;
  if (level == DivisionLevel::kProvince) return code.substr(0, 2) + "0000";
  if (level == DivisionLevel::kCity) return code.substr(0, 4) + "00";
  return code;
}

std::string NameOf(const std::string& code) {
  auto d = Division::Parse(code);
  return d.ok() ? d->name() : std::string();
}

Date NextMonth(Date first) {
  return first.AddDays(Date::DaysInMonth(first.year(), first.month()));
}

std::string MonthOf(Date d) {
  return d.ToString().substr(0, 7);
}

}  // namespace

Result<Date> ParseMonth(std::string_view text, const std::string& field) {
  if (text.size() == 7 && text[4] == '-') {
    auto d = Date::Parse(std::string(text) + "-01", field);
    if (d.ok()) return *d;
  }
  return Status::Invalid(field, "query.month",
                         field + " must be a month YYYY-MM, not \"" + std::string(text) + "\"");
}

Result<DivisionLevel> ParseLevel(std::string_view text) {
  if (text == "province") return DivisionLevel::kProvince;
  if (text == "city") return DivisionLevel::kCity;
  if (text == "county") return DivisionLevel::kCounty;
  return Status::Invalid("level", "query.enum", "level must be province, city or county");
}

Result<Json> FindingStats(access::ScopedReader& reader, Date as_of,
                          std::optional<std::string> division, std::optional<DivisionLevel> level,
                          Lang lang) {
  std::string scope(Division::kNationCode);
  if (division) {
    scope = *division;
  } else if (reader.viewer().kind == access::Viewer::Kind::kRegulator) {
    scope = reader.viewer().division;
  }
  if (!level) {
    const DivisionLevel above = LevelOfCode(scope);
    level = above == DivisionLevel::kCounty
                ? above
                : static_cast<DivisionLevel>(static_cast<int>(above) + 1);
  }
  store::FindingFilter filter;
  filter.division = std::move(division);
  BATTRACE_ASSIGN_OR_RETURN(tallies, reader.FindingTallies(as_of, filter, false));
  uint64_t total = 0;
  std::map<std::string, uint64_t> by_kind, by_division;
  // Every division of the level inside the scope is listed, those without findings with 0.
  if (auto inside = Division::Parse(scope); inside.ok()) {
    for (const Division& d : Division::All(*level)) {
      if (inside->Contains(d.code())) by_division[d.code()] = 0;
    }
  }
  std::map<std::pair<std::string, std::string>, uint64_t> cells;  // (division, kind)
  for (const store::FindingTally& t : tallies) {
    const std::string under = CountedUnder(t.division, *level);
    total += t.count;
    by_kind[t.kind] += t.count;
    by_division[under] += t.count;
    cells[{under, t.kind}] += t.count;
  }
  std::vector<std::pair<std::string, uint64_t>> kinds(by_kind.begin(), by_kind.end());
  std::stable_sort(kinds.begin(), kinds.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  Json kinds_json = Json::array(), divisions_json = Json::array(), cells_json = Json::array();
  for (const auto& [kind, count] : kinds)
    kinds_json.push_back(
        {{"kind", kind}, {"name", domain::FindingKindName(kind, lang)}, {"count", count}});
  for (const auto& [code, count] : by_division)
    divisions_json.push_back({{"division", code}, {"name", NameOf(code)}, {"count", count}});
  for (const auto& [key, count] : cells)
    cells_json.push_back({{"kind", key.second}, {"division", key.first}, {"count", count}});
  return Json{
      {"as_of", as_of.ToString()}, {"level", DivisionLevelName(*level)}, {"total", total},
      {"by_kind", kinds_json},     {"by_division", divisions_json},      {"cells", cells_json}};
}

Result<Json> FindingTrend(access::ScopedReader& reader, Date as_of, Date from, Date to,
                          std::optional<std::string> kind, std::optional<std::string> division) {
  if (to < from) {
    return Status::Invalid("from", "findings.range",
                           "from " + MonthOf(from) + " is after to " + MonthOf(to));
  }
  std::map<std::string, std::pair<uint64_t, std::map<std::string, uint64_t>>> months;
  for (Date m = from; m <= to; m = NextMonth(m)) {
    if (months.size() == kMaxTrendMonths) {
      return Status::Invalid("to", "stats.months",
                             "a trend spans at most " + std::to_string(kMaxTrendMonths) +
                                 " months, from " + MonthOf(from) + " to " + MonthOf(to) +
                                 " is more");
    }
    months[MonthOf(m)];
  }
  store::FindingFilter filter;
  filter.kind = std::move(kind);
  filter.division = std::move(division);
  filter.from = from;
  filter.to = NextMonth(to).AddDays(-1);
  BATTRACE_ASSIGN_OR_RETURN(tallies, reader.FindingTallies(as_of, filter, true));
  for (const store::FindingTally& t : tallies) {
    auto it = months.find(t.month);
    if (it == months.end()) continue;  // the query's range and the months agree; defensive
    it->second.first += t.count;
    it->second.second[t.kind] += t.count;
  }
  Json out = Json::array();
  for (const auto& [month, counts] : months) {
    out.push_back({{"month", month}, {"count", counts.first}, {"by_kind", counts.second}});
  }
  return Json{
      {"as_of", as_of.ToString()}, {"from", MonthOf(from)}, {"to", MonthOf(to)}, {"months", out}};
}

Result<Json> Flows(access::ScopedReader& reader, std::optional<Date> from, std::optional<Date> to,
                   std::optional<std::string> division) {
  BATTRACE_ASSIGN_OR_RETURN(handovers, reader.Handovers(from, to, std::move(division)));
  std::map<std::pair<std::string, std::string>, uint64_t> pairs;
  uint64_t total = 0;
  for (const access::Handover& h : handovers) {
    pairs[{CountedUnder(h.sender_seat, DivisionLevel::kProvince),
           CountedUnder(h.receiver_seat, DivisionLevel::kProvince)}] += h.tally.batteries;
    total += h.tally.batteries;
  }
  std::vector<std::pair<std::pair<std::string, std::string>, uint64_t>> sorted(pairs.begin(),
                                                                               pairs.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  Json flows = Json::array();
  for (const auto& [key, batteries] : sorted) {
    flows.push_back({{"from", key.first},
                     {"from_name", NameOf(key.first)},
                     {"to", key.second},
                     {"to_name", NameOf(key.second)},
                     {"batteries", batteries}});
  }
  return Json{{"total", total}, {"flows", flows}};
}

}  // namespace battrace::server
