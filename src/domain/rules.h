// The law as data: which report each duty asks for, from whom, and by when, per regime.
//
// A regime is one legal instrument's reporting deadlines over a span of anchor dates (the 2018
// traceability provisions until 2026-03-31, the 2026 Measures from 2026-04-01). Each regime is
// one JSON file in a rules directory (format, validation and the reasons for every default in
// rules/README.md); the duties are keyed by stable duty keys ("24.2a", "utilized") that are the
// same in every regime, so that the findings engine asks "duty 24.5b, anchored on 2026-03-31"
// and gets the rule of the regime in force on that day. A duty key missing from a regime means
// no duty of that kind is judged for anchors in that regime.
//
// Depends on the legal calendar (core) for periods and due dates, and on the report types and
// roles of this layer. Never throws.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/data_directory.h"
#include "core/date.h"
#include "core/legal_calendar.h"
#include "core/status.h"
#include "domain/report_type.h"
#include "domain/role.h"

namespace battrace {

// Every duty key a rule file may use: the Article 24 row ids of the domain description ("24.1",
// "24.2a" ... "24.8") and "utilized" (battery.utilized, for which Article 24 sets no deadline). A
// key outside this list is rejected (rule "rules.unknown_duty"): a typo would otherwise never be
// asked for.
std::span<const std::string_view> DutyKeys();

// One duty of one regime.
struct Rule {
  std::string duty;     // a key of DutyKeys()
  std::string article;  // what a finding cites: "24.2a", "12", "2018-10"
  ReportType report_type = ReportType::kBatteryProduced;  // the report that discharges the duty
  std::vector<Role> reporter_roles;  // who the rule binds: non-empty, distinct, file order
  std::string anchor;                // which date the period runs from, in words
  Period period;
  bool configurable = false;  // true: the text leaves the period open; `period` is a default
  std::string note;           // why; never empty when `configurable`
  std::string regime;         // the name of the regime holding the rule

  // Whether the rule binds an enterprise acting in `role`.
  bool Binds(Role role) const;
};

// One regime file.
struct Regime {
  std::string name;                  // e.g. "2026-measures"; unique in a RuleSet
  std::string title;                 // a short description, for people
  std::string source;                // the instrument's name
  Date effective_from;               // first anchor date judged under it (inclusive)
  std::optional<Date> effective_to;  // first anchor date no longer judged (exclusive)
  std::string file;                  // the source name it was loaded from
  std::vector<Rule> rules;           // file order, each duty once

  // effective_from <= d < effective_to (no upper bound when effective_to is absent).
  bool InForceOn(Date d) const;
};

// The regimes of a rules directory, none overlapping another in time. Immutable once built;
// safe to share between threads.
class RuleSet {
 public:
  // No regime: Find answers nullptr for every duty.
  RuleSet() = default;

  // Parses one regime file:
  //   {"name": "2026-measures", "title": "...", "source": "...", "effective_from": "2026-04-01",
  //    "effective_to": "2027-01-01", "rules": [{"duty": "24.2a", "article": "24.2a",
  //    "report_type": "vehicle.produced", "reporter_roles": ["vehicle_maker"], "anchor": "...",
  //    "period": "20d", "configurable": false, "note": "..."}, ...]}
  // Every key but effective_to and note is required; no other key, no key twice. Rejected (rule
  // in brackets): malformed JSON [rules.json], a file over 1 MiB [rules.too_large], a missing,
  // unknown or repeated key [rules.required, rules.unknown_field, rules.duplicate_field], a
  // value of the wrong JSON type [rules.type], an empty string, list or rule list
  // [rules.empty], a string too long or with control characters (identifiers: visible ASCII
  // only) [rules.too_long, rules.characters], a bad date [date.format, date.exists],
  // effective_to not after effective_from [rules.effective_range], an unknown duty key
  // [rules.unknown_duty], a duty twice [rules.duplicate_duty], an unknown or non-duty report
  // type [rules.report_type], an unknown role [rules.role], a role twice [rules.duplicate_role],
  // a role that may not file the report type [rules.role_may_not_file], a bad period
  // [period.format, period.range], a configurable rule without a note [rules.note_required].
  // Every Status field is "<source_name>#<JSON pointer>", e.g.
  // "2026-measures.json#/rules/3/period".
  static Result<RuleSet> FromJson(std::string_view text, const std::string& source_name);

  // Loads every regular file named *.json in `dir` (other files are ignored) as one regime.
  // Errors: IOError if `dir` cannot be listed or a file read; NotFound if it holds no *.json
  // file; InvalidArgument for a file FromJson rejects, for two regimes of one name
  // [rules.duplicate_regime: field "<second file in name order>#/name"] and for two regimes in
  // force on a common day [rules.overlap: field "<file of the one starting later>#/effective_from",
  // the later file in name order when both start together]. Gaps between regimes are allowed.
  static Result<RuleSet> LoadDirectory(const std::string& dir);

  // The directory the process-wide rules are loaded from: $BATTRACE_RULES_DIR if set and not
  // empty, else the directory compiled in (BATTRACE_DEFAULT_RULES_DIR: the source tree's rules/).
  static std::string DefaultDirectory();

  // The process-wide rules, loaded from DefaultDirectory() on the first call (thread-safe) and
  // kept for the life of the process, failure included: fix the files, then restart.
  static const Result<RuleSet>& Default() { return LoadedOnce<RuleSet>(); }

  // The regime in force on `d`, or nullptr (before the first, in a gap, after the last).
  const Regime* RegimeOn(Date d) const;

  // The rule for `duty` of the regime in force on `anchor`, or nullptr if no regime is in force
  // then or that regime has no such duty. The pointer lives as long as the RuleSet.
  const Rule* Find(std::string_view duty, Date anchor) const;

  // Every regime, by effective_from.
  const std::vector<Regime>& regimes() const { return regimes_; }

 private:
  std::vector<Regime> regimes_;
};

// The last day to file the report `rule` asks for, for an event of date `anchor`: the calendar's
// due date for rule.period, with its warnings, plus one saying so when the period is a
// configurable default. REQUIRES: anchor.year() in 1..9999.
LegalCalendar::Due DueDate(const Rule& rule, Date anchor, const LegalCalendar& calendar);

}  // namespace battrace
