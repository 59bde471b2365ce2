// The regulation engine: authorizes a report, projects it, and judges it against the law
// (docs/findings.md): the duty it fulfils and whether it came in time, the duties it proves
// others owe, the duties it discharges, and the findings it reveals. Pure: reads state and the
// registry through StateView, the rules and calendar it is given; no I/O, no clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/legal_calendar.h"
#include "core/status.h"
#include "domain/custody.h"
#include "domain/report.h"
#include "domain/rules.h"
#include "domain/state.h"

namespace battrace::domain {

// The law the engine applies.
struct Law {
  const RuleSet& rules;
  const LegalCalendar& calendar;
};

// What a correction corrects, as stored.
struct Original {
  Instant reported = 0;  // when the platform received the original
  uint64_t leaf = 0;     // its ledger leaf
};

// Whether `report` may be stored: Forbidden when the reporter is not a registered enterprise,
// or none of its roles may file the report's type (for a correction, the corrected type;
// docs/report-format.md, "Who may file what"), with field "/reporter" and rule "auth.unregistered",
// or field "/type" and rule "auth.role".
Status Authorize(const Report& report, const RegistryIndex& registry);

// Everything that storing the authorized `report` (REQUIRES: Authorize passed and
// report.reported is set) as ledger leaf `leaf` changes. Errors: those of the StateView.
// For a correction, `original` is the corrected report as stored (REQUIRES: set):
// the original's findings, duties and sales are retracted, the corrected report is judged in its
// place (its lateness by the original's receipt time), and every battery and vehicle either
// report names is rebuilt from its history with the corrected report in the original's place
// (Reproject in domain/projection.h; its custody judged against the rebuilt records).
Result<Effects> Evaluate(const Report& report, uint64_t leaf, StateView& state, const Law& law,
                         const std::optional<Original>& original = std::nullopt);

}  // namespace battrace::domain
