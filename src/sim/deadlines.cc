#include "sim/deadlines.h"

#include "domain/rules.h"

namespace battrace::sim {

Result<Deadlines> Deadlines::Default() {
  const Result<LegalCalendar>& calendar = LegalCalendar::Default();
  if (!calendar.ok()) return calendar.status();
  const Result<RuleSet>& rules = RuleSet::Default();
  if (!rules.ok()) return rules.status();
  return Deadlines(&*calendar, &*rules);
}

std::optional<Deadline> Deadlines::Find(std::string_view duty, Date anchor) const {
  const Rule* rule = rules_->Find(duty, anchor);
  if (rule == nullptr) return std::nullopt;
  return Deadline{rule->article, calendar_->DueDate(anchor, rule->period).date};
}

}  // namespace battrace::sim
