#include "sim/eu.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>

#include "core/gs1.h"
#include "sim/render.h"

namespace battrace::sim {

using nlohmann::json;

namespace {

// Streams of their own: the declarations' values, their later changes, their dates.
constexpr uint64_t kDeclarationStream = 0xDEC1A4ED;
constexpr uint64_t kChangeStream = 0xDEC1A4EE;
constexpr uint64_t kDeclarationDateStream = 0xDEC1A4EF;

double Round1(double x) {
  return std::round(x * 10.0) / 10.0;
}

// A share drawn in tenths of a percent: `lo`..`hi` tenths.
double Tenths(Rng& rng, int64_t lo, int64_t hi) {
  return static_cast<double>(rng.Range(lo, hi)) / 10.0;
}

json Material(const char* name, const char* cas, double kg, bool critical, const char* component) {
  return {{"name", name},
          {"cas", cas},
          {"mass_kg", Round3(kg)},
          {"critical", critical},
          {"component", component}};
}

}  // namespace

void DrawBatteryModels(World& w) {
  std::map<std::pair<int, std::string>, int> index;
  for (size_t i = 0; i < w.models.size(); ++i) {
    Model& m = w.models[i];
    std::string name = PackModelName(m);
    auto [it, added] = index.insert({{m.bm, name}, static_cast<int>(w.battery_models.size())});
    if (added) {
      BatteryModel b;
      b.bm = m.bm;
      b.name = std::move(name);
      b.model = static_cast<int>(i);
      w.battery_models.push_back(std::move(b));
    }
    m.battery_model = it->second;
  }
  // Exact shares, the first model of each kind included (Accumulator), so that a small world
  // has a declared model with a GTIN declared twice.
  Accumulator declared(kDeclaredShare), gtin(kGtinShare), again(kRedeclaredShare);
  for (size_t i = 0; i < w.battery_models.size(); ++i) {
    BatteryModel& b = w.battery_models[i];
    b.declared = declared.Add();
    if (!b.declared) continue;
    b.redeclared = again.Add();
    if (gtin.Add()) {
      // GS1 China's prefix 69, a company number per battery maker, the model as item.
      const auto pos =
          static_cast<uint64_t>(std::find(w.bms.begin(), w.bms.end(), b.bm) - w.bms.begin());
      b.gtin = "069" + Pad(21000 + pos * 17, 5) + Pad(i + 1, 5);
      b.gtin += Gs1CheckDigit(b.gtin);
    }
  }
}

char CarbonFootprintClass(double per_kwh) {
  return per_kwh < 60 ? 'A' : per_kwh < 70 ? 'B' : per_kwh < 80 ? 'C' : per_kwh < 95 ? 'D' : 'E';
}

json DeclarationBody(const World& w, size_t index, int version) {
  const BatteryModel& b = w.battery_models[index];
  const Model& m = w.models[static_cast<size_t>(b.model)];
  const Ent& maker = w.ents[static_cast<size_t>(b.bm)];
  const Figures f = PackFigures(m);
  const bool lfp = m.chemistry == 'B';
  const int cells = m.cells * m.modules;
  const double cells_kg = m.cell_kg * cells;
  // The same draws for every version; the later version's changes from a stream of their own.
  Rng rng(Mix(Mix(w.options.seed, kDeclarationStream), index));
  Rng change(Mix(Mix(w.options.seed, kChangeStream), index));
  const bool later = version > 1;
  std::string host = maker.tag;
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  const std::string site = "https://www." + host + ".example.cn/eu/" + b.name + "/";

  json d;
  d["model"] = b.name;
  d["category"] = "ev";
  if (!b.gtin.empty()) d["gtin"] = b.gtin;
  d["chemistry"] =
      lfp ? json{{"short_name", "LFP"}, {"clear_name", "lithium iron phosphate"}}
          : json{{"short_name", "NCM"}, {"clear_name", "lithium nickel cobalt manganese oxide"}};

  // Carbon footprint in tenths of kg CO2e/kWh, split over the life cycle stages; a later
  // declaration (the verified study) moves it by -8% to +5%.
  int64_t total = lfp ? rng.Range(550, 850) : rng.Range(750, 1100);
  if (later) total = total * change.Range(920, 1050) / 1000;
  const int64_t raw = total * rng.Range(55, 65) / 100;
  const int64_t production = total * rng.Range(25, 33) / 100;
  const int64_t distribution = total * rng.Range(1, 3) / 100;
  const int64_t recycling = total - raw - production - distribution;
  const bool with_stages = rng.Chance(0.7);
  const double per_kwh = static_cast<double>(total) / 10.0;
  json cf = {{"per_kwh", per_kwh},
             {"class", std::string(1, CarbonFootprintClass(per_kwh))},
             {"study", site + (later ? "carbon-footprint-verified.pdf" : "carbon-footprint.pdf")}};
  if (with_stages) {
    cf["stages"] = {{"raw_material_extraction", static_cast<double>(raw) / 10.0},
                    {"main_production", static_cast<double>(production) / 10.0},
                    {"distribution", static_cast<double>(distribution) / 10.0},
                    {"recycling", static_cast<double>(recycling) / 10.0}};
  }
  d["carbon_footprint"] = cf;

  // Recycled content: a few percent; nickel and cobalt only where the cathode has them.
  auto share = [&](int64_t pre_hi, int64_t post_hi) {
    return json{{"pre_consumer", Tenths(rng, 5, pre_hi)},
                {"post_consumer", Tenths(rng, 0, post_hi)}};
  };
  json recycled = {{"lithium", share(40, 30)}};
  if (!lfp) {
    recycled["nickel"] = share(60, 80);
    recycled["cobalt"] = share(80, 120);
  }
  d["recycled_content"] = recycled;
  double renewable = Tenths(rng, 20, 150);
  if (later) renewable = Round1(renewable + Tenths(change, 5, 30));
  d["renewable_content_pct"] = renewable;

  // Materials of the cells and the casing, with the critical raw materials (lithium, nickel,
  // cobalt, manganese, natural graphite, copper, aluminium) as their own entries.
  json materials = json::array();
  if (lfp) {
    materials.push_back(Material("LiFePO4", "15365-14-7", cells_kg * 0.30, false, "cathode"));
  } else {
    materials.push_back(Material("lithium nickel manganese cobalt oxide", "346417-97-8",
                                 cells_kg * 0.28, false, "cathode"));
    materials.push_back(Material("nickel", "7440-02-0", f.ni, true, "cathode"));
    materials.push_back(Material("cobalt", "7440-48-4", f.co, true, "cathode"));
    materials.push_back(Material("manganese", "7439-96-5", f.mn, true, "cathode"));
  }
  materials.push_back(Material("lithium", "7439-93-2", f.li, true, "cathode"));
  materials.push_back(Material("graphite", "7782-42-5", cells_kg * 0.16, true, "anode"));
  materials.push_back(Material("copper", "7440-50-8", cells_kg * 0.10, true, "anode"));
  materials.push_back(Material("LiPF6", "21324-40-3", cells_kg * 0.015, false, "electrolyte"));
  materials.push_back(
      Material("ethylene carbonate", "96-49-1", cells_kg * 0.05, false, "electrolyte"));
  materials.push_back(
      Material("dimethyl carbonate", "616-38-6", cells_kg * 0.05, false, "electrolyte"));
  materials.push_back(Material("polyethylene", "9002-88-4", cells_kg * 0.02, false, "separator"));
  materials.push_back(Material("aluminium", "7429-90-5", (f.kg - cells_kg) * 0.8 + cells_kg * 0.06,
                               true, "casing"));
  d["materials"] = materials;
  d["hazardous_substances"] = json::array({{{"name", "LiPF6"},
                                            {"cas", "21324-40-3"},
                                            {"class", "acute_toxicity"},
                                            {"concentration_pct", Tenths(rng, 10, 18)},
                                            {"component", "electrolyte"}},
                                           {{"name", "ethylene carbonate"},
                                            {"cas", "96-49-1"},
                                            {"class", "eye_damage"},
                                            {"concentration_pct", Tenths(rng, 30, 60)},
                                            {"component", "electrolyte"}}});
  d["extinguishing_agents"] =
      lfp ? json::array({"water", "dry chemical powder"}) : json::array({"water"});

  const auto maker_pos = std::find(w.bms.begin(), w.bms.end(), b.bm) - w.bms.begin();
  d["lifetime"] = {{"expected_years", lfp ? rng.Range(10, 15) : rng.Range(8, 12)},
                   {"cycle_life", (lfp ? rng.Range(30, 60) : rng.Range(15, 30)) * 100},
                   {"cycle_life_test", maker_pos % 2 == 0 ? "GB/T 31484-2015" : "IEC 62660-1:2018"},
                   {"capacity_threshold_pct", lfp ? 70 : 80}};
  const double cell_mohm = lfp ? Tenths(rng, 3, 10) : Tenths(rng, 5, 15);
  d["electrical"] = {
      {"voltage_min_v", Round1(cells * (lfp ? 2.5 : 3.0))},
      {"voltage_nominal_v", Round1(f.v)},
      {"voltage_max_v", Round1(cells * (lfp ? 3.65 : 4.2))},
      {"power_rated_kw", Round1(f.kwh * (lfp ? 1.0 : 1.5))},
      {"power_max_kw", Round1(f.kwh * (lfp ? 2.0 : 3.0))},
      {"round_trip_efficiency_pct", lfp ? Tenths(rng, 940, 970) : Tenths(rng, 920, 950)},
      {"internal_resistance_mohm", Round1(cells * cell_mohm + m.modules * 0.5)}};
  d["idle_temperature_c"] = {{"min", -rng.Range(20, 30)}, {"max", rng.Range(45, 55)}};
  int64_t warranty = lfp && rng.Chance(0.5) ? 120 : 96;
  if (later && change.Chance(0.5)) warranty += 24;
  d["warranty_months"] = warranty;
  json documents = {{"declaration_of_conformity", site + "declaration-of-conformity.pdf"},
                    {"test_report", site + "test-report.pdf"},
                    {"dismantling_manual", site + "dismantling-manual.pdf"}};
  if (rng.Chance(0.6))
    documents["due_diligence_report"] =
        "https://www." + host + ".example.cn/eu/due-diligence-report.pdf";
  d["documents"] = documents;
  return d;
}

void AddDeclarations(const World& w, const std::vector<std::optional<Date>>& first_pack,
                     std::vector<std::pair<Date, Line>>& lines) {
  for (size_t i = 0; i < w.battery_models.size(); ++i) {
    const BatteryModel& b = w.battery_models[i];
    if (!b.declared || !first_pack[i]) continue;
    Rng rng(Mix(Mix(w.options.seed, kDeclarationDateStream), i));
    Date occurred = first_pack[i]->AddDays(static_cast<int32_t>(rng.Range(1, 5)));
    for (int version = 1; version <= (b.redeclared ? 2 : 1); ++version) {
      if (version > 1) occurred = occurred.AddDays(static_cast<int32_t>(rng.Range(30, 150)));
      const Date day = occurred.AddDays(static_cast<int32_t>(rng.Range(1, 3)));
      const int second = static_cast<int>(rng.Range(8 * 3600, 20 * 3600));
      json r = Envelope(w, b.bm, "bmd-" + b.name + "-" + std::to_string(version),
                        "battery_model.declared", occurred, day, second);
      r.update(DeclarationBody(w, i, version));
      lines.emplace_back(day, ToLine(w, b.bm, r, day, second));
    }
  }
}

Line HealthLine(const World& w, const Plan& p, const Event& e) {
  const Model& m = w.models[static_cast<size_t>(p.model)];
  const Figures f = PackFigures(m);
  const bool lfp = m.chemistry == 'B';
  // In service from the registration (the original pack) or the replacement or swap.
  Date start;
  for (const Event& x : p.events) {
    if ((e.slot == 0 && x.kind == Ev::kSold) ||
        (e.slot == 1 && (x.kind == Ev::kReplaced || x.kind == Ev::kSwapped))) {
      start = x.occurred;
      break;
    }
  }
  // The pack's own rates, the same at every measurement: the figures grow (and the state of
  // health falls) with its age.
  const uint64_t stream =
      Mix(HealthStream(w.options.seed, p.idx), 1 + static_cast<uint64_t>(e.slot));
  Rng pack(stream);
  const double cycles_a_year =
      static_cast<double>(m.vehicle_type == "M3 bus"           ? pack.Range(250, 400)
                          : m.vehicle_type == "N1 light truck" ? pack.Range(120, 250)
                                                               : pack.Range(60, 150));
  const double calendar_fade = lfp ? Tenths(pack, 10, 20) : Tenths(pack, 15, 30);  // % a year
  const double cycle_fade =
      static_cast<double>(lfp ? pack.Range(20, 40) : pack.Range(40, 80)) / 10000.0;  // % a cycle
  const double soh_new = 100.0 - Tenths(pack, 0, 8);
  const double energy_gap = Tenths(pack, 3, 15);
  const std::array<double, 4> hours_a_year = {
      static_cast<double>(pack.Range(2, 40)), static_cast<double>(pack.Range(0, 80)),
      static_cast<double>(pack.Range(0, 4)), static_cast<double>(pack.Range(0, 6))};
  const double deep_a_year = Tenths(pack, 0, 6);
  const double over_a_year = Tenths(pack, 0, 3);
  const bool accident = pack.Chance(0.03);
  const Date accident_day = start.AddDays(static_cast<int32_t>(pack.Range(20, 900)));
  static constexpr std::array<const char*, 3> kAccidents = {
      "rear collision, pack inspected", "underbody impact, pack housing inspected",
      "vehicle flooded to the sill, pack inspected"};
  const char* accident_text = kAccidents[static_cast<size_t>(pack.Range(0, 2))];

  Rng reading(Mix(stream, static_cast<uint64_t>(e.step)));
  const double years =
      static_cast<double>(e.occurred.days_since_epoch() - start.days_since_epoch()) / 365.25;
  const auto cycles = static_cast<int64_t>(std::floor(cycles_a_year * years));
  const double soh = std::max(
      60.0, Round1(soh_new - calendar_fade * years - cycle_fade * static_cast<double>(cycles)));
  const double soh_energy = std::max(55.0, Round1(soh - energy_gap));
  const int64_t second = reading.Range(0, 86399);
  char time[16];
  std::snprintf(time, sizeof time, "T%02d:%02d:%02d+08:00", static_cast<int>(second / 3600),
                static_cast<int>(second / 60 % 60), static_cast<int>(second % 60));

  json r = Envelope(w, e.by, EventId(p, e), "battery.health", e.occurred, e.reported, e.second);
  r["code"] = PackCode(w, p, e.slot, SlotDay(p, e.slot));
  r["measured"] = e.occurred.ToString() + time;
  r["soh_capacity_pct"] = soh;
  r["remaining_capacity_ah"] = Round1(f.ah * soh / 100);
  r["soh_energy_pct"] = soh_energy;
  r["remaining_energy_kwh"] = Round3(f.kwh * soh_energy / 100);
  r["soc_pct"] = reading.Range(20, 95);
  r["full_cycles"] = cycles;
  r["deep_discharge_events"] = static_cast<int64_t>(std::floor(deep_a_year * years));
  r["overcharge_events"] = static_cast<int64_t>(std::floor(over_a_year * years));
  // A repair shop reads the state of health and the counters; the vehicle maker's and the swap
  // operator's battery management data also carry throughput and time at extreme temperatures.
  if (w.ents[static_cast<size_t>(e.by)].kind != Role::kRepairShop) {
    r["energy_throughput_kwh"] = Round1(static_cast<double>(cycles) * f.kwh * 0.98);
    r["capacity_throughput_ah"] = Round1(static_cast<double>(cycles) * f.ah * 0.98);
    r["extreme_temperature_hours"] = {{"high", Round1(hours_a_year[0] * years)},
                                      {"low", Round1(hours_a_year[1] * years)},
                                      {"high_charging", Round1(hours_a_year[2] * years)},
                                      {"low_charging", Round1(hours_a_year[3] * years)}};
  }
  if (accident && accident_day < e.occurred) {
    r["accidents"] =
        json::array({{{"date", accident_day.ToString()}, {"description", accident_text}}});
  }
  return ToLine(w, e.by, r, e.reported, e.second);
}

}  // namespace battrace::sim
