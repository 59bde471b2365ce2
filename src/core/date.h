// Civil dates and instants, as the regulation counts them.
//
// A Date is a day of the proleptic Gregorian calendar, stored as days since 1970-01-01.
// An Instant is a point in time (microseconds since the Unix epoch, UTC). The law counts in
// Beijing-time days: an instant belongs to the UTC+8 day it falls in (BeijingDate).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace battrace {

class Date {
 public:
  Date() = default;

  // A valid calendar date, or nullopt (e.g. 2026-04-31, month 13, year outside 1-9999).
  static std::optional<Date> FromYmd(int year, int month, int day);
  static Date FromDays(int32_t days_since_epoch) { return Date(days_since_epoch); }
  // Strict "YYYY-MM-DD". `field` names the input in the error.
  static Result<Date> Parse(std::string_view text, const std::string& field = "date");

  static bool IsLeapYear(int year);
  static int DaysInMonth(int year, int month);

  int year() const;
  int month() const;
  int day() const;
  int32_t days_since_epoch() const { return days_; }
  // ISO weekday: 1 = Monday ... 7 = Sunday.
  int iso_weekday() const;
  bool is_weekend() const { return iso_weekday() >= 6; }

  Date AddDays(int32_t n) const { return Date(days_ + n); }
  // "YYYY-MM-DD".
  std::string ToString() const;

  auto operator<=>(const Date&) const = default;

 private:
  explicit Date(int32_t days) : days_(days) {}
  int32_t days_ = 0;
};

// Microseconds since 1970-01-01T00:00:00Z.
using Instant = int64_t;

// Parses an RFC 3339 timestamp ("2026-05-01T08:30:00+08:00", "...Z", fractional seconds allowed).
Result<Instant> ParseTimestamp(std::string_view text, const std::string& field = "timestamp");
// RFC 3339 in UTC with microseconds: "2026-05-01T00:30:00.000000Z".
std::string FormatTimestamp(Instant t);
// The Beijing-time (UTC+8) day an instant falls in.
Date BeijingDate(Instant t);
// The first instant after the Beijing-time day `d` ends (d+1 at 00:00 UTC+8).
Instant EndOfBeijingDay(Date d);

}  // namespace battrace
