// Tests of the legal calendar: period syntax, the strict holiday-file reader, directory loading,
// and due dates worked out by hand against the 2026 State Council calendar
// (data/calendar/cn-public-holidays-2026.json).
#include "core/legal_calendar.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace battrace {
namespace {

namespace fs = std::filesystem;

Date D(const char* text) {
  return *Date::Parse(text);
}

// --- Period ---

TEST(PeriodTest, ParsesEachUnitAndRoundTrips) {
  struct Case {
    const char* text;
    Period::Unit unit;
    int n;
  };
  for (const Case& c :
       {Case{"15d", Period::Unit::kDays, 15}, Case{"30wd", Period::Unit::kWorkingDays, 30},
        Case{"6m", Period::Unit::kMonths, 6},
        Case{"next-month-15", Period::Unit::kDayOfNextMonth, 15},
        Case{"3660d", Period::Unit::kDays, 3660},
        Case{"next-month-31", Period::Unit::kDayOfNextMonth, 31}}) {
    auto p = Period::Parse(c.text);
    ASSERT_TRUE(p.ok()) << c.text << ": " << p.status().ToString();
    EXPECT_EQ(p->unit, c.unit) << c.text;
    EXPECT_EQ(p->n, c.n) << c.text;
    EXPECT_EQ(p->ToString(), c.text);
  }
}

TEST(PeriodTest, RejectsMalformedSpellingsWithPeriodFormat) {
  for (const char* bad : {"",
                          "d",
                          "15",
                          "15 d",
                          " 15d",
                          "15d ",
                          "15D",
                          "15days",
                          "15w",
                          "+15d",
                          "-15d",
                          "015d",
                          "1.5m",
                          "next-month-",
                          "next-month-015",
                          "next-month15",
                          "next-month--1",
                          "next-month-1x",
                          "wd",
                          "15mm"}) {
    auto p = Period::Parse(bad);
    ASSERT_FALSE(p.ok()) << "'" << bad << "'";
    EXPECT_EQ(p.status().rule(), "period.format") << "'" << bad << "'";
    EXPECT_EQ(p.status().field(), "period");
  }
}

TEST(PeriodTest, RejectsCountsOutOfRangeWithPeriodRange) {
  for (const char* bad : {"0d", "3661d", "0wd", "2501wd", "0m", "121m", "next-month-0",
                          "next-month-32", "99999999999999999999d", "1000000m"}) {
    auto p = Period::Parse(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.status().rule(), "period.range") << bad;
  }
  EXPECT_TRUE(Period::Parse("2500wd").ok());
  EXPECT_TRUE(Period::Parse("120m").ok());
}

// --- due dates ---

class DueDateTest : public testing::Test {
 protected:
  void SetUp() override {
    auto loaded = LegalCalendar::LoadDirectory(BATTRACE_DEFAULT_CALENDAR_DIR);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    calendar_ = std::move(loaded).value();
  }
  LegalCalendar calendar_;
};

TEST_F(DueDateTest, TheShippedCalendarCoversExactly2026) {
  EXPECT_TRUE(calendar_.HasYear(2026));
  EXPECT_FALSE(calendar_.HasYear(2025));
  EXPECT_FALSE(calendar_.HasYear(2027));
}

TEST_F(DueDateTest, Year2026Has248WorkingDays) {
  // 365 days from Thursday 1 January: 52 weeks + a Thursday, so 104 weekend days, 261 weekdays.
  // Holidays falling on weekdays: New Year 1-2 Jan (2), Spring Festival 16-20 and 23 Feb (6),
  // Qingming 6 Apr (1), Labour Day 1, 4, 5 May (3), Dragon Boat 19 Jun (1), Mid-Autumn 25 Sep
  // (1), National Day 1, 2, 5, 6, 7 Oct (5): 19. Make-up days: 6. 261 - 19 + 6 = 248.
  int working = 0;
  for (Date d = D("2026-01-01"); d <= D("2026-12-31"); d = d.AddDays(1))
    working += calendar_.IsWorkingDay(d) ? 1 : 0;
  EXPECT_EQ(working, 248);
}

TEST_F(DueDateTest, HolidaysAndMakeUpDays) {
  EXPECT_FALSE(calendar_.IsWorkingDay(D("2026-02-16")));  // Monday, Spring Festival
  EXPECT_FALSE(calendar_.IsWorkingDay(D("2026-02-23")));  // Monday, its last day
  EXPECT_TRUE(calendar_.IsWorkingDay(D("2026-02-14")));   // Saturday, make-up day
  EXPECT_TRUE(calendar_.IsWorkingDay(D("2026-02-28")));   // Saturday, make-up day
  EXPECT_TRUE(calendar_.IsWorkingDay(D("2026-01-04")));   // Sunday, make-up day
  EXPECT_FALSE(calendar_.IsWorkingDay(D("2026-03-07")));  // an ordinary Saturday
  EXPECT_TRUE(calendar_.IsWorkingDay(D("2026-03-09")));   // an ordinary Monday
  EXPECT_FALSE(calendar_.IsWorkingDay(D("2026-10-07")));  // Wednesday, National Day
  EXPECT_TRUE(calendar_.IsWorkingDay(D("2026-10-10")));   // Saturday, make-up day
  // Outside 2026: weekends only. 2031-10-01 (Wednesday) would be National Day.
  EXPECT_TRUE(calendar_.IsWorkingDay(D("2031-10-01")));
  EXPECT_FALSE(calendar_.IsWorkingDay(D("2031-10-04")));  // Saturday
  EXPECT_EQ(calendar_.NextWorkingDayOnOrAfter(D("2026-02-15")), D("2026-02-24"));
  EXPECT_EQ(calendar_.NextWorkingDayOnOrAfter(D("2026-02-24")), D("2026-02-24"));
}

struct DueCase {
  const char* anchor;
  const char* period;
  const char* due;
  std::vector<int> warned_years;  // years without a calendar file the count went through
};

TEST_F(DueDateTest, WorkedExamples) {
  const DueCase cases[] = {
      // 20 Jan + 15 days = 4 Feb, a Wednesday: across the month end, no shift.
      {"2026-01-20", "15d", "2026-02-04", {}},
      // 10 Feb (Tuesday) + 15 days = 25 Feb, a Wednesday after the Spring Festival.
      {"2026-02-10", "15d", "2026-02-25", {}},
      // 13 Mar (Friday) + 15 days = 28 Mar, a Saturday: moves to Monday 30 Mar.
      {"2026-03-13", "15d", "2026-03-30", {}},
      // 20 Mar + 15 days = 4 Apr, a Saturday inside Qingming (4-6 Apr): moves to Tuesday 7 Apr.
      {"2026-03-20", "15d", "2026-04-07", {}},
      // 30 Apr + 1 day = 1 May, Labour Day (1-5 May, Friday to Tuesday): moves to Wednesday 6 May.
      {"2026-04-30", "1d", "2026-05-06", {}},
      // 1 Feb + 15 days = 16 Feb, inside the Spring Festival (15-23 Feb): moves to Tuesday 24 Feb.
      {"2026-02-01", "15d", "2026-02-24", {}},
      // 30 Jan + 15 days = 14 Feb, a Saturday but a make-up working day: stays.
      {"2026-01-30", "15d", "2026-02-14", {}},
      // 13 Feb + 15 days = 28 Feb, a Saturday but a make-up working day: stays.
      {"2026-02-13", "15d", "2026-02-28", {}},
      // 16 Sep + 15 days = 1 Oct, National Day (1-7 Oct): moves to Thursday 8 Oct.
      {"2026-09-16", "15d", "2026-10-08", {}},
      // 25 Sep + 15 days = 10 Oct, a Saturday but a make-up working day: stays.
      {"2026-09-25", "15d", "2026-10-10", {}},
      // 31 Jan + 1 month: February has no 31st, so its last day, 28 Feb (make-up Saturday).
      {"2026-01-31", "1m", "2026-02-28", {}},
      // 31 Mar + 1 month: 30 Apr, a Thursday.
      {"2026-03-31", "1m", "2026-04-30", {}},
      // 30 Apr + 6 months = 30 Oct, a Friday.
      {"2026-04-30", "6m", "2026-10-30", {}},
      // 31 Aug 2026 + 6 months: February 2027 has 28 days -> 28 Feb 2027, a Sunday; with no 2027
      // file, weekends only -> Monday 1 Mar 2027, with a warning for 2027.
      {"2026-08-31", "6m", "2027-03-01", {2027}},
      // 31 Aug 2027 + 6 months: 2028 is a leap year -> 29 Feb 2028, a Tuesday. Only the last day's
      // year is judged, so 2028 is warned about, not 2027.
      {"2027-08-31", "6m", "2028-02-29", {2028}},
      // 29 Feb 2028 + 12 months: 2029 has no 29 Feb -> 28 Feb 2029, a Wednesday.
      {"2028-02-29", "12m", "2029-02-28", {2029}},
      // 28 Feb 2027 + 1 day: 2027 is not a leap year -> 1 Mar 2027, a Monday.
      {"2027-02-28", "1d", "2027-03-01", {2027}},
      // 28 Feb 2028 + 1 day -> 29 Feb 2028, a Tuesday.
      {"2028-02-28", "1d", "2028-02-29", {2028}},
      // 5 working days after Thursday 12 Feb: Fri 13 (1), make-up Sat 14 (2), holiday 15-23,
      // Tue 24 (3), Wed 25 (4), Thu 26 (5).
      {"2026-02-12", "5wd", "2026-02-26", {}},
      // 30 working days after Friday 18 Sep: make-up Sun 20 Sep (1), 21-24 Sep (2-5), holiday
      // 25-27, 28-30 Sep (6-8), holiday 1-7 Oct, 8-9 Oct (9-10), make-up Sat 10 Oct (11),
      // 12-16 Oct (12-16), 19-23 Oct (17-21), 26-30 Oct (22-26), 2-5 Nov (27-30).
      {"2026-09-18", "30wd", "2026-11-05", {}},
      // next-month-15 from 20 Jan: 15 Feb, a Sunday inside the Spring Festival -> Tuesday 24 Feb.
      {"2026-01-20", "next-month-15", "2026-02-24", {}},
      // next-month-15 from 10 Feb: 15 Mar, a Sunday -> Monday 16 Mar.
      {"2026-02-10", "next-month-15", "2026-03-16", {}},
      // next-month-15 from 30 Apr: 15 May, a Friday.
      {"2026-04-30", "next-month-15", "2026-05-15", {}},
      // next-month-15 from 30 Sep: 15 Oct, a Thursday (the month after, not 30 days after).
      {"2026-09-30", "next-month-15", "2026-10-15", {}},
      // next-month-31 from 31 May: June has 30 days -> 30 Jun, a Tuesday.
      {"2026-05-31", "next-month-31", "2026-06-30", {}},
      // next-month-31 from 5 Jan: February's last day, 28 Feb, a make-up Saturday.
      {"2026-01-05", "next-month-31", "2026-02-28", {}},
      // 2031 has no file: 1 Mar 2031 + 15 days = 16 Mar, a Sunday -> Monday 17 Mar, warned.
      {"2031-03-01", "15d", "2031-03-17", {2031}},
      // 16 Sep 2031 + 15 days = 1 Oct 2031, a Wednesday: a working day by weekends only.
      {"2031-09-16", "15d", "2031-10-01", {2031}},
      // 20 Dec 2026 + 15 days = 4 Jan 2027, a Monday, judged without 2027 data.
      {"2026-12-20", "15d", "2027-01-04", {2027}},
      // 20 Dec 2030 + 15 days = 4 Jan 2031, a Saturday -> Monday 6 Jan; 2030 was not judged.
      {"2030-12-20", "15d", "2031-01-06", {2031}},
      // 5 working days after Friday 25 Dec 2026: 28-31 Dec (1-4), Fri 1 Jan 2027 (5: New Year,
      // but unknown without a 2027 file).
      {"2026-12-25", "5wd", "2027-01-01", {2027}},
  };
  for (const DueCase& c : cases) {
    SCOPED_TRACE(std::string(c.anchor) + " + " + c.period);
    auto period = Period::Parse(c.period);
    ASSERT_TRUE(period.ok());
    const LegalCalendar::Due due = calendar_.DueDate(D(c.anchor), *period);
    EXPECT_EQ(due.date.ToString(), c.due);
    ASSERT_EQ(due.warnings.size(), c.warned_years.size());
    for (size_t i = 0; i < c.warned_years.size(); ++i) {
      EXPECT_NE(due.warnings[i].find(std::to_string(c.warned_years[i])), std::string::npos)
          << due.warnings[i];
    }
  }
}

TEST(LegalCalendarTest, AnEmptyCalendarCountsWeekendsOnlyAndWarns) {
  const LegalCalendar weekends_only;
  EXPECT_FALSE(weekends_only.HasYear(2026));
  // 13 Feb 2026 + 15 days = 28 Feb, a Saturday: without the make-up day it moves to 2 Mar.
  const auto due = weekends_only.DueDate(D("2026-02-13"), *Period::Parse("15d"));
  EXPECT_EQ(due.date, D("2026-03-02"));
  EXPECT_EQ(due.warnings.size(), 1u);
}

TEST(LegalCalendarTest, DueDatesBeyondYear9999AreComputed) {
  const LegalCalendar weekends_only;
  // 31 Aug 9999 + 6 months = 29 Feb 10000 (divisible by 400: leap), a Tuesday.
  const auto due = weekends_only.DueDate(D("9999-08-31"), *Period::Parse("6m"));
  EXPECT_EQ(due.date, D("9999-08-31").AddDays(182));
  EXPECT_EQ(due.warnings.size(), 1u);
}

// --- the file reader ---

struct BadFile {
  const char* json;
  const char* rule;
  const char* field;
};

TEST(CalendarFileTest, RejectsMalformedFilesNamingFieldAndRule) {
  const BadFile cases[] = {
      {"{", "calendar.json", "f.json#"},
      {"[]", "calendar.type", "f.json#"},
      {R"({"year": 2026, "holidays": []})", "calendar.missing_field", "f.json#"},
      {R"({"year": 2026, "holidays": [], "make_up_working_days": [], "note": 1})",
       "calendar.unknown_field", "f.json#/note"},
      {R"({"year": 2026, "year": 2027, "holidays": [], "make_up_working_days": []})",
       "calendar.duplicate_key", "f.json#"},
      {R"({"year": "2026", "holidays": [], "make_up_working_days": []})", "calendar.type",
       "f.json#/year"},
      {R"({"year": 2026.0, "holidays": [], "make_up_working_days": []})", "calendar.type",
       "f.json#/year"},
      {R"({"year": 0, "holidays": [], "make_up_working_days": []})", "calendar.year",
       "f.json#/year"},
      {R"({"year": 10000, "holidays": [], "make_up_working_days": []})", "calendar.year",
       "f.json#/year"},
      {R"({"year": 2026, "holidays": {}, "make_up_working_days": []})", "calendar.type",
       "f.json#/holidays"},
      {R"({"year": 2026, "holidays": [["2026-01-01", "2026-01-03"]], "make_up_working_days": []})",
       "calendar.type", "f.json#/holidays/0"},
      {R"({"year": 2026, "holidays": [["2026-01-01", "2026-01-03", ""]],
           "make_up_working_days": []})",
       "calendar.type", "f.json#/holidays/0/2"},
      {R"({"year": 2026, "holidays": [["2026-01-01", 3, "x"]], "make_up_working_days": []})",
       "calendar.type", "f.json#/holidays/0/1"},
      {R"({"year": 2026, "holidays": [["2026-1-01", "2026-01-03", "x"]],
           "make_up_working_days": []})",
       "date.format", "f.json#/holidays/0/0"},
      {R"({"year": 2026, "holidays": [["2026-02-29", "2026-03-01", "x"]],
           "make_up_working_days": []})",
       "date.exists", "f.json#/holidays/0/0"},
      {R"({"year": 2026, "holidays": [["2025-12-31", "2026-01-03", "x"]],
           "make_up_working_days": []})",
       "calendar.date_year", "f.json#/holidays/0/0"},
      {R"({"year": 2026, "holidays": [["2026-01-03", "2026-01-01", "x"]],
           "make_up_working_days": []})",
       "calendar.range_order", "f.json#/holidays/0"},
      {R"({"year": 2026, "holidays": [["2026-05-01", "2026-05-05", "a"],
                                      ["2026-01-01", "2026-01-03", "b"],
                                      ["2026-05-05", "2026-05-06", "c"]],
           "make_up_working_days": []})",
       "calendar.overlap", "f.json#/holidays/2"},
      {R"({"year": 2026, "holidays": [], "make_up_working_days": ["2026-02-13"]})",
       "calendar.make_up_weekday", "f.json#/make_up_working_days/0"},
      {R"({"year": 2026, "holidays": [["2026-02-14", "2026-02-15", "x"]],
           "make_up_working_days": ["2026-02-14"]})",
       "calendar.make_up_holiday", "f.json#/make_up_working_days/0"},
      {R"({"year": 2026, "holidays": [], "make_up_working_days": ["2026-02-14", "2026-02-14"]})",
       "calendar.make_up_duplicate", "f.json#/make_up_working_days/1"},
      {R"({"year": 2026, "holidays": [], "make_up_working_days": ["2027-01-02"]})",
       "calendar.date_year", "f.json#/make_up_working_days/0"},
      {R"({"year": 2026, "holidays": [], "make_up_working_days": [20260214]})", "calendar.type",
       "f.json#/make_up_working_days/0"},
      {R"({"year": 2026, "holidays": [], "make_up_working_days": [], "source": 7})",
       "calendar.type", "f.json#/source"},
  };
  for (const BadFile& c : cases) {
    SCOPED_TRACE(c.json);
    auto calendar = LegalCalendar::FromJson(c.json, "f.json");
    ASSERT_FALSE(calendar.ok());
    EXPECT_EQ(calendar.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(calendar.status().rule(), c.rule) << calendar.status().ToString();
    EXPECT_EQ(calendar.status().field(), c.field) << calendar.status().ToString();
  }
}

TEST(CalendarFileTest, AcceptsAMinimalFile) {
  auto calendar = LegalCalendar::FromJson(
      R"({"year": 2027, "holidays": [["2027-01-01", "2027-01-01", "New Year's Day"]],
          "make_up_working_days": ["2027-01-02"]})",
      "mini.json");
  ASSERT_TRUE(calendar.ok()) << calendar.status().ToString();
  EXPECT_TRUE(calendar->HasYear(2027));
  EXPECT_FALSE(calendar->HasYear(2026));
  EXPECT_FALSE(calendar->IsWorkingDay(D("2027-01-01")));  // Friday, holiday
  EXPECT_TRUE(calendar->IsWorkingDay(D("2027-01-02")));   // Saturday, make-up
  EXPECT_FALSE(calendar->IsWorkingDay(D("2027-01-03")));  // Sunday
}

// --- directories ---

class CalendarDirectoryTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) /
           ("battrace-calendar-" +
            std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  static std::string Year(int year) {
    return R"({"year": )" + std::to_string(year) +
           R"(, "holidays": [], "make_up_working_days": []})";
  }

  fs::path dir_;
};

TEST_F(CalendarDirectoryTest, LoadsEveryYearFileAndIgnoresOtherFiles) {
  Write("cn-public-holidays-2026.json", Year(2026));
  Write("cn-public-holidays-2028.json", Year(2028));
  Write("README.md", "not a calendar");
  auto calendar = LegalCalendar::LoadDirectory(dir_.string());
  ASSERT_TRUE(calendar.ok()) << calendar.status().ToString();
  EXPECT_TRUE(calendar->HasYear(2026));
  EXPECT_FALSE(calendar->HasYear(2027));
  EXPECT_TRUE(calendar->HasYear(2028));
  // 20 Dec 2026 + 15 days = 4 Jan 2027 (Monday): judged in 2027, which has no file.
  EXPECT_EQ(calendar->DueDate(D("2026-12-20"), *Period::Parse("15d")).warnings.size(), 1u);
  // 20 Dec 2027 + 15 days = 4 Jan 2028, a Tuesday: 2028 has a file, so no warning.
  const auto due = calendar->DueDate(D("2027-12-20"), *Period::Parse("15d"));
  EXPECT_EQ(due.date, D("2028-01-04"));
  EXPECT_TRUE(due.warnings.empty());
}

TEST_F(CalendarDirectoryTest, RejectsTwoFilesForOneYear) {
  Write("a.json", Year(2026));
  Write("b.json", Year(2026));
  auto calendar = LegalCalendar::LoadDirectory(dir_.string());
  ASSERT_FALSE(calendar.ok());
  EXPECT_EQ(calendar.status().rule(), "calendar.duplicate_year");
  EXPECT_EQ(calendar.status().field(), "b.json#/year");
}

TEST_F(CalendarDirectoryTest, RejectsAFileNamedForAnotherYear) {
  Write("cn-public-holidays-2027.json", Year(2026));  // copied, not yet edited
  auto calendar = LegalCalendar::LoadDirectory(dir_.string());
  ASSERT_FALSE(calendar.ok());
  EXPECT_EQ(calendar.status().rule(), "calendar.year");
  EXPECT_EQ(calendar.status().field(), "cn-public-holidays-2027.json#/year");
}

TEST_F(CalendarDirectoryTest, NamesTheBadFile) {
  Write("cn-public-holidays-2026.json", Year(2026));
  Write("cn-public-holidays-2027.json", R"({"year": 2027, "holidays": [}")");
  auto calendar = LegalCalendar::LoadDirectory(dir_.string());
  ASSERT_FALSE(calendar.ok());
  EXPECT_EQ(calendar.status().rule(), "calendar.json");
  EXPECT_EQ(calendar.status().field(), "cn-public-holidays-2027.json#");
}

TEST_F(CalendarDirectoryTest, EmptyOrMissingDirectoriesAreErrors) {
  EXPECT_EQ(LegalCalendar::LoadDirectory(dir_.string()).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(LegalCalendar::LoadDirectory((dir_ / "missing").string()).status().code(),
            StatusCode::kIOError);
}

TEST(DefaultCalendarTest, EnvironmentOverridesTheCompiledDirectory) {
  const char* saved = getenv("BATTRACE_CALENDAR_DIR");
  const std::string restore = saved != nullptr ? saved : "";
  setenv("BATTRACE_CALENDAR_DIR", "/srv/calendar", 1);
  EXPECT_EQ(LegalCalendar::DefaultDirectory(), "/srv/calendar");
  setenv("BATTRACE_CALENDAR_DIR", "", 1);
  EXPECT_EQ(LegalCalendar::DefaultDirectory(), BATTRACE_DEFAULT_CALENDAR_DIR);
  if (saved != nullptr) {
    setenv("BATTRACE_CALENDAR_DIR", restore.c_str(), 1);
  } else {
    unsetenv("BATTRACE_CALENDAR_DIR");
  }
}

TEST(DefaultCalendarTest, IsLoadedOnceFromTheDefaultDirectory) {
  const Result<LegalCalendar>& calendar = LegalCalendar::Default();
  EXPECT_EQ(&calendar, &LegalCalendar::Default());
  EXPECT_EQ(calendar.ok(), LegalCalendar::LoadDirectory(LegalCalendar::DefaultDirectory()).ok());
}

}  // namespace
}  // namespace battrace
