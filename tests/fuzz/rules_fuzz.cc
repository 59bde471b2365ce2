// Fuzz target for one deadline-rule file (RuleSet::FromJson). The parser may not crash or throw;
// an accepted file must hold only known duty keys, each once, with non-empty roles that may file
// the report type and a note wherever the period is configurable; every rule must be found on
// its regime's first day and on no day outside the regime; and its due date from that day, on
// the weekends-only calendar, must fall after the anchor on a working day, warning when the
// period is a configurable default.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "domain/rules.h"

namespace {

using battrace::Date;
using battrace::LegalCalendar;
using battrace::Period;
using battrace::Regime;
using battrace::Rule;
using battrace::RuleSet;

void Check(const RuleSet& set, const Regime& regime, const LegalCalendar& calendar) {
  std::set<std::string> duties;
  for (const Rule& rule : regime.rules) {
    const auto keys = battrace::DutyKeys();
    if (std::find(keys.begin(), keys.end(), rule.duty) == keys.end()) std::abort();
    if (!duties.insert(rule.duty).second) std::abort();
    if (rule.regime != regime.name || rule.reporter_roles.empty()) std::abort();
    for (battrace::Role role : rule.reporter_roles) {
      if (!battrace::RoleMayFile(role, rule.report_type) || !rule.Binds(role)) std::abort();
    }
    if (rule.configurable && rule.note.empty()) std::abort();
    auto again = Period::Parse(rule.period.ToString());
    if (!again.ok() || !(*again == rule.period)) std::abort();

    if (set.Find(rule.duty, regime.effective_from) != &rule) std::abort();
    if (set.Find(rule.duty, regime.effective_from.AddDays(-1)) != nullptr) std::abort();
    if (regime.effective_to && set.Find(rule.duty, *regime.effective_to) != nullptr) std::abort();

    const LegalCalendar::Due due = battrace::DueDate(rule, regime.effective_from, calendar);
    if (due.date <= regime.effective_from || !calendar.IsWorkingDay(due.date)) std::abort();
    if (rule.configurable && due.warnings.empty()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto set = RuleSet::FromJson(input, "fuzz.json");
  if (!set.ok()) {
    if (set.status().field().rfind("fuzz.json#", 0) != 0) std::abort();
    return 0;
  }
  if (set->regimes().size() != 1) std::abort();
  const LegalCalendar weekends_only;
  Check(*set, set->regimes()[0], weekends_only);
  return 0;
}
