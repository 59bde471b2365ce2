// The simulator: a world (registry, outlets, models: world.h), one plan per vehicle (plan.h), its
// reports (render.h), and here the day-by-day writer and the answer key. See docs/simulator.md
// for what is simulated and why.
//
// A vehicle's plan is a pure function of (options, world, vehicle index, injection mask): the
// writer rebuilds it whenever one of its reports falls due instead of keeping it in memory.
// Injections are chosen in a first pass, which also records the answer key from them.
#include "sim/simulator.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <tuple>
#include <utility>

#include "domain/finding.h"
#include "sim/eu.h"
#include "sim/plan.h"
#include "sim/random.h"
#include "sim/render.h"
#include "sim/world.h"

namespace battrace::sim {
namespace {

using nlohmann::json;

json EnterpriseJson(const World& w, const Ent& e) {
  json r;
  r["kind"] = "enterprise";
  r["uscc"] = e.uscc;
  r["name"] = e.name;
  r["roles"] = {std::string(RoleName(e.kind))};
  r["division"] = e.division;
  r["manufacturer_codes"] =
      e.manufacturer_code.empty() ? json::array() : json::array({e.manufacturer_code});
  r["wmi"] = e.wmi.empty() ? json::array() : json::array({e.wmi});
  json coop = json::array();
  for (int v : e.cooperates_with)
    coop.push_back(w.ents[static_cast<size_t>(v)].uscc);
  r["cooperates_with"] = coop;
  json quals = json::array();
  for (const Qual& q : e.qualifications)
    quals.push_back(
        {{"type", q.type}, {"valid_from", q.from.ToString()}, {"valid_to", q.to.ToString()}});
  r["qualifications"] = quals;
  r["successor_of"] = json::array();
  return r;
}

bool FindingLess(const Finding& a, const Finding& b) {
  auto due = [](const Finding& f) { return f.due ? f.due->ToString() : std::string(); };
  return std::tie(a.kind, a.party, a.subject) < std::tie(b.kind, b.party, b.subject) ||
         (std::tie(a.kind, a.party, a.subject) == std::tie(b.kind, b.party, b.subject) &&
          std::make_pair(due(a), a.evidence) < std::make_pair(due(b), b.evidence));
}

}  // namespace

Status ValidateOptions(const SimOptions& options) {
  if (options.vehicles == 0 || options.vehicles > 10000000)
    return Status::Invalid("--vehicles", "sim.range",
                           "the number of vehicles must be 1..10,000,000");
  if (!(options.violations >= 0 && options.violations <= 1))
    return Status::Invalid("--violations", "sim.range", "the violation rate must be in 0..1");
  if (options.from.year() < 2011 || options.to.year() > 2040)
    return Status::Invalid("--from", "sim.range",
                           "dates must be in 2011-2040 (battery code years)");
  if (options.to.days_since_epoch() - options.from.days_since_epoch() < 30)
    return Status::Invalid("--to", "sim.range", "--to must be at least 30 days after --from");
  return Status::Ok();
}

Result<AnswerKey> Simulate(const SimOptions& options, std::ostream& registry_out,
                           std::ostream& reports_out) {
  BATTRACE_RETURN_IF_ERROR(ValidateOptions(options));
  auto built = BuildWorld(options);
  if (!built.ok()) return built.status();
  WorldBuild& build = *built;
  const World& w = build.world;
  AnswerKey key;

  for (const Ent& e : w.ents) {
    registry_out << EnterpriseJson(w, e).dump() << '\n';
    ++key.registry_records;
  }
  for (const auto& [department, division] : w.regulators) {
    std::string id = department;
    id += '-';
    id += division;
    std::transform(id.begin(), id.end(), id.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    registry_out << json{{"kind", "regulator"},
                         {"id", id},
                         {"department", department},
                         {"division", division}}
                        .dump()
                 << '\n';
    ++key.registry_records;
  }

  // Pass 1: choose the injections, record their findings, and index every report by its day.
  const Planner planner(w);
  const int32_t first = options.from.days_since_epoch();
  const size_t days = static_cast<size_t>(options.to.days_since_epoch() - first) + 1;
  std::vector<std::vector<std::pair<uint32_t, uint16_t>>> buckets(days);
  std::vector<uint32_t> masks(options.vehicles);
  // One accumulator per injection and variant: RATE added at each opportunity, an injection
  // each time it reaches 1. It starts at 1 - RATE, so that the first opportunity injects.
  std::array<Accumulator, kInjCount * kVariants> acc;
  acc.fill(Accumulator(options.violations));
  // The day each battery model's first pack was produced: its maker declares it after.
  std::vector<std::optional<Date>> first_pack(w.battery_models.size());
  for (uint64_t idx = 0; idx < options.vehicles; ++idx) {
    const Plan base = planner.Build(idx, 0);
    uint32_t mask = 0;
    for (int k = 0; k < kInjCount; ++k) {
      if (!((base.feasible >> k) & 1u)) continue;
      const bool exclusive = k < kExclusiveEnd;
      if (exclusive && (mask & ((1u << kExclusiveEnd) - 1))) continue;
      if (k == kIncompleteId && (mask & (1u << kMissingProduced))) continue;
      // A second sale or a second vehicle needs the vehicle produced and the first sale on time.
      if ((k == kSecondSale || k == kImpersonatedVin) && (mask & (1u << kMissingProduced)))
        continue;
      if (k == kSecondSale && (mask & (1u << kLateSold))) continue;
      const size_t slot = static_cast<size_t>(k) * kVariants + base.variant[static_cast<size_t>(k)];
      if (acc[slot].Add()) mask |= 1u << k;
    }
    masks[idx] = mask;
    Plan plan = planner.Build(idx, mask);
    for (Finding& f : plan.findings)
      key.findings.push_back(std::move(f));
    for (size_t i = 0; i < plan.events.size(); ++i) {
      const Event& e = plan.events[i];
      if (e.kind == Ev::kBatteries) {
        auto& first = first_pack[static_cast<size_t>(
            w.models[static_cast<size_t>(plan.model)].battery_model)];
        if (!first || e.occurred < *first) first = e.occurred;
      }
      if (!e.emit || e.reported > options.to) continue;
      buckets[static_cast<size_t>(e.reported.days_since_epoch() - first)].push_back(
          {static_cast<uint32_t>(idx), static_cast<uint16_t>(i)});
    }
  }
  AddDeclarations(w, first_pack, build.lines);
  std::sort(build.lines.begin(), build.lines.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });

  // Pass 2: day by day, rebuild the plans with reports that day, sort, write.
  std::map<std::pair<int, std::string>, std::string> first_sale;  // coverage gap evidence
  std::map<int, std::pair<std::string, Date>> first_produced;     // per model
  size_t world_next = 0;
  std::vector<Line> lines;
  for (size_t d = 0; d < days; ++d) {
    const Date day = Date::FromDays(first + static_cast<int32_t>(d));
    lines.clear();
    while (world_next < build.lines.size() && build.lines[world_next].first <= day) {
      if (build.lines[world_next].first == day) lines.push_back(build.lines[world_next].second);
      ++world_next;
    }
    uint64_t cached = UINT64_MAX;
    Plan plan;
    for (const auto& [idx, i] : buckets[d]) {
      if (idx != cached) {
        plan = planner.Build(idx, masks[idx]);
        cached = idx;
      }
      Render(w, plan, plan.events[i], lines);
    }
    std::vector<std::pair<uint32_t, uint16_t>>().swap(buckets[d]);
    std::sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) {
      return std::tie(a.at, a.reporter, a.id) < std::tie(b.at, b.reporter, b.id);
    });
    for (const Line& l : lines) {
      reports_out << l.text << '\n';
      ++key.reports;
      const std::string ref = l.reporter + "/" + l.id;
      if (l.sale_vm >= 0) {
        first_sale.insert({{l.sale_vm, l.city}, ref});
        if (l.sale_bm >= 0) first_sale.insert({{l.sale_bm, l.province}, ref});
      }
      if (l.produced_model >= 0) first_produced.insert({l.produced_model, {ref, l.occurred}});
    }
  }

  // Findings of the world: coverage gaps where something was sold, disassembly info overdue.
  for (const auto& gap : w.gaps) {
    auto it = first_sale.find(gap);
    if (it == first_sale.end()) continue;
    const Ent& e = w.ents[static_cast<size_t>(gap.first)];
    const bool vm = e.kind == Role::kVehicleMaker;
    key.findings.push_back({"outlet_coverage_gap",
                            vm ? "15" : "14",
                            e.uscc,
                            gap.second,
                            std::nullopt,
                            {it->second},
                            {"MIIT", Authority(w, "MIIT", e.division)},
                            std::string("no recycling outlet in a ") + (vm ? "city" : "province") +
                                " where its " + (vm ? "vehicles" : "packs") + " were sold",
                            {},
                            {}});
  }
  for (size_t mi = 0; mi < w.models.size(); ++mi) {
    if (!w.model_info_missing[mi]) continue;
    auto it = first_produced.find(static_cast<int>(mi));
    if (it == first_produced.end()) continue;
    const Model& m = w.models[mi];
    auto due = w.deadlines.Find("24.1", it->second.second);
    if (!due || !(due->due < options.to)) continue;
    const Ent& e = w.ents[static_cast<size_t>(m.vm)];
    key.findings.push_back({"overdue_report",
                            due->article,
                            e.uscc,
                            m.name,
                            due->due,
                            {it->second.first},
                            {"MIIT", Authority(w, "MIIT", e.division)},
                            "vehicle model produced without disassembly information",
                            {},
                            {}});
  }
  std::sort(key.findings.begin(), key.findings.end(), FindingLess);
  return key;
}

json AnswerKeyToJson(const AnswerKey& key) {
  json out = json::array();
  for (const Finding& f : key.findings)
    out.push_back(json(domain::FindingToJson(f)));
  return out;
}

}  // namespace battrace::sim
