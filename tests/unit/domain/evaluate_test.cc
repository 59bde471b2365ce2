// domain::Evaluate in process, one story per row: a registry (the cast below), reports filed
// before (each authorized, evaluated and applied to an in-memory state, as a store would), and
// the report judged; out, the effects it yields: duties opened, discharges, findings (kind,
// article, party, subject, due, authority) and sales. Each row pins every finding and duty of
// the judged report, one to one.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "../fixtures.h"
#include "domain/engine.h"
#include "domain/finding.h"
#include "domain/names.h"
#include "domain/registry.h"
#include "memory_state.h"

namespace battrace::domain {
namespace {

using battrace::testing::TestCode;
using battrace::testing::TestUscc;
using battrace::testing::TestVin;
using nlohmann::json;
using Strings = std::vector<std::string>;

const std::string kCell = TestUscc(1);        // battery maker, manufacturer code 0A1
const std::string kCar = TestUscc(2);         // vehicle maker, WMI LGX
const std::string kPartner = TestUscc(3);     // repair shop cooperating with kCar
const std::string kGarage = TestUscc(4);      // repair shop, no cooperation
const std::string kSwap = TestUscc(5);        // swap operator
const std::string kScrap = TestUscc(6);       // dismantler
const std::string kRecycler = TestUscc(7);    // recycler, every qualification valid
const std::string kEbike = TestUscc(8);       // e-bike maker
const std::string kLapsed = TestUscc(9);      // recycler whose EIA lapsed on 2026-04-30
const std::string kOtherCell = TestUscc(10);  // battery maker, manufacturer code 0B1
const std::string kMerged = TestUscc(11);     // recycler merged into kSuccessor
const std::string kSuccessor = TestUscc(12);  // recycler, successor of kMerged
const std::string kOtherCar = TestUscc(13);   // vehicle maker, WMI LGY

json Quals(const char* eia_to) {
  return json::array(
      {{{"type", "investment_filing"}, {"valid_from", "2020-01-01"}, {"valid_to", "2035-12-31"}},
       {{"type", "eia"}, {"valid_from", "2020-01-01"}, {"valid_to", eia_to}},
       {{"type", "discharge_permit"}, {"valid_from", "2020-01-01"}, {"valid_to", "2035-12-31"}}});
}

json Firm(const std::string& uscc, const char* role, json extra = json::object()) {
  json e = {{"kind", "enterprise"},
            {"uscc", uscc},
            {"name", "Enterprise " + uscc},
            {"roles", {role}},
            {"division", "440305"}};
  e.update(extra);
  return e;
}

RegistryIndex Cast() {
  std::vector<RegistryRecord> records;
  for (const json& r : {
           Firm(kCell, "battery_maker", {{"manufacturer_codes", {"0A1"}}}),
           Firm(kCar, "vehicle_maker", {{"wmi", {"LGX"}}, {"division", "310115"}}),
           Firm(kPartner, "repair_shop", {{"cooperates_with", {kCar}}}),
           Firm(kGarage, "repair_shop"),
           Firm(kSwap, "swap_operator"),
           Firm(kScrap, "dismantler"),
           Firm(kRecycler, "recycler", {{"qualifications", Quals("2035-12-31")}}),
           Firm(kEbike, "ebike_maker"),
           Firm(kLapsed, "recycler", {{"qualifications", Quals("2026-04-30")}}),
           Firm(kOtherCell, "battery_maker", {{"manufacturer_codes", {"0B1"}}}),
           Firm(kMerged, "recycler", {{"qualifications", Quals("2035-12-31")}}),
           Firm(kSuccessor, "recycler",
                {{"qualifications", Quals("2035-12-31")}, {"successor_of", {kMerged}}}),
           Firm(kOtherCar, "vehicle_maker", {{"wmi", {"LGY"}}}),
           json{{"kind", "regulator"},
                {"id", "miit-national"},
                {"department", "MIIT"},
                {"division", "000000"}},
           json{{"kind", "regulator"},
                {"id", "mofcom-national"},
                {"department", "MOFCOM"},
                {"division", "000000"}},
           json{{"kind", "regulator"},
                {"id", "ndrc-national"},
                {"department", "NDRC"},
                {"division", "000000"}},
           json{{"kind", "regulator"},
                {"id", "mee-guangdong"},
                {"department", "MEE"},
                {"division", "440000"}},
       }) {
    auto record = ParseRegistryRecord(r.dump());
    EXPECT_TRUE(record.ok()) << r.dump() << ": " << record.status().ToString();
    if (record.ok()) records.push_back(*record);
  }
  return RegistryIndex(records);
}

// A report: envelope and body. `reported` defaults to 02:00 UTC (10:00 Beijing) of `occurred`.
json R(const char* type, const char* id, const std::string& reporter, const char* occurred,
       json body = json::object(), const std::string& reported = "") {
  body["type"] = type;
  body["id"] = id;
  body["reporter"] = reporter;
  body["occurred"] = occurred;
  body["reported"] = reported.empty() ? std::string(occurred) + "T02:00:00Z" : reported;
  return body;
}

json Produced(const char* id, const std::string& code, const char* occurred = "2026-04-01") {
  return R("battery.produced", id, kCell, occurred, {{"code", code}});
}
json Vehicle(const char* id, const std::string& vin, const std::string& pack,
             const std::string& by = kCar, const char* occurred = "2026-04-02") {
  return R("vehicle.produced", id, by, occurred,
           {{"vin", vin},
            {"vehicle_type", "passenger"},
            {"brand", "Demo"},
            {"model", "D1"},
            {"name", "Demo D1"},
            {"packs", {pack}}});
}
json Out(const char* id, const std::string& by, const std::string& code, const std::string& to,
         const char* source, const char* occurred = "2026-04-10",
         const std::string& reported = "") {
  return R("battery.outbound", id, by, occurred,
           {{"codes", {code}}, {"to", to}, {"source", source}}, reported);
}
json In(const char* id, const std::string& by, const std::string& code, const std::string& from,
        const char* occurred = "2026-04-11") {
  return R("battery.inbound", id, by, occurred, {{"codes", {code}}, {"from", from}});
}

// "kind article party subject [due D] department" of each finding.
Strings Findings(const Effects& e) {
  Strings out;
  for (const Finding& f : e.findings) {
    out.push_back(f.kind + " " + f.article + " " + f.party + " " + f.subject +
                  (f.due ? " due " + f.due->ToString() : "") + " " + f.authority.department);
  }
  return out;
}

// "kind duty article party subject due D fulfils" of each duty opened.
Strings Duties(const Effects& e) {
  Strings out;
  for (const Duty& d : e.duties) {
    out.push_back(d.kind + " " + d.duty + " " + d.article + " " + d.party + " " + d.subject +
                  " due " + d.due.ToString() + " " + d.fulfils);
  }
  return out;
}

// "fulfils subject party,party..." of each discharge.
Strings Discharges(const Effects& e) {
  Strings out;
  for (const Discharge& d : e.discharges) {
    std::string parties;
    for (const std::string& p : d.parties)
      parties += (parties.empty() ? "" : ",") + p;
    out.push_back(d.fulfils + " " + d.subject + " " + parties);
  }
  return out;
}

// "maker division article" of each sale.
Strings Sales(const Effects& e) {
  Strings out;
  for (const Sale& s : e.sales)
    out.push_back(s.maker + " " + s.division + " " + s.article);
  return out;
}

struct Story {
  const char* name;
  std::vector<json> before;  // filed in order, each applied to the state
  json report;               // judged
  Strings findings;
  Strings duties;
  std::optional<Strings> discharges = std::nullopt;  // checked when given
  std::optional<Strings> sales = std::nullopt;       // checked when given
  std::optional<std::string> retracts = std::nullopt;
};

// Files the story's reports into an in-memory state and returns the judged report's effects.
Result<Effects> Tell(const Story& story) {
  testing::MemoryState state(Cast());
  const Law law{*RuleSet::Default(), *LegalCalendar::Default()};
  std::map<std::string, Original> stored;  // "reporter/id" -> as stored
  uint64_t leaf = 0;
  std::vector<json> all = story.before;
  all.push_back(story.report);
  Effects last;
  for (const json& r : all) {
    BATTRACE_ASSIGN_OR_RETURN(report, ParseReport(r.dump(), {.replay = true}));
    BATTRACE_RETURN_IF_ERROR(Authorize(report, state.Registry()));
    std::optional<Original> original;
    if (const auto* c = std::get_if<Correction>(&report.body)) {
      original = stored.at(ReportRef(report.reporter.str(), c->corrects));
    }
    BATTRACE_ASSIGN_OR_RETURN(effects, Evaluate(report, leaf, state, law, original));
    state.Apply(report, leaf, effects);
    stored[ReportRef(report.reporter.str(), report.id)] = {*report.reported, leaf};
    ++leaf;
    last = std::move(effects);
  }
  return last;
}

std::string Ref(const std::string& reporter, const char* id) {
  return reporter + "/" + id;
}

std::vector<Story> Stories() {
  const std::string cell = kCell, car = kCar, rec = kRecycler;
  const std::string P1 = TestCode(ProductType::kPack, 1);
  const std::string V1 = TestVin(1), V2 = TestVin(2);
  return {
      // --- the legal calendar (data/calendar): a period that ends on a day off runs to the next
      // working day; a make-up working day (a Saturday worked) is a working day ---
      {"LateOverLabourDay",  // 15 days from 2026-04-16 end on Labour Day: due 05-06
       {Produced("p", P1)},
       Out("out", cell, P1, rec, "production", "2026-04-16", "2026-05-07T02:00:00Z"),
       {"late_report 24.3 " + cell + " " + Ref(cell, "out") + " due 2026-05-06 MIIT"},
       {"overdue_report 24.7a 24.7a " + rec + " " + P1 + " due 2026-05-18 battery.inbound"},
       Strings{"battery.outbound " + P1 + " " + cell}},
      {"OnTimeOnTheMakeUpWorkingDay",  // 15 days from 2026-04-24: Saturday 05-09, worked
       {Produced("p", P1)},
       Out("out", cell, P1, rec, "production", "2026-04-24", "2026-05-09T02:00:00Z"),
       {},
       {"overdue_report 24.7a 24.7a " + rec + " " + P1 + " due 2026-05-25 battery.inbound"}},
      {"LateTheDayAfterTheMakeUpWorkingDay",
       {Produced("p", P1)},
       Out("out", cell, P1, rec, "production", "2026-04-24", "2026-05-10T02:00:00Z"),
       {"late_report 24.3 " + cell + " " + Ref(cell, "out") + " due 2026-05-09 MIIT"},
       {"overdue_report 24.7a 24.7a " + rec + " " + P1 + " due 2026-05-25 battery.inbound"}},
      // --- findings a report yields at once ---
      {"UnlicensedDestination",
       {Produced("p", P1)},
       Out("out", cell, P1, kGarage, "production"),
       {"unlicensed_destination 20 " + cell + " " + P1 + " MIIT"},
       {}},
      {"UnqualifiedDestinationStillOwesItsInbound",
       {Produced("p", P1)},
       Out("out", cell, P1, kLapsed, "production", "2026-05-05"),
       {"unlicensed_destination 20 " + cell + " " + P1 + " MIIT"},
       {"overdue_report 24.7a 24.7a " + kLapsed + " " + P1 + " due 2026-06-04 battery.inbound"}},
      {"ProhibitedUse",
       {Produced("p", P1)},
       Out("out", cell, P1, kEbike, "production"),
       {"prohibited_use 22 " + cell + " " + P1 + " MIIT"},
       {}},
      {"UnqualifiedRecycler",
       {Produced("p", P1), Out("out", cell, P1, kLapsed, "production", "2026-04-20")},
       In("in", kLapsed, P1, cell, "2026-05-05"),
       {"unqualified_recycler 35 " + kLapsed + " eia MEE"},
       {},
       Strings{"battery.inbound " + P1 + " " + kLapsed}},
      {"ScrappedWithoutBattery",
       {Produced("p", P1), Vehicle("v", V1, P1)},
       R("vehicle.scrapped", "sc", kScrap, "2026-05-04",
         {{"vin", V1}, {"certificate", "C-1"}, {"packs_present", json::array()}}),
       {"scrapped_without_battery 21 " + kScrap + " " + V1 + " MOFCOM"},
       {}},
      {"DuplicateCode",
       {Produced("p", P1)},
       Produced("p2", P1, "2026-04-02"),
       {"duplicate_code 10 " + cell + " " + P1 + " MIIT"},
       {}},
      {"ImpersonatedCode",
       {},
       R("battery.produced", "p", kOtherCell, "2026-04-01", {{"code", P1}}),
       {"impersonated_code 10 " + kOtherCell + " " + P1 + " MIIT"},
       {}},
      {"ConflictingCustodyOfAPackInAnotherVehicle",
       {Produced("p", P1), Vehicle("v1", V1, P1)},
       Vehicle("v2", V2, P1, kCar, "2026-04-03"),
       {"conflicting_custody 10 " + car + " " + P1 + " MIIT"},
       {"missing_digital_id 12 12 " + cell + " " + P1 + " due 2026-04-23 battery.produced"}},
      {"MissingDigitalIdAndDisassemblyInfo",  // 6 months from 04-02 end in the National Day
                                              // holiday: 24.1 is due 10-08
       {},
       Vehicle("v", V1, P1),
       {},
       {"missing_digital_id 12 12 " + cell + " " + P1 + " due 2026-04-22 battery.produced",
        "overdue_report 24.1 24.1 " + car + " D1 due 2026-10-08 model.disassembly_info"}},
      {"UnknownBattery",
       {},
       In("in", rec, P1, cell),
       {"unknown_battery 10 " + rec + " " + P1 + " MIIT"},
       {}},
      {"UnknownVehicleOwesItsProduction",
       {},
       R("vehicle.sold", "s", car, "2026-04-20",
         {{"vin", V1}, {"sale_date", "2026-04-18"}, {"division", "310115"}}),
       {"unknown_vehicle 24 " + car + " " + V1 + " MIIT"},
       {"overdue_report 24.2a 24.2a " + car + " " + V1 + " due 2026-05-11 vehicle.produced"},
       std::nullopt,
       Strings{car + " 310100 15"}},
      {"ImpersonatedVin",
       {Produced("p", P1)},
       Vehicle("v", V1, P1, kOtherCar),
       {"impersonated_vin 24 " + kOtherCar + " " + V1 + " MIIT"},
       {"missing_digital_id 12 12 " + cell + " " + P1 + " due 2026-04-22 battery.produced",
        "overdue_report 24.1 24.1 " + kOtherCar + " D1 due 2026-10-08 model.disassembly_info"}},
      {"ImplausibleFactAfterItsReceipt",  // occurred 04-03, received 04-02 10:00 Beijing
       {},
       R("battery.produced", "p", kCell, "2026-04-03", {{"code", P1}}, "2026-04-02T02:00:00Z"),
       {"implausible_fact 24 " + cell + " " + Ref(cell, "p") + " MIIT"},
       {}},
      {"ImplausibleFactBeforeTheCodesProductionDate",
       {},
       Produced("p", P1, "2026-03-31"),
       {"implausible_fact 10 " + cell + " " + P1 + " MIIT"},
       {}},
      {"ImplausibleSecondSale",
       {Produced("p", P1), Vehicle("v", V1, P1),
        R("vehicle.sold", "s1", car, "2026-04-20",
          {{"vin", V1}, {"sale_date", "2026-04-18"}, {"division", "310115"}})},
       R("vehicle.sold", "s2", car, "2026-04-25",
         {{"vin", V1}, {"sale_date", "2026-04-24"}, {"division", "440305"}}),
       {"implausible_fact 24 " + car + " " + V1 + " MIIT"},
       {},
       std::nullopt,
       Strings{}},
      // --- duties a report proves others owe ---
      {"SaleRecordsOutletCoverageForBothMakers",
       {Produced("p", P1), Vehicle("v", V1, P1)},
       R("vehicle.sold", "s", car, "2026-04-20",
         {{"vin", V1}, {"sale_date", "2026-04-18"}, {"division", "310115"}}),
       {},
       {},
       Strings{},
       Strings{car + " 310100 15", cell + " 310000 14"}},
      {"RepairHandOnByAPartnerShopIsTheMakersReplacement",
       {Produced("p", P1), Vehicle("v", V1, P1)},
       Out("out", kPartner, P1, rec, "repair", "2026-05-04"),
       {},
       {"overdue_report 24.7a 24.7a " + rec + " " + P1 + " due 2026-06-03 battery.inbound",
        "overdue_report 24.5b 24.5b " + car + " " + P1 + " due 2026-06-15 battery.replaced"}},
      {"RepairHandOnByAnIndependentShopIsItsOwnReplacement",
       {Produced("p", P1), Vehicle("v", V1, P1)},
       Out("out", kGarage, P1, rec, "repair", "2026-05-04"),
       {},
       {"overdue_report 24.7a 24.7a " + rec + " " + P1 + " due 2026-06-03 battery.inbound",
        "overdue_report 24.5c 24.5c " + kGarage + " " + P1 + " due 2026-06-15 battery.replaced"}},
      {"SwapHandOnOwesTheSwap",
       {Produced("p", P1), Vehicle("v", V1, P1)},
       Out("out", kSwap, P1, rec, "swap", "2026-05-04"),
       {},
       {"overdue_report 24.7a 24.7a " + rec + " " + P1 + " due 2026-06-03 battery.inbound",
        "overdue_report 24.4a 24.4a " + kSwap + " " + P1 + " due 2026-06-15 battery.swapped"}},
      {"ReceiptAtAnUnregisteredOutlet",
       {Produced("p", P1), Vehicle("v", V1, P1)},
       R("battery.inbound", "in", car, "2026-05-04",
         {{"codes", {P1}}, {"from", kGarage}, {"outlet", "SZ-9"}}),
       {},
       {"overdue_report 24.6a 24.6a " + car + " SZ-9 due 2026-06-03 outlet.registered"}},
      {"ReceiptFromADismantlerOfAnUnscrappedVehicle",
       {Produced("p", P1), Vehicle("v", V1, P1)},
       In("in", rec, P1, kScrap, "2026-05-04"),
       {},
       {"overdue_report 24.8 24.8 " + kScrap + " " + V1 + " due 2026-05-19 vehicle.scrapped"}},
      {"ReceiptFromTheVehicleMakerOwesItsOutbound",
       {Produced("p", P1), Vehicle("v", V1, P1)},
       In("in", rec, P1, car, "2026-05-04"),
       {},
       {"overdue_report 24.2c 24.2c " + car + " " + P1 + " due 2026-05-19 battery.outbound"}},
      {"HandOnToAMakersOutletOwesItsInbound",
       {Produced("p", P1), R("outlet.registered", "o", car, "2026-04-01",
                             {{"outlet",
                               {{"id", "SZ-1"},
                                {"name", "Outlet SZ-1"},
                                {"address", "1 Road"},
                                {"division", "440306"},
                                {"kind", "collection"},
                                {"capacity_t", 50},
                                {"area_m2", 200}}}})},
       R("battery.outbound", "out", kGarage, "2026-05-04",
         {{"codes", {P1}}, {"to", car}, {"source", "repair"}, {"outlet", "SZ-1"}}),
       {},
       {"overdue_report 24.6b 24.6b " + car + " " + P1 + " due 2026-05-19 battery.inbound"}},
      // --- corrections and succession ---
      {"CorrectionRetractsAndJudgesTheCorrectedReport",
       {Produced("p", P1), Out("out", cell, P1, kGarage, "production")},
       R("correction", "c", cell, "2026-04-15",
         {{"corrects", "out"},
          {"reason", "wrong receiver"},
          {"report",
           {{"type", "battery.outbound"},
            {"occurred", "2026-04-10"},
            {"codes", {P1}},
            {"to", rec},
            {"source", "production"}}}}),
       {},
       {"overdue_report 24.7a 24.7a " + rec + " " + P1 + " due 2026-05-11 battery.inbound"},
       std::nullopt,
       std::nullopt,
       Ref(cell, "out")},
      {"SuccessorDischargesItsPredecessorsDuty",
       {Produced("p", P1), Out("out", cell, P1, kMerged, "production")},
       In("in", kSuccessor, P1, cell, "2026-04-12"),
       {},
       {},
       Strings{"battery.inbound " + P1 + " " + kSuccessor + "," + kMerged}},
  };
}

// The lists read each kind from one source (kDutyKinds): a duty is of a duty kind, a recorded
// finding of neither a duty kind nor a coverage gap.
void ExpectKindsOfTheirSource(const Effects& effects) {
  for (const Duty& d : effects.duties)
    EXPECT_TRUE(IsDutyKind(d.kind)) << d.kind;
  for (const Finding& f : effects.findings) {
    EXPECT_FALSE(IsDutyKind(f.kind)) << f.kind;
    EXPECT_NE(f.kind, finding_kind::kOutletCoverageGap);
  }
}

// One test runs every story (the codes are composed at run time, after the tables they need are
// initialized); a failure names its story.
TEST(EvaluateStories, EachYieldsItsEffects) {
  for (const Story& story : Stories()) {
    SCOPED_TRACE(story.name);
    auto effects = Tell(story);
    ASSERT_TRUE(effects.ok()) << effects.status().ToString();
    ExpectKindsOfTheirSource(*effects);
    EXPECT_EQ(Findings(*effects), story.findings);
    EXPECT_EQ(Duties(*effects), story.duties);
    if (story.discharges) {
      EXPECT_EQ(Discharges(*effects), *story.discharges);
    }
    if (story.sales) {
      EXPECT_EQ(Sales(*effects), *story.sales);
    }
    EXPECT_EQ(effects->retracts, story.retracts);
  }
}

// The report's own duty, filed late: a late_report citing the duty's rule, for every duty key a
// report can be late for (the rule files' `article`; `utilized` cites article 12).
struct Late {
  const char* duty;
  std::vector<json> before;
  json report;
};

std::vector<Late> LateReports() {
  const std::string P1 = TestCode(ProductType::kPack, 1);
  const std::string P2 = TestCode(ProductType::kPack, 2);
  const std::string V1 = TestVin(1);
  const std::string late = "2026-12-01T02:00:00Z";
  const json outlet = {{"id", "SZ-1"},         {"name", "Outlet SZ-1"}, {"address", "1 Road"},
                       {"division", "440306"}, {"kind", "collection"},  {"capacity_t", 50},
                       {"area_m2", 200}};
  const std::vector<json> installed = {Produced("p", P1), Vehicle("v", V1, P1)};
  auto replaced = [&](const std::string& by) {
    return R("battery.replaced", "rep", by, "2026-04-10",
             {{"vin", V1}, {"removed", {P1}}, {"installed", {P2}}}, late);
  };
  return {
      {"24.1",
       {},
       R("model.disassembly_info", "i", kCar, "2026-04-01",
         {{"vehicle_model", "D1"},
          {"document",
           {{"uri", "https://docs.example.com/D1.pdf"}, {"sha256", std::string(64, 'a')}}}},
         late)},
      {"24.2a",
       {Produced("p", P1)},
       R("vehicle.produced", "v", kCar, "2026-04-02", Vehicle("v", V1, P1), late)},
      {"24.2b", installed,
       R("vehicle.sold", "s", kCar, "2026-04-20",
         {{"vin", V1}, {"sale_date", "2026-04-18"}, {"division", "310115"}}, late)},
      {"24.2c",
       {Produced("p", P1)},
       Out("out", kCar, P1, kRecycler, "production", "2026-04-10", late)},
      {"24.3",
       {Produced("p", P1)},
       Out("out", kCell, P1, kRecycler, "production", "2026-04-10", late)},
      {"24.4a", installed,
       R("battery.swapped", "sw", kSwap, "2026-04-10",
         {{"vin", V1}, {"removed", P1}, {"installed", P2}, {"station", "Station 1"}}, late)},
      {"24.4b", {Produced("p", P1)}, Out("out", kSwap, P1, kRecycler, "swap", "2026-04-10", late)},
      {"24.5a", installed, replaced(kPartner)},
      {"24.5b", installed, replaced(kCar)},
      {"24.5c", installed, replaced(kGarage)},
      {"24.6a", {}, R("outlet.registered", "o", kCar, "2026-04-01", {{"outlet", outlet}}, late)},
      {"24.6b",
       {Produced("p", P1)},
       R("battery.inbound", "in", kCar, "2026-04-10", {{"codes", {P1}}, {"from", kGarage}}, late)},
      {"24.6c", {Produced("p", P1)}, Out("out", kCar, P1, kRecycler, "outlet", "2026-04-10", late)},
      {"24.7a",
       {Produced("p", P1)},
       R("battery.inbound", "in", kRecycler, "2026-04-10", {{"codes", {P1}}, {"from", kCell}},
         late)},
      {"24.7b",
       {},
       R("product.outbound", "po", kRecycler, "2026-04-10",
         {{"products", {{{"material", "lithium carbonate"}, {"mass_kg", 120}}}},
          {"to", kOtherCell}},
         late)},
      {"24.8", installed,
       R("vehicle.scrapped", "sc", kScrap, "2026-04-10",
         {{"vin", V1}, {"certificate", "C-1"}, {"packs_present", {P1}}}, late)},
      {"12",
       {Produced("p", P1)},
       R("battery.utilized", "u", kRecycler, "2026-04-10",
         {{"codes", {P1}}, {"process", "dismantling"}}, late)},
  };
}

TEST(EvaluateStories, EachDutyFiledLateIsALateReport) {
  for (const Late& row : LateReports()) {
    SCOPED_TRACE(row.duty);
    auto effects = Tell({row.duty, row.before, row.report, {}, {}});
    ASSERT_TRUE(effects.ok()) << effects.status().ToString();
    ExpectKindsOfTheirSource(*effects);
    Strings late;
    for (const Finding& f : effects->findings) {
      if (f.kind == finding_kind::kLateReport) late.push_back(f.article + " " + f.party);
    }
    EXPECT_EQ(late,
              Strings{std::string(row.duty) + " " + row.report["reporter"].get<std::string>()});
  }
}

}  // namespace
}  // namespace battrace::domain
