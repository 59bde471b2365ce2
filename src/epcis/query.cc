#include "epcis/query.h"

#include <algorithm>

#include "core/date.h"
#include "core/str_cat.h"
#include "epcis/cbv.h"
#include "epcis/epc.h"
#include "epcis/mapping.h"

namespace battrace::epcis {
namespace {

// The roles (store::EpcisEvent::epcs) each MATCH_ parameter looks in (EPCIS 2.0 §8.2.7.1).
const std::vector<std::pair<std::string, std::vector<std::string>>>& MatchParameters() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> kMatch = {
      {"MATCH_epc", {"epc", "child"}},
      {"MATCH_parentID", {"parent"}},
      {"MATCH_inputEPC", {"input"}},
      {"MATCH_outputEPC", {"output"}},
      {"MATCH_anyEPC", {"epc", "child", "parent", "input", "output"}},
      {"MATCH_anyEPCClass", {"class"}},
  };
  return kMatch;
}

// The MATCH_ parameters whose values may name a battrace battery: the battery is an EPC of
// battrace's report events, in any of these roles.
bool MayNameBattery(const std::string& name) {
  return name == "MATCH_epc" || name == "MATCH_parentID" || name == "MATCH_anyEPC";
}

Status Bad(const std::string& name, const std::string& message) {
  return Status::Invalid(name, "epcis.query", message);
}

// The alternatives of a value: "a|b" → {a, b}; none may be empty.
Result<std::vector<std::string>> Alternatives(const std::string& name, const std::string& value) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t bar = std::min(value.find('|', start), value.size());
    if (bar == start) return Bad(name, name + " has an empty value (alternatives: a|b)");
    out.push_back(value.substr(start, bar - start));
    if (bar == value.size()) break;
    start = bar + 1;
  }
  return out;
}

// An instant bound in ms for a comparison of ms values: ceil of the microseconds / 1000 keeps
// both GE (t >= bound) and LT (t < bound) exact for a bound with a finer fraction.
Result<int64_t> TimeBound(const std::string& name, const std::string& value) {
  auto t = ParseTimestamp(value, name);
  if (!t.ok()) return Bad(name, t.status().message());
  const int64_t us = *t;
  return us >= 0 ? (us + 999) / 1000 : -((-us) / 1000);
}

Result<std::vector<std::string>> OneOf(const std::string& name, const std::string& value,
                                       const std::vector<std::string>& allowed) {
  BATTRACE_ASSIGN_OR_RETURN(values, Alternatives(name, value));
  for (const std::string& v : values) {
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
      std::string list;
      for (const std::string& a : allowed)
        list += (list.empty() ? "" : ", ") + a;
      return Bad(name, StrCat("'", v, "' is not one of ", list));
    }
  }
  return values;
}

Result<size_t> PerPage(const std::string& value) {
  size_t n = 0;
  bool ok = !value.empty() && value.size() <= 4;
  for (char ch : value) {
    if (ch < '0' || ch > '9') ok = false;
    if (ok) n = n * 10 + static_cast<size_t>(ch - '0');
  }
  if (!ok || n < 1 || n > kMaxPerPage) {
    return Bad("perPage", "perPage must be an integer from 1 to " + std::to_string(kMaxPerPage));
  }
  return n;
}

bool AnyOf(const std::vector<std::string>& wanted, const std::string& value) {
  return wanted.empty() || std::find(wanted.begin(), wanted.end(), value) != wanted.end();
}

}  // namespace

const std::vector<std::string>& QueryParameterNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names = {"eventType",      "GE_eventTime",   "LT_eventTime",
                                      "GE_recordTime",  "LT_recordTime",  "EQ_action",
                                      "EQ_bizStep",     "EQ_disposition", "EQ_readPoint",
                                      "EQ_bizLocation", "EQ_eventID"};
    for (const auto& [name, roles] : MatchParameters())
      names.push_back(name);
    names.emplace_back("perPage");
    names.emplace_back("nextPageToken");
    return names;
  }();
  return kNames;
}

Result<EventQuery> ParseEventQuery(const std::map<std::string, std::string>& params) {
  EventQuery q;
  store::EpcisFilter& f = q.filter;
  f.limit = kDefaultPerPage;
  for (const auto& [param, value] : params) {
    // A structured binding cannot be captured by the lambda below (C++20 before P1091).
    const std::string& name = param;
    const auto& names = QueryParameterNames();
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      return Status::Invalid(name, "query.unknown_parameter",
                             "unknown query parameter '" + name + "' for /epcis/events");
    }
    if (name == "perPage") {
      BATTRACE_ASSIGN_OR_RETURN(n, PerPage(value));
      f.limit = n;
    } else if (name == "nextPageToken") {
      q.next_page_token = value;
    } else if (name == "eventType") {
      BATTRACE_ASSIGN_OR_RETURN(v, OneOf(name, value,
                                         {"ObjectEvent", "AggregationEvent", "TransactionEvent",
                                          "TransformationEvent", "AssociationEvent"}));
      f.types = std::move(v);
    } else if (name == "EQ_action") {
      BATTRACE_ASSIGN_OR_RETURN(v, OneOf(name, value, {"ADD", "OBSERVE", "DELETE"}));
      f.actions = std::move(v);
    } else if (name == "GE_eventTime" || name == "LT_eventTime" || name == "GE_recordTime" ||
               name == "LT_recordTime") {
      BATTRACE_ASSIGN_OR_RETURN(t, TimeBound(name, value));
      (name == "GE_eventTime"    ? f.ge_event_time
       : name == "LT_eventTime"  ? f.lt_event_time
       : name == "GE_recordTime" ? f.ge_record_time
                                 : f.lt_record_time) = t;
    } else if (name == "EQ_bizStep" || name == "EQ_disposition") {
      const Vocab vocab = name == "EQ_bizStep" ? Vocab::kBizStep : Vocab::kDisposition;
      BATTRACE_ASSIGN_OR_RETURN(values, Alternatives(name, value));
      auto& out = name == "EQ_bizStep" ? f.biz_steps : f.dispositions;
      for (const std::string& v : values)
        out.push_back(CbvWord(vocab, v));
    } else if (name == "EQ_readPoint" || name == "EQ_bizLocation") {
      BATTRACE_ASSIGN_OR_RETURN(values, Alternatives(name, value));
      auto& out = name == "EQ_readPoint" ? f.read_points : f.biz_locations;
      for (const std::string& v : values)
        out.push_back(CanonicalEpc(v));
    } else if (name == "EQ_eventID") {
      BATTRACE_ASSIGN_OR_RETURN(values, Alternatives(name, value));
      f.event_ids = std::move(values);
    } else {
      const auto& match = *std::find_if(MatchParameters().begin(), MatchParameters().end(),
                                        [&](const auto& m) { return m.first == name; });
      BATTRACE_ASSIGN_OR_RETURN(values, Alternatives(name, value));
      store::EpcisEpcMatch m;
      m.roles = match.second;
      for (const std::string& v : values) {
        m.values.push_back(CanonicalEpc(v));
        if (!MayNameBattery(name)) continue;
        if (auto code = CodeOfUri(v);
            code && std::find(q.battery_codes.begin(), q.battery_codes.end(), *code) ==
                        q.battery_codes.end()) {
          q.battery_codes.push_back(*code);
        }
      }
      f.epc_matches.push_back(std::move(m));
    }
  }
  return q;
}

bool MatchesFilter(const store::EpcisEvent& e, const store::EpcisFilter& f) {
  if (!AnyOf(f.types, e.type) || !AnyOf(f.actions, e.action) || !AnyOf(f.biz_steps, e.biz_step) ||
      !AnyOf(f.dispositions, e.disposition) || !AnyOf(f.read_points, e.read_point) ||
      !AnyOf(f.biz_locations, e.biz_location) || !AnyOf(f.event_ids, e.event_id)) {
    return false;
  }
  if ((f.ge_event_time && e.event_time < *f.ge_event_time) ||
      (f.lt_event_time && e.event_time >= *f.lt_event_time) ||
      (f.ge_record_time && e.record_time < *f.ge_record_time) ||
      (f.lt_record_time && e.record_time >= *f.lt_record_time)) {
    return false;
  }
  for (const store::EpcisEpcMatch& m : f.epc_matches) {
    const bool hit = std::any_of(e.epcs.begin(), e.epcs.end(), [&](const auto& epc) {
      return AnyOf(m.roles, epc.first) &&
             std::find(m.values.begin(), m.values.end(), epc.second) != m.values.end();
    });
    if (!hit) return false;
  }
  return true;
}

}  // namespace battrace::epcis
