// The reporting deadlines the simulator plans against: for a duty key ("24.2a", "24.7a",
// "utilized", ...) and an anchor date, the article a finding cites and the last day to report.
//
// The simulator never calls the findings engine; it only needs the law's periods to keep its
// normal reports on time and to place its injected late reports and overdue duties after their
// due dates: the rules of the regime in force on the anchor (RuleSet::Default(), rules/) counted
// in the process-wide legal calendar (LegalCalendar::Default(), data/calendar/).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/legal_calendar.h"
#include "core/status.h"

namespace battrace {
class RuleSet;
}  // namespace battrace

namespace battrace::sim {

struct Deadline {
  std::string article;  // what a finding cites, e.g. "24.7a"
  Date due;             // the last day to report
};

class Deadlines {
 public:
  // The process-wide legal calendar and rules; an error when either does not load. Both live as
  // long as the process.
  static Result<Deadlines> Default();

  // The deadline of `duty` for an event on `anchor`, or nullopt when no rule judges that duty
  // on that day.
  std::optional<Deadline> Find(std::string_view duty, Date anchor) const;

 private:
  Deadlines(const LegalCalendar* calendar, const RuleSet* rules)
      : calendar_(calendar), rules_(rules) {}
  const LegalCalendar* calendar_;
  const RuleSet* rules_;
};

}  // namespace battrace::sim
