#include "sim/world.h"

#include <algorithm>
#include <array>

#include "core/division.h"
#include "core/uscc.h"
#include "sim/eu.h"
#include "sim/random.h"

namespace battrace::sim {

using nlohmann::json;

namespace {

std::string OrgCode(uint64_t n) {
  static constexpr std::array<int, 8> kWeights = {3, 7, 9, 10, 5, 8, 4, 2};
  std::string s = Pad(n % 100000000, 8);
  int sum = 0;
  for (size_t i = 0; i < 8; ++i)
    sum += (s[i] - '0') * kWeights[i];
  const int c = 11 - sum % 11;
  s += c == 10 ? 'X' : c == 11 ? '0' : static_cast<char>('0' + c);
  return s;
}

template <typename T>
void Shuffle(Rng& rng, std::vector<T>& v) {
  for (size_t i = v.size(); i > 1; --i)
    std::swap(v[i - 1], v[static_cast<size_t>(rng.Range(0, static_cast<int64_t>(i) - 1))]);
}

int64_t Clamp(int64_t v, int64_t lo, int64_t hi) {
  return std::min(std::max(v, lo), hi);
}
}  // namespace

std::string MakeUscc(const std::string& division, uint64_t n) {
  std::string first17 = "91" + division + OrgCode(n);
  return first17 + Uscc::ComputeCheckCharacter(first17);
}

std::string Authority(const World& w, const std::string& department, const std::string& division) {
  const std::array<std::string, 4> candidates = {division, division.substr(0, 4) + "00",
                                                 division.substr(0, 2) + "0000", "000000"};
  for (const std::string& c : candidates) {
    if (w.regulators.count({department, c})) return c;
  }
  return division;
}

std::string PackModelName(const Model& m) {
  return m.spec + "-pack" + std::to_string(m.modules);
}

Instant At(Date day, int second) {
  return EndOfBeijingDay(day.AddDays(-1)) + static_cast<Instant>(second) * 1000000;
}

json Envelope(const World& w, int reporter, const std::string& id, const char* type, Date occurred,
              Date reported_day, int second) {
  json r;
  r["id"] = id;
  r["type"] = type;
  r["reporter"] = w.ents[static_cast<size_t>(reporter)].uscc;
  r["occurred"] = occurred.ToString();
  r["reported"] = FormatTimestamp(At(reported_day, second));
  return r;
}

Line ToLine(const World& w, int reporter, const json& r, Date reported_day, int second) {
  Line l;
  l.at = At(reported_day, second);
  l.reporter = w.ents[static_cast<size_t>(reporter)].uscc;
  l.id = r["id"].get<std::string>();
  l.text = r.dump();
  return l;
}

Result<WorldBuild> BuildWorld(const SimOptions& o) {
  auto deadlines = Deadlines::Default();
  if (!deadlines.ok()) return deadlines.status();
  WorldBuild build{World(o, *deadlines), {}};
  World& w = build.world;
  Rng rng(Mix(o.seed, 0x5EED0F3A11D));
  const int64_t n = static_cast<int64_t>(o.vehicles);

  // Provinces and cities with their counties, from the GB/T 2260 list.
  std::map<std::string, std::vector<std::string>> counties_of_city;
  for (const Division& d : Division::All(DivisionLevel::kCounty))
    counties_of_city[d.city_code()].push_back(d.code());
  std::map<std::string, std::vector<std::string>> cities_of_province;
  for (const Division& d : Division::All(DivisionLevel::kCity))
    cities_of_province[d.province_code()].push_back(d.code());
  std::vector<std::string> provinces;
  provinces.reserve(cities_of_province.size());
  for (const auto& [province, cities] : cities_of_province)
    provinces.push_back(province);
  Shuffle(rng, provinces);
  provinces.resize(
      static_cast<size_t>(Clamp(4 + n / 4000, 4, static_cast<int64_t>(provinces.size()))));
  std::sort(provinces.begin(), provinces.end());
  for (const std::string& province : provinces) {
    std::vector<std::string> cities = cities_of_province[province];
    Shuffle(rng, cities);
    cities.resize(static_cast<size_t>(
        Clamp(rng.Range(1, 2 + n / 20000), 1, static_cast<int64_t>(cities.size()))));
    std::sort(cities.begin(), cities.end());
    for (const std::string& c : cities) {
      City city{c, province, counties_of_city[c]};
      if (city.counties.empty()) city.counties.push_back(c);
      w.cities.push_back(std::move(city));
    }
  }
  auto some_county = [&] {
    return rng.Pick(
        w.cities[static_cast<size_t>(rng.Range(0, static_cast<int64_t>(w.cities.size()) - 1))]
            .counties);
  };

  // Enterprises.
  const uint64_t org_base = (o.seed % 9000) * 10000 + 10000000;
  auto add = [&](Role kind, const std::string& tag, const std::string& name) {
    Ent e;
    e.kind = kind;
    e.tag = tag;
    e.name = name;
    e.division = some_county();
    e.uscc = MakeUscc(e.division, org_base + w.ents.size());
    w.ents.push_back(std::move(e));
    return static_cast<int>(w.ents.size()) - 1;
  };
  auto tag = [](char c, int64_t i) {
    return std::string(1, c) + Pad(static_cast<uint64_t>(i + 1), 2);
  };
  const int64_t n_bm = Clamp(3 + n / 25000, 3, 12);
  const int64_t n_vm = Clamp(4 + n / 12000, 4, 24);
  for (int64_t i = 0; i < n_bm; ++i) {
    const int e =
        add(Role::kBatteryMaker, tag('B', i), "Battery Maker " + tag('B', i) + " Co., Ltd.");
    w.ents[static_cast<size_t>(e)].manufacturer_code = std::to_string(101 + 13 * i);
    w.bms.push_back(e);
  }
  static constexpr char kVinLetters[] = "ABCDEFGHJKLMNPRSTUVWXYZ";
  for (int64_t i = 0; i < n_vm; ++i) {
    const int e =
        add(Role::kVehicleMaker, tag('V', i), "Vehicle Maker " + tag('V', i) + " Co., Ltd.");
    std::string wmi = "L";
    wmi += kVinLetters[(i / 23 + 7) % 23];
    wmi += kVinLetters[i % 23];
    w.ents[static_cast<size_t>(e)].wmi = wmi;
    w.vms.push_back(e);
  }
  for (int64_t i = 0; i < Clamp(2 + n / 50000, 2, 10); ++i)
    w.swaps.push_back(
        add(Role::kSwapOperator, tag('S', i), "Swap Operator " + tag('S', i) + " Co., Ltd."));
  for (int64_t i = 0; i < Clamp(n / 400, 8, 400); ++i) {
    const int e = add(Role::kRepairShop, tag('R', i), "Repair Shop " + tag('R', i) + " Co., Ltd.");
    // Shop 0 cooperates, shop 1 does not; the others cooperate with one or two makers 60% of
    // the time.
    const bool coop = i == 0 || (i != 1 && rng.Chance(0.6));
    if (coop) {
      std::set<int> with = {i == 0 ? w.vms[0] : rng.Pick(w.vms)};
      if (rng.Chance(0.3)) with.insert(rng.Pick(w.vms));
      w.ents[static_cast<size_t>(e)].cooperates_with.assign(with.begin(), with.end());
    }
    w.shops.push_back(e);
  }
  for (int64_t i = 0; i < Clamp(n / 1500, 4, 150); ++i)
    w.dismantlers.push_back(
        add(Role::kDismantler, tag('D', i), "Vehicle Dismantler " + tag('D', i) + " Co., Ltd."));
  // Qualifications granted three years before the window and valid five years after it.
  const Date long_ago = o.from.AddDays(-3 * 365);
  const Date far_ahead = o.to.AddDays(5 * 365);
  auto qualified = [&](int e) {
    for (const char* type : {"investment_filing", "eia", "discharge_permit"})
      w.ents[static_cast<size_t>(e)].qualifications.push_back({type, long_ago, far_ahead});
  };
  for (int64_t i = 0; i < Clamp(3 + n / 20000, 3, 30); ++i) {
    const int e = add(Role::kRecycler, tag('C', i), "Recycler " + tag('C', i) + " Co., Ltd.");
    qualified(e);
    w.recyclers.push_back(e);
  }
  w.eia_expiry = o.from.AddDays((o.to.days_since_epoch() - o.from.days_since_epoch()) / 3);
  w.bad_eia = add(Role::kRecycler, "CX1", "Recycler CX1 Co., Ltd.");
  qualified(w.bad_eia);
  w.ents[static_cast<size_t>(w.bad_eia)].qualifications[1].to = w.eia_expiry;
  w.bad_filing = add(Role::kRecycler, "CX2", "Recycler CX2 Co., Ltd.");
  qualified(w.bad_filing);
  w.ents[static_cast<size_t>(w.bad_filing)].qualifications[0] = {
      "investment_filing", o.from.AddDays(-5 * 365), o.from.AddDays(-200)};
  for (int64_t i = 0; i < 1 + (n >= 100000 ? 1 : 0); ++i)
    w.ebikes.push_back(
        add(Role::kEbikeMaker, tag('E', i), "E-bike Maker " + tag('E', i) + " Co., Ltd."));
  for (int i = 0; i < 8; ++i)
    w.unregistered.push_back(MakeUscc(some_county(), org_base + 9000 + static_cast<uint64_t>(i)));

  // Markets and models.
  static constexpr std::array<double, 4> kLfpAh = {100, 150, 206, 280};
  static constexpr std::array<double, 4> kNcmAh = {50, 60, 117, 150};
  static constexpr std::array<const char*, 3> kTypes = {"M1 passenger car", "N1 light truck",
                                                        "M3 bus"};
  for (size_t v = 0; v < w.vms.size(); ++v) {
    std::vector<int> cities(w.cities.size());
    for (size_t c = 0; c < cities.size(); ++c)
      cities[c] = static_cast<int>(c);
    Shuffle(rng, cities);
    cities.resize(
        static_cast<size_t>(rng.Range(std::max<int64_t>(1, static_cast<int64_t>(cities.size()) / 3),
                                      static_cast<int64_t>(cities.size()))));
    std::sort(cities.begin(), cities.end());
    w.vm_cities.push_back(cities);
    std::vector<int> suppliers = {rng.Pick(w.bms), rng.Pick(w.bms)};
    std::vector<int> models;
    const int64_t count = rng.Range(2, 3);
    for (int64_t k = 0; k < count; ++k) {
      Model m;
      m.vm = w.vms[v];
      m.bm = rng.Pick(suppliers);
      const Ent& vm = w.ents[static_cast<size_t>(m.vm)];
      m.brand = "Brand " + vm.tag;
      m.name = vm.tag + "-M" + std::to_string(k + 1);
      m.vehicle_type = kTypes[static_cast<size_t>(rng.Range(0, 2))];
      m.chemistry = rng.Chance(0.6) ? 'B' : 'E';
      m.spec = Pad(static_cast<uint64_t>(rng.Range(10, 99)), 2);
      m.modules = static_cast<int>(rng.Range(2, 4));
      m.cells = static_cast<int>(rng.Range(4, 8));
      if (m.chemistry == 'B') {
        m.cell_ah = kLfpAh[static_cast<size_t>(rng.Range(0, 3))];
        m.cell_v = 3.2;
        m.cell_kg = Round3(m.cell_ah * 0.0195);
      } else {
        m.cell_ah = kNcmAh[static_cast<size_t>(rng.Range(0, 3))];
        m.cell_v = 3.65;
        m.cell_kg = Round3(m.cell_ah * 0.0145);
      }
      m.swappable = k == 1 && v % 2 == 0;
      models.push_back(static_cast<int>(w.models.size()));
      w.models.push_back(m);
    }
    w.vm_models.push_back(models);
  }

  // Regulators: MIIT nationally and in every province of the world, and in two cities; NDRC,
  // MEE and MOFCOM nationally and in the first half of those provinces.
  std::set<std::string> world_provinces;
  for (const City& c : w.cities)
    world_provinces.insert(c.province);
  for (const char* dep : {"MIIT", "NDRC", "MEE", "MOFCOM"})
    w.regulators.insert({dep, "000000"});
  size_t k = 0;
  for (const std::string& p : world_provinces) {
    w.regulators.insert({"MIIT", p});
    if (k++ < (world_provinces.size() + 1) / 2) {
      for (const char* dep : {"NDRC", "MEE", "MOFCOM"})
        w.regulators.insert({dep, p});
    }
  }
  for (int e : {w.vms[0], w.recyclers[0]})
    w.regulators.insert({"MIIT", w.ents[static_cast<size_t>(e)].division.substr(0, 4) + "00"});

  // Outlets: every vehicle maker in each of its cities, every battery maker in each province
  // where vehicles with its packs are sold; a coverage gap where one is left out.
  std::set<std::pair<int, std::string>> pairs;
  std::map<std::pair<int, std::string>, std::string> county_for;
  for (size_t v = 0; v < w.vms.size(); ++v) {
    for (int c : w.vm_cities[v]) {
      const City& city = w.cities[static_cast<size_t>(c)];
      pairs.insert({w.vms[v], city.code});
      county_for[{w.vms[v], city.code}] = city.counties.front();
      for (int mi : w.vm_models[v]) {
        const int bm = w.models[static_cast<size_t>(mi)].bm;
        pairs.insert({bm, city.province});
        county_for.insert({{bm, city.province}, city.counties.back()});
      }
    }
  }
  // Coverage gaps of vehicle makers (cities) and of battery makers (provinces) count apart.
  std::array<Accumulator, 2> gap_acc = {Accumulator(o.violations), Accumulator(o.violations)};
  Accumulator info_acc(o.violations);
  auto outlet_report = [&](int owner, const char* type, const std::string& id,
                           const std::string& county, Date occurred, const char* suffix, bool full,
                           int variant) {
    const Date day = occurred.AddDays(static_cast<int32_t>(rng.Range(1, 3)));
    const int second = static_cast<int>(rng.Range(8 * 3600, 20 * 3600));
    json r = Envelope(w, owner, "ol-" + id + suffix, type, occurred, day, second);
    json outlet = {{"id", id}};
    if (full) {
      outlet["name"] = w.ents[static_cast<size_t>(owner)].name + " recycling outlet " + id;
      outlet["address"] = "No. " +
                          std::to_string(10 + variant * 7 + static_cast<int>(rng.Range(0, 90))) +
                          " Industrial Road, " + county;
      outlet["division"] = county;
      outlet["kind"] = variant % 3 == 0 ? "centralized" : "collection";
      outlet["capacity_t"] = static_cast<double>(rng.Range(20, 400));
      outlet["area_m2"] = static_cast<double>(rng.Range(100, 3000));
    }
    r["outlet"] = outlet;
    build.lines.emplace_back(day, ToLine(w, owner, r, day, second));
  };
  const int32_t window = o.to.days_since_epoch() - o.from.days_since_epoch();
  for (const auto& pr : pairs) {
    if (gap_acc[w.ents[static_cast<size_t>(pr.first)].kind == Role::kVehicleMaker ? 0 : 1].Add()) {
      w.gaps.insert(pr);
      continue;
    }
    const Ent& owner = w.ents[static_cast<size_t>(pr.first)];
    const std::string id = "OL-" + owner.tag + "-" + pr.second;
    const std::string& county = county_for[pr];
    w.outlets[pr] = id;
    outlet_report(pr.first, "outlet.registered", id, county,
                  o.from.AddDays(static_cast<int32_t>(rng.Range(0, 1))), "-reg", true, 0);
    const int64_t extra = rng.Range(0, 99);
    const Date later = o.from.AddDays(static_cast<int32_t>(rng.Range(window / 4, window / 2)));
    if (extra < 12) {  // the outlet moves: a full new description
      outlet_report(pr.first, "outlet.changed", id, county, later, "-chg", true, 1);
    } else if (extra < 24) {  // a second outlet in the region, later closed or kept
      const std::string id2 = id + "-2";
      outlet_report(pr.first, "outlet.registered", id2, county, o.from.AddDays(2), "-reg", true, 2);
      if (extra < 18)
        outlet_report(pr.first, "outlet.closed", id2, county, later, "-cls", false, 3);
    }
  }
  DrawBatteryModels(w);
  // Disassembly information of every model at the start, unless left out.
  for (size_t mi = 0; mi < w.models.size(); ++mi) {
    const bool missing = info_acc.Add();
    w.model_info_missing.push_back(missing);
    if (missing) continue;
    const Model& m = w.models[mi];
    const Date day = o.from.AddDays(1);
    const int second = static_cast<int>(rng.Range(8 * 3600, 20 * 3600));
    json r = Envelope(w, m.vm, "di-" + m.name, "model.disassembly_info", o.from, day, second);
    r["vehicle_model"] = m.name;
    std::string digest;
    for (int i = 0; i < 4; ++i) {
      static constexpr char kHex[] = "0123456789abcdef";
      uint64_t v = Mix(o.seed, mi * 4 + static_cast<uint64_t>(i));
      for (int j = 0; j < 16; ++j, v >>= 4)
        digest += kHex[v & 15];
    }
    r["document"] = {{"uri", "https://service." + w.ents[static_cast<size_t>(m.vm)].tag +
                                 ".example.cn/disassembly/" + m.name + ".pdf"},
                     {"sha256", digest}};
    build.lines.emplace_back(day, ToLine(w, m.vm, r, day, second));
  }
  return build;
}

}  // namespace battrace::sim
