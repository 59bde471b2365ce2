// Period parsing, the strict reader of yearly holiday files, and due-date arithmetic. The file
// format and the counting rules are described in legal_calendar.h.
#include "core/legal_calendar.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/data_directory.h"
#include "core/data_files.h"

namespace battrace {
namespace {

using nlohmann::json;

constexpr std::string_view kNextMonthPrefix = "next-month-";
constexpr int kDaysPer400Years = 146097;

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// Day `day` of `month` in `year`, or the month's last day if it is shorter. Defined for every
// year from 1 on, not only Date::FromYmd's 1..9999: the Gregorian calendar repeats every 400 years.
Date DayOfMonthOrLast(int year, int month, int day) {
  const int cycles = (year - 1) / 400;
  const int same_in_cycle = year - cycles * 400;  // in 1..400, with the same leap pattern
  const int last = Date::DaysInMonth(same_in_cycle, month);
  return Date::FromYmd(same_in_cycle, month, std::min(day, last))
      ->AddDays(cycles * kDaysPer400Years);
}

// The month `months` after the month of `d`, as (year, month). REQUIRES: d.year() >= 1.
std::pair<int, int> AddMonths(Date d, int months) {
  const int index = d.year() * 12 + (d.month() - 1) + months;
  return {index / 12, index % 12 + 1};
}

// One year's file, parsed and checked: working[i] tells whether day i of the year (0 = January 1)
// is a working day.
struct YearTable {
  int year = 0;
  std::vector<bool> working;
};

// Reads one calendar file into a YearTable; every Status field is "<source>#<JSON pointer>".
class YearFileReader {
 public:
  explicit YearFileReader(std::string source) : source_(std::move(source)) {}

  Result<YearTable> Read(std::string_view text) {
    json root;
    BATTRACE_RETURN_IF_ERROR(ParseJson(text, &root));
    if (!root.is_object()) return Error("", "calendar.type", "the file must hold a JSON object");
    for (auto it = root.begin(); it != root.end(); ++it) {
      const std::string& key = it.key();
      if (key != "year" && key != "holidays" && key != "make_up_working_days" && key != "source") {
        return Error(
            (json::json_pointer() / key).to_string(), "calendar.unknown_field",
            "unknown key '" + key + "' (expected year, holidays, make_up_working_days, source)");
      }
    }
    for (const char* key : {"year", "holidays", "make_up_working_days"}) {
      if (!root.contains(key)) {
        return Error("", "calendar.missing_field", std::string("missing key '") + key + "'");
      }
    }
    if (root.contains("source") && !root["source"].is_string()) {
      return Error("/source", "calendar.type", "'source' must be a string");
    }
    BATTRACE_RETURN_IF_ERROR(ReadYear(root["year"]));
    BATTRACE_RETURN_IF_ERROR(ReadHolidays(root["holidays"]));
    BATTRACE_RETURN_IF_ERROR(ReadMakeUpDays(root["make_up_working_days"]));
    YearTable table{year_, std::vector<bool>(holiday_.size())};
    for (size_t i = 0; i < holiday_.size(); ++i) {
      table.working[i] =
          make_up_[i] || (!holiday_[i] && !jan1_.AddDays(static_cast<int32_t>(i)).is_weekend());
    }
    return table;
  }

 private:
  struct Range {
    Date from, to;
    size_t index;
  };

  Status Error(const std::string& pointer, const std::string& rule, const std::string& message) {
    return Status::Invalid(source_ + "#" + pointer, rule, message);
  }

  // nlohmann::json keeps the last of repeated keys silently; the callback catches repetitions,
  // so that a pasted second "holidays" cannot hide the first.
  Status ParseJson(std::string_view text, json* out) {
    std::vector<std::set<std::string>> open_objects;
    std::string repeated;
    auto on_event = [&](int, json::parse_event_t event, json& parsed) {
      if (event == json::parse_event_t::object_start) {
        open_objects.emplace_back();
      } else if (event == json::parse_event_t::object_end) {
        open_objects.pop_back();
      } else if (event == json::parse_event_t::key && repeated.empty() &&
                 !open_objects.back().insert(parsed.get<std::string>()).second) {
        repeated = parsed.get<std::string>();
      }
      return true;
    };
    try {
      *out = json::parse(text, on_event);
    } catch (const json::exception& e) {
      return Error("", "calendar.json", std::string("not valid JSON: ") + e.what());
    }
    if (!repeated.empty()) {
      return Error("", "calendar.duplicate_key",
                   "key '" + repeated + "' appears twice in an object");
    }
    return Status::Ok();
  }

  Status ReadYear(const json& value) {
    if (!value.is_number_integer()) {
      return Error("/year", "calendar.type", "'year' must be an integer");
    }
    const int64_t year = value.get<int64_t>();
    if (year < 1 || year > 9999) {
      return Error("/year", "calendar.year", "year " + value.dump() + " is not in 1..9999");
    }
    year_ = static_cast<int>(year);
    jan1_ = *Date::FromYmd(year_, 1, 1);
    const size_t days = Date::IsLeapYear(year_) ? 366 : 365;
    holiday_.assign(days, false);
    make_up_.assign(days, false);
    return Status::Ok();
  }

  // A date string of this file's year; `pointer` locates it.
  Result<Date> ReadDate(const json& value, const std::string& pointer) {
    if (!value.is_string()) return Error(pointer, "calendar.type", "a date must be a string");
    auto date = Date::Parse(value.get<std::string>(), source_ + "#" + pointer);
    if (!date.ok()) return date;
    if (date->year() != year_) {
      return Error(pointer, "calendar.date_year",
                   date->ToString() + " is not in the file's year " + std::to_string(year_));
    }
    return date;
  }

  size_t DayOfYear(Date d) const {
    return static_cast<size_t>(d.days_since_epoch() - jan1_.days_since_epoch());
  }

  Status ReadHolidays(const json& value) {
    if (!value.is_array()) {
      return Error("/holidays", "calendar.type", "'holidays' must be an array");
    }
    std::vector<Range> ranges;
    for (size_t i = 0; i < value.size(); ++i) {
      const std::string at = "/holidays/" + std::to_string(i);
      const json& entry = value[i];
      if (!entry.is_array() || entry.size() != 3) {
        return Error(at, "calendar.type", "a holiday must be [first day, last day, name]");
      }
      if (!entry[2].is_string() || entry[2].get<std::string>().empty()) {
        return Error(at + "/2", "calendar.type", "a holiday's name must be a non-empty string");
      }
      auto from = ReadDate(entry[0], at + "/0");
      if (!from.ok()) return from.status();
      auto to = ReadDate(entry[1], at + "/1");
      if (!to.ok()) return to.status();
      if (*to < *from) {
        return Error(at, "calendar.range_order",
                     "the holiday ends (" + to->ToString() + ") before it starts (" +
                         from->ToString() + ")");
      }
      ranges.push_back({*from, *to, i});
    }
    std::sort(ranges.begin(), ranges.end(),
              [](const Range& a, const Range& b) { return a.from < b.from; });
    for (size_t i = 1; i < ranges.size(); ++i) {
      const Range& a = ranges[i - 1];
      const Range& b = ranges[i];
      if (b.from <= a.to) {
        const Range& later = a.index > b.index ? a : b;
        const Range& earlier = a.index > b.index ? b : a;
        return Error("/holidays/" + std::to_string(later.index), "calendar.overlap",
                     "the holiday " + later.from.ToString() + ".." + later.to.ToString() +
                         " overlaps /holidays/" + std::to_string(earlier.index) + " (" +
                         earlier.from.ToString() + ".." + earlier.to.ToString() + ")");
      }
    }
    for (const Range& r : ranges) {
      for (size_t d = DayOfYear(r.from); d <= DayOfYear(r.to); ++d)
        holiday_[d] = true;
    }
    return Status::Ok();
  }

  Status ReadMakeUpDays(const json& value) {
    if (!value.is_array()) {
      return Error("/make_up_working_days", "calendar.type",
                   "'make_up_working_days' must be an array");
    }
    for (size_t i = 0; i < value.size(); ++i) {
      const std::string at = "/make_up_working_days/" + std::to_string(i);
      auto date = ReadDate(value[i], at);
      if (!date.ok()) return date.status();
      const size_t day = DayOfYear(*date);
      if (!date->is_weekend()) {
        return Error(at, "calendar.make_up_weekday",
                     date->ToString() + " is a weekday: only a Saturday or Sunday can be made up");
      }
      if (holiday_[day]) {
        return Error(at, "calendar.make_up_holiday",
                     date->ToString() + " is inside a holiday range");
      }
      if (make_up_[day]) {
        return Error(at, "calendar.make_up_duplicate", date->ToString() + " is listed twice");
      }
      make_up_[day] = true;
    }
    return Status::Ok();
  }

  const std::string source_;
  int year_ = 0;
  Date jan1_;
  std::vector<bool> holiday_;
  std::vector<bool> make_up_;
};

// The 4-digit year a file name ends in ("cn-public-holidays-2026.json" -> 2026), or 0.
int YearInFileName(const std::string& name) {
  const std::string stem = std::filesystem::path(name).stem().string();
  if (stem.size() < 4) return 0;
  const std::string_view tail = std::string_view(stem).substr(stem.size() - 4);
  if (!std::all_of(tail.begin(), tail.end(), IsDigit)) return 0;
  if (stem.size() > 4 && IsDigit(stem[stem.size() - 5])) return 0;
  return std::stoi(std::string(tail));
}

}  // namespace

Result<Period> Period::Parse(std::string_view text, const std::string& field) {
  const std::string quoted = "'" + std::string(text) + "'";
  auto format_error = [&] {
    return Status::Invalid(field, "period.format",
                           quoted +
                               " is not a period: expected <n>d (days), <n>wd (working days), "
                               "<n>m (months) or next-month-<n> (day n of the next month), "
                               "e.g. 15d, 30wd, 6m, next-month-15");
  };
  Period p;
  std::string_view digits;
  if (text.starts_with(kNextMonthPrefix)) {
    p.unit = Unit::kDayOfNextMonth;
    digits = text.substr(kNextMonthPrefix.size());
  } else {
    const size_t end = std::find_if_not(text.begin(), text.end(), IsDigit) - text.begin();
    digits = text.substr(0, end);
    const std::string_view suffix = text.substr(end);
    if (suffix == "d") {
      p.unit = Unit::kDays;
    } else if (suffix == "wd") {
      p.unit = Unit::kWorkingDays;
    } else if (suffix == "m") {
      p.unit = Unit::kMonths;
    } else {
      return format_error();
    }
  }
  if (digits.empty() || (digits.size() > 1 && digits[0] == '0') ||
      !std::all_of(digits.begin(), digits.end(), IsDigit)) {
    return format_error();
  }
  int max = 0;
  const char* what = "";
  switch (p.unit) {
    case Unit::kDays:
      max = kMaxDays;
      what = "a period in days";
      break;
    case Unit::kWorkingDays:
      max = kMaxWorkingDays;
      what = "a period in working days";
      break;
    case Unit::kMonths:
      max = kMaxMonths;
      what = "a period in months";
      break;
    case Unit::kDayOfNextMonth:
      max = kMaxDayOfMonth;
      what = "a day of the month";
      break;
  }
  // More digits than any maximum has: out of range, and too long to convert safely.
  p.n = digits.size() > 5 ? max + 1 : std::stoi(std::string(digits));
  if (p.n < 1 || p.n > max) {
    return Status::Invalid(field, "period.range",
                           quoted + ": " + what + " must be 1 to " + std::to_string(max));
  }
  return p;
}

std::string Period::ToString() const {
  std::string count = std::to_string(n);
  switch (unit) {
    case Unit::kDays:
      return count + "d";
    case Unit::kWorkingDays:
      return count + "wd";
    case Unit::kMonths:
      return count + "m";
    case Unit::kDayOfNextMonth:
      return std::string(kNextMonthPrefix) + count;
  }
  return count;
}

Result<LegalCalendar> LegalCalendar::FromJson(std::string_view json_text,
                                              const std::string& source_name) {
  auto year = YearFileReader(source_name).Read(json_text);
  if (!year.ok()) return year.status();
  LegalCalendar calendar;
  calendar.AppendYear(year->year, year->working);
  return calendar;
}

Result<LegalCalendar> LegalCalendar::LoadDirectory(const std::string& dir) {
  BATTRACE_ASSIGN_OR_RETURN(files, ReadJsonFiles(dir, "holiday calendar"));
  std::map<int, std::string> file_of_year;
  std::vector<YearTable> years;
  for (const DataFile& file : files) {
    const std::string& name = file.name;
    auto year = YearFileReader(name).Read(file.text);
    if (!year.ok()) return year.status();
    const int named = YearInFileName(name);
    if (named != 0 && named != year->year) {
      return Status::Invalid(name + "#/year", "calendar.year",
                             "the file name says " + std::to_string(named) + " but 'year' is " +
                                 std::to_string(year->year));
    }
    const auto [it, inserted] = file_of_year.emplace(year->year, name);
    if (!inserted) {
      return Status::Invalid(name + "#/year", "calendar.duplicate_year",
                             it->second + " already describes " + std::to_string(year->year));
    }
    years.push_back(std::move(year).value());
  }
  std::sort(years.begin(), years.end(),
            [](const YearTable& a, const YearTable& b) { return a.year < b.year; });
  LegalCalendar calendar;
  for (const YearTable& y : years)
    calendar.AppendYear(y.year, y.working);
  return calendar;
}

std::string LegalCalendar::DefaultDirectory() {
  return DataDirectory("BATTRACE_CALENDAR_DIR", BATTRACE_DEFAULT_CALENDAR_DIR);
}

void LegalCalendar::AppendYear(int year, const std::vector<bool>& working) {
  const int32_t jan1 = Date::FromYmd(year, 1, 1)->days_since_epoch();
  if (kinds_.empty()) first_day_ = jan1;
  kinds_.resize(static_cast<size_t>(jan1 - first_day_), DayKind::kUncovered);
  for (const bool w : working)
    kinds_.push_back(w ? DayKind::kWorkingDay : DayKind::kOffDay);
}

LegalCalendar::DayKind LegalCalendar::KindOf(Date d) const {
  const int64_t i = static_cast<int64_t>(d.days_since_epoch()) - first_day_;
  if (i < 0 || i >= static_cast<int64_t>(kinds_.size())) return DayKind::kUncovered;
  return kinds_[static_cast<size_t>(i)];
}

bool LegalCalendar::IsWorkingDay(Date d) const {
  const DayKind kind = KindOf(d);
  if (kind == DayKind::kUncovered) return !d.is_weekend();
  return kind == DayKind::kWorkingDay;
}

bool LegalCalendar::HasYear(int year) const {
  if (year < 1 || year > 9999) return false;
  return KindOf(*Date::FromYmd(year, 1, 1)) != DayKind::kUncovered;
}

Date LegalCalendar::NextWorkingDayOnOrAfter(Date d) const {
  while (!IsWorkingDay(d))
    d = d.AddDays(1);
  return d;
}

LegalCalendar::Due LegalCalendar::DueDate(Date anchor, const Period& period) const {
  // `judged_from`: the first day whose kind the result depends on.
  Date last;
  Date judged_from;
  switch (period.unit) {
    case Period::Unit::kDays:
      last = anchor.AddDays(period.n);
      judged_from = last;
      break;
    case Period::Unit::kWorkingDays: {
      last = anchor;
      for (int counted = 0; counted < period.n;) {
        last = last.AddDays(1);
        if (IsWorkingDay(last)) ++counted;
      }
      judged_from = anchor.AddDays(1);
      break;
    }
    case Period::Unit::kMonths: {
      const auto [year, month] = AddMonths(anchor, period.n);
      last = DayOfMonthOrLast(year, month, anchor.day());
      judged_from = last;
      break;
    }
    case Period::Unit::kDayOfNextMonth: {
      const auto [year, month] = AddMonths(anchor, 1);
      last = DayOfMonthOrLast(year, month, period.n);
      judged_from = last;
      break;
    }
  }
  Due due{NextWorkingDayOnOrAfter(last), {}};
  for (int year = judged_from.year(); year <= due.date.year(); ++year) {
    if (!HasYear(year)) {
      due.warnings.push_back("no holiday calendar for " + std::to_string(year) +
                             ": only weekends were treated as non-working days");
    }
  }
  return due;
}

}  // namespace battrace
