// `battrace calendar`: the legal calendar from the command line, to check a deadline by hand or
// to try a new year's holiday file before installing it.
//   battrace calendar due --anchor 2026-02-10 --period 15d [--calendar-dir DIR]
//   battrace calendar is-working-day 2026-02-14 [--calendar-dir DIR]
// The answer goes to stdout (a date YYYY-MM-DD; "yes" or "no"), warnings to stderr prefixed
// "warning: ". Exit codes: 0 answered; 2 bad input (a flag, or a --calendar-dir that does not
// load); 1 the default calendar (LegalCalendar::DefaultDirectory()) does not load.
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "core/date.h"
#include "core/legal_calendar.h"

namespace battrace::cli {
namespace {

constexpr int kBadInput = 2;
constexpr int kBadInstallation = 1;

int Fail(int exit_code, const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return exit_code;
}

// Runs `answer` with the calendar of `dir`, or the process-wide one when `dir` is empty.
int WithCalendar(const std::string& dir, const std::function<int(const LegalCalendar&)>& answer) {
  if (dir.empty()) {
    const Result<LegalCalendar>& calendar = LegalCalendar::Default();
    if (!calendar.ok()) {
      return Fail(kBadInstallation, "default holiday calendar " +
                                        LegalCalendar::DefaultDirectory() + ": " +
                                        calendar.status().ToString());
    }
    return answer(*calendar);
  }
  auto calendar = LegalCalendar::LoadDirectory(dir);
  if (!calendar.ok()) {
    return Fail(kBadInput, "--calendar-dir " + dir + ": " + calendar.status().ToString());
  }
  return answer(*calendar);
}

struct DueOptions {
  std::string anchor;
  std::string period;
  std::string calendar_dir;
};

int RunDue(const DueOptions& options) {
  auto anchor = Date::Parse(options.anchor, "--anchor");
  if (!anchor.ok()) return Fail(kBadInput, anchor.status().ToString());
  auto period = Period::Parse(options.period, "--period");
  if (!period.ok()) return Fail(kBadInput, period.status().ToString());
  return WithCalendar(options.calendar_dir, [&](const LegalCalendar& calendar) {
    const LegalCalendar::Due due = calendar.DueDate(*anchor, *period);
    for (const std::string& warning : due.warnings)
      std::fprintf(stderr, "warning: %s\n", warning.c_str());
    std::printf("%s\n", due.date.ToString().c_str());
    return 0;
  });
}

struct WorkingDayOptions {
  std::string date;
  std::string calendar_dir;
};

int RunIsWorkingDay(const WorkingDayOptions& options) {
  auto date = Date::Parse(options.date, "DATE");
  if (!date.ok()) return Fail(kBadInput, date.status().ToString());
  return WithCalendar(options.calendar_dir, [&](const LegalCalendar& calendar) {
    if (!calendar.HasYear(date->year())) {
      std::fprintf(stderr, "warning: no holiday calendar for %d: judged by the weekend alone\n",
                   date->year());
    }
    std::printf("%s\n", calendar.IsWorkingDay(*date) ? "yes" : "no");
    return 0;
  });
}

}  // namespace

void RegisterCalendar(CLI::App& app, CommandList& commands) {
  CLI::App* calendar = app.add_subcommand(
      "calendar", "Legal periods: due dates and working days under the holiday calendar");
  calendar->require_subcommand(1);
  const std::string dir_help =
      "Directory of yearly holiday files (default: $BATTRACE_CALENDAR_DIR, else " +
      std::string(BATTRACE_DEFAULT_CALENDAR_DIR) + ")";

  auto due_options = std::make_shared<DueOptions>();
  CLI::App* due = calendar->add_subcommand(
      "due", "Print the last day to report an event (YYYY-MM-DD), moved to a working day");
  due->add_option("--anchor", due_options->anchor, "Date of the triggering event, YYYY-MM-DD")
      ->required();
  due->add_option("--period", due_options->period,
                  "Period: <n>d, <n>wd (working days), <n>m or next-month-<n>")
      ->required();
  due->add_option("--calendar-dir", due_options->calendar_dir, dir_help);
  commands.push_back({due, [due_options] { return RunDue(*due_options); }});

  auto day_options = std::make_shared<WorkingDayOptions>();
  CLI::App* day = calendar->add_subcommand("is-working-day", "Print yes or no");
  day->add_option("DATE", day_options->date, "YYYY-MM-DD")->required();
  day->add_option("--calendar-dir", day_options->calendar_dir, dir_help);
  commands.push_back({day, [day_options] { return RunIsWorkingDay(*day_options); }});
}

}  // namespace battrace::cli
