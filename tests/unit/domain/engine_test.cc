// The regulation engine's judgments of unknown batteries and vehicles, implausible facts and
// unqualified destinations (docs/findings.md). Reports are parsed, judged by Evaluate() and
// projected by the real projection; the rows it returns are kept in memory between reports, as
// a store would keep them.
#include "domain/engine.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../fixtures.h"
#include "domain/registry.h"

namespace battrace::domain {
namespace {

using battrace::testing::TestCode;
using battrace::testing::TestUscc;
using battrace::testing::TestVin;
using nlohmann::json;

const std::string kCellMaker = TestUscc(1);
const std::string kCarMaker = TestUscc(2);
const std::string kRecycler = TestUscc(7);
const std::string kLapsed = TestUscc(9);
const std::string kOtherCarMaker = TestUscc(11);

json Enterprise(const std::string& uscc, const char* role, json extra = json::object()) {
  json e = {{"kind", "enterprise"},
            {"uscc", uscc},
            {"name", "Enterprise " + uscc},
            {"roles", {role}},
            {"division", "440305"}};
  e.update(extra);
  return e;
}

json Quals(const char* eia_to) {
  return {
      {"qualifications",
       {{{"type", "investment_filing"}, {"valid_from", "2020-01-01"}, {"valid_to", "2035-12-31"}},
        {{"type", "eia"}, {"valid_from", "2020-01-01"}, {"valid_to", eia_to}},
        {{"type", "discharge_permit"}, {"valid_from", "2020-01-01"}, {"valid_to", "2035-12-31"}}}}};
}

// An in-memory record of batteries and vehicles that takes the rows each evaluation returns.
class Platform : public StateView {
 public:
  Platform() {
    std::vector<RegistryRecord> records;
    for (const json& r :
         {Enterprise(kCellMaker, "battery_maker", {{"manufacturer_codes", {"0A1"}}}),
          Enterprise(kCarMaker, "vehicle_maker", {{"wmi", {"LGX"}}}),
          Enterprise(kOtherCarMaker, "vehicle_maker", {{"wmi", {"LGY"}}}),
          Enterprise(kRecycler, "recycler", Quals("2035-12-31")),
          Enterprise(kLapsed, "recycler", Quals("2026-04-30"))}) {
      auto record = ParseRegistryRecord(r.dump());
      EXPECT_TRUE(record.ok()) << record.status().ToString();
      records.push_back(*record);
    }
    registry_ = RegistryIndex(records);
  }

  Result<std::optional<BatteryState>> GetBattery(const std::string& code) override {
    auto it = batteries_.find(code);
    if (it == batteries_.end()) return std::optional<BatteryState>();
    return std::optional<BatteryState>(it->second);
  }
  Result<std::optional<VehicleState>> GetVehicle(const std::string& vin) override {
    auto it = vehicles_.find(vin);
    if (it == vehicles_.end()) return std::optional<VehicleState>();
    return std::optional<VehicleState>(it->second);
  }
  Result<std::optional<OutletState>> GetOutlet(const std::string&) override {
    return std::optional<OutletState>();
  }
  Result<std::optional<ModelState>> GetModel(const std::string&, const std::string&) override {
    return std::optional<ModelState>();
  }
  const RegistryIndex& Registry() override { return registry_; }

  // Files `body` as report `id` of `reporter`, of `occurred`, received at `reported`; returns
  // what it yields and keeps its rows.
  Effects File(const std::string& id, const std::string& reporter, const char* type,
               const char* occurred, const char* reported, json body) {
    body["id"] = id;
    body["type"] = type;
    body["reporter"] = reporter;
    body["occurred"] = occurred;
    body["reported"] = reported;
    auto report = ParseReport(body.dump(), {.replay = true});
    EXPECT_TRUE(report.ok()) << body.dump() << "\n" << report.status().ToString();
    if (!report.ok()) return {};
    const Law law{*RuleSet::Default(), *LegalCalendar::Default()};
    auto effects = Evaluate(*report, leaf_++, *this, law);
    EXPECT_TRUE(effects.ok()) << effects.status().ToString();
    if (!effects.ok()) return {};
    for (const BatteryState& b : effects->batteries)
      batteries_[b.code] = b;
    for (const VehicleState& v : effects->vehicles)
      vehicles_[v.vin] = v;
    return *effects;
  }

  Effects Produce(const std::string& code, const char* occurred = "2026-04-01") {
    return File("p-" + code, kCellMaker, "battery.produced", occurred, "2026-04-01T02:00:00Z",
                {{"code", code}});
  }

 private:
  RegistryIndex registry_;
  std::map<std::string, BatteryState> batteries_;
  std::map<std::string, VehicleState> vehicles_;
  uint64_t leaf_ = 0;
};

// "kind article subject" of each finding.
std::vector<std::string> Findings(const Effects& e) {
  std::vector<std::string> out;
  for (const Finding& f : e.findings)
    out.push_back(f.kind + " " + f.article + " " + f.subject);
  return out;
}

std::vector<std::string> Duties(const Effects& e) {
  std::vector<std::string> out;
  for (const Duty& d : e.duties)
    out.push_back(d.duty + " " + d.party + " " + d.subject);
  return out;
}

using Strings = std::vector<std::string>;

json Inbound(const std::string& code, const std::string& from) {
  return {{"codes", {code}}, {"from", from}};
}

json Vehicle(const std::string& vin, const std::string& pack) {
  return {{"vin", vin},   {"vehicle_type", "M1"}, {"brand", "B"},
          {"model", "M"}, {"name", "N"},          {"packs", {pack}}};
}

json Outbound(const std::string& code, const std::string& to) {
  return {{"codes", {code}}, {"to", to}, {"source", "production"}};
}

TEST(EngineUnknownBattery, AReceiptOfACodeNeverProducedIsFoundAndProvesNoSenderDuty) {
  Platform p;
  const std::string code = TestCode(ProductType::kPack, 20);
  const Effects e = p.File("in", kRecycler, "battery.inbound", "2026-04-10", "2026-04-11T02:00:00Z",
                           Inbound(code, kCarMaker));
  EXPECT_EQ(Findings(e), Strings{"unknown_battery 10 " + code});
  EXPECT_EQ(e.findings[0].party, kRecycler);
  EXPECT_TRUE(e.duties.empty());
}

TEST(EngineUnknownBattery, OnlyTheFirstReportNamingTheCodeIsFound) {
  Platform p;
  const std::string code = TestCode(ProductType::kPack, 21);
  const Effects out = p.File("out", kCellMaker, "battery.outbound", "2026-04-10",
                             "2026-04-11T02:00:00Z", Outbound(code, kRecycler));
  EXPECT_EQ(Findings(out), Strings{"unknown_battery 10 " + code});
  EXPECT_EQ(Duties(out), Strings{"24.7a " + kRecycler + " " + code});
  const Effects in = p.File("in", kRecycler, "battery.inbound", "2026-04-11",
                            "2026-04-12T02:00:00Z", Inbound(code, kCellMaker));
  EXPECT_TRUE(in.findings.empty()) << Findings(in)[0];
  const Effects used = p.File("ut", kRecycler, "battery.utilized", "2026-04-12",
                              "2026-04-13T02:00:00Z", {{"codes", {code}}, {"process", "crushing"}});
  EXPECT_TRUE(used.findings.empty());
}

TEST(EngineUnknownBattery, APartOfAProducedPackIsKnown) {
  Platform p;
  const std::string pack = TestCode(ProductType::kPack, 1);
  const std::string module = TestCode(ProductType::kModule, 1);
  p.File("p", kCellMaker, "battery.produced", "2026-04-01", "2026-04-01T02:00:00Z",
         {{"code", pack}, {"parts", {module}}});
  const Effects e = p.File("out", kCellMaker, "battery.outbound", "2026-04-10",
                           "2026-04-11T02:00:00Z", Outbound(module, kRecycler));
  EXPECT_TRUE(e.findings.empty());
}

json Health(const std::string& code, const char* measured) {
  return {{"code", code}, {"measured", measured}, {"soh_capacity_pct", 97.5}};
}

// A health report joins the battery's history and changes nothing of its record; on a code
// with no record it is an unknown_battery, as any report naming the code.
TEST(EngineHealth, JoinsTheHistoryOfAKnownBatteryWithoutRewritingItsRow) {
  Platform p;
  const std::string pack = TestCode(ProductType::kPack, 30);
  p.Produce(pack);
  const Effects e = p.File("h", kCarMaker, "battery.health", "2026-04-10", "2026-04-11T02:00:00Z",
                           Health(pack, "2026-04-10T09:00:00+08:00"));
  EXPECT_TRUE(e.findings.empty()) << Findings(e)[0];
  EXPECT_TRUE(e.duties.empty());
  EXPECT_TRUE(e.batteries.empty());
  EXPECT_EQ(e.battery_refs, Strings{pack});
}

TEST(EngineHealth, OfAnUnknownCodeIsFoundAndStartsAReferencedRecord) {
  Platform p;
  const std::string pack = TestCode(ProductType::kPack, 31);
  const Effects e = p.File("h", kCarMaker, "battery.health", "2026-04-10", "2026-04-11T02:00:00Z",
                           Health(pack, "2026-04-10T09:00:00+08:00"));
  EXPECT_EQ(Findings(e), Strings{"unknown_battery 10 " + pack});
  ASSERT_EQ(e.batteries.size(), 1u);
  EXPECT_EQ(e.batteries[0].status, "referenced");
  EXPECT_EQ(e.battery_refs, Strings{pack});
}

TEST(EngineSerial, TheFirstBatteryProducedKeepsItsSerialOnItsRecord) {
  Platform p;
  const std::string pack = TestCode(ProductType::kPack, 32);
  Effects e = p.File("p1", kCellMaker, "battery.produced", "2026-04-01", "2026-04-01T02:00:00Z",
                     {{"code", pack}, {"serial", "S-1"}});
  ASSERT_EQ(e.batteries.size(), 1u);
  EXPECT_EQ(e.batteries[0].serial, "S-1");
  e = p.File("p2", kCellMaker, "battery.produced", "2026-04-01", "2026-04-01T03:00:00Z",
             {{"code", pack}, {"serial", "S-2"}});
  ASSERT_EQ(e.batteries.size(), 1u);
  EXPECT_EQ(e.batteries[0].serial, "S-1");  // a duplicate's digital ID does not stand
}

TEST(EngineModelDeclared, ChangesNoRecord) {
  Platform p;
  const Effects e = p.File("d", kCellMaker, "battery_model.declared", "2026-04-10",
                           "2026-04-11T02:00:00Z", {{"model", "BM-1"}, {"category", "ev"}});
  EXPECT_TRUE(e.findings.empty());
  EXPECT_TRUE(e.duties.empty());
  EXPECT_TRUE(e.batteries.empty());
  EXPECT_TRUE(e.battery_refs.empty());
}

TEST(EngineUnknownBattery, ASenderOwesItsOutboundOnlyForABatteryItHeld) {
  Platform p;
  const std::string pack = TestCode(ProductType::kPack, 2);
  p.Produce(pack);
  // The vehicle maker never held the cell maker's pack: no 24.2c duty.
  const Effects not_held = p.File("in1", kRecycler, "battery.inbound", "2026-04-10",
                                  "2026-04-11T02:00:00Z", Inbound(pack, kCarMaker));
  EXPECT_TRUE(not_held.duties.empty()) << Duties(not_held)[0];
  EXPECT_TRUE(not_held.findings.empty());
  // The producer held it: 24.3.
  const std::string other = TestCode(ProductType::kPack, 3);
  p.Produce(other);
  const Effects held = p.File("in2", kRecycler, "battery.inbound", "2026-04-10",
                              "2026-04-11T02:00:00Z", Inbound(other, kCellMaker));
  EXPECT_EQ(Duties(held), Strings{"24.3 " + kCellMaker + " " + other});
  // The maker of the vehicle it is installed in held it: 24.2c.
  const std::string installed = TestCode(ProductType::kPack, 4);
  p.Produce(installed);
  p.File("vp", kCarMaker, "vehicle.produced", "2026-04-02", "2026-04-03T02:00:00Z",
         Vehicle(TestVin(4), installed));
  const Effects vm = p.File("in3", kRecycler, "battery.inbound", "2026-04-10",
                            "2026-04-11T02:00:00Z", Inbound(installed, kCarMaker));
  EXPECT_EQ(Duties(vm), Strings{"24.2c " + kCarMaker + " " + installed});
}

TEST(EngineImplausible, AFactAfterItsReceiptDayIsFound) {
  Platform p;
  const std::string code = TestCode(ProductType::kPack, 5);
  const Effects e = p.File("f", kCellMaker, "battery.produced", "2026-04-20",
                           "2026-04-15T02:00:00Z", {{"code", code}});
  EXPECT_EQ(Findings(e), Strings{"implausible_fact 24 " + kCellMaker + "/f"});
  // 17:00 UTC is 01:00 of the next Beijing day: a fact of that day is no finding.
  const Effects same_day =
      p.File("g", kCellMaker, "battery.produced", "2026-04-21", "2026-04-20T17:00:00Z",
             {{"code", TestCode(ProductType::kPack, 6)}});
  EXPECT_TRUE(same_day.findings.empty());
}

TEST(EngineImplausible, ABatteryProducedBeforeItsCodesDateIsFound) {
  Platform p;
  // TestCode encodes 2026-04-01.
  const std::string code = TestCode(ProductType::kCell, 7);
  EXPECT_EQ(Findings(p.Produce(code, "2026-03-31")), Strings{"implausible_fact 10 " + code});
  EXPECT_TRUE(p.Produce(TestCode(ProductType::kCell, 8), "2026-04-01").findings.empty());
}

TEST(EngineImplausible, ASecondSaleIsFoundAndTheFirstStands) {
  Platform p;
  const std::string vin = TestVin(9);
  const std::string pack = TestCode(ProductType::kPack, 9);
  p.Produce(pack);
  p.File("vp", kCarMaker, "vehicle.produced", "2026-04-02", "2026-04-03T02:00:00Z",
         Vehicle(vin, pack));
  const Effects first =
      p.File("s1", kCarMaker, "vehicle.sold", "2026-04-10", "2026-04-11T02:00:00Z",
             {{"vin", vin}, {"sale_date", "2026-04-10"}, {"division", "310115"}});
  EXPECT_TRUE(first.findings.empty());
  EXPECT_FALSE(first.sales.empty());
  const Effects second =
      p.File("s2", kCarMaker, "vehicle.sold", "2026-04-12", "2026-04-13T02:00:00Z",
             {{"vin", vin}, {"sale_date", "2026-04-12"}, {"division", "440305"}});
  EXPECT_EQ(Findings(second), Strings{"implausible_fact 24 " + vin});
  EXPECT_TRUE(second.sales.empty());
  ASSERT_EQ(second.vehicles.size(), 1u);
  EXPECT_EQ(second.vehicles[0].sale_date, "2026-04-10");
  EXPECT_EQ(second.vehicles[0].sale_division, "310115");
}

TEST(EngineImplausible, AVinOfAnotherMakersWmiIsImpersonated) {
  Platform p;
  std::string vin = "LGYAB1C00RA000010";
  vin[8] = Vin::ComputeCheckDigit(vin);
  const std::string pack = TestCode(ProductType::kPack, 10);
  p.Produce(pack);
  const Effects e = p.File("vp", kCarMaker, "vehicle.produced", "2026-04-02",
                           "2026-04-03T02:00:00Z", Vehicle(vin, pack));
  EXPECT_EQ(Findings(e), Strings{"impersonated_vin 24 " + vin});
}

TEST(EngineImplausible, ASaleOfAVehicleNeverProducedIsFoundAndProvesTheDuty) {
  Platform p;
  const std::string vin = TestVin(11);
  const Effects e = p.File("s", kCarMaker, "vehicle.sold", "2026-04-10", "2026-04-11T02:00:00Z",
                           {{"vin", vin}, {"sale_date", "2026-04-10"}, {"division", "310115"}});
  EXPECT_EQ(Findings(e), Strings{"unknown_vehicle 24 " + vin});
  EXPECT_EQ(Duties(e), Strings{"24.2a " + kCarMaker + " " + vin});
}

TEST(EngineQualifiedDestination, ATransferToARecyclerWithoutAValidEiaIsUnlicensed) {
  Platform p;
  const std::string on_time = TestCode(ProductType::kPack, 12);
  const std::string late = TestCode(ProductType::kPack, 13);
  p.Produce(on_time);
  p.Produce(late);
  // The EIA is valid through 2026-04-30.
  EXPECT_TRUE(p.File("o1", kCellMaker, "battery.outbound", "2026-04-30", "2026-05-01T02:00:00Z",
                     Outbound(on_time, kLapsed))
                  .findings.empty());
  const Effects e = p.File("o2", kCellMaker, "battery.outbound", "2026-05-01",
                           "2026-05-02T02:00:00Z", Outbound(late, kLapsed));
  EXPECT_EQ(Findings(e), Strings{"unlicensed_destination 20 " + late});
  EXPECT_NE(e.findings[0].detail.find("eia"), std::string::npos) << e.findings[0].detail;
  // The recycler still owes its inbound.
  EXPECT_EQ(Duties(e), Strings{"24.7a " + kLapsed + " " + late});
}

}  // namespace
}  // namespace battrace::domain
