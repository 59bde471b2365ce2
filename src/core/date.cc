#include "core/date.h"

#include <cstdio>

#include "core/civil.h"

namespace battrace {
namespace {

bool ParseDigits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;
constexpr int64_t kBeijingOffset = 8 * 3600 * kMicrosPerSecond;

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

bool Date::IsLeapYear(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int Date::DaysInMonth(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

std::optional<Date> Date::FromYmd(int year, int month, int day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, month)) {
    return std::nullopt;
  }
  return Date(DaysFromCivil(year, month, day));
}

Result<Date> Date::Parse(std::string_view text, const std::string& field) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !ParseDigits(text, 0, 4, &y) ||
      !ParseDigits(text, 5, 2, &m) || !ParseDigits(text, 8, 2, &d)) {
    return Status::Invalid(field, "date.format",
                           "'" + std::string(text) + "' is not a date of the form YYYY-MM-DD");
  }
  auto date = FromYmd(y, m, d);
  if (!date) {
    return Status::Invalid(field, "date.exists",
                           "'" + std::string(text) + "' is not a day of the calendar");
  }
  return *date;
}

int Date::year() const {
  int y, m, d;
  CivilFromDays(days_, &y, &m, &d);
  return y;
}

int Date::month() const {
  int y, m, d;
  CivilFromDays(days_, &y, &m, &d);
  return m;
}

int Date::day() const {
  int y, m, d;
  CivilFromDays(days_, &y, &m, &d);
  return d;
}

int Date::iso_weekday() const {
  // 1970-01-01 was a Thursday (4).
  const int w = static_cast<int>(((static_cast<int64_t>(days_) % 7) + 7 + 3) % 7);
  return w + 1;
}

std::string Date::ToString() const {
  int y, m, d;
  CivilFromDays(days_, &y, &m, &d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

Result<Instant> ParseTimestamp(std::string_view s, const std::string& field) {
  auto bad = [&](const char* why) {
    return Status::Invalid(field, "timestamp.format",
                           "'" + std::string(s) + "' is not an RFC 3339 timestamp: " + why);
  };
  int hh = 0, mm = 0, ss = 0;
  if (s.size() < 20) return bad("too short");
  auto date = Date::Parse(s.substr(0, 10), field);
  if (!date.ok()) return bad("the date part is not a valid YYYY-MM-DD");
  if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':' ||
      !ParseDigits(s, 11, 2, &hh) || !ParseDigits(s, 14, 2, &mm) || !ParseDigits(s, 17, 2, &ss)) {
    return bad("expected THH:MM:SS after the date");
  }
  if (hh > 23 || mm > 59 || ss > 60) return bad("time of day out of range");
  size_t pos = 19;
  int64_t micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 6) micros = micros * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return bad("empty fraction of a second");
    for (size_t i = digits; i < 6; ++i)
      micros *= 10;
  }
  int64_t offset_seconds = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh = 0, om = 0;
    if (pos + 6 != s.size() || s[pos + 3] != ':' || !ParseDigits(s, pos + 1, 2, &oh) ||
        !ParseDigits(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return bad("offset must be Z or +HH:MM");
    }
    offset_seconds = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return bad("missing time zone offset (Z or +HH:MM)");
  }
  if (pos != s.size()) return bad("trailing characters");
  if (ss == 60) ss = 59;  // a leap second is counted as the last second of its minute
  const int64_t seconds = static_cast<int64_t>(date->days_since_epoch()) * 86400 + hh * 3600 +
                          mm * 60 + ss - offset_seconds;
  return seconds * kMicrosPerSecond + micros;
}

std::string FormatTimestamp(Instant t) {
  const int64_t day = FloorDiv(t, kMicrosPerDay);
  const int64_t rem = t - day * kMicrosPerDay;
  const Date d = Date::FromDays(static_cast<int32_t>(day));
  const int64_t secs = rem / kMicrosPerSecond;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%06dZ", d.ToString().c_str(),
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                static_cast<int>(secs % 60), static_cast<int>(rem % kMicrosPerSecond));
  return buf;
}

Date BeijingDate(Instant t) {
  return Date::FromDays(static_cast<int32_t>(FloorDiv(t + kBeijingOffset, kMicrosPerDay)));
}

Instant EndOfBeijingDay(Date d) {
  return (static_cast<int64_t>(d.days_since_epoch()) + 1) * kMicrosPerDay - kBeijingOffset;
}

}  // namespace battrace
