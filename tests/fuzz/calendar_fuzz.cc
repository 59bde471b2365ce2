// Fuzz target for the legal calendar. Input: a period on the first line, a year's holiday file
// after it. Neither parser may crash or throw; a parsed period must round-trip through ToString;
// and every due date computed from a parsed calendar (or, if the file is rejected, from the
// weekends-only calendar) must fall after its anchor on a working day, with a warning whenever
// the due date's year has no holiday data.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/legal_calendar.h"

namespace {

using battrace::Date;
using battrace::LegalCalendar;
using battrace::Period;

void CheckDueDates(const LegalCalendar& calendar, int year, const Period& period) {
  const Date jan1 = *Date::FromYmd(year, 1, 1);
  const Date anchors[] = {jan1.AddDays(-1),
                          jan1,
                          *Date::FromYmd(year, 1, 31),
                          *Date::FromYmd(year, 2, 28),
                          *Date::FromYmd(year, 9, 30),
                          *Date::FromYmd(year, 12, 31)};
  for (const Date anchor : anchors) {
    if (anchor.year() < 1) continue;  // DueDate requires an anchor in years 1..9999
    const LegalCalendar::Due due = calendar.DueDate(anchor, period);
    if (due.date <= anchor || !calendar.IsWorkingDay(due.date)) std::abort();
    if (!calendar.HasYear(due.date.year()) && due.warnings.empty()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const std::string_view period_text = input.substr(0, newline);
  const std::string_view file_text =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);

  auto period = Period::Parse(period_text);
  if (period.ok()) {
    auto again = Period::Parse(period->ToString());
    if (!again.ok() || !(*again == *period) || period->ToString() != period_text) std::abort();
  }
  auto parsed = LegalCalendar::FromJson(file_text, "fuzz.json");
  const LegalCalendar weekends_only;
  const LegalCalendar& calendar = parsed.ok() ? *parsed : weekends_only;
  int year = 2026;
  for (int y = 1; y <= 9999 && parsed.ok(); ++y) {
    if (calendar.HasYear(y)) {
      year = y;
      break;
    }
  }
  for (const char* fixed : {"1d", "15d", "30wd", "6m", "next-month-15", "next-month-31"})
    CheckDueDates(calendar, year, *Period::Parse(fixed));
  if (period.ok()) CheckDueDates(calendar, year, *period);
  return 0;
}
