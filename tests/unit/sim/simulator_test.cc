// The simulator: deterministic, its registry and reports parse, reports come sorted by receipt
// time, injected violations show in the answer key and none without injection.
#include "sim/simulator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/cas.h"
#include "core/gs1.h"
#include "domain/registry.h"
#include "domain/report.h"
#include "sim/eu.h"

namespace battrace::sim {
namespace {

struct Output {
  std::string registry;
  std::string reports;
  AnswerKey key;
};

Output Simulated(uint64_t vehicles, uint64_t seed, double rate,
                 Date to = *Date::FromYmd(2026, 9, 30), Date from = *Date::FromYmd(2026, 4, 1)) {
  SimOptions o;
  o.from = from;
  o.vehicles = vehicles;
  o.seed = seed;
  o.violations = rate;
  o.to = to;
  std::ostringstream registry, reports;
  auto key = Simulate(o, registry, reports);
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return {registry.str(), reports.str(), key.ok() ? *key : AnswerKey{}};
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

std::set<std::string> Kinds(const AnswerKey& key) {
  std::set<std::string> kinds;
  for (const Finding& f : key.findings)
    kinds.insert(f.kind);
  return kinds;
}

TEST(Simulator, SameOptionsGiveTheSameBytes) {
  const Output a = Simulated(200, 7, 0.05);
  const Output b = Simulated(200, 7, 0.05);
  EXPECT_EQ(a.registry, b.registry);
  EXPECT_EQ(a.reports, b.reports);
  EXPECT_EQ(AnswerKeyToJson(a.key).dump(), AnswerKeyToJson(b.key).dump());
  const Output c = Simulated(200, 8, 0.05);
  EXPECT_NE(a.reports, c.reports);
}

TEST(Simulator, RegistryRecordsParse) {
  const Output out = Simulated(300, 3, 0.05);
  const auto lines = Lines(out.registry);
  ASSERT_EQ(lines.size(), out.key.registry_records);
  std::set<std::string> roles;
  int regulators = 0;
  for (const std::string& line : lines) {
    auto record = ParseRegistryRecord(line);
    ASSERT_TRUE(record.ok()) << line << "\n" << record.status().ToString();
    if (const auto* e = std::get_if<Enterprise>(&*record)) {
      for (Role r : e->roles)
        roles.insert(std::string(RoleName(r)));
      EXPECT_TRUE(e->division.Contains(e->uscc.division())) << line;
    } else {
      ++regulators;
    }
  }
  EXPECT_EQ(roles.size(), kRoleCount);
  EXPECT_GT(regulators, 4);
}

TEST(Simulator, ReportsParseInReplayModeSortedByReceipt) {
  const Output out = Simulated(300, 3, 0.05);
  const auto lines = Lines(out.reports);
  ASSERT_EQ(lines.size(), out.key.reports);
  Instant last = 0;
  std::map<std::string, int> types;
  std::set<std::string> ids;
  const Instant end = EndOfBeijingDay(*Date::FromYmd(2026, 9, 30));
  // Only the injected implausible dates come after their receipt day.
  std::set<std::string> future;
  for (const Finding& f : out.key.findings) {
    if (f.kind == "implausible_fact" && f.subject.find('/') != std::string::npos)
      future.insert(f.subject);
  }
  EXPECT_FALSE(future.empty());
  for (const std::string& line : lines) {
    auto report = ParseReport(line, {.replay = true});
    ASSERT_TRUE(report.ok()) << line << "\n" << report.status().ToString();
    ASSERT_TRUE(report->reported.has_value());
    EXPECT_GE(*report->reported, last) << line;
    EXPECT_LT(*report->reported, end) << line;
    EXPECT_EQ(report->occurred > BeijingDate(*report->reported),
              future.count(report->reporter.str() + "/" + report->id) > 0)
        << line;
    last = *report->reported;
    ++types[std::string(ReportTypeName(report->type()))];
    EXPECT_TRUE(ids.insert(report->reporter.str() + "/" + report->id).second) << line;
  }
  for (const char* type :
       {"battery.produced", "vehicle.produced", "vehicle.sold", "battery.replaced",
        "battery.swapped", "battery.outbound", "battery.inbound", "vehicle.scrapped",
        "battery.utilized", "product.outbound", "outlet.registered", "model.disassembly_info",
        "battery_model.declared", "battery.health"}) {
    EXPECT_GT(types[type], 0) << type;
  }
}

TEST(Simulator, EveryFindingKindIsInjected) {
  const Output out = Simulated(300, 1, 0.05);
  const std::set<std::string> kinds = Kinds(out.key);
  for (const char* kind :
       {"late_report", "overdue_report", "unlicensed_destination", "prohibited_use",
        "unqualified_recycler", "scrapped_without_battery", "duplicate_code", "impersonated_code",
        "conflicting_custody", "missing_digital_id", "outlet_coverage_gap", "unknown_battery",
        "unknown_vehicle", "impersonated_vin", "implausible_fact"}) {
    EXPECT_TRUE(kinds.count(kind)) << kind;
  }
  // Every overdue duty row of docs/findings.md whose due date fits in the window (24.1 does
  // not: six months), late reports of three duties, coverage gaps of both kinds of maker,
  // unlicensed destinations of both departments.
  std::set<std::string> seen;
  for (const Finding& f : out.key.findings)
    seen.insert(f.kind + " " + f.article + " " + f.authority.department);
  for (const char* article : {"24.2a", "24.2c", "24.3", "24.4a", "24.4b", "24.5b", "24.5c", "24.6a",
                              "24.6b", "24.7a", "24.8"}) {
    EXPECT_TRUE(seen.count(std::string("overdue_report ") + article + " MIIT")) << article;
  }
  for (const char* s :
       {"late_report 12 MIIT", "late_report 24.2b MIIT", "late_report 24.7b MIIT",
        "outlet_coverage_gap 14 MIIT", "outlet_coverage_gap 15 MIIT",
        "unlicensed_destination 20 MIIT", "unlicensed_destination 20 MOFCOM",
        "unqualified_recycler 35 MEE", "scrapped_without_battery 21 MOFCOM",
        "implausible_fact 10 MIIT", "implausible_fact 24 MIIT", "unknown_battery 10 MIIT",
        "unknown_vehicle 24 MIIT", "impersonated_vin 24 MIIT"}) {
    EXPECT_TRUE(seen.count(s)) << s;
  }
  // Every finding names evidence the reports hold; duties are past due on the last day, late
  // reports were received after their due date; the answer key is in output order.
  std::map<std::string, Date> received;  // reference -> Beijing date of receipt
  for (const std::string& line : Lines(out.reports)) {
    auto r = ParseReport(line, {.replay = true});
    received[r->reporter.str() + "/" + r->id] = BeijingDate(*r->reported);
  }
  const Date last = *Date::FromYmd(2026, 9, 30);
  for (const Finding& f : out.key.findings) {
    ASSERT_FALSE(f.evidence.empty());
    for (const std::string& e : f.evidence)
      EXPECT_TRUE(received.count(e)) << f.kind << " " << e;
    if (f.kind == "overdue_report" || f.kind == "missing_digital_id") {
      ASSERT_TRUE(f.due.has_value()) << f.subject;
      EXPECT_LT(*f.due, last) << f.kind << " " << f.subject;
    } else if (f.kind == "late_report") {
      ASSERT_TRUE(f.due.has_value() && received.count(f.subject)) << f.subject;
      EXPECT_GT(received[f.subject], *f.due) << f.subject;
    } else {
      EXPECT_FALSE(f.due.has_value()) << f.kind << " " << f.subject;
    }
    EXPECT_FALSE(f.party.empty() || f.subject.empty() || f.article.empty() ||
                 f.authority.department.empty() || f.authority.division.size() != 6)
        << f.kind << " " << f.subject;
  }
  for (size_t i = 1; i < out.key.findings.size(); ++i) {
    const Finding& a = out.key.findings[i - 1];
    const Finding& b = out.key.findings[i];
    EXPECT_LE(std::tie(a.kind, a.party, a.subject), std::tie(b.kind, b.party, b.subject));
  }
}

// The newer injections are in the reports as the answer key says: checked from the reports
// themselves, by the facts that make each a finding.
TEST(Simulator, NewInjectionsShowInTheReports) {
  const Output out = Simulated(300, 1, 0.05);
  std::map<std::string, Report> by_ref;
  std::map<std::string, int> produced, sold;  // code / VIN -> reports
  for (const std::string& line : Lines(out.reports)) {
    auto r = ParseReport(line, {.replay = true});
    ASSERT_TRUE(r.ok()) << line;
    if (const auto* b = std::get_if<BatteryProduced>(&r->body)) ++produced[b->code.code.str()];
    if (const auto* v = std::get_if<VehicleSold>(&r->body)) ++sold[v->vin.str()];
    by_ref.emplace(r->reporter.str() + "/" + r->id, std::move(*r));
  }
  std::map<std::string, Enterprise> registry;
  for (const std::string& line : Lines(out.registry)) {
    auto record = ParseRegistryRecord(line);
    if (const auto* e = std::get_if<Enterprise>(&*record)) registry.emplace(e->uscc.str(), *e);
  }
  std::map<std::string, int> seen;
  for (const Finding& f : out.key.findings) {
    ASSERT_EQ(f.evidence.size(), 1u);
    ASSERT_TRUE(by_ref.count(f.evidence[0])) << f.evidence[0];
    const Report& r = by_ref.at(f.evidence[0]);
    if (f.kind == "unknown_battery") {
      const auto* in = std::get_if<BatteryInbound>(&r.body);
      ASSERT_NE(in, nullptr);
      EXPECT_EQ(in->codes[0].code.str(), f.subject);
      EXPECT_EQ(produced.count(f.subject), 0u) << f.subject;
    } else if (f.kind == "unknown_vehicle") {
      EXPECT_TRUE(std::holds_alternative<VehicleSold>(r.body));
    } else if (f.kind == "impersonated_vin") {
      const auto* vp = std::get_if<VehicleProduced>(&r.body);
      ASSERT_NE(vp, nullptr);
      EXPECT_EQ(vp->vin.str(), f.subject);
      const auto& wmi = registry.at(r.reporter.str()).wmi;
      EXPECT_TRUE(std::find(wmi.begin(), wmi.end(), std::string(vp->vin.wmi())) == wmi.end());
    } else if (f.kind == "implausible_fact" && f.article == "10") {
      const auto* bp = std::get_if<BatteryProduced>(&r.body);
      ASSERT_NE(bp, nullptr);
      EXPECT_LT(r.occurred, bp->code.code.production_date()) << f.subject;
    } else if (f.kind == "implausible_fact" && f.subject == f.evidence[0]) {
      EXPECT_GT(r.occurred, BeijingDate(*r.reported)) << f.subject;
    } else if (f.kind == "implausible_fact") {
      EXPECT_EQ(sold[f.subject], 2) << f.subject;
    } else if (f.kind == "unlicensed_destination") {
      const auto* ob = std::get_if<BatteryOutbound>(&r.body);
      ASSERT_NE(ob, nullptr);
      auto to = registry.find(ob->to.str());
      if (to == registry.end() || !to->second.HasRole(Role::kRecycler)) continue;
      const auto& quals = to->second.qualifications;
      EXPECT_FALSE(std::all_of(quals.begin(), quals.end(), [&](const Qualification& q) {
        return q.ValidOn(r.occurred);
      })) << f.subject;
      ++seen["unqualified destination"];
      continue;
    } else {
      continue;
    }
    ++seen[f.kind + " " + f.article];
  }
  for (const char* k : {"unknown_battery 10", "unknown_vehicle 24", "impersonated_vin 24",
                        "implausible_fact 10", "implausible_fact 24", "unqualified destination"}) {
    EXPECT_GT(seen[k], 0) << k;
  }
}

TEST(Simulator, DisassemblyInfoOverdueInALongerWindow) {
  const Output out = Simulated(300, 11, 0.2, *Date::FromYmd(2026, 12, 31));
  bool found = false;
  for (const Finding& f : out.key.findings)
    found |= f.kind == "overdue_report" && f.article == "24.1";
  EXPECT_TRUE(found);
}

TEST(Simulator, NoViolationsNoFindings) {
  const Output out = Simulated(300, 11, 0.0);
  EXPECT_TRUE(out.key.findings.empty()) << AnswerKeyToJson(out.key).dump(1);
}

TEST(Simulator, NoFindingsWithoutViolationsInOtherWindows) {
  // Under the 2018 provisions only, across both regimes, and late in the code's years.
  for (const auto& [from, to] :
       {std::pair{*Date::FromYmd(2019, 1, 1), *Date::FromYmd(2019, 12, 31)},
        std::pair{*Date::FromYmd(2026, 2, 1), *Date::FromYmd(2026, 5, 31)},
        std::pair{*Date::FromYmd(2040, 1, 1), *Date::FromYmd(2040, 12, 31)}}) {
    const Output out = Simulated(300, 2, 0.0, to, from);
    EXPECT_GT(out.key.reports, 300u * 10) << from.ToString();
    EXPECT_TRUE(out.key.findings.empty()) << from.ToString() << "\n"
                                          << AnswerKeyToJson(out.key).dump(1);
  }
}

TEST(Simulator, InjectsAboutTheRate) {
  // Every vehicle whose production is visible is an opportunity for a duplicate code.
  for (double rate : {0.02, 0.1, 0.3}) {
    const Output out = Simulated(2000, 4, rate);
    int duplicates = 0;
    for (const Finding& f : out.key.findings)
      duplicates += f.kind == "duplicate_code";
    EXPECT_GE(duplicates, static_cast<int>(rate * 2000 * 0.9)) << rate;
    EXPECT_LE(duplicates, static_cast<int>(rate * 2000) + 1) << rate;
  }
}

TEST(Simulator, SizesScaleWithVehicles) {
  const Output small = Simulated(100, 5, 0.02);
  const Output large = Simulated(400, 5, 0.02);
  EXPECT_GT(large.key.reports, 3 * small.key.reports);
  EXPECT_LT(large.key.reports, 5 * small.key.reports);
  // Packs of 2-4 modules of 4-8 cells: 10 to 37 reports of production per vehicle.
  EXPECT_GT(large.key.reports, 400u * 12);
  EXPECT_LT(large.key.reports, 400u * 45);
}

// ---- The EU battery passport's data (docs/simulator.md, "EU battery passport data"), checked
// from the reports as JSON against the wire format of docs/report-format.md.

std::vector<nlohmann::json> Reports(const Output& out) {
  std::vector<nlohmann::json> reports;
  for (const std::string& line : Lines(out.reports))
    reports.push_back(nlohmann::json::parse(line));
  return reports;
}

TEST(SimulatorEu, CarbonFootprintClasses) {
  EXPECT_EQ(CarbonFootprintClass(55), 'A');
  EXPECT_EQ(CarbonFootprintClass(60), 'B');
  EXPECT_EQ(CarbonFootprintClass(94.9), 'D');
  EXPECT_EQ(CarbonFootprintClass(95), 'E');
}

TEST(SimulatorEu, BatteryMakersDeclareAShareOfTheirPackModels) {
  const Output out = Simulated(600, 3, 0.0);
  std::map<std::pair<std::string, std::string>, std::string> first_pack;  // -> occurred
  std::map<std::pair<std::string, std::string>, char> chemistry;          // code letter
  std::map<std::pair<std::string, std::string>, std::vector<nlohmann::json>> declared;
  for (const nlohmann::json& r : Reports(out)) {
    const std::string type = r["type"];
    if (type == "battery.produced" && r["code"].get<std::string>()[3] == 'P') {
      const std::pair key{r["reporter"].get<std::string>(), r["model"].get<std::string>()};
      first_pack.insert({key, r["occurred"]});
      chemistry[key] = r["code"].get<std::string>()[4];
    } else if (type == "battery_model.declared") {
      declared[{r["reporter"], r["model"]}].push_back(r);
    }
  }
  ASSERT_FALSE(declared.empty());
  // About 70% of the pack models, each after its first pack, some declared again.
  EXPECT_GE(declared.size() * 10, first_pack.size() * 5);
  EXPECT_LT(declared.size(), first_pack.size());
  int again = 0, gtins = 0;
  for (const auto& [key, list] : declared) {
    ASSERT_TRUE(first_pack.count(key)) << key.second;
    const Date first = *Date::Parse(first_pack[key]);
    const Date occurred = *Date::Parse(list.front()["occurred"].get<std::string>());
    EXPECT_GT(occurred, first) << key.second;
    EXPECT_LE(occurred, first.AddDays(5)) << key.second;
    if (list.size() == 2) {
      ++again;
      EXPECT_GT(list[1]["occurred"].get<std::string>(), list[0]["occurred"].get<std::string>());
      EXPECT_NE(list[1]["carbon_footprint"], list[0]["carbon_footprint"]) << key.second;
      EXPECT_EQ(list[1]["materials"], list[0]["materials"]) << key.second;
    }
    ASSERT_LE(list.size(), 2u);
    for (const nlohmann::json& d : list) {
      EXPECT_EQ(d["category"], "ev");
      const bool lfp = chemistry[key] == 'B';
      EXPECT_EQ(d["chemistry"]["short_name"], lfp ? "LFP" : "NCM") << key.second;
      if (d.contains("gtin")) {
        ++gtins;
        auto gtin = ParseGtin(d["gtin"].get<std::string>());
        ASSERT_TRUE(gtin.ok()) << d["gtin"];
        EXPECT_EQ(*gtin, d["gtin"]);
      }
      const nlohmann::json& cf = d["carbon_footprint"];
      const double per_kwh = cf["per_kwh"];
      EXPECT_GE(per_kwh, lfp ? 50 : 68) << key.second;
      EXPECT_LE(per_kwh, lfp ? 86 : 111) << key.second;
      EXPECT_EQ(cf["class"], std::string(1, CarbonFootprintClass(per_kwh)));
      if (cf.contains("stages")) {
        double sum = 0;
        for (const auto& [stage, value] : cf["stages"].items())
          sum += value.get<double>();
        EXPECT_NEAR(sum, per_kwh, 0.05) << key.second;
      }
      for (const auto& [element, shares] : d["recycled_content"].items()) {
        EXPECT_TRUE(lfp ? element == "lithium"
                        : element == "lithium" || element == "nickel" || element == "cobalt");
        for (const char* s : {"pre_consumer", "post_consumer"}) {
          EXPECT_GE(shares[s].get<double>(), 0);
          EXPECT_LE(shares[s].get<double>(), 15);
        }
      }
      std::set<std::string> cas;
      for (const auto& list_name : {"materials", "hazardous_substances"}) {
        for (const nlohmann::json& m : d[list_name]) {
          EXPECT_TRUE(CheckCasNumber(m["cas"].get<std::string>()).ok()) << m["cas"];
          cas.insert(m["cas"]);
        }
      }
      EXPECT_TRUE(cas.count(lfp ? "15365-14-7" : "7440-48-4")) << key.second;
      EXPECT_TRUE(cas.count("7782-42-5") && cas.count("21324-40-3"));
      EXPECT_LT(d["idle_temperature_c"]["min"].get<int>(),
                d["idle_temperature_c"]["max"].get<int>());
      const nlohmann::json& e = d["electrical"];
      EXPECT_LT(e["voltage_min_v"].get<double>(), e["voltage_nominal_v"].get<double>());
      EXPECT_LT(e["voltage_nominal_v"].get<double>(), e["voltage_max_v"].get<double>());
      EXPECT_GT(d["warranty_months"].get<int>(), 0);
    }
  }
  EXPECT_GT(again, 0);
  EXPECT_GT(gtins, 0);
}

TEST(SimulatorEu, PacksOfModelsWithAGtinCarryAUniqueSerial) {
  const Output out = Simulated(600, 3, 0.05);
  const std::vector<nlohmann::json> reports = Reports(out);
  std::map<std::pair<std::string, std::string>, std::string> gtin;
  for (const nlohmann::json& r : reports) {
    if (r["type"] == "battery_model.declared" && r.contains("gtin"))
      gtin[{r["reporter"], r["model"]}] = r["gtin"];
  }
  ASSERT_FALSE(gtin.empty());
  std::set<std::pair<std::string, std::string>> links;
  int serials = 0;
  for (const nlohmann::json& r : reports) {
    if (r["type"] != "battery.produced") continue;
    const bool pack = r["code"].get<std::string>()[3] == 'P';
    auto it = gtin.find({r["reporter"], r["model"]});
    EXPECT_EQ(r.contains("serial"), pack && it != gtin.end()) << r.dump();
    if (!r.contains("serial")) continue;
    ++serials;
    const std::string serial = r["serial"];
    EXPECT_TRUE(CheckGs1Serial(serial).ok()) << serial;
    EXPECT_TRUE(links.insert({it->second, serial}).second) << serial;
  }
  EXPECT_GT(serials, 0);
}

TEST(SimulatorEu, HealthOfInstalledPacksByTheirHolders) {
  const Output out = Simulated(600, 3, 0.05);
  std::map<std::string, Role> roles;
  for (const std::string& line : Lines(out.registry)) {
    auto record = ParseRegistryRecord(line);
    if (const auto* e = std::get_if<Enterprise>(&*record)) roles[e->uscc.str()] = e->roles.front();
  }
  std::set<std::string> produced;
  std::map<std::string, std::string> removed;  // pack -> the day it left its vehicle
  std::map<std::string, std::vector<nlohmann::json>> health;
  std::set<std::string> vehicles;
  std::set<Role> by;
  for (const nlohmann::json& r : Reports(out)) {
    const std::string type = r["type"];
    if (type == "battery.produced") {
      produced.insert(r["code"].get<std::string>());
    } else if (type == "battery.replaced" || type == "vehicle.scrapped") {
      for (const auto& c : r[type == "battery.replaced" ? "removed" : "packs_present"])
        removed.insert({c.get<std::string>(), r["occurred"].get<std::string>()});
    } else if (type == "battery.swapped") {
      removed.insert({r["removed"].get<std::string>(), r["occurred"].get<std::string>()});
    } else if (type == "battery.health") {
      const std::string code = r["code"];
      EXPECT_TRUE(produced.count(code)) << code;
      const Role role = roles.at(r["reporter"].get<std::string>());
      by.insert(role);
      EXPECT_TRUE(role == Role::kVehicleMaker || role == Role::kSwapOperator ||
                  role == Role::kRepairShop)
          << r.dump();
      const std::string measured = r["measured"];
      auto at = ParseTimestamp(measured);
      ASSERT_TRUE(at.ok()) << measured;
      EXPECT_EQ(BeijingDate(*at).ToString(), r["occurred"]);
      EXPECT_LT(*at, *ParseTimestamp(r["reported"].get<std::string>()));
      const double soh = r["soh_capacity_pct"];
      EXPECT_GT(soh, 60);
      EXPECT_LE(soh, 100);
      EXPECT_LE(r["soh_energy_pct"].get<double>(), soh);
      EXPECT_GE(r["soc_pct"].get<int>(), 0);
      EXPECT_LE(r["soc_pct"].get<int>(), 100);
      health[code].push_back(r);
      vehicles.insert(r["id"].get<std::string>().substr(3, 17));
    }
  }
  ASSERT_FALSE(health.empty());
  // A share of the vehicles (30% of them, measured once a year), filed by vehicle makers and
  // swap operators, and by repair shops after a replacement.
  EXPECT_GT(vehicles.size(), 600u / 30);
  EXPECT_LT(vehicles.size(), 600u * 3 / 10);
  EXPECT_TRUE(by.count(Role::kVehicleMaker));
  for (const auto& [code, list] : health) {
    for (size_t i = 0; i < list.size(); ++i) {
      if (auto it = removed.find(code); it != removed.end()) {
        EXPECT_LT(list[i]["occurred"].get<std::string>(), it->second) << code;
      }
      if (i == 0) continue;
      // State of health falls, the counters rise.
      const nlohmann::json &a = list[i - 1], &b = list[i];
      EXPECT_LT(a["measured"].get<std::string>(), b["measured"].get<std::string>());
      EXPECT_LE(b["soh_capacity_pct"].get<double>(), a["soh_capacity_pct"].get<double>());
      for (const char* counter : {"full_cycles", "deep_discharge_events", "overcharge_events"})
        EXPECT_GE(b[counter].get<int64_t>(), a[counter].get<int64_t>()) << code;
    }
  }
}

TEST(SimulatorEu, HealthMeasuredAboutYearlyOverALongerWindow) {
  const Output out =
      Simulated(200, 9, 0.0, *Date::FromYmd(2029, 3, 31), *Date::FromYmd(2026, 4, 1));
  std::map<std::string, std::vector<Date>> days;
  for (const nlohmann::json& r : Reports(out)) {
    if (r["type"] == "battery.health")
      days[r["code"]].push_back(*Date::Parse(r["occurred"].get<std::string>()));
  }
  size_t most = 0;
  for (const auto& [code, list] : days) {
    most = std::max(most, list.size());
    for (size_t i = 1; i < list.size(); ++i) {
      const int32_t gap = list[i].days_since_epoch() - list[i - 1].days_since_epoch();
      EXPECT_GE(gap, 330) << code;
      EXPECT_LE(gap, 400) << code;
    }
  }
  EXPECT_GE(most, 2u);
}

TEST(Simulator, RejectsBadOptions) {
  SimOptions o;
  o.vehicles = 0;
  EXPECT_FALSE(ValidateOptions(o).ok());
  o.vehicles = 10;
  o.violations = 1.5;
  EXPECT_FALSE(ValidateOptions(o).ok());
  o.violations = 0.1;
  o.to = o.from.AddDays(10);
  EXPECT_FALSE(ValidateOptions(o).ok());
  o.to = o.from.AddDays(60);
  EXPECT_TRUE(ValidateOptions(o).ok());
}

}  // namespace
}  // namespace battrace::sim
