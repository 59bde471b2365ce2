// The EU passport's reports: battery_model.declared and battery.health, and battery.produced's
// serial and origin_kind. Each rule with the exact pointer and rule of its error.
#include <gtest/gtest.h>

#include <string>

#include "core/cas.h"
#include "core/gs1.h"
#include "domain/report.h"
#include "report_fixtures.h"

namespace battrace {
namespace {

using nlohmann::json;
using testing::ValidReport;

Result<Report> Parse(const json& j, ParseOptions options = {}) {
  return ParseReport(j.dump(), options);
}

void ExpectError(const json& j, const std::string& field, const std::string& rule) {
  auto r = Parse(j);
  ASSERT_FALSE(r.ok()) << j.dump();
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), field) << r.status().ToString();
  EXPECT_EQ(r.status().rule(), rule) << r.status().ToString();
  EXPECT_FALSE(r.status().message().empty());
}

json Declared() {
  return ValidReport(ReportType::kBatteryModelDeclared);
}
json Health() {
  return ValidReport(ReportType::kBatteryHealth);
}

TEST(Gs1Test, GtinCheckDigitAndLengths) {
  EXPECT_EQ(*ParseGtin("06901234567892"), "06901234567892");
  EXPECT_EQ(*ParseGtin("6901234567892"), "06901234567892");  // GTIN-13
  EXPECT_EQ(*ParseGtin("036000291452"), "00036000291452");   // GTIN-12 (UPC-A)
  EXPECT_EQ(*ParseGtin("96385074"), "00000096385074");       // GTIN-8
  EXPECT_EQ(ParseGtin("06901234567893").status().rule(), "gtin.check_digit");
  EXPECT_EQ(ParseGtin("0690123456789").status().rule(), "gtin.check_digit");
  EXPECT_EQ(ParseGtin("1234567890").status().rule(), "gtin.length");
  EXPECT_EQ(ParseGtin("").status().rule(), "gtin.length");
  EXPECT_EQ(ParseGtin("0690123456789X").status().rule(), "gtin.characters");
  EXPECT_EQ(Gs1CheckDigit("0690123456789"), '2');
}

TEST(Gs1Test, SerialIsCharacterSet82) {
  EXPECT_TRUE(CheckGs1Serial("A1B2C3").ok());
  EXPECT_TRUE(CheckGs1Serial("a-b_c/d.e:f;g<h>i?j").ok());
  EXPECT_TRUE(CheckGs1Serial("!\"%&'()*+,").ok());
  EXPECT_TRUE(CheckGs1Serial(std::string(20, '9')).ok());
  EXPECT_EQ(CheckGs1Serial(std::string(21, '9')).rule(), "gs1_serial.length");
  EXPECT_EQ(CheckGs1Serial("").rule(), "gs1_serial.length");
  EXPECT_EQ(CheckGs1Serial("AB#1").rule(), "gs1_serial.characters");
  EXPECT_EQ(CheckGs1Serial("A B").rule(), "gs1_serial.characters");
  EXPECT_EQ(CheckGs1Serial("A$").rule(), "gs1_serial.characters");
}

TEST(CasTest, FormatAndCheckDigit) {
  EXPECT_TRUE(CheckCasNumber("7732-18-5").ok());   // water
  EXPECT_TRUE(CheckCasNumber("15365-14-7").ok());  // LiFePO4
  EXPECT_TRUE(CheckCasNumber("21324-40-3").ok());  // LiPF6
  EXPECT_TRUE(CheckCasNumber("50-00-0").ok());     // formaldehyde: 2 digits first
  EXPECT_EQ(CheckCasNumber("7732-18-4").rule(), "cas.check_digit");
  EXPECT_EQ(CheckCasNumber("773218-5").rule(), "cas.format");
  EXPECT_EQ(CheckCasNumber("7732-185").rule(), "cas.format");
  EXPECT_EQ(CheckCasNumber("7-18-5").rule(), "cas.format");
  EXPECT_EQ(CheckCasNumber("12345678-18-5").rule(), "cas.format");
  EXPECT_EQ(CheckCasNumber("7732-18-55").rule(), "cas.format");
  EXPECT_EQ(CheckCasNumber("77a2-18-5").rule(), "cas.format");
}

TEST(BatteryModelDeclaredTest, MinimalDeclarationAndGtinStoredAsFourteenDigits) {
  json j = {{"id", "d-1"},
            {"type", "battery_model.declared"},
            {"reporter", testing::kBatteryMaker},
            {"occurred", "2026-04-02"},
            {"model", "LFP-280"},
            {"category", "stationary"},
            {"gtin", "6901234567892"}};
  auto r = Parse(j);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& d = std::get<BatteryModelDeclared>(r->body);
  EXPECT_EQ(d.category, BatteryCategory::kStationary);
  EXPECT_EQ(*d.gtin, "06901234567892");
  EXPECT_EQ(ReportToJson(*r)["gtin"], "06901234567892");
  EXPECT_FALSE(ReportToJson(*r).contains("materials"));
}

TEST(BatteryModelDeclaredTest, RequiredFields) {
  for (const char* field : {"model", "category"}) {
    json j = Declared();
    j.erase(field);
    ExpectError(j, std::string("/") + field, "report.required");
  }
  json j = Declared();
  j["carbon_footprint"].erase("per_kwh");
  ExpectError(j, "/carbon_footprint/per_kwh", "report.required");
  j = Declared();
  j["recycled_content"]["nickel"].erase("post_consumer");
  ExpectError(j, "/recycled_content/nickel/post_consumer", "report.required");
  j = Declared();
  j["materials"][1].erase("name");
  ExpectError(j, "/materials/1/name", "report.required");
  j = Declared();
  j["hazardous_substances"][0].erase("name");
  ExpectError(j, "/hazardous_substances/0/name", "report.required");
  j = Declared();
  j["idle_temperature_c"].erase("max");
  ExpectError(j, "/idle_temperature_c/max", "report.required");
}

TEST(BatteryModelDeclaredTest, FieldRules) {
  auto expect = [](const std::string& pointer, const json& value, const std::string& rule) {
    json j = Declared();
    j[json::json_pointer(pointer)] = value;
    ExpectError(j, pointer, rule);
  };
  expect("/model", std::string(65, 'M'), "report.too_long");
  expect("/model", "", "report.empty");
  expect("/category", "bus", "report.enum");
  expect("/gtin", "06901234567893", "gtin.check_digit");
  expect("/gtin", "123", "gtin.length");
  expect("/gtin", 6901234567892, "report.type");
  expect("/chemistry/short_name", 1, "report.type");
  expect("/carbon_footprint/per_kwh", 0, "report.range");
  expect("/carbon_footprint/per_kwh", -1, "report.range");
  expect("/carbon_footprint/class", "F", "report.enum");
  expect("/carbon_footprint/stages/recycling", -0.5, "report.range");
  expect("/carbon_footprint/study", "ftp://example.com/x", "report.format");
  expect("/carbon_footprint/study", "https://", "report.format");
  expect("/recycled_content/nickel/pre_consumer", 100.5, "report.range");
  expect("/recycled_content/lead/pre_consumer", "4", "report.type");
  expect("/renewable_content_pct", 101, "report.range");
  expect("/materials/0/cas", "15365-14-8", "cas.check_digit");
  expect("/materials/0/cas", "15365147", "cas.format");
  expect("/materials/0/mass_kg", 0, "report.range");
  expect("/materials/0/critical", "yes", "report.type");
  expect("/materials/0/component", "binder", "report.enum");
  expect("/hazardous_substances/0/class", "flammable", "report.enum");
  expect("/hazardous_substances/0/cas", "21324-40-4", "cas.check_digit");
  expect("/hazardous_substances/0/concentration_pct", 120, "report.range");
  expect("/extinguishing_agents/1", "", "report.empty");
  expect("/lifetime/cycle_life", 3000.5, "report.range");
  expect("/lifetime/capacity_threshold_pct", 170, "report.range");
  expect("/electrical/round_trip_efficiency_pct", 101, "report.range");
  expect("/electrical/voltage_max_v", -400, "report.range");
  expect("/idle_temperature_c/max", -20, "report.range");
  expect("/idle_temperature_c/max", -30, "report.range");
  expect("/warranty_months", 0, "report.range");
  expect("/warranty_months", 12.5, "report.range");
  expect("/documents/test_report", "example.com/test.pdf", "report.format");
}

TEST(BatteryModelDeclaredTest, NegativeTemperaturesAreAllowed) {
  json j = Declared();
  j["idle_temperature_c"] = {{"min", -40}, {"max", -5}};
  auto r = Parse(j);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(std::get<BatteryModelDeclared>(r->body).idle_temperature_c->min, -40);
}

TEST(BatteryModelDeclaredTest, UnknownKeysAtEveryLevel) {
  for (const char* pointer :
       {"/colour", "/chemistry/formula", "/carbon_footprint/total", "/carbon_footprint/stages/use",
        "/recycled_content/manganese", "/recycled_content/nickel/share", "/materials/0/grade",
        "/hazardous_substances/0/h_statement", "/lifetime/calendar_years", "/electrical/cells",
        "/idle_temperature_c/mean", "/documents/manual"}) {
    json j = Declared();
    j[json::json_pointer(pointer)] = 1;
    ExpectError(j, pointer, "report.unknown_field");
  }
}

TEST(BatteryHealthTest, MeasuredMustFallOnOccurredInBeijingTime) {
  json j = Health();
  j["measured"] = "2026-04-01T16:30:00Z";  // 2026-04-02 00:30 in Beijing
  EXPECT_TRUE(Parse(j).ok());
  j["measured"] = "2026-04-01T15:59:59Z";  // 2026-04-01 23:59:59 in Beijing
  ExpectError(j, "/measured", "report.measured_date");
  j["measured"] = "2026-04-02T08:00:00";
  ExpectError(j, "/measured", "timestamp.format");
  j["measured"] = "2026-04-02";
  ExpectError(j, "/measured", "timestamp.format");
}

TEST(BatteryHealthTest, MeasuredNotAfterReceipt) {
  auto r = Parse(Health());
  ASSERT_TRUE(r.ok());
  r->reported = std::get<BatteryHealth>(r->body).measured_at;
  EXPECT_TRUE(CheckAgainstReceipt(*r).ok());
  r->reported = *r->reported - 1;
  const Status late = CheckAgainstReceipt(*r);
  EXPECT_EQ(late.rule(), "report.measured_future");
  EXPECT_EQ(late.field(), "/measured");
}

TEST(BatteryModelDeclaredTest, AnEmptyListIsAsAbsent) {
  json j = Declared();
  j["materials"] = json::array();
  j["extinguishing_agents"] = json::array();
  auto r = Parse(j);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(ReportToJson(*r).contains("materials"));
  EXPECT_FALSE(ReportToJson(*r).contains("extinguishing_agents"));
}

TEST(BatteryHealthTest, AtLeastOneMeasurement) {
  json j = {{"id", "h-1"},
            {"type", "battery.health"},
            {"reporter", testing::kVehicleMaker},
            {"occurred", "2026-04-02"},
            {"code", testing::kPack1},
            {"measured", "2026-04-02T08:00:00+08:00"}};
  ExpectError(j, "", "report.no_measurement");
  j["accidents"] = json::array();  // no accident is no measurement
  ExpectError(j, "", "report.no_measurement");
  j.erase("accidents");
  j["full_cycles"] = 0;
  auto r = Parse(j);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*std::get<BatteryHealth>(r->body).full_cycles, 0);
  EXPECT_EQ(ReportToJson(*r).dump().find("soc_pct"), std::string::npos);
}

TEST(BatteryHealthTest, FieldRules) {
  auto expect = [](const std::string& pointer, const json& value, const std::string& rule) {
    json j = Health();
    j[json::json_pointer(pointer)] = value;
    ExpectError(j, pointer, rule);
  };
  expect("/code", "001PB24", "battery_code.length");
  expect("/soh_capacity_pct", 100.1, "report.range");
  expect("/soh_energy_pct", -1, "report.range");
  expect("/soc_pct", 101, "report.range");
  expect("/remaining_capacity_ah", -1, "report.range");
  expect("/full_cycles", 1.5, "report.range");
  expect("/full_cycles", -1, "report.range");
  expect("/deep_discharge_events", 0.5, "report.range");
  expect("/overcharge_events", "1", "report.type");
  expect("/extreme_temperature_hours/high", -1, "report.range");
  expect("/extreme_temperature_hours/hot", 1, "report.unknown_field");
  expect("/accidents/0/date", "2026-02-30", "date.exists");
  expect("/accidents/0/description", "", "report.empty");
  expect("/accidents/0/severity", "high", "report.unknown_field");
  expect("/energy_throughput_kwh", "61000", "report.type");
  expect("/colour", 1, "report.unknown_field");
  json j = Health();
  j["accidents"][0].erase("description");
  ExpectError(j, "/accidents/0/description", "report.required");
  j = Health();
  j.erase("measured");
  ExpectError(j, "/measured", "report.required");
}

TEST(BatteryHealthTest, CorrectionCarriesTheDateRule) {
  json nested = testing::ValidBody(ReportType::kBatteryHealth);
  nested["type"] = "battery.health";
  nested["occurred"] = "2026-04-03";
  json j = {{"id", "c-1"},
            {"type", "correction"},
            {"reporter", testing::kVehicleMaker},
            {"occurred", "2026-04-04"},
            {"corrects", "h-1"},
            {"reason", "wrong date"},
            {"report", nested}};
  ExpectError(j, "/report/measured", "report.measured_date");
  j["report"]["occurred"] = "2026-04-02";
  auto r = Parse(j);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  r->reported = std::get<BatteryHealth>(std::get<Correction>(r->body).report->body).measured_at - 1;
  EXPECT_EQ(CheckAgainstReceipt(*r).field(), "/report/measured");
}

TEST(BatteryProducedTest, SerialAndOriginKind) {
  json j = ValidReport(ReportType::kBatteryProduced);
  j["serial"] = "A1B2C3";
  auto r = Parse(j);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& b = std::get<BatteryProduced>(r->body);
  EXPECT_EQ(*b.serial, "A1B2C3");
  EXPECT_FALSE(OriginKindOf(b).has_value());
  EXPECT_EQ(ReportToJson(*r)["serial"], "A1B2C3");

  j["serial"] = "A1#";
  ExpectError(j, "/serial", "gs1_serial.characters");
  j["serial"] = std::string(21, 'A');
  ExpectError(j, "/serial", "gs1_serial.length");
  j.erase("serial");

  j["origin_kind"] = "reused";
  ExpectError(j, "/origin_kind", "report.origin_kind");
  j["origin_codes"] = {testing::kPack2};
  j["origin_kind"] = "rebuilt";
  ExpectError(j, "/origin_kind", "report.enum");
  j["origin_kind"] = "remanufactured";
  r = Parse(j);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(OriginKindOf(std::get<BatteryProduced>(r->body)), OriginKind::kRemanufactured);
  EXPECT_EQ(ReportToJson(*r)["origin_kind"], "remanufactured");
  j.erase("origin_kind");
  r = Parse(j);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(OriginKindOf(std::get<BatteryProduced>(r->body)), OriginKind::kRepurposed);
  EXPECT_FALSE(ReportToJson(*r).contains("origin_kind"));  // the stored form keeps what was filed
}

TEST(FlatFieldsTest, NewTypesHaveTheirColumns) {
  EXPECT_EQ(
      FlatFieldOf(ReportType::kBatteryModelDeclared, {}, "carbon_footprint.stages.recycling")->kind,
      FieldKind::kNumber);
  auto materials = FlatFieldOf(ReportType::kBatteryModelDeclared, {}, "materials");
  ASSERT_TRUE(materials.has_value());
  EXPECT_EQ(materials->kind, FieldKind::kObjectList);
  EXPECT_EQ(materials->entry_fields.size(), 5u);
  EXPECT_EQ(FlatFieldOf(ReportType::kBatteryHealth, {}, "extreme_temperature_hours.high")->kind,
            FieldKind::kNumber);
  EXPECT_EQ(FlatFieldOf(ReportType::kBatteryProduced, {}, "serial")->kind, FieldKind::kString);
  EXPECT_FALSE(FlatFieldOf(ReportType::kBatteryHealth, {}, "carbon_footprint").has_value());
}

}  // namespace
}  // namespace battrace
