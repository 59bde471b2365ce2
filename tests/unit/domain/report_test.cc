// Report format v1: one valid report per type, the stored form and its round trip, and every
// kind of malformed input with the exact pointer and rule of its error.
#include "domain/report.h"

#include <gtest/gtest.h>

#include <string>

#include "report_fixtures.h"

namespace battrace {
namespace {

using nlohmann::json;
using testing::ValidReport;

Result<Report> Parse(const json& j, ParseOptions options = {}) {
  return ParseReport(j.dump(), options);
}

// Asserts that `j` fails with exactly this field and rule.
void ExpectError(const json& j, const std::string& field, const std::string& rule,
                 ParseOptions options = {}) {
  auto r = Parse(j, options);
  ASSERT_FALSE(r.ok()) << j.dump();
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), field) << r.status().ToString();
  EXPECT_EQ(r.status().rule(), rule) << r.status().ToString();
  EXPECT_FALSE(r.status().message().empty());
}

class EveryType : public ::testing::TestWithParam<ReportType> {};

TEST_P(EveryType, ValidExampleParsesAndRoundTrips) {
  const json input = ValidReport(GetParam());
  auto r = Parse(input);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->type(), GetParam());
  EXPECT_EQ(r->id, "r-1");
  EXPECT_EQ(r->occurred.ToString(), "2026-04-02");
  EXPECT_FALSE(r->reported.has_value());

  const json stored = ReportToJson(*r);
  EXPECT_EQ(stored, input) << stored.dump();  // the fixtures are already in stored form
  auto again = ParseReport(stored.dump(), {.replay = true});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(ReportToJson(*again).dump(), stored.dump());
}

INSTANTIATE_TEST_SUITE_P(
    ReportTest, EveryType,
    ::testing::Values(
        ReportType::kBatteryProduced, ReportType::kVehicleProduced, ReportType::kVehicleSold,
        ReportType::kBatteryReplaced, ReportType::kBatterySwapped, ReportType::kBatteryOutbound,
        ReportType::kBatteryInbound, ReportType::kVehicleScrapped, ReportType::kBatteryUtilized,
        ReportType::kProductOutbound, ReportType::kOutletRegistered, ReportType::kOutletChanged,
        ReportType::kOutletClosed, ReportType::kModelDisassemblyInfo,
        ReportType::kBatteryModelDeclared, ReportType::kBatteryHealth, ReportType::kCorrection),
    [](const auto& info) {
      std::string name(ReportTypeName(info.param));
      for (char& c : name)
        c = c == '.' ? '_' : c;
      return name;
    });

TEST(ReportTest, TypeNamesRoundTrip) {
  for (size_t i = 0; i < kReportTypeCount; ++i) {
    const auto t = static_cast<ReportType>(i);
    EXPECT_EQ(ReportTypeFromName(ReportTypeName(t)), t);
  }
  EXPECT_FALSE(ReportTypeFromName("battery.Produced").has_value());
}

TEST(ReportTest, BatteryProducedFieldsAreTyped) {
  auto r = Parse(ValidReport(ReportType::kBatteryProduced));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& b = std::get<BatteryProduced>(r->body);
  EXPECT_EQ(b.code.code.str(), testing::kPack1);
  EXPECT_EQ(b.code.code.product_type(), ProductType::kPack);
  EXPECT_TRUE(b.code.raw.empty());
  ASSERT_EQ(b.parts.size(), 2u);
  EXPECT_EQ(b.parts[1].code.str(), testing::kCell2);
  EXPECT_EQ(b.model, "LFP-280");
  EXPECT_EQ(b.rated_capacity_ah, 280);
  ASSERT_TRUE(b.materials.has_value());
  EXPECT_DOUBLE_EQ(b.materials->li_kg, 0.12);
  EXPECT_DOUBLE_EQ(b.materials->mn_kg, 0.01);
  EXPECT_EQ(r->reporter.str(), testing::kBatteryMaker);
}

TEST(ReportTest, OnlyTheCodeIsRequiredForADigitalId) {
  json j = ValidReport(ReportType::kBatteryProduced);
  for (const char* k : {"parts", "model", "rated_capacity_ah", "nominal_voltage_v",
                        "rated_energy_kwh", "mass_kg", "materials"}) {
    j.erase(k);
  }
  auto r = Parse(j);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& b = std::get<BatteryProduced>(r->body);
  EXPECT_FALSE(b.mass_kg.has_value());
  EXPECT_TRUE(b.parts.empty());
  ExpectError(json{{"id", "x"},
                   {"type", "battery.produced"},
                   {"reporter", testing::kBatteryMaker},
                   {"occurred", "2026-04-02"}},
              "/code", "report.required");
}

TEST(ReportTest, RawScansAreNormalizedAndKept) {
  json j = ValidReport(ReportType::kBatteryOutbound);
  j["codes"][1] = "001pb-240000003-b3c-0221957";
  // Strictly, separators make it 27 characters; leniently they are dropped, with a warning.
  ExpectError(j, "/codes/1", "battery_code.length");
  auto r = Parse(j, {.codes = Strictness::kLenient});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_EQ(r->warnings[0].field, "/codes/1");
  EXPECT_EQ(r->warnings[0].rule, "battery_code.length");
  EXPECT_NE(r->warnings[0].message.find("\"001pb-240000003-b3c-0221957\" has 27 characters"),
            std::string::npos)
      << r->warnings[0].message;
  const auto& out = std::get<BatteryOutbound>(r->body);
  EXPECT_EQ(out.codes[1].code.str(), testing::kPack2);
  EXPECT_EQ(out.codes[1].raw, "001pb-240000003-b3c-0221957");
  EXPECT_TRUE(out.codes[0].raw.empty());

  const json stored = ReportToJson(*r);
  EXPECT_EQ(stored["codes"][1], testing::kPack2);
  EXPECT_EQ(stored["raw_scans"], json({{"/codes/1", "001pb-240000003-b3c-0221957"}}));

  auto replayed = ParseReport(stored.dump(), {.replay = true, .codes = Strictness::kLenient});
  ASSERT_TRUE(replayed.ok()) << replayed.status().ToString();
  EXPECT_EQ(std::get<BatteryOutbound>(replayed->body).codes[1].raw, "001pb-240000003-b3c-0221957");
  EXPECT_EQ(ReportToJson(*replayed), stored);

  ExpectError(stored, "/raw_scans", "report.replay_only");
}

TEST(ReportTest, RawScansMustMatchTheirCode) {
  json j = ValidReport(ReportType::kBatteryOutbound);
  j["raw_scans"] = {{"/codes/0", "001pb240000003b3c0221957"}};  // that is codes/1
  ExpectError(j, "/raw_scans/~1codes~10", "report.raw_scan", {.replay = true});
  j["raw_scans"] = {{"/codes/0", testing::kPack1}};  // not a differing scan
  ExpectError(j, "/raw_scans/~1codes~10", "report.raw_scan", {.replay = true});
  j["raw_scans"] = {{"/codes/9", "001pb240000003b3c0221957"}};
  ExpectError(j, "/raw_scans/~1codes~19", "report.raw_scan", {.replay = true});
  j["raw_scans"] = {{"/codes/0", "001pb240000003b3c0221956"}};
  EXPECT_TRUE(Parse(j, {.replay = true}).ok());
}

TEST(ReportTest, NestedCorrectionKeepsItsOwnRawScans) {
  json j = ValidReport(ReportType::kCorrection);
  j["report"]["packs"][0] = "001 PB24 0000003 B3C 0221956";
  auto r = Parse(j, {.codes = Strictness::kLenient});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_EQ(r->warnings[0].field, "/report/packs/0");
  const json stored = ReportToJson(*r);
  EXPECT_EQ(stored["report"]["raw_scans"]["/packs/0"], "001 PB24 0000003 B3C 0221956");
  EXPECT_FALSE(stored.contains("raw_scans"));
  EXPECT_FALSE(stored.contains("warnings"));
  auto again = ParseReport(stored.dump(), {.replay = true, .codes = Strictness::kLenient});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(ReportToJson(*again), stored);
}

TEST(ReportTest, ReceiptMarkerOnlyInReplayModeWithItsOneValue) {
  json j = ValidReport(ReportType::kVehicleSold);
  j["reported"] = "2026-04-02T02:00:00Z";
  j["receipt"] = "replayed";
  auto outside = Parse(j);
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.status().rule(), "report.replay_only");

  auto replayed = Parse(j, {.replay = true});
  ASSERT_TRUE(replayed.ok()) << replayed.status().ToString();
  EXPECT_TRUE(replayed->replayed);
  const json stored = ReportToJson(*replayed);
  EXPECT_EQ(stored["receipt"], "replayed");
  EXPECT_EQ(ReportToJson(*ParseReport(stored.dump(), {.replay = true})), stored);

  j.erase("receipt");
  auto unmarked = Parse(j, {.replay = true});
  ASSERT_TRUE(unmarked.ok());
  EXPECT_FALSE(unmarked->replayed);
  EXPECT_FALSE(ReportToJson(*unmarked).contains("receipt"));

  j["receipt"] = "platform";
  auto other = Parse(j, {.replay = true});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().field(), "/receipt");
}

TEST(ReportTest, ReportedOnlyInReplayMode) {
  json j = ValidReport(ReportType::kVehicleSold);
  j["reported"] = "2026-04-02T10:00:00+08:00";
  auto r = Parse(j);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "/reported");
  EXPECT_EQ(r.status().rule(), "report.replay_only");
  EXPECT_EQ(r.status().message(), "reported is set by the platform; use import --replay");

  auto replayed = Parse(j, {.replay = true});
  ASSERT_TRUE(replayed.ok()) << replayed.status().ToString();
  ASSERT_TRUE(replayed->reported.has_value());
  const json stored = ReportToJson(*replayed);
  EXPECT_EQ(stored["reported"], "2026-04-02T02:00:00.000000Z");
  EXPECT_EQ(ReportToJson(*ParseReport(stored.dump(), {.replay = true})), stored);

  j["reported"] = "yesterday";
  auto bad = Parse(j, {.replay = true});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "/reported");
}

TEST(ReportTest, UnknownFieldsAreErrors) {
  json j = ValidReport(ReportType::kVehicleProduced);
  j["colour"] = "red";
  ExpectError(j, "/colour", "report.unknown_field");

  j = ValidReport(ReportType::kBatteryProduced);
  j["materials"]["na_kg"] = 1;
  ExpectError(j, "/materials/na_kg", "report.unknown_field");

  j = ValidReport(ReportType::kVehicleSold);
  j["a/b~c"] = 1;  // escaped per RFC 6901
  ExpectError(j, "/a~1b~0c", "report.unknown_field");

  j = ValidReport(ReportType::kBatteryInbound);
  j["to"] = testing::kRecycler;  // a field of another type
  ExpectError(j, "/to", "report.unknown_field");
}

TEST(ReportTest, RepeatedFieldsAreErrors) {
  const std::string text = R"({"id":"a","type":"battery.utilized","reporter":")" +
                           std::string(testing::kRecycler) +
                           R"(","occurred":"2026-04-02","codes":[")" + testing::kPack1 +
                           R"("],"process":"sorting","process":"smelting"})";
  auto r = ParseReport(text, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "/process");
  EXPECT_EQ(r.status().rule(), "report.duplicate_field");
  const std::string twice_id = R"({"id":"a","id":"b"})";
  EXPECT_EQ(ParseReport(twice_id, {}).status().rule(), "report.duplicate_field");
}

TEST(ReportTest, WrongJsonTypes) {
  json j = ValidReport(ReportType::kBatteryProduced);
  j["mass_kg"] = "5.4";
  ExpectError(j, "/mass_kg", "report.type");
  j = ValidReport(ReportType::kBatteryOutbound);
  j["codes"] = {{"a", 1}};
  ExpectError(j, "/codes", "report.type");
  j = ValidReport(ReportType::kBatteryOutbound);
  j["codes"][2] = 42;
  ExpectError(j, "/codes/2", "report.type");
  j = ValidReport(ReportType::kVehicleProduced);
  j["imported"] = "yes";
  ExpectError(j, "/imported", "report.type");
  j = ValidReport(ReportType::kVehicleProduced);
  j["id"] = 7;
  ExpectError(j, "/id", "report.type");
  j = ValidReport(ReportType::kBatteryProduced);
  j["materials"] = json::array();
  ExpectError(j, "/materials", "report.type");
  ExpectError(json::array(), "", "report.type");
  ExpectError(json("x"), "", "report.type");
}

TEST(ReportTest, MissingRequiredFields) {
  for (const char* field : {"id", "type", "reporter", "occurred"}) {
    json j = ValidReport(ReportType::kVehicleSold);
    j.erase(field);
    ExpectError(j, std::string("/") + field, "report.required");
  }
  json j = ValidReport(ReportType::kVehicleSold);
  j.erase("vin");
  ExpectError(j, "/vin", "report.required");
  j = ValidReport(ReportType::kBatteryProduced);
  j["materials"].erase("co_kg");
  ExpectError(j, "/materials/co_kg", "report.required");
  j = ValidReport(ReportType::kOutletRegistered);
  j["outlet"].erase("name");
  ExpectError(j, "/outlet/name", "report.required");
  j = ValidReport(ReportType::kProductOutbound);
  j["products"][1].erase("mass_kg");
  ExpectError(j, "/products/1/mass_kg", "report.required");
}

TEST(ReportTest, InvalidIdentifiersNameTheirPointerAndRule) {
  json j = ValidReport(ReportType::kBatteryOutbound);
  j["codes"][3] = "001PB240000003B3I0221959";  // day letter I does not exist
  auto r = Parse(j);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "/codes/3");
  EXPECT_EQ(r.status().rule(), "battery_code.day") << r.status().ToString();

  j = ValidReport(ReportType::kVehicleSold);
  j["vin"] = "LSVAB2BM6PN000001";
  ExpectError(j, "/vin", "vin.check_digit");
  j = ValidReport(ReportType::kVehicleSold);
  j["reporter"] = "91350900587527783Q";
  ExpectError(j, "/reporter", "uscc.check_character");
  j = ValidReport(ReportType::kVehicleSold);
  j["occurred"] = "2026-02-30";
  ExpectError(j, "/occurred", "date.exists");
  j = ValidReport(ReportType::kVehicleSold);
  j["sale_date"] = "2026/04/01";
  ExpectError(j, "/sale_date", "date.format");
  j = ValidReport(ReportType::kVehicleSold);
  j["division"] = "449999";
  ExpectError(j, "/division", "division.unknown");
  j = ValidReport(ReportType::kBatteryOutbound);
  j["to"] = "not-a-code";
  auto to = Parse(j);
  ASSERT_FALSE(to.ok());
  EXPECT_EQ(to.status().field(), "/to");
  EXPECT_EQ(to.status().rule().rfind("uscc.", 0), 0u) << to.status().rule();
}

TEST(ReportTest, NestedCorrectionErrorsPointIntoTheReport) {
  json j = ValidReport(ReportType::kCorrection);
  j["report"]["vin"] = "LSVAB2BM6PN000001";
  ExpectError(j, "/report/vin", "vin.check_digit");
  j = ValidReport(ReportType::kCorrection);
  j["report"]["packs"][0] = testing::kCell1;
  ExpectError(j, "/report/packs/0", "report.product_type");
  j = ValidReport(ReportType::kCorrection);
  j["report"]["id"] = "r-0";
  ExpectError(j, "/report/id", "report.unknown_field");
  j = ValidReport(ReportType::kCorrection);
  j["report"].erase("occurred");
  ExpectError(j, "/report/occurred", "report.required");
  j = ValidReport(ReportType::kCorrection);
  j["report"] = ValidReport(ReportType::kCorrection)["report"];
  j["report"]["type"] = "correction";
  ExpectError(j, "/report/type", "report.nested_correction");
  j = ValidReport(ReportType::kCorrection);
  j["report"]["reported"] = "2026-04-02T10:00:00Z";
  ExpectError(j, "/report/reported", "report.unknown_field", {.replay = true});

  auto r = Parse(ValidReport(ReportType::kCorrection));
  ASSERT_TRUE(r.ok());
  const auto& c = std::get<Correction>(r->body);
  EXPECT_EQ(c.corrects, "r-0");
  ASSERT_NE(c.report, nullptr);
  EXPECT_EQ(TypeOf(c.report->body), ReportType::kVehicleProduced);
  EXPECT_EQ(c.report->occurred.ToString(), "2026-04-03");
}

TEST(ReportTest, DuplicateCodesInOneList) {
  json j = ValidReport(ReportType::kBatteryOutbound);
  j["codes"][3] = "001pb240000003b3c0221957";  // the normalized form of codes/1
  auto r = Parse(j);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "/codes/3");
  EXPECT_EQ(r.status().rule(), "report.duplicate_code");
  EXPECT_NE(r.status().message().find("index 1"), std::string::npos) << r.status().message();

  j = ValidReport(ReportType::kBatterySwapped);
  j["installed"] = j["removed"];
  ExpectError(j, "/installed", "report.duplicate_code");
}

TEST(ReportTest, NumbersAreFiniteAndNonNegative) {
  json j = ValidReport(ReportType::kBatteryProduced);
  j["mass_kg"] = -0.1;
  ExpectError(j, "/mass_kg", "report.range");
  j = ValidReport(ReportType::kBatteryProduced);
  j["materials"]["li_kg"] = -1;
  ExpectError(j, "/materials/li_kg", "report.range");
  const std::string huge = ValidReport(ReportType::kBatteryInbound).dump();
  const std::string text = huge.substr(0, huge.size() - 1) + R"(,"mass_kg":1e999})";
  EXPECT_FALSE(ParseReport(text, {}).ok());

  j = ValidReport(ReportType::kBatteryInbound);
  j["mass_kg"] = -0.0;
  auto zero = Parse(j);
  ASSERT_TRUE(zero.ok()) << zero.status().ToString();
  EXPECT_EQ(ReportToJson(*zero)["mass_kg"].dump(), "0.0");
}

TEST(ReportTest, ListLimits) {
  json j = ValidReport(ReportType::kBatteryOutbound);
  j["codes"] = json::array();
  ExpectError(j, "/codes", "report.empty");
  for (int i = 0; i < 10000; ++i)
    j["codes"].push_back(testing::PackWithSerial(i));
  auto full = Parse(j);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(std::get<BatteryOutbound>(full->body).codes.size(), 10000u);
  j["codes"].push_back(testing::PackWithSerial(10000));
  ExpectError(j, "/codes", "report.too_many");

  j = ValidReport(ReportType::kVehicleScrapped);
  j["packs_present"] = json::array();  // a fact to record: no pack found
  EXPECT_TRUE(Parse(j).ok());
}

TEST(ReportTest, ProductTypesFitTheirPlace) {
  json j = ValidReport(ReportType::kVehicleProduced);
  j["packs"] = {testing::kPack2, testing::kModule1};
  ExpectError(j, "/packs/1", "report.product_type");
  j = ValidReport(ReportType::kBatteryProduced);
  j["code"] = testing::kCell1;
  j["parts"] = {testing::kCell2};
  ExpectError(j, "/parts/0", "report.product_type");
  j = ValidReport(ReportType::kBatteryProduced);
  j["code"] = testing::kModule1;
  j["parts"] = {testing::kCell1, testing::kPack2};
  ExpectError(j, "/parts/1", "report.product_type");
  j = ValidReport(ReportType::kBatterySwapped);
  j["installed"] = testing::kCell1;
  ExpectError(j, "/installed", "report.product_type");
}

TEST(ReportTest, StringRules) {
  json j = ValidReport(ReportType::kVehicleSold);
  j["id"] = "has space";
  ExpectError(j, "/id", "report.characters");
  j["id"] = std::string(129, 'x');
  ExpectError(j, "/id", "report.too_long");
  j["id"] = std::string(128, 'x');
  EXPECT_TRUE(Parse(j).ok());
  j["id"] = "";
  ExpectError(j, "/id", "report.empty");
  j = ValidReport(ReportType::kVehicleProduced);
  j["brand"] = "Bad\tbrand";
  ExpectError(j, "/brand", "report.characters");
  j["brand"] = "比亚迪";  // UTF-8 text is fine
  EXPECT_TRUE(Parse(j).ok());
}

TEST(ReportTest, EnumerationsAndDocuments) {
  json j = ValidReport(ReportType::kBatteryOutbound);
  j["source"] = "garage";
  ExpectError(j, "/source", "report.enum");
  j = ValidReport(ReportType::kVehicleSold);
  j["type"] = "vehicle.bought";
  ExpectError(j, "/type", "report.enum");
  j = ValidReport(ReportType::kOutletChanged);
  j["outlet"]["kind"] = "Collection";
  ExpectError(j, "/outlet/kind", "report.enum");

  j = ValidReport(ReportType::kModelDisassemblyInfo);
  j["document"]["sha256"] = std::string(63, 'a');
  ExpectError(j, "/document/sha256", "report.format");
  j["document"]["sha256"] = std::string(63, 'a') + "g";
  ExpectError(j, "/document/sha256", "report.format");
  j["document"]["sha256"] = std::string(64, 'A');
  auto r = Parse(j);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(std::get<ModelDisassemblyInfo>(r->body).document.sha256, std::string(64, 'a'));
}

TEST(ReportTest, MalformedDocuments) {
  EXPECT_EQ(ParseReport("", {}).status().rule(), "report.json");
  EXPECT_EQ(ParseReport("{\"id\":", {}).status().rule(), "report.json");
  EXPECT_EQ(ParseReport("{\"id\":\"\xff\"}", {}).status().rule(), "report.json");
  const std::string big(kMaxReportBytes + 1, ' ');
  EXPECT_EQ(ParseReport(big, {}).status().rule(), "report.too_large");
}

TEST(ReportTest, ATypoIsNeverAnotherBatterysCode) {
  // One character too many: the first 24 are a valid code, but not the one that was meant.
  json j = ValidReport(ReportType::kBatteryUtilized);
  j["codes"][0] = std::string(testing::kPack1) + "7";
  for (const Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    auto r = Parse(j, {.codes = s});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().field(), "/codes/0");
    EXPECT_EQ(r.status().rule(), "battery_code.length");
    EXPECT_EQ(r.status().message().rfind(
                  "24 characters expected, got 25: \"" + std::string(testing::kPack1) + "7\"", 0),
              0u)
        << r.status().message();
  }
  // The label URL is the one longer string a code is read out of, in both modes.
  j["codes"][0] = "https://trace.example.cn/b/" + std::string(testing::kPack1);
  for (const Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    auto r = Parse(j, {.codes = s});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(std::get<BatteryUtilized>(r->body).codes[0].code.str(), testing::kPack1);
    ASSERT_EQ(r->warnings.size(), 1u);
    EXPECT_EQ(r->warnings[0].field, "/codes/0");
    EXPECT_EQ(r->warnings[0].rule, "battery_code.url");
    const json stored = ReportToJson(*r);
    EXPECT_EQ(stored["raw_scans"]["/codes/0"], j["codes"][0]);
    EXPECT_TRUE(ParseReport(stored.dump(), {.replay = true, .codes = s}).ok());
  }
  // A clean report has no warnings.
  auto clean = Parse(ValidReport(ReportType::kBatteryUtilized));
  ASSERT_TRUE(clean.ok());
  EXPECT_TRUE(clean->warnings.empty());
}

TEST(ReportTest, LenientCodesOnlyWhenAsked) {
  json j = ValidReport(ReportType::kBatteryUtilized);
  j["codes"][0] = "001PB240000003B3C02219A6";  // a letter in the serial
  auto strict = Parse(j);
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.status().field(), "/codes/0");
  EXPECT_EQ(strict.status().rule(), "battery_code.serial");
  auto lenient = Parse(j, {.codes = Strictness::kLenient});
  ASSERT_TRUE(lenient.ok()) << lenient.status().ToString();
  ASSERT_EQ(lenient->warnings.size(), 1u);
  EXPECT_EQ(lenient->warnings[0].rule, "battery_code.serial");
  const json stored = ReportToJson(*lenient);
  EXPECT_TRUE(ParseReport(stored.dump(), {.replay = true, .codes = Strictness::kLenient}).ok());
}

TEST(ReportTest, StoredFormIsDeterministicWhateverTheInputOrder) {
  const std::string a = R"({"type":"vehicle.sold","occurred":"2026-04-02","id":"k","reporter":")" +
                        std::string(testing::kVehicleMaker) + R"(","vin":")" + testing::kVin1 +
                        R"(","division":"440305","sale_date":"2026-04-01"})";
  const std::string b = R"({"sale_date":"2026-04-01","division":"440305","vin":")" +
                        std::string(testing::kVin1) + R"(","reporter":")" + testing::kVehicleMaker +
                        R"(","id":"k","occurred":"2026-04-02","type":"vehicle.sold"})";
  auto ra = ParseReport(a, {});
  auto rb = ParseReport(b, {});
  ASSERT_TRUE(ra.ok() && rb.ok());
  EXPECT_EQ(ReportToJson(*ra).dump(), ReportToJson(*rb).dump());
}

}  // namespace
}  // namespace battrace
