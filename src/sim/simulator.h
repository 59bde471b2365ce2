// The data simulator behind `battrace simulate` (docs/simulator.md): a registry of enterprises
// and regulators, the lifecycle reports of N vehicles and their batteries over a date range, and
// the answer key: the findings that must exist as of the last day, recorded from the violations
// the simulator injected (docs/findings.md), never derived from the reports.
//
// Deterministic: the same options give byte-identical output. Reports are written as they fall
// due, one Beijing day at a time, so memory grows with the number of vehicles (a few bytes of
// plan each), not with the number of reports.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "domain/state.h"

namespace battrace::sim {

struct SimOptions {
  uint64_t vehicles = 1000;
  uint64_t seed = 1;
  Date from = *Date::FromYmd(2026, 4, 1);
  Date to = *Date::FromYmd(2026, 9, 30);
  // The share of opportunities at which each kind of violation is injected, 0..1.
  double violations = 0.02;
};

// A finding as docs/findings.md defines it; `due` absent for findings without a deadline.
using Finding = domain::Finding;

struct AnswerKey {
  std::vector<Finding> findings;  // in the output order of docs/findings.md
  uint64_t registry_records = 0;
  uint64_t reports = 0;
};

// Checks the options: at least one vehicle, `to` at least 30 days after `from`, both in
// 2011-2040 (the battery code's years), a rate in 0..1.
Status ValidateOptions(const SimOptions& options);

// Writes the registry (NDJSON, one record a line) and the reports (NDJSON sorted by `reported`)
// and returns the answer key. Does no file I/O of its own. Fails when the options are invalid or
// the legal calendar does not load.
Result<AnswerKey> Simulate(const SimOptions& options, std::ostream& registry_out,
                           std::ostream& reports_out);

// The answer key as the JSON array of findings docs/findings.md describes.
nlohmann::json AnswerKeyToJson(const AnswerKey& key);

}  // namespace battrace::sim
