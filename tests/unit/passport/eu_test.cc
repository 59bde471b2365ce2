// The EU battery passport (passport/eu.h), built from stored report bodies.
// GCC 12 at -O1 with the sanitizers takes std::regex's state copies for reads of uninitialized
// storage: a false positive that -Werror would make fatal in the sanitized build.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "passport/eu.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "../fixtures.h"
#include "core/date.h"

namespace battrace::passport {
namespace {

using Json = nlohmann::json;
using battrace::testing::TestCode;
using battrace::testing::TestUscc;

const std::string kMaker = TestUscc(1);
const std::string kShop = TestUscc(2);
const std::string kRecycler = TestUscc(3);

store::StoredReport Stored(uint64_t leaf, const std::string& reporter, const std::string& id,
                           Json body) {
  store::StoredReport r;
  r.leaf_index = leaf;
  r.reporter = reporter;
  r.id = id;
  r.type = body["type"];
  r.occurred = body["occurred"];
  r.reported = *ParseTimestamp("2026-12-01T00:00:00Z") + static_cast<Instant>(leaf) * 1000000;
  body["id"] = id;
  body["reporter"] = reporter;
  body["reported"] = FormatTimestamp(r.reported);
  r.body = body.dump();
  r.leaf_hash.fill(static_cast<uint8_t>(leaf));
  return r;
}

Json Produced(const std::string& code) {
  return {{"type", "battery.produced"},
          {"occurred", "2026-04-01"},
          {"code", code},
          {"model", "BM-LFP-280"},
          {"rated_capacity_ah", 280.0},
          {"nominal_voltage_v", 350.0},
          {"rated_energy_kwh", 98.0},
          {"mass_kg", 520.5},
          {"materials", {{"li_kg", 6.1}, {"co_kg", 0.0}, {"ni_kg", 0.0}, {"mn_kg", 0.0}}}};
}

Json Declared() {
  return Json::parse(R"({
    "type": "battery_model.declared", "occurred": "2026-03-01", "model": "BM-LFP-280",
    "category": "ev", "gtin": "06901234567892",
    "chemistry": {"short_name": "LFP", "clear_name": "lithium iron phosphate"},
    "carbon_footprint": {"per_kwh": 61.5, "class": "B",
      "stages": {"raw_material_extraction": 40.1, "main_production": 15.2, "distribution": 1.1,
                 "recycling": 5.1},
      "study": "https://example.com/cfp.pdf"},
    "recycled_content": {"nickel": {"pre_consumer": 4.0, "post_consumer": 8.0},
                         "lithium": {"pre_consumer": 1.0, "post_consumer": 6.0}},
    "renewable_content_pct": 12.0,
    "materials": [
      {"name": "LiFePO4", "cas": "15365-14-7", "mass_kg": 120.5, "critical": true,
       "component": "cathode"},
      {"name": "graphite", "cas": "7782-42-5", "mass_kg": 60.0, "critical": true,
       "component": "anode"},
      {"name": "polyethylene", "mass_kg": 3.0, "critical": false, "component": "separator"}],
    "hazardous_substances": [{"name": "LiPF6", "cas": "21324-40-3", "class": "acute_toxicity",
                              "concentration_pct": 1.2, "component": "electrolyte"}],
    "extinguishing_agents": ["water", "CO2"],
    "lifetime": {"expected_years": 10, "cycle_life": 3000, "cycle_life_test": "GB/T 31484-2015",
                 "capacity_threshold_pct": 70},
    "electrical": {"voltage_min_v": 280, "voltage_nominal_v": 350, "voltage_max_v": 400,
                   "power_rated_kw": 150, "power_max_kw": 200, "round_trip_efficiency_pct": 94,
                   "internal_resistance_mohm": 80},
    "idle_temperature_c": {"min": -20, "max": 45},
    "warranty_months": 96,
    "documents": {"declaration_of_conformity": "https://example.com/doc.pdf",
                  "test_report": "https://example.com/test.pdf",
                  "dismantling_manual": "https://example.com/manual.pdf",
                  "due_diligence_report": "https://example.com/dd.pdf"}})");
}

Json Health(const std::string& code, const std::string& day, const std::string& measured,
            Json fields) {
  fields["type"] = "battery.health";
  fields["occurred"] = day;
  fields["code"] = code;
  fields["measured"] = measured;
  return fields;
}

domain::BatteryState Battery(const std::string& code, const std::string& status) {
  domain::BatteryState b;
  b.code = code;
  b.level = "pack";
  b.producer = kMaker;
  b.chemistry = "B";
  b.model = "BM-LFP-280";
  b.custodian = kMaker;
  b.status = status;
  return b;
}

// A pack with its production, its model's declaration and two health reports, the later
// measurement filed first.
EuPassportInputs Inputs(const std::string& code) {
  EuPassportInputs in;
  in.battery = Battery(code, "installed");
  in.maker_name = "Shenzhen Test Battery Co.";
  const std::vector<store::StoredReport> history = {
      Stored(1, kMaker, "p1", Produced(code)),
      Stored(
          5, kShop, "h2",
          Health(code, "2026-11-30", "2026-11-30T00:00:00.000000Z",
                 {{"soh_capacity_pct", 92.5},
                  {"soc_pct", 64.0},
                  {"full_cycles", 812},
                  {"extreme_temperature_hours",
                   {{"high", 12.5}, {"low", 3.0}, {"high_charging", 0.5}, {"low_charging", 0}}},
                  {"accidents", {{{"date", "2026-05-02"}, {"description", "rear collision"}}}}})),
      Stored(6, kShop, "h1",
             Health(code, "2026-10-01", "2026-10-01T00:00:00.000000Z",
                    {{"soh_capacity_pct", 95.0},
                     {"remaining_capacity_ah", 266.0},
                     {"deep_discharge_events", 2}}))};
  EXPECT_TRUE(AddEuSources(history, in).ok());
  EXPECT_TRUE(AddEuSources({Stored(0, kMaker, "m1", Declared())}, in).ok());
  return in;
}

// The JSON paths of every leaf of `j`, array indices as [].
void Paths(const Json& j, const std::string& at, std::set<std::string>& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items())
      Paths(v, at + "/" + k, out);
  } else if (j.is_array()) {
    for (const Json& v : j)
      Paths(v, at + "/[]", out);
    if (j.empty()) out.insert(at);
  } else {
    out.insert(at);
  }
}

std::set<std::string> AspectPaths(const Json& passport) {
  std::set<std::string> out;
  for (const char* aspect :
       {"generalProductInformation", "carbonFootprint", "circularity", "materialComposition",
        "performance", "labels", "supplyChainDueDiligence"}) {
    Paths(passport[aspect], std::string("/") + aspect, out);
  }
  return out;
}

TEST(EuPassportIdentifier, IsAStableLowerCaseUuidUrnPerCode) {
  const std::string a = TestCode(ProductType::kPack, 1), b = TestCode(ProductType::kPack, 2);
  const std::string id = EuPassportIdentifier(a);
  EXPECT_EQ(id, EuPassportIdentifier(a));
  EXPECT_NE(id, EuPassportIdentifier(b));
  EXPECT_TRUE(std::regex_match(id, std::regex("^urn:[a-z0-9]+:[a-z0-9]+$"))) << id;
  ASSERT_EQ(id.size(), 9u + 32u);
  EXPECT_EQ(id.substr(0, 9), "urn:uuid:");
  EXPECT_EQ(id[9 + 12], '8');                                          // version 8
  EXPECT_NE(std::string("89ab").find(id[9 + 16]), std::string::npos);  // variant 10
}

TEST(EuAccess, NamesAndClassesOfViewers) {
  for (const char* n : {"public", "legitimate", "authority"}) {
    ASSERT_TRUE(EuAccessFromName(n)) << n;
    EXPECT_EQ(EuAccessName(*EuAccessFromName(n)), n);
  }
  EXPECT_FALSE(EuAccessFromName("Public"));
  EXPECT_FALSE(EuAccessFromName("legitimate_interest"));
  const domain::BatteryState b = Battery(TestCode(ProductType::kPack, 1), "installed");
  access::Viewer v;
  EXPECT_EQ(EuAccessFor(v, b), EuAccess::kPublic);
  v.kind = access::Viewer::Kind::kRegulator;
  EXPECT_EQ(EuAccessFor(v, b), EuAccess::kAuthority);
  v.kind = access::Viewer::Kind::kAdmin;
  EXPECT_EQ(EuAccessFor(v, b), EuAccess::kLegitimate);
  v.kind = access::Viewer::Kind::kEnterprise;
  v.id = kShop;
  v.roles = {Role::kVehicleMaker};
  EXPECT_EQ(EuAccessFor(v, b), EuAccess::kPublic);
  for (Role r : {Role::kRepairShop, Role::kDismantler, Role::kRecycler, Role::kSwapOperator}) {
    v.roles = {Role::kVehicleMaker, r};
    EXPECT_EQ(EuAccessFor(v, b), EuAccess::kLegitimate) << RoleName(r);
  }
  v.roles = {Role::kBatteryMaker};
  EXPECT_EQ(EuAccessFor(v, b), EuAccess::kPublic);  // another battery maker
  v.id = kMaker;
  EXPECT_EQ(EuAccessFor(v, b), EuAccess::kLegitimate);  // its producer
}

TEST(EuPassport, EqualsWhatTheReportsDeclaredFieldByField) {
  const std::string code = TestCode(ProductType::kPack, 1);
  const Json p = EuPassport(Inputs(code), EuAccess::kAuthority);
  EXPECT_EQ(p["profile"], "eu");
  EXPECT_EQ(p["access"], "authority");
  EXPECT_EQ(p["battery"], code);
  EXPECT_EQ(p["passportIdentifier"], EuPassportIdentifier(code));
  const Json& g = p["generalProductInformation"];
  EXPECT_EQ(g["productIdentifier"], code);
  EXPECT_EQ(g["batteryPassportIdentifier"], EuPassportIdentifier(code));
  EXPECT_EQ(g["batteryCategory"], "ev");
  EXPECT_EQ(g["manufacturerInformation"],
            Json({{"identifier", kMaker}, {"contactName", "Shenzhen Test Battery Co."}}));
  EXPECT_EQ(g["manufacturingDate"], "2026-04-01T00:00:00+08:00");
  EXPECT_EQ(g["batteryStatus"], "Original");
  EXPECT_EQ(g["batteryMass"], 520.5);
  EXPECT_FALSE(g.contains("warrentyPeriod"));  // a month of the year in the schema
  const Json& cf = p["carbonFootprint"];
  EXPECT_EQ(cf["batteryCarbonFootprint"], 61.5);
  EXPECT_EQ(cf["carbonFootprintPerformanceClass"], "B");
  EXPECT_EQ(cf["carbonFootprintStudy"], "https://example.com/cfp.pdf");
  EXPECT_EQ(cf["carbonFootprintPerLifecycleStage"],
            Json::parse(R"([{"lifecycleStage": "RawMaterialExtraction", "carbonFootprint": 40.1},
                            {"lifecycleStage": "MainProduction", "carbonFootprint": 15.2},
                            {"lifecycleStage": "Distribution", "carbonFootprint": 1.1},
                            {"lifecycleStage": "Recycling", "carbonFootprint": 5.1}])"));
  const Json& c = p["circularity"];
  EXPECT_EQ(c["recycledContent"], Json::parse(R"([
      {"recycledMaterial": "Nickel", "preConsumerShare": 4.0, "postConsumerShare": 8.0},
      {"recycledMaterial": "Lithium", "preConsumerShare": 1.0, "postConsumerShare": 6.0}])"));
  EXPECT_EQ(c["renewableContent"], 12.0);
  EXPECT_EQ(c["safetyMeasures"], Json({{"extinguishingAgent", {"water", "CO2"}}}));
  EXPECT_EQ(c["dismantlingAndRemovalInformation"][0]["documentURL"],
            "https://example.com/manual.pdf");
  const Json& m = p["materialComposition"];
  EXPECT_EQ(m["batteryChemistry"],
            Json({{"shortName", "LFP"}, {"clearName", "lithium iron phosphate"}}));
  ASSERT_EQ(m["batteryMaterials"].size(), 3u);
  EXPECT_EQ(m["batteryMaterials"][0], Json::parse(R"({"batteryMaterialName": "LiFePO4",
      "batteryMaterialIdentifier": "15365-14-7", "batteryMaterialMass": 120.5,
      "isCriticalRawMaterial": true, "batteryMaterialLocation": {"componentName": "cathode"}})"));
  EXPECT_EQ(m["hazardousSubstances"][0], Json::parse(R"({"hazardousSubstanceName": "LiPF6",
      "hazardousSubstanceIdentifier": "21324-40-3", "hazardousSubstanceClass": "AcuteToxicity",
      "hazardousSubstanceConcentration": 1.2,
      "hazardousSubstanceLocation": {"componentName": "electrolyte"}})"));
  const Json& t = p["performance"]["batteryTechicalProperties"];
  EXPECT_EQ(t["ratedCapacity"], 280.0);
  EXPECT_EQ(t["ratedEnergy"], 98.0);
  EXPECT_EQ(t["nominalVoltage"], 350.0);
  EXPECT_EQ(t["minimumVoltage"], 280);
  EXPECT_EQ(t["maximumVoltage"], 400);
  EXPECT_EQ(t["ratedMaximumPower"], 200000.0);
  EXPECT_EQ(t["roundtripEfficiency"], 94);
  EXPECT_EQ(t["initialInternalResistance"],
            Json::parse(R"([{"batteryComponent": "pack", "ohmicResistance": 0.08}])"));
  EXPECT_EQ(t["expectedLifetime"], 10);
  EXPECT_EQ(t["expectedNumberOfCycles"], 3000);
  EXPECT_FALSE(t.contains("lifetimeReferenceTest"));  // not a URI
  EXPECT_EQ(t["capacityThresholdForExhaustion"], 70);
  EXPECT_EQ(t["temperatureRangeIdleState"], Json({{"minimum", -20}, {"maximum", 45}}));
  // The latest value of each field by `measured`, whatever the ledger order.
  const Json& h = p["performance"]["batteryCondition"];
  EXPECT_EQ(h["capacityFade"],
            Json({{"capacityFadeValue", 7.5}, {"lastUpdate", "2026-11-30T00:00:00.000000Z"}}));
  EXPECT_EQ(h["remainingCapacity"], Json({{"remainingCapacityValue", 266.0},
                                          {"lastUpdate", "2026-10-01T00:00:00.000000Z"}}));
  EXPECT_EQ(h["stateOfCharge"]["stateOfChargeValue"], 64.0);
  EXPECT_EQ(h["numberOfFullCycles"]["numberOfFullCyclesValue"], 812.0);
  EXPECT_EQ(h["temperatureInformation"], Json::parse(R"({"timeExtremeHighTemp": 750.0,
      "timeExtremeLowTemp": 180.0, "timeExtremeHighTempCharging": 30.0,
      "timeExtremeLowTempCharging": 0.0, "lastUpdate": "2026-11-30T00:00:00.000000Z"})"));
  EXPECT_EQ(h["negativeEvents"], Json::parse(R"([
      {"negativeEvent": "deep discharge events: 2", "lastUpdate": "2026-10-01T00:00:00.000000Z"},
      {"negativeEvent": "accident 2026-05-02: rear collision",
       "lastUpdate": "2026-11-30T00:00:00.000000Z"}])"));
  EXPECT_EQ(p["labels"], Json({{"declarationOfConformity", "https://example.com/doc.pdf"},
                               {"resultOfTestReport", "https://example.com/test.pdf"}}));
  EXPECT_EQ(p["supplyChainDueDiligence"],
            Json({{"supplyChainDueDiligenceReport", "https://example.com/dd.pdf"}}));
  EXPECT_EQ(p["origins"], Json::array());
  EXPECT_FALSE(p.contains("ceased"));
  // Every report used, with its receipt, in ledger order.
  ASSERT_EQ(p["provenance"].size(), 4u);
  EXPECT_EQ(p["provenance"][0]["type"], "battery_model.declared");
  EXPECT_EQ(p["provenance"][1],
            Json({{"type", "battery.produced"},
                  {"reporter", kMaker},
                  {"id", "p1"},
                  {"reported", "2026-12-01T00:00:01.000000Z"},
                  {"leaf_index", 1},
                  {"leaf_hash", "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="}}));
  EXPECT_EQ(p["provenance"][3]["id"], "h1");
}

TEST(EuPassport, ALowerAccessClassNeverHasAHigherClassFields) {
  const EuPassportInputs in = Inputs(TestCode(ProductType::kPack, 1));
  const Json pub = EuPassport(in, EuAccess::kPublic);
  const Json legit = EuPassport(in, EuAccess::kLegitimate);
  const Json auth = EuPassport(in, EuAccess::kAuthority);
  const auto p = AspectPaths(pub), l = AspectPaths(legit), a = AspectPaths(auth);
  for (const std::string& path : p)
    EXPECT_TRUE(l.count(path)) << path;
  for (const std::string& path : l)
    EXPECT_TRUE(a.count(path)) << path;
  // Legitimate interest (Annex XIII 2, 4; the commercial data).
  for (const char* path : {"/generalProductInformation/batteryStatus",
                           "/performance/batteryCondition/capacityFade/capacityFadeValue",
                           "/performance/batteryTechicalProperties/expectedLifetime",
                           "/circularity/dismantlingAndRemovalInformation/[]/documentURL",
                           "/materialComposition/batteryMaterials/[]/batteryMaterialMass",
                           "/materialComposition/batteryMaterials/[]/batteryMaterialLocation/"
                           "componentName",
                           "/materialComposition/hazardousSubstances/[]/"
                           "hazardousSubstanceConcentration"}) {
    EXPECT_FALSE(p.count(path)) << path;
    EXPECT_TRUE(l.count(path)) << path;
  }
  EXPECT_FALSE(l.count("/labels/resultOfTestReport"));
  EXPECT_TRUE(a.count("/labels/resultOfTestReport"));
  // The public see the critical raw materials only.
  ASSERT_EQ(pub["materialComposition"]["batteryMaterials"].size(), 2u);
  EXPECT_EQ(pub["materialComposition"]["batteryMaterials"][1],
            Json({{"batteryMaterialName", "graphite"},
                  {"batteryMaterialIdentifier", "7782-42-5"},
                  {"isCriticalRawMaterial", true}}));
  // The health reports are not the public's: not even in the provenance.
  for (const Json& r : pub["provenance"])
    EXPECT_NE(r["type"], "battery.health");
  EXPECT_EQ(pub["provenance"].size(), 2u);
  EXPECT_EQ(pub["access"], "public");
}

TEST(EuPassport, ACorrectionReplacesTheFieldsOfTheReportItCorrects) {
  const std::string code = TestCode(ProductType::kPack, 1);
  Json fixed = Declared();
  fixed["carbon_footprint"]["per_kwh"] = 58.0;
  fixed.erase("type");
  fixed["type"] = "battery_model.declared";
  EuPassportInputs in;
  in.battery = Battery(code, "produced");
  ASSERT_TRUE(
      AddEuSources({Stored(0, kMaker, "m1", Declared()), Stored(1, kMaker, "p1", Produced(code)),
                    Stored(2, kMaker, "c1",
                           {{"type", "correction"},
                            {"occurred", "2026-03-01"},
                            {"corrects", "m1"},
                            {"reason", "recalculated"},
                            {"report", fixed}})},
                   in)
          .ok());
  const Json p = EuPassport(in, EuAccess::kPublic);
  EXPECT_EQ(p["carbonFootprint"]["batteryCarbonFootprint"], 58.0);
  ASSERT_EQ(p["provenance"].size(), 3u);
  EXPECT_EQ(p["provenance"][2]["type"], "correction");
  EXPECT_EQ(p["provenance"][2]["id"], "c1");
}

TEST(EuPassport, ALaterDeclarationReplacesTheEarlierAsAWhole) {
  const std::string code = TestCode(ProductType::kPack, 1);
  EuPassportInputs in;
  in.battery = Battery(code, "produced");
  Json later = {{"type", "battery_model.declared"},
                {"occurred", "2026-06-01"},
                {"model", "BM-LFP-280"},
                {"category", "stationary"}};
  ASSERT_TRUE(
      AddEuSources({Stored(0, kMaker, "m1", Declared()), Stored(3, kMaker, "m2", later)}, in).ok());
  const Json p = EuPassport(in, EuAccess::kAuthority);
  EXPECT_EQ(p["generalProductInformation"]["batteryCategory"], "stationary");
  EXPECT_EQ(p["carbonFootprint"], Json::object());
  EXPECT_EQ(p["provenance"].size(), 1u);
}

TEST(EuPassport, ARemadeBatteryLinksToItsOrigins) {
  const std::string code = TestCode(ProductType::kPack, 9);
  const std::string o1 = TestCode(ProductType::kPack, 1), o2 = TestCode(ProductType::kPack, 2);
  for (const auto& [kind, status] :
       std::vector<std::pair<std::string, std::string>>{{"", "Repurposed"},
                                                        {"repurposed", "Repurposed"},
                                                        {"remanufactured", "Remanufactured"},
                                                        {"reused", "Reused"}}) {
    Json body = Produced(code);
    body["origin_codes"] = {o1, o2};
    if (!kind.empty()) body["origin_kind"] = kind;
    EuPassportInputs in;
    in.battery = Battery(code, "produced");
    ASSERT_TRUE(AddEuSources({Stored(7, kMaker, "p9", body)}, in).ok());
    const Json p = EuPassport(in, EuAccess::kLegitimate);
    EXPECT_EQ(p["origins"],
              Json::array({{{"passportIdentifier", EuPassportIdentifier(o1)}, {"battery", o1}},
                           {{"passportIdentifier", EuPassportIdentifier(o2)}, {"battery", o2}}}));
    EXPECT_EQ(p["generalProductInformation"]["batteryStatus"], status) << kind;
    EXPECT_NE(p["passportIdentifier"], EuPassportIdentifier(o1));  // a new passport
  }
}

TEST(EuPassport, AUtilizedBatterysPassportIsCeasedAndKept) {
  const std::string code = TestCode(ProductType::kPack, 1);
  EuPassportInputs in = Inputs(code);
  in.battery.status = "utilized";
  in.battery.custodian = kRecycler;
  ASSERT_TRUE(AddEuSources({Stored(9, kRecycler, "u1",
                                   {{"type", "battery.utilized"},
                                    {"occurred", "2031-02-03"},
                                    {"codes", {TestCode(ProductType::kPack, 5), code}},
                                    {"process", "crushing"}})},
                           in)
                  .ok());
  for (EuAccess a : {EuAccess::kPublic, EuAccess::kLegitimate, EuAccess::kAuthority}) {
    const Json p = EuPassport(in, a);
    EXPECT_EQ(p["ceased"], Json({{"date", "2031-02-03"}, {"by", kRecycler}, {"leaf_index", 9}}));
    EXPECT_EQ(p["carbonFootprint"]["batteryCarbonFootprint"], 61.5);  // kept
    EXPECT_EQ(p["provenance"].back()["type"], "battery.utilized");
  }
  EXPECT_EQ(EuPassport(in, EuAccess::kLegitimate)["generalProductInformation"]["batteryStatus"],
            "Waste");
}

TEST(EuPassport, WasteStatuses) {
  const std::string code = TestCode(ProductType::kPack, 1);
  EuPassportInputs in = Inputs(code);
  auto status = [&] {
    return EuPassport(in, EuAccess::kLegitimate)["generalProductInformation"]["batteryStatus"];
  };
  in.battery.status = "dismantled";
  EXPECT_EQ(status(), "Waste");
  in.battery.status = "received";
  EXPECT_EQ(status(), "Original");
  in.custodian_treats_waste = true;
  EXPECT_EQ(status(), "Waste");
  in.battery.status = "removed";
  EXPECT_EQ(status(), "Original");
}

TEST(EuPassport, WithoutADeclarationOnlyWhatTheDigitalIdHolds) {
  const std::string code = TestCode(ProductType::kPack, 1);
  EuPassportInputs in;
  in.battery = Battery(code, "produced");
  ASSERT_TRUE(AddEuSources({Stored(1, kMaker, "p1", Produced(code))}, in).ok());
  const Json p = EuPassport(in, EuAccess::kLegitimate);
  EXPECT_EQ(p["materialComposition"]["batteryChemistry"], Json({{"shortName", "LFP"}}));
  EXPECT_EQ(p["materialComposition"]["batteryMaterials"],
            Json::parse(R"([{"batteryMaterialName": "lithium",
                "batteryMaterialIdentifier": "7439-93-2", "isCriticalRawMaterial": true,
                "batteryMaterialMass": 6.1}])"));
  EXPECT_FALSE(p["generalProductInformation"].contains("batteryCategory"));
  EXPECT_FALSE(p["generalProductInformation"]["manufacturerInformation"].contains("contactName"));
  EXPECT_EQ(p["carbonFootprint"], Json::object());
  EXPECT_EQ(p["performance"]["batteryTechicalProperties"],
            Json({{"ratedCapacity", 280.0}, {"ratedEnergy", 98.0}, {"nominalVoltage", 350.0}}));
  EXPECT_FALSE(p["performance"].contains("batteryCondition"));
}

TEST(EuPassport, OtherBatteriesReportsAreNotItsOwn) {
  const std::string code = TestCode(ProductType::kModule, 1);
  const std::string pack = TestCode(ProductType::kPack, 1);
  EuPassportInputs in;
  in.battery = Battery(code, "produced");
  Json pack_body = Produced(pack);
  pack_body["parts"] = {code};
  ASSERT_TRUE(AddEuSources({Stored(1, kMaker, "pk", pack_body),
                            Stored(2, kShop, "h",
                                   Health(pack, "2026-10-01", "2026-10-01T00:00:00.000000Z",
                                          {{"soc_pct", 50.0}}))},
                           in)
                  .ok());
  EXPECT_FALSE(in.produced);
  EXPECT_TRUE(in.health.empty());
}

TEST(EuPassport, AStoredBodyThatIsNotJsonIsCorruption) {
  EuPassportInputs in;
  in.battery = Battery(TestCode(ProductType::kPack, 1), "produced");
  store::StoredReport r = Stored(1, kMaker, "p1", Produced(in.battery.code));
  r.body = "{not json";
  EXPECT_EQ(AddEuSources({r}, in).code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace battrace::passport
