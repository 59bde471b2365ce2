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

#include "domain/registry.h"
#include "domain/report.h"

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
        "battery.utilized", "product.outbound", "outlet.registered", "model.disassembly_info"}) {
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
