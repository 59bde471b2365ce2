#include "store/findings_query.h"

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <tuple>

#include "domain/finding.h"
#include "domain/names.h"
#include "domain/registry.h"
#include "store/columns.h"

namespace battrace::store::common {

namespace {

// The Beijing day (UTC+8, days since 1970-01-01) of a finding's known_from (microseconds):
// the first column of the index finding_by_day (store/schema.cc, migration 14), spelled as
// there so that both engines read that index for it.
constexpr const char* kDayOfFinding = "((known_from + 28800000000) / 86400000000)";

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
  f.kind = domain::finding_kind::kOutletCoverageGap;
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

std::string LastSaleSql(const std::string& at) {
  return "SELECT MAX(known_from) FROM sale WHERE known_from < " + at +
         " AND (retracted_at IS NULL OR retracted_at >= " + at + ")";
}

std::string OverdueTallySql(const std::string& open_rows, const std::string& at,
                            const std::string& extra) {
  const std::string select =
      "SELECT kind, party, authority_department, authority_division, substr(due, 1, 7), COUNT(*) "
      "FROM ";
  const std::string tail = " AND opened_at < " + at + " " + extra +
                           " GROUP BY due, kind, party, authority_department, authority_division";
  return select + open_rows + " WHERE discharged_at IS NULL AND retracted_at IS NULL" + tail +
         " UNION ALL " + select + "obligation WHERE discharged_at >= " + at + tail + " UNION ALL " +
         select + "obligation WHERE retracted_at >= " + at + tail;
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

std::string ListQueryName(ListQuery query) {
  return "list_" + std::to_string(static_cast<int>(query));
}

namespace {

// The column a list query's variant names with `=` (ListQuery, the variants).
enum class Lead { kNone, kParty, kDepartment };

// The order a query reads in (one of the first eight ListQuery) and the column it is led by.
std::pair<ListQuery, Lead> ShapeOf(ListQuery query) {
  switch (query) {
    case ListQuery::kFindingsByKindOfParty:
      return {ListQuery::kFindingsByKind, Lead::kParty};
    case ListQuery::kFindingsByKindOfDepartment:
      return {ListQuery::kFindingsByKind, Lead::kDepartment};
    case ListQuery::kDutiesByKindOfParty:
      return {ListQuery::kDutiesByKind, Lead::kParty};
    case ListQuery::kDutiesByKindOfDepartment:
      return {ListQuery::kDutiesByKind, Lead::kDepartment};
    case ListQuery::kDutiesByDueOfParty:
      return {ListQuery::kDutiesByDue, Lead::kParty};
    case ListQuery::kDutiesByDueDescOfParty:
      return {ListQuery::kDutiesByDueDesc, Lead::kParty};
    default:
      return {query, Lead::kNone};
  }
}

}  // namespace

ListQuery LedQuery(ListQuery order, bool party, bool department) {
  for (const Lead lead :
       {party ? Lead::kParty : Lead::kNone, department ? Lead::kDepartment : Lead::kNone}) {
    for (const ListQuery query : kListQueries) {
      if (lead != Lead::kNone && ShapeOf(query) == std::pair(order, lead)) return query;
    }
  }
  return order;
}

std::string ListSql(ListQuery led, const std::function<std::string(int, std::string_view)>& param) {
  const std::pair<ListQuery, Lead> shape = ShapeOf(led);
  const ListQuery query = shape.first;
  const Lead lead = shape.second;
  const auto text = [&](int n) { return param(n, "text"); };
  const auto number = [&](int n) { return param(n, "bigint"); };
  const auto optional = [](const std::string& p, const std::string& condition) {
    return " AND (" + p + " IS NULL OR " + condition + ")";
  };
  // A filter on a column: required in the variant led by it, else optional.
  const auto filter = [&](Lead by, const std::string& p, const std::string& column) {
    return lead == by ? " AND " + column + " = " + p : optional(p, column + " = " + p);
  };
  std::string sql;
  int n = 0;  // the last parameter numbered
  const bool findings = query == ListQuery::kFindingsByKind ||
                        query == ListQuery::kFindingsByDate ||
                        query == ListQuery::kFindingsByDateDesc;
  if (findings) {
    // known_from is only a filter: the seek is on kind or on the day. The unary plus keeps
    // SQLite's planner on the index of the order (finding_by_kind, finding_by_day).
    sql = "SELECT " + std::string(kFindingColumns) + ", known_from FROM finding WHERE " +
          "+known_from < " + number(1) +
          " AND (retracted_at IS NULL OR retracted_at >= " + number(1) + ")" +
          optional(text(2), "kind = " + text(2)) + filter(Lead::kParty, text(3), "party") +
          filter(Lead::kDepartment, text(4), "authority_department") +
          optional(number(5), "+known_from >= " + number(5)) +
          optional(number(6), "+known_from < " + number(6)) +
          " AND authority_division >= " + text(7) + " AND authority_division < " + text(8);
    n = 8;
  } else {
    sql = "SELECT " + std::string(kDutyColumns) + " FROM obligation WHERE opened_at < " +
          number(1) + " AND (discharged_at IS NULL OR discharged_at >= " + number(1) +
          ") AND (retracted_at IS NULL OR retracted_at >= " + number(1) + ")" +
          filter(Lead::kDepartment, text(2), "authority_department") +
          optional(text(3), "due >= " + text(3)) + optional(text(4), "due <= " + text(4)) +
          filter(Lead::kParty, text(5), "party") + optional(text(6), "fulfils = " + text(6)) +
          optional(text(7), "kind = " + text(7)) + " AND authority_division >= " + text(8) +
          " AND authority_division < " + text(9);
    n = 9;
  }
  // A row value of `columns` compared with as many parameters.
  const auto row = [&](const std::vector<std::string>& columns, const std::string& op) {
    std::string names, values;
    for (size_t i = 0; i < columns.size(); ++i) {
      names += (i == 0 ? "" : ", ") + columns[i];
      values += (i == 0 ? "" : ", ") + text(n + 1 + static_cast<int>(i));
    }
    n += static_cast<int>(columns.size());
    return " AND (" + names + ") " + op + " (" + values + ")";
  };
  switch (query) {
    case ListQuery::kFindingsByKind:
    case ListQuery::kDutiesByKind:
      // The last kind read bounds the scan: with a kind asked for, the scan ends with it.
      sql += row({"kind", "party", "subject"}, ">=");
      sql += " AND kind <= " + text(++n) + " ORDER BY kind, party, subject";
      break;
    case ListQuery::kFindingsByDate:
    case ListQuery::kFindingsByDateDesc: {
      // The day alone bounds the seek too: SQLite seeks an index on an expression by the
      // expression, not by a row value that begins with it.
      const bool desc = query == ListQuery::kFindingsByDateDesc;
      const std::string op = desc ? " <= " : " >= ";
      const std::string day = number(++n);
      sql += " AND " + std::string(kDayOfFinding) + op + day + " AND (" + kDayOfFinding +
             ", kind, party, subject)" + op + "(" + day + ", " + text(n + 1) + ", " + text(n + 2) +
             ", " + text(n + 3) + ")";
      n += 3;
      sql += desc ? " ORDER BY " + std::string(kDayOfFinding) +
                        " DESC, kind DESC, party DESC, subject DESC"
                  : " ORDER BY " + std::string(kDayOfFinding) + ", kind, party, subject";
      break;
    }
    case ListQuery::kDutiesByDate:
      sql += row({"due", "kind", "party", "subject"}, ">=") + " ORDER BY due, kind, party, subject";
      break;
    case ListQuery::kDutiesByDateDesc:
      sql += row({"due", "kind", "party", "subject"}, "<=") +
             " ORDER BY due DESC, kind DESC, party DESC, subject DESC";
      break;
    case ListQuery::kDutiesByDue:
      sql += row({"due", "party", "subject"}, ">=") + " ORDER BY due, party, subject";
      break;
    case ListQuery::kDutiesByDueDesc:
      sql +=
          row({"due", "party", "subject"}, "<=") + " ORDER BY due DESC, party DESC, subject DESC";
      break;
    default:  // a variant: ShapeOf gave its order
      break;
  }
  return sql + " LIMIT " + number(n + 1);
}

namespace {

// A due date after every real one, for a seek from the end; a text after every kind's name
// (lower-case ASCII).
constexpr const char* kAfterAllDates = "9999-99-99";
constexpr const char* kAfterAllKinds = "\x7f";

// One source of a list. `read(from, n)` gives its first n rows in SQL's order, from the group
// `from` (a key, of which the first `group` fields are read; from where the cursor is, without
// it): a read that stops at n rows may cut its last group short, and that group is read again,
// whole, by the next read. A source of `group` 0 is read whole by one read (n is then
// INT64_MAX), in any order. `keep`, when set, drops the rows it refuses. `least`, when set, is
// a key that no row of the source precedes: the source is not read while the list is before it.
template <typename T>
struct ListSource {
  std::function<Result<std::vector<T>>(const std::optional<SortKey>&, int64_t)> read;
  size_t group = 0;
  std::function<bool(const T&)> keep;
  std::optional<SortKey> least;
};

// The page of the list that `sources` make together: the first `limit` items whose keys follow
// `after` (from the start without it), in the order of `sort`. Each source is read a chunk at a
// time, and the chunks' heads are merged: what is read past the page is at most a chunk of
// each source, and a finding's digest (the last field of its key) is computed only to order
// items equal in every other field, and for the page's last item. REQUIRES: limit >= 1.
template <typename T, typename Sort>
Result<Page<T>> MergePage(const std::vector<ListSource<T>>& sources, Sort sort,
                          const std::optional<SortKey>& after, size_t limit) {
  const bool desc = Descending(sort);
  const auto before = [desc](const SortKey& a, const SortKey& b) { return desc ? b < a : a < b; };
  struct Entry {
    T item;
    SortKey fields;                      // the key without its last field
    mutable std::optional<SortKey> key;  // the whole key, when needed
  };
  const size_t fields = KeySize(sort) - 1;
  const auto key_of = [&](const Entry& e) -> const SortKey& {
    if (!e.key) e.key = KeyOf(e.item, sort);
    return *e.key;
  };
  const auto precedes = [&](const Entry& a, const Entry& b) {
    if (a.fields != b.fields) return before(a.fields, b.fields);
    return before(key_of(a), key_of(b));
  };
  // Whether `t` follows `after`: by its first `group` fields, and only when those are the
  // cursor's by the whole key.
  const auto past = [&](const T& t, size_t group) {
    if (!after) return true;
    const SortKey g = KeyPrefix(t, sort, group);
    const SortKey cursor(after->begin(), after->begin() + static_cast<ptrdiff_t>(g.size()));
    if (g != cursor) return before(cursor, g);
    return before(*after, KeyOf(t, sort));
  };
  // A chunk: the page when it is small, and room for a few rows of the cursor's own group,
  // which the first read re-reads, and for a group cut short.
  constexpr size_t kChunk = 1024;
  constexpr int64_t kSlack = 16;
  struct Cursor {
    const ListSource<T>* source;
    std::optional<SortKey> from;
    int64_t n;
    bool done = false;
    std::vector<Entry> rows;  // the chunk, in the list's order
    size_t at = 0;            // its head
  };
  std::vector<Cursor> cursors;
  cursors.reserve(sources.size());
  for (const ListSource<T>& s : sources) {
    cursors.push_back(
        {&s, after, static_cast<int64_t>(std::min(limit, kChunk)) + 1 + kSlack, false, {}, 0});
  }
  // Reads the cursor's next chunk when its head is past its end; false at the source's end.
  const auto fill = [&](Cursor& c) -> Result<bool> {
    const ListSource<T>& s = *c.source;
    const size_t group = s.group == 0 ? KeySize(sort) : s.group;
    while (c.at == c.rows.size()) {
      if (c.done) return false;
      BATTRACE_ASSIGN_OR_RETURN(rows, s.read(c.from, s.group == 0 ? INT64_MAX : c.n));
      c.done = s.group == 0 || static_cast<int64_t>(rows.size()) < c.n;
      if (!c.done) {
        SortKey last = KeyPrefix(rows.back(), sort, s.group);
        while (!rows.empty() && KeyPrefix(rows.back(), sort, s.group) == last)
          rows.pop_back();
        // One group of n rows or more: read more at a time.
        if (rows.empty()) c.n = c.n > INT64_MAX / 4 ? INT64_MAX : c.n * 4;
        c.from = std::move(last);
      }
      c.rows.clear();
      c.at = 0;
      for (T& t : rows) {
        if ((s.keep && !s.keep(t)) || !past(t, group)) continue;
        SortKey f = KeyPrefix(t, sort, fields);
        c.rows.push_back({std::move(t), std::move(f), std::nullopt});
      }
      std::sort(c.rows.begin(), c.rows.end(), precedes);
    }
    return true;
  };
  Page<T> page;
  for (;;) {
    Cursor* first = nullptr;
    for (Cursor& c : cursors) {
      const std::optional<SortKey>& least = c.source->least;
      if (first != nullptr && c.rows.empty() && !c.done && least &&
          before(first->rows[first->at].fields, *least)) {
        continue;
      }
      BATTRACE_ASSIGN_OR_RETURN(more, fill(c));
      if (more && (first == nullptr || precedes(c.rows[c.at], first->rows[first->at]))) first = &c;
    }
    if (first == nullptr) return page;
    if (page.items.size() == limit) {
      page.next = KeyOf(page.items.back(), sort);
      return page;
    }
    page.items.push_back(std::move(first->rows[first->at++].item));
  }
}

// The enterprises whose duties are shown under a successor (Art. 17), of those that
// `party` (when given) succeeded or is.
std::vector<std::string> Predecessors(const domain::RegistryIndex& registry,
                                      const std::optional<std::string>& party) {
  std::vector<std::string> out;
  if (party) {
    for (std::string& p : registry.SelfAndPredecessors(*party)) {
      if (registry.SuccessorOf(p) != nullptr) out.push_back(std::move(p));
    }
    return out;
  }
  for (const auto& [uscc, enterprise] : registry.enterprises()) {
    for (const Uscc& p : enterprise.successor_of) {
      if (registry.SuccessorOf(p.str()) != nullptr) out.push_back(p.str());
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Adds to `out` the duties (or overdue findings) of a predecessor, each shown under its
// successor, that the filters on the party and division shown let through.
template <typename T>
void AddShown(const domain::RegistryIndex& registry, const std::optional<std::string>& party,
              const std::optional<Division>& within, std::vector<T> shown, std::vector<T>& out) {
  for (T& item : shown) {
    ShowSuccessor(registry, item.party, item.authority);
    if ((party && item.party != *party) || (within && !within->Contains(item.authority.division))) {
      continue;
    }
    out.push_back(std::move(item));
  }
}

domain::Finding OverdueFinding(domain::Duty d) {
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
  return f;
}

DivisionRange DivisionRangeOf(const std::optional<Division>& within) {
  return RangeOfCode(within ? std::string_view(within->code()) : std::string_view());
}

// The first three fields of the cursor's key (the group of the kind and due orders), or the
// seek from the start (ascending: before every key) or from the end (descending).
std::vector<std::string> SeekOf(const std::optional<SortKey>& after, bool desc) {
  if (after) return {(*after)[0], (*after)[1], (*after)[2]};
  return {desc ? kAfterAllDates : "", "", ""};
}

Result<Date> DateOfCursor(const SortKey& after) {
  auto date = Date::Parse(after[0], "cursor");
  if (!date.ok()) {
    return Status::Invalid("cursor", "query.cursor", "the cursor does not name a date");
  }
  return date;
}

// The last day of the filter's range, when it is before `last`; else `last`.
Date LastDay(const FindingFilter& filter, Date last) {
  return filter.to && *filter.to < last ? *filter.to : last;
}

// A seek by date: the day, and the (kind, party, subject) from which that day is read.
struct DateSeek {
  Date day;
  std::vector<std::string> rest;
};

// The seek of a source listed by date, from the group `from` (day, kind, party, subject; the
// start without it), clamped to the filter's range and to `last`, the last day that a row of
// the source can have within that range (LastDay): ascending, from the range's first day;
// latest first, from the day after the last (no kind is "", so nothing of that day is at or
// before it).
Result<DateSeek> SeekByDate(const std::optional<SortKey>& from, bool desc,
                            const FindingFilter& filter, Date last) {
  DateSeek seek{desc ? last.AddDays(1) : Date(), {"", "", ""}};
  if (from) {
    BATTRACE_ASSIGN_OR_RETURN(day, DateOfCursor(*from));
    seek = {day, {(*from)[1], (*from)[2], (*from)[3]}};
  }
  if (!desc && filter.from && seek.day < *filter.from) seek = {*filter.from, {"", "", ""}};
  if (desc && last < seek.day) seek = {last.AddDays(1), {"", "", ""}};
  return seek;
}

}  // namespace

Result<Page<domain::Finding>> FindingsPage(const ListReads& reads, Date as_of,
                                           const FindingFilter& filter, FindingSort sort,
                                           const std::optional<SortKey>& after, size_t limit) {
  BATTRACE_ASSIGN_OR_RETURN(within, Within(filter.division));
  const domain::RegistryIndex& registry = *reads.registry;
  const Instant end = EndOfBeijingDay(as_of);
  const FindingRange range = RangeOf(filter);
  const DivisionRange division = DivisionRangeOf(within);
  const bool desc = Descending(sort);
  // The groups of recorded findings: (kind, party, subject), by date after the day.
  const size_t group = sort == FindingSort::kKind ? 3 : 4;
  // The kind order's seek from `from`, from the kind asked for when that is before it; then
  // the last kind (past every kind's name without one asked for).
  const auto seek_by_kind = [&](std::vector<ListParam>& p, const std::optional<SortKey>& from) {
    std::vector<std::string> seek = SeekOf(from, false);
    if (filter.kind && seek[0] < *filter.kind) seek = {*filter.kind, "", ""};
    for (std::string& field : seek)
      p.emplace_back(std::optional(std::move(field)));
    p.emplace_back(std::optional<std::string>(filter.kind.value_or(kAfterAllKinds)));
  };

  // Recorded findings.
  const ListQuery query = sort == FindingSort::kKind   ? ListQuery::kFindingsByKind
                          : sort == FindingSort::kDate ? ListQuery::kFindingsByDate
                                                       : ListQuery::kFindingsByDateDesc;
  // Each kind is read from the one source that holds it (domain::kDutyKinds); by kind, the
  // duties are not read before the first of theirs is reached.
  const bool duty_kind = filter.kind && domain::IsDutyKind(*filter.kind);
  const bool gap_kind = filter.kind && *filter.kind == domain::finding_kind::kOutletCoverageGap;
  std::optional<SortKey> least_duty;
  if (sort == FindingSort::kKind) least_duty = SortKey{std::string(domain::kDutyKinds.front())};

  ListSource<domain::Finding> recorded;
  recorded.group = group;
  recorded.read = [&](const std::optional<SortKey>& from,
                      int64_t n) -> Result<std::vector<domain::Finding>> {
    if (duty_kind || gap_kind) return std::vector<domain::Finding>();
    std::vector<ListParam> p = {std::optional<int64_t>(end),
                                filter.kind,
                                filter.party,
                                filter.department,
                                range.start,
                                range.end,
                                std::optional(division.low),
                                std::optional(division.high)};
    if (sort == FindingSort::kKind) {
      seek_by_kind(p, from);
    } else {
      // By date, from the group `from`, before the end of as_of.
      BATTRACE_ASSIGN_OR_RETURN(seek, SeekByDate(from, desc, filter, LastDay(filter, as_of)));
      p.emplace_back(std::optional<int64_t>(seek.day.days_since_epoch()));
      for (std::string& field : seek.rest)
        p.emplace_back(std::optional(std::move(field)));
    }
    p.emplace_back(std::optional<int64_t>(n));
    return reads.findings(LedQuery(query, filter.party.has_value(), filter.department.has_value()),
                          p);
  };

  // Overdue duties: those of enterprises with a successor are read apart, below.
  const std::vector<std::string> predecessors = Predecessors(registry, filter.party);
  const ListQuery duties_query = sort == FindingSort::kKind   ? ListQuery::kDutiesByKind
                                 : sort == FindingSort::kDate ? ListQuery::kDutiesByDate
                                                              : ListQuery::kDutiesByDateDesc;
  // Overdue as of as_of: due before it, and within the range.
  const Date last_due = LastDay(filter, as_of.AddDays(-1));
  // The parameters of a duties query: `party`'s, from the group `from` (the start without it),
  // the division `in`.
  const auto duty_params = [&](const std::optional<std::string>& party,
                               const std::optional<SortKey>& from, const DivisionRange& in,
                               int64_t n) -> Result<std::vector<ListParam>> {
    std::vector<ListParam> p = {std::optional<int64_t>(end),
                                filter.department,
                                range.first_day,
                                std::optional(last_due.ToString()),
                                party,
                                std::optional<std::string>(),
                                filter.kind,
                                std::optional(in.low),
                                std::optional(in.high)};
    if (sort == FindingSort::kKind) {
      seek_by_kind(p, from);
    } else {
      // By date, from the group `from`, due before as_of.
      BATTRACE_ASSIGN_OR_RETURN(seek, SeekByDate(from, desc, filter, last_due));
      p.emplace_back(std::optional(seek.day.ToString()));
      for (std::string& field : seek.rest)
        p.emplace_back(std::optional(std::move(field)));
    }
    p.emplace_back(std::optional<int64_t>(n));
    return p;
  };
  // The overdue duties of the parameters `p`, those of one party when `of_party`.
  const auto overdue =
      [&](bool of_party, const std::vector<ListParam>& p) -> Result<std::vector<domain::Finding>> {
    BATTRACE_ASSIGN_OR_RETURN(
        duties, reads.duties(LedQuery(duties_query, of_party, filter.department.has_value()), p));
    std::vector<domain::Finding> findings;
    findings.reserve(duties.size());
    for (domain::Duty& d : duties)
      findings.push_back(OverdueFinding(std::move(d)));
    return findings;
  };
  ListSource<domain::Finding> duties;
  duties.group = sort == FindingSort::kKind ? 3 : 4;
  duties.read = [&](const std::optional<SortKey>& from,
                    int64_t n) -> Result<std::vector<domain::Finding>> {
    if (filter.kind && !duty_kind) return std::vector<domain::Finding>();
    BATTRACE_ASSIGN_OR_RETURN(p, duty_params(filter.party, from, division, n));
    return overdue(filter.party.has_value(), p);
  };
  duties.keep = [&](const domain::Finding& f) { return registry.SuccessorOf(f.party) == nullptr; };
  duties.least = least_duty;
  // Shown under the successor, with the successor's authority: party and division are
  // filtered after.
  ListSource<domain::Finding> shown;
  shown.least = least_duty;
  shown.read = [&](const std::optional<SortKey>&, int64_t) -> Result<std::vector<domain::Finding>> {
    std::vector<domain::Finding> out;
    if (filter.kind && !duty_kind) return out;
    for (const std::string& p : predecessors) {
      BATTRACE_ASSIGN_OR_RETURN(
          params, duty_params(p, std::nullopt, DivisionRangeOf(std::nullopt), INT64_MAX));
      BATTRACE_ASSIGN_OR_RETURN(theirs, overdue(true, params));
      AddShown(registry, filter.party, within, std::move(theirs), out);
    }
    return out;
  };

  // Outlet coverage gaps: few, and read whole; by kind, not before their kind is reached;
  // latest first, not before the day of the last sale (after which none is dated) is reached.
  ListSource<domain::Finding> gaps;
  if (sort == FindingSort::kKind)
    gaps.least = SortKey{std::string(domain::finding_kind::kOutletCoverageGap)};
  if (desc && (!filter.kind || gap_kind)) {
    BATTRACE_ASSIGN_OR_RETURN(last_sale, reads.last_sale(end));
    if (last_sale) gaps.least = SortKey{BeijingDate(*last_sale).ToString(), kAfterAllKinds};
  }
  gaps.read = [&](const std::optional<SortKey>& from,
                  int64_t) -> Result<std::vector<domain::Finding>> {
    std::vector<domain::Finding> out;
    if (filter.kind && !gap_kind) return out;
    // By date, a gap is dated the day its sale was recorded: none of a day before the cursor's
    // (after it, latest first) is on the page.
    FindingFilter on_page = filter;
    if (from && sort != FindingSort::kKind) {
      BATTRACE_ASSIGN_OR_RETURN(day, DateOfCursor(*from));
      std::optional<Date>& bound = desc ? on_page.to : on_page.from;
      if (!bound || (desc ? day < *bound : *bound < day)) bound = day;
    }
    BATTRACE_ASSIGN_OR_RETURN(sales, reads.uncovered(end, on_page));
    for (const auto& [sale, known_from] : sales) {
      domain::Finding f = CoverageGap(sale, known_from, registry, as_of);
      if ((filter.party && f.party != *filter.party) ||
          (within && !within->Contains(f.authority.division))) {
        continue;
      }
      out.push_back(std::move(f));
    }
    return out;
  };
  return MergePage<domain::Finding>({recorded, duties, shown, gaps}, sort, after, limit);
}

Result<Page<domain::Duty>> ObligationsPage(const ListReads& reads, Date as_of,
                                           const ObligationFilter& filter, DutySort sort,
                                           const std::optional<SortKey>& after, size_t limit) {
  BATTRACE_ASSIGN_OR_RETURN(within, Within(filter.division));
  const domain::RegistryIndex& registry = *reads.registry;
  const Instant end = EndOfBeijingDay(as_of);
  const bool desc = Descending(sort);
  const ListQuery query = desc ? ListQuery::kDutiesByDueDesc : ListQuery::kDutiesByDue;
  std::optional<std::string> due_from, due_to;
  if (filter.due_from) due_from = filter.due_from->ToString();
  if (filter.due_to) due_to = filter.due_to->ToString();
  // The seek from the group `from`, clamped to the due range: ascending, from its first day;
  // descending, from the day after its last (no party is "", so no duty of that day is at or
  // before it).
  const auto seek_from = [&](const std::optional<SortKey>& from) {
    std::vector<std::string> seek = SeekOf(from, desc);
    if (!desc && due_from && seek[0] < *due_from) seek = {*due_from, "", ""};
    if (desc && filter.due_to) {
      std::string next = filter.due_to->AddDays(1).ToString();
      if (next < seek[0]) seek = {std::move(next), "", ""};
    }
    return seek;
  };
  const auto params = [&](const std::optional<std::string>& party, const DivisionRange& in,
                          const std::vector<std::string>& from, int64_t n) {
    std::vector<ListParam> p = {std::optional<int64_t>(end),
                                std::optional<std::string>(),
                                due_from,
                                due_to,
                                party,
                                filter.type,
                                std::optional<std::string>(),
                                std::optional(in.low),
                                std::optional(in.high)};
    for (const std::string& field : from)
      p.emplace_back(std::optional(field));
    p.emplace_back(std::optional<int64_t>(n));
    return p;
  };
  const std::vector<std::string> predecessors = Predecessors(registry, filter.party);
  ListSource<domain::Duty> open;
  open.group = 3;
  open.read = [&](const std::optional<SortKey>& from, int64_t n) {
    return reads.duties(LedQuery(query, filter.party.has_value(), false),
                        params(filter.party, DivisionRangeOf(within), seek_from(from), n));
  };
  open.keep = [&](const domain::Duty& d) { return registry.SuccessorOf(d.party) == nullptr; };
  ListSource<domain::Duty> shown;
  shown.read = [&](const std::optional<SortKey>&, int64_t) -> Result<std::vector<domain::Duty>> {
    std::vector<domain::Duty> out;
    for (const std::string& p : predecessors) {
      BATTRACE_ASSIGN_OR_RETURN(
          theirs, reads.duties(LedQuery(query, true, false),
                               params(p, DivisionRangeOf(std::nullopt), SeekOf(std::nullopt, desc),
                                      INT64_MAX)));
      AddShown(registry, filter.party, within, std::move(theirs), out);
    }
    return out;
  };
  return MergePage<domain::Duty>({open, shown}, sort, after, limit);
}

}  // namespace battrace::store::common
