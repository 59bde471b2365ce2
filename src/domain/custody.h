// Which reports may move a battery, and from whom (docs/findings.md, "Which reports move
// custody, and from whom"). One predicate decides both that a report conflicts with the
// battery's record (the conflicting_custody finding the engine records) and that it does not
// move the battery (Project leaves custody, status, vehicle and parent as they were and marks
// the battery contested), so the two can never disagree.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "domain/report.h"
#include "domain/state.h"

namespace battrace::domain {

// The name of a report in findings, duties and records: "reporter/id".
std::string ReportRef(const std::string& reporter, const std::string& id);

// A battery a report would move against its record.
struct Contest {
  std::string code;
  std::string detail;  // the conflicting_custody finding's detail
};

// The batteries that `body`, filed by `reporter` and named `ref`, reports on while the record
// (state before the report, through `state`; the registry of state.Registry()) says someone
// else holds them: a battery.outbound or battery.inbound of a battery held by another, a pack
// installed while recorded installed in another vehicle, a part assembled while recorded in
// another parent. At most one entry per code, in the report's order. Errors: the StateView's.
Result<std::vector<Contest>> Contests(const std::string& reporter, const std::string& ref,
                                      const ReportBody& body, StateView& state);

}  // namespace battrace::domain
