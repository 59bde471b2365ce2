// The query parameters of GET /epcis/events (the EPCIS 2.0 REST binding's SimpleEventQuery
// subset battrace answers, docs/api.md "EPCIS"): parsed into the store's filter, and the same
// filter applied to events the store does not hold (battrace's own report events, mapped on
// the fly). Values of a parameter may be alternatives separated by '|'; CBV values may be bare
// words, URNs or Web URIs; EPCs and location ids are compared in canonical form (epcis/epc.h);
// times are RFC 3339 instants, GE_ inclusive and LT_ exclusive.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace battrace::epcis {

// The parameters GET /epcis/events takes, in the route table's order.
const std::vector<std::string>& QueryParameterNames();

constexpr size_t kDefaultPerPage = 30;
constexpr size_t kMaxPerPage = 1000;

struct EventQuery {
  store::EpcisFilter filter;  // owner/division/after_seq left for the caller; limit = perPage
  std::optional<std::string> next_page_token;  // as sent, for the caller to decode
  // The MATCH_ values that name battrace batteries (mapping.h CodeOfUri): their report
  // events answer the query too. Battery codes, each once.
  std::vector<std::string> battery_codes;
};

// Parses the query parameters; an unknown parameter is Invalid with rule
// "query.unknown_parameter", a bad value with rule "epcis.query" (field = the parameter).
Result<EventQuery> ParseEventQuery(const std::map<std::string, std::string>& params);

// Whether an event's columns (epcis/capture.h EventColumns, with `epcs` filled) pass every
// condition of `filter` but its scope (owner, division) and paging.
bool MatchesFilter(const store::EpcisEvent& event, const store::EpcisFilter& filter);

}  // namespace battrace::epcis
