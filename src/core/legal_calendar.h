// The legal calendar: reporting periods and the working days they are counted in.
//
// Reporting deadlines are legal periods (PRC Civil Code arts. 200-203, as battrace applies them):
// a period in days or working days starts the day after its anchor; a period in months ends on the
// same day number of the final month (or that month's last day); "day N of the next month" ends on
// that day (or the month's last day); and a period whose last day is not a working day ends on the
// next working day. Working days are Monday-Friday except statutory holidays, plus the weekend
// make-up days (调休) the State Council publishes each year.
//
// Holidays are data, not code: one JSON file per year in a calendar directory, which the operator
// extends each year (format in data/calendar/README.md). A year without a file falls back to
// weekends only, and every due date that depends on such a year carries a warning saying so.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/data_directory.h"
#include "core/date.h"
#include "core/status.h"

namespace battrace {

// A reporting period: "15d" (days), "30wd" (working days), "6m" (months) or "next-month-15"
// (day 15 of the month after the anchor's).
struct Period {
  enum class Unit { kDays, kWorkingDays, kMonths, kDayOfNextMonth };

  // Largest n per unit: about ten years for counts, a day number for kDayOfNextMonth.
  static constexpr int kMaxDays = 3660;
  static constexpr int kMaxWorkingDays = 2500;
  static constexpr int kMaxMonths = 120;
  static constexpr int kMaxDayOfMonth = 31;

  Unit unit = Unit::kDays;
  int n = 1;

  // Strict: "<n>d", "<n>wd", "<n>m" or "next-month-<n>", n a decimal without sign or leading zero.
  // Errors (field `field`): rule "period.format" for any other spelling, "period.range" for an n
  // outside 1..kMax* of its unit. On success, Parse(p.ToString()) == p.
  static Result<Period> Parse(std::string_view text, const std::string& field = "period");

  // The canonical spelling accepted by Parse.
  std::string ToString() const;

  bool operator==(const Period&) const = default;
};

// Which days are working days, per year, and the due dates of periods counted in them.
// Immutable once built; safe to share between threads.
class LegalCalendar {
 public:
  // A due date and what the computation could not know for sure (e.g. a year without holiday
  // data): one sentence per warning, for a person.
  struct Due {
    Date date;
    std::vector<std::string> warnings;
  };

  // A calendar with no year data: every day is judged by the weekend rule alone.
  LegalCalendar() = default;

  // Loads every regular file named *.json in `dir` (other files are ignored) as one year's
  // calendar. Errors: IOError if `dir` cannot be listed or a file cannot be read; NotFound if it
  // holds no *.json file; InvalidArgument for a file FromJson rejects, for two files describing the
  // same year (rule "calendar.duplicate_year") and for a file whose name ends in a 4-digit year
  // other than its "year" (rule "calendar.year", e.g. a copied file not yet edited). The Status
  // field names the file and the JSON pointer: "cn-public-holidays-2026.json#/holidays/1/0".
  static Result<LegalCalendar> LoadDirectory(const std::string& dir);

  // Parses one year's file:
  //   {"year": 2026, "holidays": [["2026-02-15", "2026-02-23", "Spring Festival"], ...],
  //    "make_up_working_days": ["2026-02-14", ...], "source": "optional text"}
  // Holiday ranges are inclusive. All three keys but "source" are required; no other key, and no
  // key twice, is allowed. Rejected (rule in brackets): malformed JSON [calendar.json], a missing,
  // unknown or repeated key [calendar.missing_field, calendar.unknown_field,
  // calendar.duplicate_key], a value of the wrong type [calendar.type], a year outside 1..9999
  // [calendar.year], a bad date [date.format, date.exists], a date outside the year
  // [calendar.date_year], a range ending before it starts [calendar.range_order], overlapping
  // ranges [calendar.overlap], a make-up day that is not a Saturday or Sunday
  // [calendar.make_up_weekday], inside a holiday [calendar.make_up_holiday] or listed twice
  // [calendar.make_up_duplicate]. `source_name` (usually the file name) prefixes every Status
  // field. Never throws.
  static Result<LegalCalendar> FromJson(std::string_view json_text, const std::string& source_name);

  // The directory the process-wide calendar is loaded from: $BATTRACE_CALENDAR_DIR if set and not
  // empty, else the directory compiled in (BATTRACE_DEFAULT_CALENDAR_DIR: the source tree's
  // data/calendar).
  static std::string DefaultDirectory();

  // The process-wide calendar, loaded from DefaultDirectory() on the first call (thread-safe) and
  // kept for the life of the process, failure included: fix the files, then restart.
  static const Result<LegalCalendar>& Default() { return LoadedOnce<LegalCalendar>(); }

  // O(1), no allocation: a table lookup for covered years, the weekend rule otherwise.
  bool IsWorkingDay(Date d) const;

  // Whether a year's holiday file was loaded.
  bool HasYear(int year) const;

  // The first working day on or after `d`.
  Date NextWorkingDayOnOrAfter(Date d) const;

  // The last day to report an event of date `anchor` under `period`. Warns once for each year
  // without holiday data among those whose days were judged: for working days, every year from
  // the day after the anchor to the due date; for the other units, from the period's last day to
  // the due date (the days before it are counted whatever they are).
  // REQUIRES: anchor.year() in 1..9999 (any Date from Date::Parse or Date::FromYmd).
  Due DueDate(Date anchor, const Period& period) const;

 private:
  enum class DayKind : uint8_t { kUncovered, kOffDay, kWorkingDay };

  // Adds one year's days to the table (working[i]: day i of the year, 0 = January 1).
  // REQUIRES: `year` is in 1..9999 and after every year already added.
  void AppendYear(int year, const std::vector<bool>& working);

  // The kind of `d` in the table, kUncovered outside it.
  DayKind KindOf(Date d) const;

  // kinds_[i] is the kind of the day first_day_ + i; the table spans whole years, from January 1
  // of the first year loaded to December 31 of the last (years in between without a file are
  // kUncovered).
  int32_t first_day_ = 0;
  std::vector<DayKind> kinds_;
};

}  // namespace battrace
