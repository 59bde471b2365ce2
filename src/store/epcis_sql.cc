#include "store/epcis_sql.h"

#include "core/str_cat.h"

namespace battrace::store::common {

Result<EpcisQuery> EpcisQuerySql(const EpcisFilter& filter,
                                 std::string (*in_list)(std::string_view column,
                                                        std::string_view placeholder)) {
  EpcisQuery q;
  const auto next = [&](EpcisParam p) {
    q.params.push_back(std::move(p));
    return "$" + std::to_string(q.params.size());
  };
  const auto number = [&](int64_t v) {
    return next({.kind = EpcisParam::Kind::kInt, .text = {}, .number = v, .list = {}});
  };
  const auto text = [&](const std::string& v) {
    return next({.kind = EpcisParam::Kind::kText, .text = v, .number = 0, .list = {}});
  };
  // "column is one of values": a single value compares as equal, which every planner reads.
  const auto one_of = [&](std::string_view column, const std::vector<std::string>& values) {
    if (values.size() == 1) return StrCat(column, " = ", text(values[0]));
    return in_list(
        column, next({.kind = EpcisParam::Kind::kList, .text = {}, .number = 0, .list = values}));
  };
  // Columns are named bare: epcis_event's in the outer query, epcis_epc's in each subquery.
  std::string where = "e.seq > " + number(static_cast<int64_t>(filter.after_seq));
  const std::pair<const char*, const std::vector<std::string>*> lists[] = {
      {"type", &filter.types},
      {"action", &filter.actions},
      {"biz_step", &filter.biz_steps},
      {"disposition", &filter.dispositions},
      {"read_point", &filter.read_points},
      {"biz_location", &filter.biz_locations},
      {"event_id", &filter.event_ids}};
  for (const auto& [column, values] : lists) {
    if (!values->empty()) where += StrCat(" AND ", one_of(column, *values));
  }
  const std::tuple<const char*, const char*, const std::optional<int64_t>*> bounds[] = {
      {"event_time", " >= ", &filter.ge_event_time},
      {"event_time", " < ", &filter.lt_event_time},
      {"record_time", " >= ", &filter.ge_record_time},
      {"record_time", " < ", &filter.lt_record_time}};
  for (const auto& [column, op, bound] : bounds) {
    if (*bound) where += StrCat(" AND ", column, op, number(**bound));
  }
  // Each MATCH_ is a lookup in the (epc, role, event) primary key, from the page's start on.
  // (Placeholders are numbered as they are made, so each is made in a statement of its own.)
  for (const EpcisEpcMatch& m : filter.epc_matches) {
    const std::string epc = one_of("epc", m.values);
    const std::string role = one_of("role", m.roles);
    where += StrCat(" AND e.seq IN (SELECT event FROM epcis_epc WHERE ", epc, " AND ", role,
                    " AND event > $1)");
  }
  if (filter.owner) where += StrCat(" AND e.owner = ", text(*filter.owner));
  if (filter.division) {
    // Division codes are digits: those inside a division with prefix p lie in [p, p + ":").
    BATTRACE_ASSIGN_OR_RETURN(within, Division::Parse(*filter.division));
    const std::string low = text(within.prefix());
    const std::string high = text(within.prefix() + ":");
    where += StrCat(" AND e.owner_division >= ", low, " AND e.owner_division < ", high);
  }
  q.sql = StrCat("SELECT ", kEpcisEventColumns, " FROM epcis_event e WHERE ", where,
                 " ORDER BY e.seq LIMIT ", number(static_cast<int64_t>(filter.limit)));
  return q;
}

}  // namespace battrace::store::common
