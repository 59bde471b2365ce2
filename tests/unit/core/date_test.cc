#include "core/date.h"

#include <gtest/gtest.h>

namespace battrace {
namespace {

TEST(DateTest, ParsesAndFormatsRoundTrip) {
  auto d = Date::Parse("2026-04-01");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->ToString(), "2026-04-01");
  EXPECT_EQ(d->iso_weekday(), 3);  // a Wednesday
}

TEST(DateTest, RejectsDaysNotInTheCalendar) {
  EXPECT_EQ(Date::Parse("2026-04-31").status().rule(), "date.exists");
  EXPECT_EQ(Date::Parse("2025-02-29").status().rule(), "date.exists");
  EXPECT_TRUE(Date::Parse("2024-02-29").ok());
  EXPECT_EQ(Date::Parse("2026-4-01").status().rule(), "date.format");
}

TEST(DateTest, EveryDayRoundTripsThroughDaysSinceEpoch) {
  for (int32_t n = -800000; n < 3000000; n += 7) {
    const Date d = Date::FromDays(n);
    auto again = Date::FromYmd(d.year(), d.month(), d.day());
    if (d.year() < 1 || d.year() > 9999) continue;
    ASSERT_TRUE(again.has_value()) << n;
    ASSERT_EQ(again->days_since_epoch(), n);
  }
}

TEST(DateTest, TimestampsBelongToTheirBeijingDay) {
  // 2026-05-31T16:00:00Z is 2026-06-01 00:00 in Beijing.
  auto t = ParseTimestamp("2026-05-31T16:00:00Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(BeijingDate(*t).ToString(), "2026-06-01");
  auto before = ParseTimestamp("2026-05-31T23:59:59.999999+08:00");
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(BeijingDate(*before).ToString(), "2026-05-31");
  EXPECT_EQ(EndOfBeijingDay(*Date::Parse("2026-05-31")), *t);
  EXPECT_EQ(FormatTimestamp(*t), "2026-05-31T16:00:00.000000Z");
}

TEST(DateTest, RejectsMalformedTimestamps) {
  for (const char* bad :
       {"2026-05-31", "2026-05-31T16:00:00", "2026-05-31T25:00:00Z", "2026-05-31T16:00:00+8:00",
        "2026-05-31T16:00:00.Z", "2026-02-30T00:00:00Z", "2026-05-31T16:00:00Zjunk"}) {
    EXPECT_FALSE(ParseTimestamp(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace battrace
