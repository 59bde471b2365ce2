// Tests of the deadline rules: the shipped regime files (rules/) against the Article 24 table and
// the confirmed 2018 provisions, the switch between them on 2026-04-01, due dates through the
// shipped holiday calendar, one malformed file per error rule, directory loading, and that
// docs/regulation-map.md lists every shipped rule and names only tests that exist.
#include "domain/rules.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace battrace {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Date D(std::string_view text) {
  return *Date::Parse(text);
}

const RuleSet& Shipped() {
  static const Result<RuleSet> rules = RuleSet::LoadDirectory(BATTRACE_DEFAULT_RULES_DIR);
  EXPECT_TRUE(rules.ok()) << rules.status().ToString();
  static const RuleSet empty;
  return rules.ok() ? *rules : empty;
}

const LegalCalendar& Calendar() {
  const Result<LegalCalendar>& calendar = LegalCalendar::Default();
  EXPECT_TRUE(calendar.ok()) << calendar.status().ToString();
  static const LegalCalendar weekends_only;
  return calendar.ok() ? *calendar : weekends_only;
}

// --- the shipped files ---

TEST(RulesFilesTest, ShippedDirectoryLoadsTwoRegimesInOrder) {
  const auto& regimes = Shipped().regimes();
  ASSERT_EQ(regimes.size(), 2u);
  EXPECT_EQ(regimes[0].name, "2018-provisions");
  EXPECT_EQ(regimes[0].file, "2018-provisions.json");
  EXPECT_EQ(regimes[0].effective_from, D("2018-08-01"));
  EXPECT_EQ(regimes[0].effective_to, D("2026-04-01"));
  EXPECT_EQ(regimes[1].name, "2026-measures");
  EXPECT_EQ(regimes[1].effective_from, D("2026-04-01"));
  EXPECT_FALSE(regimes[1].effective_to.has_value());
  for (const Regime& regime : regimes) {
    for (const Rule& rule : regime.rules) {
      EXPECT_EQ(rule.regime, regime.name);
      if (rule.configurable) {
        EXPECT_FALSE(rule.note.empty()) << rule.duty;
      }
    }
  }
}

TEST(RulesFilesTest, DefaultLoadsTheCompiledDirectoryOnce) {
  const Result<RuleSet>& rules = RuleSet::Default();
  EXPECT_EQ(&rules, &RuleSet::Default());
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  EXPECT_EQ(rules->regimes().size(), Shipped().regimes().size());
}

TEST(RulesFilesTest, EnvironmentOverridesTheCompiledDirectory) {
  const char* saved = getenv("BATTRACE_RULES_DIR");
  const std::string restore = saved != nullptr ? saved : "";
  setenv("BATTRACE_RULES_DIR", "/srv/rules", 1);
  EXPECT_EQ(RuleSet::DefaultDirectory(), "/srv/rules");
  setenv("BATTRACE_RULES_DIR", "", 1);
  EXPECT_EQ(RuleSet::DefaultDirectory(), BATTRACE_DEFAULT_RULES_DIR);
  if (saved != nullptr) {
    setenv("BATTRACE_RULES_DIR", restore.c_str(), 1);
  } else {
    unsetenv("BATTRACE_RULES_DIR");
  }
}

// One row of a regime as the tests expect it.
struct Row {
  const char* duty;
  const char* article;
  ReportType report_type;
  std::vector<Role> roles;
  const char* period;
  bool configurable;
};

// docs/regulation-map.md and rules/2026-measures.json (Article 24): calendar days; 24.8 and
// utilized are configurable defaults.
const std::vector<Row>& Measures2026Rows() {
  static const std::vector<Row> rows = {
      {"24.1", "24.1", ReportType::kModelDisassemblyInfo, {Role::kVehicleMaker}, "6m", false},
      {"24.2a", "24.2a", ReportType::kVehicleProduced, {Role::kVehicleMaker}, "20d", false},
      {"24.2b", "24.2b", ReportType::kVehicleSold, {Role::kVehicleMaker}, "40d", false},
      {"24.2c", "24.2c", ReportType::kBatteryOutbound, {Role::kVehicleMaker}, "15d", false},
      {"24.3", "24.3", ReportType::kBatteryOutbound, {Role::kBatteryMaker}, "15d", false},
      {"24.4a",
       "24.4a",
       ReportType::kBatterySwapped,
       {Role::kSwapOperator},
       "next-month-15",
       false},
      {"24.4b", "24.4b", ReportType::kBatteryOutbound, {Role::kSwapOperator}, "15d", false},
      {"24.5a", "24.5a", ReportType::kBatteryReplaced, {Role::kRepairShop}, "15d", false},
      {"24.5b", "24.5b", ReportType::kBatteryReplaced, {Role::kVehicleMaker}, "40d", false},
      {"24.5c", "24.5c", ReportType::kBatteryReplaced, {Role::kRepairShop}, "40d", false},
      {"24.6a",
       "24.6a",
       ReportType::kOutletRegistered,
       {Role::kBatteryMaker, Role::kVehicleMaker},
       "30d",
       false},
      {"24.6b",
       "24.6b",
       ReportType::kBatteryInbound,
       {Role::kBatteryMaker, Role::kVehicleMaker},
       "15d",
       false},
      {"24.6c",
       "24.6c",
       ReportType::kBatteryOutbound,
       {Role::kBatteryMaker, Role::kVehicleMaker},
       "15d",
       false},
      {"24.7a", "24.7a", ReportType::kBatteryInbound, {Role::kRecycler}, "30d", false},
      {"24.7b", "24.7b", ReportType::kProductOutbound, {Role::kRecycler}, "30d", false},
      {"24.8", "24.8", ReportType::kVehicleScrapped, {Role::kDismantler}, "15d", true},
      {"utilized", "12", ReportType::kBatteryUtilized, {Role::kRecycler}, "30d", true},
  };
  return rows;
}

// docs/regulation-map.md, the 2018 regime (before 2026-04-01): the confirmed provisions in working
// days, plus the unconfirmed vehicle production and sales periods as configurable defaults.
const std::vector<Row>& Provisions2018Rows() {
  static const std::vector<Row> rows = {
      {"24.2a", "2018-9", ReportType::kVehicleProduced, {Role::kVehicleMaker}, "15wd", true},
      {"24.2b", "2018-9", ReportType::kVehicleSold, {Role::kVehicleMaker}, "30wd", true},
      {"24.3", "2018-14", ReportType::kBatteryOutbound, {Role::kBatteryMaker}, "15wd", false},
      {"24.5b", "2018-10", ReportType::kBatteryReplaced, {Role::kVehicleMaker}, "30wd", false},
      {"24.6b", "2018-11", ReportType::kBatteryInbound, {Role::kVehicleMaker}, "30wd", false},
      {"24.6c", "2018-11", ReportType::kBatteryOutbound, {Role::kVehicleMaker}, "30wd", false},
      {"24.7a", "2018-15", ReportType::kBatteryInbound, {Role::kRecycler}, "30wd", false},
      {"24.8", "2018-13", ReportType::kVehicleScrapped, {Role::kDismantler}, "15wd", false},
      {"utilized", "2018-15", ReportType::kBatteryUtilized, {Role::kRecycler}, "30wd", false},
  };
  return rows;
}

// Duties the 2018 provisions do not give (no confirmed row): not judged before 2026-04-01.
const std::vector<std::string>& AbsentIn2018() {
  static const std::vector<std::string> duties = {"24.1",  "24.2c", "24.4a", "24.4b",
                                                  "24.5a", "24.5c", "24.6a", "24.7b"};
  return duties;
}

TEST(RulesFilesTest, ShippedRegimesHoldExactlyTheTestedRows) {
  const auto& regimes = Shipped().regimes();
  ASSERT_EQ(regimes.size(), 2u);
  auto duties = [](const std::vector<Rule>& rules) {
    std::set<std::string> out;
    for (const Rule& r : rules)
      out.insert(r.duty);
    return out;
  };
  auto expected = [](const std::vector<Row>& rows) {
    std::set<std::string> out;
    for (const Row& r : rows)
      out.insert(r.duty);
    return out;
  };
  EXPECT_EQ(duties(regimes[0].rules), expected(Provisions2018Rows()));
  EXPECT_EQ(duties(regimes[1].rules), expected(Measures2026Rows()));
  // The 2026 Measures give every duty key; the 2018 provisions the rows above and none other.
  EXPECT_EQ(regimes[1].rules.size(), DutyKeys().size());
  EXPECT_EQ(regimes[0].rules.size() + AbsentIn2018().size(), DutyKeys().size());
}

struct RowCase {
  Row row;
  const char* regime;
  const char* first_day;
  const char* last_day;  // a late day still in force
};

void PrintTo(const RowCase& c, std::ostream* os) {
  *os << c.regime << " " << c.row.duty;
}

class RulesRowTest : public testing::TestWithParam<RowCase> {};

TEST_P(RulesRowTest, ResolvesToItsArticleAndPeriod) {
  const RowCase& c = GetParam();
  for (const char* day : {c.first_day, c.last_day}) {
    SCOPED_TRACE(day);
    const Rule* rule = Shipped().Find(c.row.duty, D(day));
    ASSERT_NE(rule, nullptr);
    EXPECT_EQ(rule->regime, c.regime);
    EXPECT_EQ(rule->duty, c.row.duty);
    EXPECT_EQ(rule->article, c.row.article);
    EXPECT_EQ(rule->report_type, c.row.report_type);
    EXPECT_EQ(rule->reporter_roles, c.row.roles);
    EXPECT_EQ(rule->period.ToString(), c.row.period);
    EXPECT_EQ(rule->configurable, c.row.configurable);
    EXPECT_FALSE(rule->anchor.empty());
    for (Role role : c.row.roles)
      EXPECT_TRUE(rule->Binds(role));
    EXPECT_FALSE(rule->Binds(Role::kEbikeMaker));
  }
}

std::string DutyParamName(const std::string& duty) {
  std::string name = "duty_" + duty;
  for (char& ch : name) {
    if (ch == '.') ch = '_';
  }
  return name;
}

std::vector<RowCase> Cases(const std::vector<Row>& rows, const char* regime, const char* first,
                           const char* last) {
  std::vector<RowCase> out;
  for (const Row& row : rows)
    out.push_back({row, regime, first, last});
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Measures2026, RulesRowTest,
    testing::ValuesIn(Cases(Measures2026Rows(), "2026-measures", "2026-04-01", "2099-12-31")),
    [](const testing::TestParamInfo<RowCase>& info) { return DutyParamName(info.param.row.duty); });
INSTANTIATE_TEST_SUITE_P(
    Provisions2018, RulesRowTest,
    testing::ValuesIn(Cases(Provisions2018Rows(), "2018-provisions", "2018-08-01", "2026-03-31")),
    [](const testing::TestParamInfo<RowCase>& info) { return DutyParamName(info.param.row.duty); });

class RulesAbsentTest : public testing::TestWithParam<std::string> {};

TEST_P(RulesAbsentTest, IsNotJudgedBefore20260401) {
  for (const char* day : {"2018-08-01", "2026-03-31"}) {
    SCOPED_TRACE(day);
    EXPECT_EQ(Shipped().Find(GetParam(), D(day)), nullptr);
  }
  EXPECT_NE(Shipped().Find(GetParam(), D("2026-04-01")), nullptr);
}

INSTANTIATE_TEST_SUITE_P(Provisions2018, RulesAbsentTest, testing::ValuesIn(AbsentIn2018()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           return DutyParamName(info.param);
                         });

// --- regimes over time ---

TEST(RulesRegimeTest, SwitchesExactlyOn20260401) {
  const Rule* before = Shipped().Find("24.5b", D("2026-03-31"));
  const Rule* on = Shipped().Find("24.5b", D("2026-04-01"));
  ASSERT_NE(before, nullptr);
  ASSERT_NE(on, nullptr);
  EXPECT_EQ(before->regime, "2018-provisions");
  EXPECT_EQ(before->article, "2018-10");
  EXPECT_EQ(before->period, *Period::Parse("30wd"));
  EXPECT_EQ(on->regime, "2026-measures");
  EXPECT_EQ(on->article, "24.5b");
  EXPECT_EQ(on->period, *Period::Parse("40d"));
  EXPECT_EQ(Shipped().RegimeOn(D("2026-03-31"))->name, "2018-provisions");
  EXPECT_EQ(Shipped().RegimeOn(D("2026-04-01"))->name, "2026-measures");
}

TEST(RulesRegimeTest, NothingIsJudgedBefore20180801) {
  EXPECT_EQ(Shipped().RegimeOn(D("2018-07-31")), nullptr);
  EXPECT_EQ(Shipped().Find("24.5b", D("2018-07-31")), nullptr);
  EXPECT_EQ(Shipped().RegimeOn(D("2018-08-01"))->name, "2018-provisions");
}

TEST(RulesRegimeTest, UnknownDutyIsNotFound) {
  EXPECT_EQ(Shipped().Find("24.9", D("2026-05-01")), nullptr);
  EXPECT_EQ(Shipped().Find("", D("2026-05-01")), nullptr);
}

TEST(RulesRegimeTest, TwoThousandEighteenBindsOnlyVehicleMakersForOutletReports) {
  const Rule* inbound2018 = Shipped().Find("24.6b", D("2026-03-31"));
  const Rule* inbound2026 = Shipped().Find("24.6b", D("2026-04-01"));
  ASSERT_NE(inbound2018, nullptr);
  ASSERT_NE(inbound2026, nullptr);
  EXPECT_TRUE(inbound2018->Binds(Role::kVehicleMaker));
  EXPECT_FALSE(inbound2018->Binds(Role::kBatteryMaker));
  EXPECT_TRUE(inbound2026->Binds(Role::kBatteryMaker));
  EXPECT_TRUE(inbound2026->Binds(Role::kVehicleMaker));
}

TEST(RulesRegimeTest, DutyKeysAreTheArticle24RowsAndUtilized) {
  const std::vector<std::string_view> keys(DutyKeys().begin(), DutyKeys().end());
  EXPECT_EQ(keys, (std::vector<std::string_view>{
                      "24.1", "24.2a", "24.2b", "24.2c", "24.3", "24.4a", "24.4b", "24.5a", "24.5b",
                      "24.5c", "24.6a", "24.6b", "24.6c", "24.7a", "24.7b", "24.8", "utilized"}));
}

// --- due dates through the shipped calendar (data/calendar: 2026 only) ---

struct DueCase {
  const char* duty;
  const char* anchor;
  const char* due;
  std::vector<std::string> warnings_about;  // a substring of each warning, in order
};

void ExpectDue(const DueCase& c) {
  SCOPED_TRACE(std::string(c.duty) + " from " + c.anchor);
  const Rule* rule = Shipped().Find(c.duty, D(c.anchor));
  ASSERT_NE(rule, nullptr);
  const LegalCalendar::Due due = DueDate(*rule, D(c.anchor), Calendar());
  EXPECT_EQ(due.date.ToString(), c.due);
  ASSERT_EQ(due.warnings.size(), c.warnings_about.size());
  for (size_t i = 0; i < due.warnings.size(); ++i)
    EXPECT_NE(due.warnings[i].find(c.warnings_about[i]), std::string::npos) << due.warnings[i];
}

TEST(RulesDueDateTest, DeadlinesLandingOnHolidaysMoveToTheNextWorkingDay) {
  // 11 Apr 2026 + 20 days = Fri 1 May, Labour Day (1-5 May) -> Wed 6 May.
  ExpectDue({"24.2a", "2026-04-11", "2026-05-06", {}});
  // 1 Sep 2026 + 30 days = Thu 1 Oct, National Day (1-7 Oct) -> Thu 8 Oct.
  ExpectDue({"24.6a", "2026-09-01", "2026-10-08", {}});
  // A swap in July: due Sat 15 Aug -> Mon 17 Aug.
  ExpectDue({"24.4a", "2026-07-31", "2026-08-17", {}});
  // 16 Apr 2026 + 15 days = 1 May -> 6 May; the period of 24.8 is a configurable default.
  ExpectDue({"24.8", "2026-04-16", "2026-05-06", {"configurable default"}});
}

TEST(RulesDueDateTest, SixMonthsFromAugust31EndsInFebruary2027) {
  // 31 Aug 2026 + 6 months = 28 Feb 2027 (no 29th), a Sunday; 2027 has no holiday file, so the
  // weekend rule alone moves it to Mon 1 Mar 2027, with a warning.
  ExpectDue({"24.1", "2026-08-31", "2027-03-01", {"no holiday calendar for 2027"}});
}

TEST(RulesDueDateTest, TwoThousandEighteenRulesCountWorkingDaysPastTheSwitch) {
  // Replacement on Tue 31 Mar 2026, under the 2018 provisions: 30 working days, skipping
  // Qingming (4-6 Apr) and Labour Day (1-5 May), counting make-up Sat 9 May -> Fri 15 May.
  ExpectDue({"24.5b", "2026-03-31", "2026-05-15", {}});
  // The same replacement a day later falls under the Measures: 40 days -> Mon 11 May.
  ExpectDue({"24.5b", "2026-04-01", "2026-05-11", {}});
  // Scrapping on Wed 24 Dec 2025: 15 working days; 2025 has no holiday file (warned), New Year
  // 1-3 Jan 2026 is skipped and Sun 4 Jan is a make-up working day -> Thu 15 Jan 2026.
  ExpectDue({"24.8", "2025-12-24", "2026-01-15", {"no holiday calendar for 2025"}});
  // The unconfirmed 2018 sales period warns that it is a configurable default.
  ExpectDue({"24.2b", "2026-03-02", "2026-04-14", {"configurable default"}});
}

// --- malformed files: one per error rule ---

json ValidRule() {
  return {{"duty", "24.2a"},
          {"article", "24.2a"},
          {"report_type", "vehicle.produced"},
          {"reporter_roles", json::array({"vehicle_maker"})},
          {"anchor", "occurred: the factory certificate date"},
          {"period", "20d"},
          {"configurable", false}};
}

json ValidRegime() {
  return {{"name", "test-regime"},        {"title", "A test regime"},
          {"source", "Test instrument"},  {"effective_from", "2026-04-01"},
          {"effective_to", "2027-04-01"}, {"rules", json::array({ValidRule()})}};
}

void ExpectTextRejected(std::string_view text, const std::string& rule, const std::string& field) {
  SCOPED_TRACE(std::string(text.substr(0, 300)));
  auto set = RuleSet::FromJson(text, "f.json");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(set.status().rule(), rule) << set.status().ToString();
  EXPECT_EQ(set.status().field(), field) << set.status().ToString();
}

void ExpectRejected(const json& j, const std::string& rule, const std::string& field) {
  ExpectTextRejected(j.dump(), rule, field);
}

TEST(RulesFileTest, AcceptsAValidFile) {
  auto set = RuleSet::FromJson(ValidRegime().dump(), "f.json");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ(set->regimes().size(), 1u);
  const Regime& regime = set->regimes()[0];
  EXPECT_EQ(regime.file, "f.json");
  EXPECT_EQ(regime.title, "A test regime");
  EXPECT_EQ(regime.source, "Test instrument");
  EXPECT_TRUE(regime.InForceOn(D("2026-04-01")));
  EXPECT_TRUE(regime.InForceOn(D("2027-03-31")));
  EXPECT_FALSE(regime.InForceOn(D("2027-04-01")));
  EXPECT_FALSE(regime.InForceOn(D("2026-03-31")));
  const Rule* rule = set->Find("24.2a", D("2026-06-01"));
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->regime, "test-regime");
  EXPECT_TRUE(rule->note.empty());
  EXPECT_EQ(set->Find("24.2a", D("2027-04-01")), nullptr);
}

TEST(RulesFileTest, RejectsMalformedJson) {
  ExpectTextRejected(std::string_view("{\"name\": "), "rules.json", "f.json#");
  ExpectTextRejected(std::string_view(""), "rules.json", "f.json#");
}

TEST(RulesFileTest, RejectsAnOversizedFile) {
  json j = ValidRegime();
  j["title"] = std::string(size_t{1} << 20, 'x');
  ExpectRejected(j, "rules.too_large", "f.json#");
}

TEST(RulesFileTest, RejectsUnknownFields) {
  json top = ValidRegime();
  top["version"] = 2;
  ExpectRejected(top, "rules.unknown_field", "f.json#/version");
  json rule = ValidRegime();
  rule["rules"][0]["deadline"] = "20d";
  ExpectRejected(rule, "rules.unknown_field", "f.json#/rules/0/deadline");
}

TEST(RulesFileTest, RejectsMissingFields) {
  for (const char* key : {"name", "title", "source", "effective_from", "rules"}) {
    json j = ValidRegime();
    j.erase(key);
    ExpectRejected(j, "rules.required", std::string("f.json#/") + key);
  }
  for (const char* key :
       {"duty", "article", "report_type", "reporter_roles", "anchor", "period", "configurable"}) {
    json j = ValidRegime();
    j["rules"][0].erase(key);
    ExpectRejected(j, "rules.required", std::string("f.json#/rules/0/") + key);
  }
}

TEST(RulesFileTest, RejectsRepeatedFields) {
  ExpectTextRejected(std::string_view(R"({"name": "a", "name": "b", "title": "t", "source": "s",
      "effective_from": "2026-04-01", "rules": []})"),
                     "rules.duplicate_field", "f.json#/name");
}

TEST(RulesFileTest, RejectsValuesOfTheWrongType) {
  ExpectTextRejected(std::string_view("[]"), "rules.type", "f.json#");
  json from = ValidRegime();
  from["effective_from"] = 20260401;
  ExpectRejected(from, "rules.type", "f.json#/effective_from");
  json rules = ValidRegime();
  rules["rules"] = json::object();
  ExpectRejected(rules, "rules.type", "f.json#/rules");
  json entry = ValidRegime();
  entry["rules"][0] = "24.2a";
  ExpectRejected(entry, "rules.type", "f.json#/rules/0");
  json roles = ValidRegime();
  roles["rules"][0]["reporter_roles"] = "vehicle_maker";
  ExpectRejected(roles, "rules.type", "f.json#/rules/0/reporter_roles");
  json role = ValidRegime();
  role["rules"][0]["reporter_roles"] = json::array({1});
  ExpectRejected(role, "rules.type", "f.json#/rules/0/reporter_roles/0");
  json configurable = ValidRegime();
  configurable["rules"][0]["configurable"] = "no";
  ExpectRejected(configurable, "rules.type", "f.json#/rules/0/configurable");
  json period = ValidRegime();
  period["rules"][0]["period"] = 20;
  ExpectRejected(period, "rules.type", "f.json#/rules/0/period");
}

TEST(RulesFileTest, RejectsEmptyValues) {
  json rules = ValidRegime();
  rules["rules"] = json::array();
  ExpectRejected(rules, "rules.empty", "f.json#/rules");
  json roles = ValidRegime();
  roles["rules"][0]["reporter_roles"] = json::array();
  ExpectRejected(roles, "rules.empty", "f.json#/rules/0/reporter_roles");
  json title = ValidRegime();
  title["title"] = "";
  ExpectRejected(title, "rules.empty", "f.json#/title");
  json note = ValidRegime();
  note["rules"][0]["note"] = "";
  ExpectRejected(note, "rules.empty", "f.json#/rules/0/note");
}

TEST(RulesFileTest, RejectsOverlongOrBadlyCharacteredStrings) {
  json article = ValidRegime();
  article["rules"][0]["article"] = std::string(33, '2');
  ExpectRejected(article, "rules.too_long", "f.json#/rules/0/article");
  json name = ValidRegime();
  name["name"] = "test regime";
  ExpectRejected(name, "rules.characters", "f.json#/name");
  json anchor = ValidRegime();
  anchor["rules"][0]["anchor"] = "line one\nline two";
  ExpectRejected(anchor, "rules.characters", "f.json#/rules/0/anchor");
}

TEST(RulesFileTest, RejectsBadDates) {
  json format = ValidRegime();
  format["effective_from"] = "2026-4-01";
  ExpectRejected(format, "date.format", "f.json#/effective_from");
  json exists = ValidRegime();
  exists["effective_to"] = "2027-02-29";
  ExpectRejected(exists, "date.exists", "f.json#/effective_to");
}

TEST(RulesFileTest, RejectsAnEffectiveToNotAfterEffectiveFrom) {
  json same = ValidRegime();
  same["effective_to"] = "2026-04-01";
  ExpectRejected(same, "rules.effective_range", "f.json#/effective_to");
  json before = ValidRegime();
  before["effective_to"] = "2025-01-01";
  ExpectRejected(before, "rules.effective_range", "f.json#/effective_to");
}

TEST(RulesFileTest, RejectsUnknownDutyKeys) {
  json j = ValidRegime();
  j["rules"][0]["duty"] = "24.9";
  ExpectRejected(j, "rules.unknown_duty", "f.json#/rules/0/duty");
  j["rules"][0]["duty"] = "24.2A";
  ExpectRejected(j, "rules.unknown_duty", "f.json#/rules/0/duty");
}

TEST(RulesFileTest, RejectsADutyGivenTwice) {
  json j = ValidRegime();
  json second = ValidRule();
  second["period"] = "30d";
  j["rules"].push_back(second);
  ExpectRejected(j, "rules.duplicate_duty", "f.json#/rules/1/duty");
}

TEST(RulesFileTest, RejectsUnknownOrNonDutyReportTypes) {
  json unknown = ValidRegime();
  unknown["rules"][0]["report_type"] = "vehicle.made";
  ExpectRejected(unknown, "rules.report_type", "f.json#/rules/0/report_type");
  json correction = ValidRegime();
  correction["rules"][0]["report_type"] = "correction";
  ExpectRejected(correction, "rules.report_type", "f.json#/rules/0/report_type");
}

TEST(RulesFileTest, RejectsUnknownAndRepeatedRoles) {
  json unknown = ValidRegime();
  unknown["rules"][0]["reporter_roles"] = json::array({"vehicle_maker", "oem"});
  ExpectRejected(unknown, "rules.role", "f.json#/rules/0/reporter_roles/1");
  json twice = ValidRegime();
  twice["rules"][0]["reporter_roles"] = json::array({"vehicle_maker", "vehicle_maker"});
  ExpectRejected(twice, "rules.duplicate_role", "f.json#/rules/0/reporter_roles/1");
}

TEST(RulesFileTest, RejectsARoleThatMayNotFileTheReport) {
  json j = ValidRegime();
  j["rules"][0]["reporter_roles"] = json::array({"vehicle_maker", "battery_maker"});
  ExpectRejected(j, "rules.role_may_not_file", "f.json#/rules/0/reporter_roles/1");
  j["rules"][0]["reporter_roles"] = json::array({"ebike_maker"});
  ExpectRejected(j, "rules.role_may_not_file", "f.json#/rules/0/reporter_roles/0");
}

TEST(RulesFileTest, RejectsBadPeriods) {
  json j = ValidRegime();
  for (const char* bad : {"20 days", "20D", "020d", "next-month-"}) {
    j["rules"][0]["period"] = bad;
    ExpectRejected(j, "period.format", "f.json#/rules/0/period");
  }
  for (const char* bad : {"0d", "next-month-32", "121m"}) {
    j["rules"][0]["period"] = bad;
    ExpectRejected(j, "period.range", "f.json#/rules/0/period");
  }
}

TEST(RulesFileTest, RejectsAConfigurableRuleWithoutANote) {
  json j = ValidRegime();
  j["rules"][0]["configurable"] = true;
  ExpectRejected(j, "rules.note_required", "f.json#/rules/0/note");
  j["rules"][0]["note"] = "the text sets no period; 20 days as the neighbouring rows";
  EXPECT_TRUE(RuleSet::FromJson(j.dump(), "f.json").ok());
}

// --- directories ---

class RulesDirectoryTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) /
           ("battrace-rules-" +
            std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  static std::string RegimeText(const std::string& name, const std::string& from,
                                const std::string& to) {
    json j = ValidRegime();
    j["name"] = name;
    j["effective_from"] = from;
    if (to.empty()) {
      j.erase("effective_to");
    } else {
      j["effective_to"] = to;
    }
    return j.dump();
  }

  fs::path dir_;
};

TEST_F(RulesDirectoryTest, LoadsAdjacentRegimesAndLeavesGapsUnjudged) {
  Write("c.json", RegimeText("late", "2030-01-01", ""));
  Write("a.json", RegimeText("early", "2020-01-01", "2025-01-01"));
  Write("b.json", RegimeText("middle", "2025-01-01", "2026-01-01"));
  Write("README.md", "not a regime");
  auto set = RuleSet::LoadDirectory(dir_.string());
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ(set->regimes().size(), 3u);
  EXPECT_EQ(set->Find("24.2a", D("2024-12-31"))->regime, "early");
  EXPECT_EQ(set->Find("24.2a", D("2025-01-01"))->regime, "middle");
  EXPECT_EQ(set->Find("24.2a", D("2026-01-01")), nullptr);  // the gap up to 2030
  EXPECT_EQ(set->Find("24.2a", D("2029-12-31")), nullptr);
  EXPECT_EQ(set->Find("24.2a", D("2030-01-01"))->regime, "late");
  EXPECT_EQ(set->regimes()[2].file, "c.json");
}

TEST_F(RulesDirectoryTest, RejectsOverlappingRegimes) {
  Write("a.json", RegimeText("old", "2020-01-01", "2026-04-02"));
  Write("b.json", RegimeText("new", "2026-04-01", ""));
  auto set = RuleSet::LoadDirectory(dir_.string());
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().rule(), "rules.overlap");
  EXPECT_EQ(set.status().field(), "b.json#/effective_from");
}

TEST_F(RulesDirectoryTest, RejectsARegimeStartingAfterAnOpenEndedOne) {
  Write("a.json", RegimeText("open", "2020-01-01", ""));
  Write("b.json", RegimeText("later", "2030-01-01", "2031-01-01"));
  auto set = RuleSet::LoadDirectory(dir_.string());
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().rule(), "rules.overlap");
  EXPECT_EQ(set.status().field(), "b.json#/effective_from");
}

TEST_F(RulesDirectoryTest, RejectsTwoRegimesOfOneName) {
  Write("a.json", RegimeText("same", "2020-01-01", "2021-01-01"));
  Write("b.json", RegimeText("same", "2022-01-01", "2023-01-01"));
  auto set = RuleSet::LoadDirectory(dir_.string());
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().rule(), "rules.duplicate_regime");
  EXPECT_EQ(set.status().field(), "b.json#/name");
}

TEST_F(RulesDirectoryTest, NamesTheBadFileAndPointer) {
  Write("a.json", RegimeText("good", "2020-01-01", "2021-01-01"));
  json bad = json::parse(RegimeText("bad", "2022-01-01", ""));
  bad["rules"][0]["period"] = "20 days";
  Write("b.json", bad.dump());
  auto set = RuleSet::LoadDirectory(dir_.string());
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().rule(), "period.format");
  EXPECT_EQ(set.status().field(), "b.json#/rules/0/period");
}

TEST_F(RulesDirectoryTest, EmptyOrMissingDirectoriesAreErrors) {
  Write("README.md", "no regime here");
  EXPECT_EQ(RuleSet::LoadDirectory(dir_.string()).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(RuleSet::LoadDirectory((dir_ / "missing").string()).status().code(),
            StatusCode::kIOError);
}

TEST_F(RulesDirectoryTest, AnOperatorOverridesAConfigurableDefault) {
  // As rules/README.md describes: copy the shipped files, change the period and the note.
  for (const auto& entry : fs::directory_iterator(BATTRACE_DEFAULT_RULES_DIR)) {
    if (entry.path().extension() == ".json")
      fs::copy_file(entry.path(), dir_ / entry.path().filename());
  }
  json measures;
  {
    std::ifstream in(dir_ / "2026-measures.json");
    measures = json::parse(in);
  }
  for (json& rule : measures["rules"]) {
    if (rule["duty"] == "24.8") {
      rule["period"] = "10wd";
      rule["note"] = "Set by the operator after the scrapped-vehicle rules were confirmed.";
    }
  }
  Write("2026-measures.json", measures.dump(2));
  auto set = RuleSet::LoadDirectory(dir_.string());
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->Find("24.8", D("2026-05-01"))->period, *Period::Parse("10wd"));
  EXPECT_EQ(set->Find("24.8", D("2026-03-01"))->period, *Period::Parse("15wd"));
}

// --- docs/regulation-map.md ---

std::string ReadRegulationMap() {
  std::ifstream in(fs::path(BATTRACE_TEST_DATA) / ".." / "docs" / "regulation-map.md");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream stream(line);
  std::string cell;
  std::getline(stream, cell, '|');  // before the first bar
  while (std::getline(stream, cell, '|')) {
    const size_t first = cell.find_first_not_of(' ');
    const size_t last = cell.find_last_not_of(' ');
    cells.push_back(first == std::string::npos ? "" : cell.substr(first, last - first + 1));
  }
  if (!cells.empty() && cells.back().empty()) cells.pop_back();
  return cells;
}

std::string Unquoted(std::string s) {
  if (s.size() >= 2 && s.front() == '`' && s.back() == '`') return s.substr(1, s.size() - 2);
  return s;
}

TEST(RegulationMapTest, ListsEveryShippedRuleWithItsPeriod) {
  const std::string map = ReadRegulationMap();
  ASSERT_FALSE(map.empty());
  // Rows: | regime | article | duty | report type | reporter roles | anchor | period |
  //       configurable | tests |
  std::set<std::string> listed;
  std::stringstream lines(map);
  for (std::string line; std::getline(lines, line);) {
    const std::vector<std::string> cells = Cells(line);
    if (cells.size() != 9 || cells[0].empty() || cells[0].front() != '`') continue;
    const std::string regime = Unquoted(cells[0]);
    const std::string duty = Unquoted(cells[2]);
    const RuleSet& shipped = Shipped();
    const Regime* found = nullptr;
    for (const Regime& r : shipped.regimes()) {
      if (r.name == regime) found = &r;
    }
    if (found == nullptr) continue;
    const Rule* rule = shipped.Find(duty, found->effective_from);
    if (cells[1] == "—") {  // a duty the regime does not give
      EXPECT_EQ(rule, nullptr) << line;
      continue;
    }
    ASSERT_NE(rule, nullptr) << line;
    EXPECT_EQ(Unquoted(cells[1]), rule->article) << line;
    EXPECT_EQ(Unquoted(cells[3]), ReportTypeName(rule->report_type)) << line;
    EXPECT_EQ(Unquoted(cells[6]), rule->period.ToString()) << line;
    EXPECT_EQ(cells[7].starts_with("yes"), rule->configurable) << line;
    listed.insert(regime + " " + duty);
  }
  for (const Regime& r : Shipped().regimes()) {
    for (const Rule& rule : r.rules)
      EXPECT_TRUE(listed.count(r.name + " " + rule.duty)) << r.name << " " << rule.duty;
  }
}

TEST(RegulationMapTest, NamesOnlyTestsThatExist) {
  std::set<std::string> tests;
  const testing::UnitTest& unit = *testing::UnitTest::GetInstance();
  for (int i = 0; i < unit.total_test_suite_count(); ++i) {
    const testing::TestSuite& suite = *unit.GetTestSuite(i);
    for (int j = 0; j < suite.total_test_count(); ++j)
      tests.insert(std::string(suite.name()) + "." + suite.GetTestInfo(j)->name());
  }
  const std::string map = ReadRegulationMap();
  std::stringstream lines(map);
  size_t named = 0;
  for (std::string line; std::getline(lines, line);) {
    const std::vector<std::string> cells = Cells(line);
    if (cells.size() != 9 || cells[0].empty() || cells[0].front() != '`') continue;
    std::stringstream names(cells[8]);
    for (std::string name; std::getline(names, name, ',');) {
      const size_t first = name.find('`');
      const size_t last = name.rfind('`');
      ASSERT_NE(first, last) << line;
      const std::string test = name.substr(first + 1, last - first - 1);
      EXPECT_TRUE(tests.count(test)) << "docs/regulation-map.md names " << test;
      ++named;
    }
  }
  EXPECT_GT(named, 0u);
}

}  // namespace
}  // namespace battrace
