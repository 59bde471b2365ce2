// The registry as it stood on a day: the newest version effective by then, else the earliest.
#include "domain/registry_history.h"

#include <gtest/gtest.h>

#include "report_fixtures.h"

namespace battrace::domain {
namespace {

Date Day(const char* ymd) {
  return *Date::Parse(ymd);
}

// A version of the battery maker registered in `division`.
RegistryVersion Version(const char* effective, uint64_t leaf, const std::string& division) {
  const nlohmann::json record = {{"kind", "enterprise"},
                                 {"uscc", testing::kBatteryMaker},
                                 {"name", "cells"},
                                 {"roles", {"battery_maker"}},
                                 {"division", division}};
  auto parsed = ParseRegistryRecord(record.dump());
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return {Day(effective), leaf, record.dump(), *parsed};
}

std::string DivisionOn(RegistryHistory& history, const char* day) {
  const Enterprise* e = history.AsOf(Day(day)).Find(testing::kBatteryMaker);
  return e == nullptr ? "(none)" : e->division.code();
}

TEST(RegistryHistoryTest, ADaySeesTheNewestVersionEffectiveByThenElseTheEarliest) {
  RegistryHistory history;
  history.Add("enterprise", testing::kBatteryMaker, Version("2026-05-01", 3, "440305"));
  history.Add("enterprise", testing::kBatteryMaker, Version("2026-03-01", 7, "440300"));
  // Recorded later but effective on the same day as the first: it wins from that day.
  history.Add("enterprise", testing::kBatteryMaker, Version("2026-05-01", 9, "350902"));
  EXPECT_EQ(DivisionOn(history, "2026-01-01"), "440300");  // none yet: the earliest effective
  EXPECT_EQ(DivisionOn(history, "2026-03-01"), "440300");
  EXPECT_EQ(DivisionOn(history, "2026-04-30"), "440300");
  EXPECT_EQ(DivisionOn(history, "2026-05-01"), "350902");
  EXPECT_EQ(DivisionOn(history, "2027-01-01"), "350902");
  EXPECT_EQ(history.Count("enterprise", testing::kBatteryMaker), 3u);
  EXPECT_EQ(history.Latest("enterprise", testing::kBatteryMaker)->leaf, 9u);
  EXPECT_EQ(history.Latest("enterprise", testing::kVehicleMaker), nullptr);
}

TEST(RegistryHistoryTest, ARecordWithoutVersionsStandsUntilItsKeyGetsOne) {
  RegistryHistory history;
  history.AddUnversioned("enterprise", testing::kBatteryMaker,
                         Version("2026-01-01", 0, "110101").parsed);
  EXPECT_EQ(DivisionOn(history, "2020-01-01"), "110101");
  history.Add("enterprise", testing::kBatteryMaker, Version("2026-06-01", 4, "440305"));
  EXPECT_EQ(DivisionOn(history, "2020-01-01"), "440305");
}

}  // namespace
}  // namespace battrace::domain
