// Fuzz target for the query parameters of GET /epcis/events (src/epcis/query.h). The input is a
// query string, "name=value" pairs separated by '&' (not percent-decoded: the bytes go to the
// parser as they are). ParseEventQuery must answer, never crash; a refusal must name the
// parameter in `field` and carry its rule ("query.unknown_parameter" or "epcis.query"); an
// accepted query must keep perPage within 1..1000, and its filter must be total over any event
// columns (MatchesFilter on an empty event and on one with an EPC of every role).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "epcis/query.h"

namespace {

void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "epcis_query_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::map<std::string, std::string> params;
  size_t i = 0;
  while (i <= text.size()) {
    const size_t amp = std::min(text.find('&', i), text.size());
    const std::string_view pair = text.substr(i, amp - i);
    const size_t eq = pair.find('=');
    params.emplace(std::string(pair.substr(0, eq)),
                   eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1)));
    i = amp + 1;
  }
  auto q = battrace::epcis::ParseEventQuery(params);
  if (!q.ok()) {
    Require(params.count(q.status().field()) == 1, "a refusal names a parameter sent");
    Require(q.status().rule() == "query.unknown_parameter" || q.status().rule() == "epcis.query",
            "a refusal carries its rule");
    return 0;
  }
  Require(q->filter.limit >= 1 && q->filter.limit <= battrace::epcis::kMaxPerPage, "perPage");
  battrace::store::EpcisEvent event;
  (void)battrace::epcis::MatchesFilter(event, q->filter);
  for (const char* role : {"epc", "child", "parent", "input", "output", "class"})
    event.epcs.emplace_back(role, "urn:epc:id:sscc:0614141.1234567890");
  event.event_time = INT64_MAX;
  (void)battrace::epcis::MatchesFilter(event, q->filter);
  return 0;
}
