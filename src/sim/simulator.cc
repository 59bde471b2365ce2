// The simulator: a world (registry, outlets, models), one plan per vehicle, and a day-by-day
// writer. See docs/simulator.md for what is simulated and why.
//
// A vehicle's plan is a pure function of (options, world, vehicle index, injection mask): the
// writer rebuilds it whenever one of its reports falls due instead of keeping it in memory.
// Injections are chosen in a first pass, which also records the answer key from them.
#include "sim/simulator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <utility>

#include "core/battery_code.h"
#include "core/division.h"
#include "core/uscc.h"
#include "core/vin.h"
#include "sim/deadlines.h"

namespace battrace::sim {
namespace {

using nlohmann::json;

// ---------------------------------------------------------------- randomness

uint64_t Mix(uint64_t a, uint64_t b) {
  uint64_t z = a * 0x9E3779B97F4A7C15ULL + b + 0x632BE59BD9B4E019ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// std::mt19937_64 (its output is fixed by the standard) with our own mapping to ranges: the
// standard distributions' output is implementation-defined.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  // An integer in [lo, hi], by multiply-shift.
  int64_t Range(int64_t lo, int64_t hi) {
    const auto span = static_cast<unsigned __int128>(static_cast<uint64_t>(hi - lo) + 1);
    return lo + static_cast<int64_t>((span * engine_()) >> 64);
  }
  // A double in [0, 1) with 53 random bits.
  double Unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(Range(0, static_cast<int64_t>(v.size()) - 1))];
  }

 private:
  std::mt19937_64 engine_;
};

double Round3(double x) {
  return std::round(x * 1000.0) / 1000.0;
}

std::string Pad(uint64_t n, int width) {
  std::string s = std::to_string(n);
  if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<size_t>(width) - s.size(), '0');
  return s;
}

// ---------------------------------------------------------------- the world

enum class Kind {
  kBatteryMaker,
  kVehicleMaker,
  kSwapOperator,
  kRepairShop,
  kDismantler,
  kRecycler,
  kEbikeMaker
};

const char* RoleWire(Kind k) {
  switch (k) {
    case Kind::kBatteryMaker:
      return "battery_maker";
    case Kind::kVehicleMaker:
      return "vehicle_maker";
    case Kind::kSwapOperator:
      return "swap_operator";
    case Kind::kRepairShop:
      return "repair_shop";
    case Kind::kDismantler:
      return "dismantler";
    case Kind::kRecycler:
      return "recycler";
    case Kind::kEbikeMaker:
      return "ebike_maker";
  }
  return "";
}

struct Qual {
  std::string type;
  Date from, to;
};

struct Ent {
  Kind kind;
  std::string uscc;
  std::string name;
  std::string tag;       // short, for ids: "B01", "V03"
  std::string division;  // a county (or a city without counties)
  std::string manufacturer_code;
  std::string wmi;
  std::vector<int> cooperates_with;
  std::vector<Qual> qualifications;
};

struct City {
  std::string code;
  std::string province;
  std::vector<std::string> counties;  // the city itself when the list has none under it
};

struct Model {
  int vm = 0;
  int bm = 0;
  std::string name;  // the vehicle model, unique per maker
  std::string brand;
  std::string vehicle_type;
  char chemistry = 'B';
  std::string spec;
  int modules = 2;
  int cells = 4;  // per module
  double cell_ah = 100;
  double cell_v = 3.2;
  double cell_kg = 2;
  bool swappable = false;
};

// The violations a vehicle's plan may carry (bits of its injection mask).
enum Inj : int {
  // exclusive: at most one per vehicle, chosen in this order of priority
  kScrapNoPack,
  kUnregisteredOutlet,
  kNoEpisodeReport,
  kProhibited,
  kUnlicensed,
  kUnqualified,
  kMissingOutbound,
  kMissingInbound,
  kLateUtilized,
  kLateProductOutbound,
  kMissingProduced,
  kLateSold,
  kExclusiveEnd,
  // independent, at production
  kIncompleteId = kExclusiveEnd,
  kConflict,
  kDuplicate,
  kImpersonated,
  kInjCount,
};

struct World {
  World(const SimOptions& o, const Deadlines& d) : options(o), deadlines(d) {}
  SimOptions options;
  Deadlines deadlines;
  std::vector<Ent> ents;
  std::vector<int> bms, vms, swaps, shops, dismantlers, recyclers, ebikes;
  int bad_eia = -1;     // a recycler whose EIA expires inside the window
  int bad_filing = -1;  // a recycler whose investment filing expired before it
  Date eia_expiry;
  std::vector<City> cities;
  std::vector<std::vector<int>> vm_cities;  // per VM (index into vms): city indices
  std::vector<std::vector<int>> vm_models;  // per VM: model indices
  std::vector<Model> models;
  std::vector<bool> model_info_missing;
  // Registered primary outlets: (enterprise, region code) -> outlet id; a region missing here is
  // an injected coverage gap when the pair is in `gaps`.
  std::map<std::pair<int, std::string>, std::string> outlets;
  std::set<std::pair<int, std::string>> gaps;
  std::set<std::pair<std::string, std::string>> regulators;  // (department, division)
  std::vector<std::string> unregistered;                     // valid USCCs nobody registered
};

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

// ---------------------------------------------------------------- plans

enum class Ev : uint8_t {
  kBatteries,  // battery.produced of a pack, its modules and cells
  kVehicleProduced,
  kSold,
  kReplaced,
  kSwapped,
  kScrapped,
  kOutbound,
  kInbound,
  kUtilized,
  kProductOutbound,
  kDuplicate,     // a second battery.produced of a cell
  kImpersonated,  // a cell coded with another maker's manufacturer code
};

struct Event {
  Ev kind = Ev::kBatteries;
  Date occurred;
  Date reported;   // the Beijing day
  int second = 0;  // of that day
  int slot = 0;    // the pack: 0 original, 1 replacement or swap stock
  int by = -1;     // the reporter
  int other = -1;  // to / from / repairer; -2 an unregistered USCC
  int step = 1;    // 1 or 2 for transfers
  std::string outlet;
  const char* source = "";
  bool incomplete = false;   // pack digital ID without mass and materials
  bool conflict = false;     // module 2 also lists a cell of module 1
  bool empty_packs = false;  // vehicle.scrapped with no pack present
  int sale_lag = 0;          // vehicle.sold: days from sale to registration
  bool emit = true;
};

enum class Episode { kNone, kReplacement, kSwap, kScrap };

struct Plan {
  uint64_t idx = 0;
  int vm = 0;  // enterprise index
  int model = 0;
  int bm = 0;  // enterprise index
  int city = 0;
  std::string county;
  std::string vin;
  Episode episode = Episode::kNone;
  bool cooperating = false;  // replacement by a shop cooperating with the maker
  int shop = -1;
  std::vector<Event> events;
  uint32_t feasible = 0;  // injections that would be visible as of the last day
  std::vector<Finding> findings;
};

std::string Base36(uint64_t n, int width) {
  static constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string s(static_cast<size_t>(width), '0');
  for (int i = width - 1; i >= 0 && n > 0; --i, n /= 36)
    s[static_cast<size_t>(i)] = kDigits[n % 36];
  return s;
}

std::string Code(const std::string& manufacturer, ProductType type, const Model& m,
                 uint64_t vehicle, Date day, uint32_t serial) {
  auto code = BatteryCode::Compose(manufacturer, type, m.chemistry, m.spec, Base36(vehicle, 7), day,
                                   Pad(serial, 7));
  if (!code.ok()) throw std::logic_error("simulator: " + code.status().ToString());
  return code->str();
}

uint32_t SlotBase(int slot) {
  return static_cast<uint32_t>(slot) * 1000000u;
}
uint32_t CellSerial(int slot, int module, int cell) {
  return SlotBase(slot) + static_cast<uint32_t>(module * 100 + cell);
}
uint32_t ModuleSerial(int slot, int module) {
  return SlotBase(slot) + 90000u + static_cast<uint32_t>(module);
}
uint32_t PackSerial(int slot) {
  return SlotBase(slot) + 99999u;
}

std::string PackCode(const World& w, const Plan& p, int slot, Date day) {
  const Model& m = w.models[static_cast<size_t>(p.model)];
  return Code(w.ents[static_cast<size_t>(p.bm)].manufacturer_code, ProductType::kPack, m, p.idx,
              day, PackSerial(slot));
}

// The production day of a slot's pack (the kBatteries event of that slot).
Date SlotDay(const Plan& p, int slot) {
  for (const Event& e : p.events) {
    if (e.kind == Ev::kBatteries && e.slot == slot) return e.occurred;
  }
  return Date();
}

std::string Ref(const World& w, int ent, const std::string& id) {
  return w.ents[static_cast<size_t>(ent)].uscc + "/" + id;
}

std::string EventId(const Plan& p, const Event& e) {
  switch (e.kind) {
    case Ev::kVehicleProduced:
      return "vp-" + p.vin;
    case Ev::kSold:
      return "vs-" + p.vin;
    case Ev::kReplaced:
      return "rp-" + p.vin;
    case Ev::kSwapped:
      return "sw-" + p.vin;
    case Ev::kScrapped:
      return "sc-" + p.vin;
    case Ev::kOutbound:
      return "ob-" + p.vin + "-" + std::to_string(e.step);
    case Ev::kInbound:
      return "ib-" + p.vin + "-" + std::to_string(e.step);
    case Ev::kUtilized:
      return "ut-" + p.vin;
    case Ev::kProductOutbound:
      return "po-" + p.vin;
    default:
      return "";
  }
}

class Planner {
 public:
  explicit Planner(const World& w) : w_(w) {}

  Plan Build(uint64_t idx, uint32_t mask) const;

 private:
  Date Clamp(Date d) const { return std::max(d, w_.options.from); }
  bool Visible(Date reported) const { return reported <= w_.options.to; }
  std::optional<Deadline> Due(std::string_view duty, Date anchor) const {
    return w_.deadlines.Find(duty, anchor);
  }
  bool OverdueBy(std::string_view duty, Date anchor) const {
    auto d = Due(duty, anchor);
    return d && d->due < w_.options.to;
  }
  Finding Make(const std::string& kind, const std::string& article, int party,
               const std::string& subject, std::optional<Date> due,
               std::vector<std::string> evidence, const std::string& department,
               std::string detail) const {
    const Ent& e = w_.ents[static_cast<size_t>(party)];
    return Finding{kind,
                   article,
                   e.uscc,
                   subject,
                   due,
                   std::move(evidence),
                   department,
                   Authority(w_, department, e.division),
                   std::move(detail)};
  }

  const World& w_;
};

// Adds a step at the day after `prev` (or later) and returns its reported day.
Event Step(Rng& rng, Ev kind, Date prev_reported, int min_gap, int max_gap) {
  Event e;
  e.kind = kind;
  e.occurred = prev_reported.AddDays(static_cast<int32_t>(rng.Range(min_gap, max_gap)));
  e.reported = e.occurred.AddDays(static_cast<int32_t>(rng.Range(1, 3)));
  e.second = static_cast<int>(rng.Range(8 * 3600, 20 * 3600));
  return e;
}

Plan Planner::Build(uint64_t idx, uint32_t mask) const {
  const SimOptions& o = w_.options;
  auto has = [&](Inj i) { return (mask >> i) & 1u; };
  Rng rng(Mix(o.seed, idx));
  Plan p;
  p.idx = idx;
  const int vm_pos = static_cast<int>(rng.Range(0, static_cast<int64_t>(w_.vms.size()) - 1));
  p.vm = w_.vms[static_cast<size_t>(vm_pos)];
  p.model = rng.Pick(w_.vm_models[static_cast<size_t>(vm_pos)]);
  const Model& m = w_.models[static_cast<size_t>(p.model)];
  p.bm = m.bm;
  p.city = rng.Pick(w_.vm_cities[static_cast<size_t>(vm_pos)]);
  const City& city = w_.cities[static_cast<size_t>(p.city)];
  p.county = rng.Pick(city.counties);
  {
    std::string vin = w_.ents[static_cast<size_t>(p.vm)].wmi;
    vin += static_cast<char>('A' + p.model % 8);
    vin += Pad(idx / 1000000 % 10000, 4);
    vin += '0';
    vin += 'T';  // model year 2026
    vin += 'A';
    vin += Pad(idx % 1000000, 6);
    vin[8] = Vin::ComputeCheckDigit(vin);
    p.vin = vin;
  }

  // Production: the vehicle on day q, its pack one to three days before.
  const int32_t span = o.to.days_since_epoch() - o.from.days_since_epoch() - 4;
  const Date q = o.from.AddDays(4 + static_cast<int32_t>(idx * static_cast<uint64_t>(span) /
                                                         std::max<uint64_t>(o.vehicles, 1)));
  Event batteries;
  batteries.kind = Ev::kBatteries;
  batteries.occurred = Clamp(q.AddDays(-static_cast<int32_t>(rng.Range(1, 3))));
  batteries.reported = batteries.occurred.AddDays(1);
  batteries.second = static_cast<int>(rng.Range(8 * 3600, 19 * 3600));
  batteries.by = p.bm;
  Event produced = Step(rng, Ev::kVehicleProduced, q, 0, 0);
  produced.by = p.vm;
  Event sold = Step(rng, Ev::kSold, produced.reported, 5, 25);
  sold.by = p.vm;
  const int sale_lag = static_cast<int>(rng.Range(0, 3));
  const int late_delay = static_cast<int>(rng.Range(1, 6));
  Event duplicate;
  duplicate.kind = Ev::kDuplicate;
  duplicate.occurred = batteries.occurred.AddDays(static_cast<int32_t>(rng.Range(2, 10)));
  duplicate.reported = duplicate.occurred.AddDays(1);
  duplicate.second = static_cast<int>(rng.Range(8 * 3600, 20 * 3600));
  duplicate.by = p.bm;
  Event impersonated = duplicate;
  impersonated.kind = Ev::kImpersonated;
  impersonated.second = static_cast<int>(rng.Range(8 * 3600, 20 * 3600));

  // The episode after the sale, if any, and the transfers of the waste pack it leaves.
  const int roll = static_cast<int>(rng.Range(0, 99));
  if (m.swappable) {
    p.episode = roll < 40 ? Episode::kSwap : roll < 52 ? Episode::kScrap : Episode::kNone;
  } else {
    p.episode = roll < 10 ? Episode::kReplacement : roll < 22 ? Episode::kScrap : Episode::kNone;
  }
  const Date x = sold.reported.AddDays(static_cast<int32_t>(rng.Range(5, 60)));
  Event stock;  // the replacement or swap pack
  stock.kind = Ev::kBatteries;
  stock.slot = 1;
  stock.occurred = x.AddDays(-3);
  stock.reported = x.AddDays(-2);
  stock.second = static_cast<int>(rng.Range(8 * 3600, 19 * 3600));
  stock.by = p.bm;
  Event episode;
  int holder = -1;
  const char* source = "";
  bool flow = false;
  bool exempt = false;      // a swappable vehicle scrapped without its pack
  bool vm_reports = false;  // the maker files the replacement for a cooperating shop
  const int repair_kind = static_cast<int>(rng.Range(0, 2));
  const bool flow_roll = rng.Chance(0.6);
  const bool exempt_roll = rng.Chance(0.4);
  const bool vm_reports_roll = rng.Chance(0.7);
  switch (p.episode) {
    case Episode::kReplacement: {
      episode = Step(rng, Ev::kReplaced, x, 0, 0);
      std::vector<int> coop;
      for (int s : w_.shops) {
        const auto& cw = w_.ents[static_cast<size_t>(s)].cooperates_with;
        if (std::find(cw.begin(), cw.end(), p.vm) != cw.end()) coop.push_back(s);
      }
      std::vector<int> independent;
      for (int s : w_.shops) {
        if (w_.ents[static_cast<size_t>(s)].cooperates_with.empty()) independent.push_back(s);
      }
      if (repair_kind == 0 && !coop.empty()) {
        p.shop = rng.Pick(coop);
        p.cooperating = true;
        vm_reports = vm_reports_roll;
      } else if (repair_kind <= 1 && !independent.empty()) {
        p.shop = rng.Pick(independent);
      }
      episode.by = p.shop >= 0 && !vm_reports ? p.shop : p.vm;
      episode.other = p.shop >= 0 && vm_reports ? p.shop : -1;
      holder = p.shop >= 0 ? p.shop : p.vm;
      source = "repair";
      flow = true;
      break;
    }
    case Episode::kSwap:
      episode = Step(rng, Ev::kSwapped, x, 0, 0);
      episode.by = rng.Pick(w_.swaps);
      holder = episode.by;
      source = "swap";
      flow = flow_roll;
      break;
    case Episode::kScrap:
      episode = Step(rng, Ev::kScrapped, x, 0, 0);
      episode.by = rng.Pick(w_.dismantlers);
      holder = episode.by;
      source = "dismantling";
      exempt = m.swappable && exempt_roll;
      episode.empty_packs = exempt;
      flow = !exempt;
      break;
    case Episode::kNone:
      break;
  }

  // Route of the waste pack: straight to a recycler, or through an outlet of the vehicle maker
  // (in the sale city) or of the battery maker (in the sale province), then to a recycler.
  std::vector<Event> transfers;
  int relay = -1;  // the outlet's owner
  std::string relay_outlet;
  if (flow) {
    const int route = static_cast<int>(rng.Range(0, 9));
    if (route >= 5 && route <= 7) {
      auto it = w_.outlets.find({p.vm, city.code});
      if (it != w_.outlets.end()) relay = p.vm, relay_outlet = it->second;
    } else if (route >= 8) {
      auto it = w_.outlets.find({p.bm, city.province});
      if (it != w_.outlets.end()) relay = p.bm, relay_outlet = it->second;
    }
    Event out1 = Step(rng, Ev::kOutbound, episode.reported, 1, 3);
    out1.by = holder;
    out1.source = source;
    Event in1 = Step(rng, Ev::kInbound, out1.reported, 0, 2);
    in1.other = holder;
    transfers.push_back(out1);
    transfers.push_back(in1);
    Date last = in1.reported;
    if (relay >= 0) {
      transfers[0].other = relay;
      transfers[0].outlet = relay_outlet;
      transfers[1].by = relay;
      transfers[1].outlet = relay_outlet;
      Event out2 = Step(rng, Ev::kOutbound, in1.reported, 2, 8);
      out2.by = relay;
      out2.step = 2;
      out2.source = "outlet";
      Event in2 = Step(rng, Ev::kInbound, out2.reported, 0, 2);
      in2.other = relay;
      in2.step = 2;
      transfers.push_back(out2);
      transfers.push_back(in2);
      last = in2.reported;
    }
    Event& final_in = transfers.back();
    std::vector<int> recyclers = w_.recyclers;
    if (w_.bad_eia >= 0 && final_in.occurred <= w_.eia_expiry) recyclers.push_back(w_.bad_eia);
    const int recycler = rng.Pick(recyclers);
    final_in.by = recycler;
    transfers[transfers.size() - 2].other = recycler;
    Event util = Step(rng, Ev::kUtilized, last, 3, 15);
    util.by = recycler;
    Event product = Step(rng, Ev::kProductOutbound, util.reported, 1, 10);
    product.by = recycler;
    product.other = rng.Pick(w_.bms);
    transfers.push_back(util);
    transfers.push_back(product);
  }
  const int unlicensed_pick = static_cast<int>(rng.Range(0, 1 << 20));

  // ---- what could be injected here and be visible on the last day
  auto find = [&](Ev kind, int step) -> Event* {
    for (Event& e : transfers) {
      if (e.kind == kind && e.step == step) return &e;
    }
    return nullptr;
  };
  Event* out1 = find(Ev::kOutbound, 1);
  Event* in1 = find(Ev::kInbound, 1);
  Event* out2 = find(Ev::kOutbound, 2);
  Event* in2 = find(Ev::kInbound, 2);
  Event* util = find(Ev::kUtilized, 1);
  Event* product = find(Ev::kProductOutbound, 1);
  Event* final_in = in2 ? in2 : in1;
  const bool episode_visible = p.episode != Episode::kNone && Visible(episode.reported);
  auto role_duty = [&](int ent) -> const char* {
    switch (w_.ents[static_cast<size_t>(ent)].kind) {
      case Kind::kSwapOperator:
        return "24.4b";
      case Kind::kDismantler:
        return "24.8";
      case Kind::kVehicleMaker:
        return "24.2c";
      case Kind::kBatteryMaker:
        return "24.3";
      default:
        return nullptr;
    }
  };
  auto inbound_duty = [&](int ent) {
    return w_.ents[static_cast<size_t>(ent)].kind == Kind::kRecycler ? "24.7a" : "24.6b";
  };
  const char* missing_episode_duty = p.episode == Episode::kSwap    ? "24.4a"
                                     : p.episode == Episode::kScrap ? "24.8"
                                     : p.cooperating                ? "24.5b"
                                                                    : "24.5c";
  // The missing outbound: the relay's if any, else the holder's when its role has the duty.
  Event* missing_out = nullptr;
  Event* missing_out_in = nullptr;
  if (out2 && role_duty(relay)) {
    missing_out = out2, missing_out_in = in2;
  } else if (out1 && role_duty(holder)) {
    missing_out = out1, missing_out_in = in1;
  }
  const bool gap_region = w_.gaps.count({p.vm, city.code}) || w_.gaps.count({p.bm, city.province});
  auto late_fits = [&](const char* duty, const Event* e) {
    if (!e) return false;
    auto d = Due(duty, e->occurred);
    return d && Visible(d->due.AddDays(late_delay));
  };
  uint32_t f = 0;
  auto set = [&](Inj i, bool ok) {
    if (ok) f |= 1u << i;
  };
  set(kScrapNoPack, p.episode == Episode::kScrap && !m.swappable && episode_visible);
  set(kUnregisteredOutlet, p.episode == Episode::kReplacement && p.shop >= 0 && in1 &&
                               Visible(in1->reported) && OverdueBy("24.6a", in1->occurred));
  set(kNoEpisodeReport,
      episode_visible &&
          (p.episode == Episode::kScrap
               ? in1 && Visible(in1->reported) && OverdueBy("24.8", in1->occurred)
               : out1 && (p.episode == Episode::kSwap || p.shop >= 0) && Visible(out1->reported) &&
                     OverdueBy(missing_episode_duty, out1->occurred)));
  set(kProhibited, out1 && Visible(out1->reported) && !w_.ebikes.empty());
  set(kUnlicensed, out1 && Visible(out1->reported));
  set(kUnqualified, final_in && Visible(final_in->reported) && w_.bad_filing >= 0);
  set(kMissingOutbound, missing_out && Visible(missing_out_in->reported) &&
                            OverdueBy(role_duty(missing_out->by), missing_out_in->occurred));
  set(kMissingInbound,
      out1 && Visible(out1->reported) && OverdueBy(inbound_duty(in1->by), out1->occurred));
  set(kLateUtilized, late_fits("utilized", util));
  set(kLateProductOutbound, late_fits("24.7b", product));
  set(kMissingProduced, Visible(sold.reported) && !gap_region && OverdueBy("24.2a", sold.occurred));
  set(kLateSold, late_fits("24.2b", &sold));
  set(kIncompleteId, Visible(produced.reported) && OverdueBy("24.2a", produced.occurred));
  set(kConflict, Visible(batteries.reported) && m.modules >= 2);
  set(kDuplicate, Visible(duplicate.reported));
  set(kImpersonated, Visible(impersonated.reported) && w_.bms.size() >= 2);
  p.feasible = f;
  mask &= f;

  // ---- apply the injections and record what they must yield
  const Ent& bm = w_.ents[static_cast<size_t>(p.bm)];
  const Ent& vme = w_.ents[static_cast<size_t>(p.vm)];
  const std::string pack0 = PackCode(w_, p, 0, batteries.occurred);
  const std::string waste_pack =
      p.episode == Episode::kNone ? "" : pack0;  // one episode: the original pack leaves
  auto ref = [&](const Event& e) { return Ref(w_, e.by, EventId(p, e)); };
  std::vector<Finding>& out = p.findings;
  bool truncate_vehicle = false;  // no report after the injected one for this vehicle

  if (has(kIncompleteId)) {
    batteries.incomplete = true;
    auto d = Due("24.2a", produced.occurred);
    out.push_back(Make("missing_digital_id", "12", p.bm, pack0, d->due, {ref(produced)}, "MIIT",
                       "pack installed in " + p.vin + " has no complete digital ID"));
  }
  if (has(kConflict)) {
    batteries.conflict = true;
    const std::string cell = Code(bm.manufacturer_code, ProductType::kCell, m, idx,
                                  batteries.occurred, CellSerial(0, 0, 0));
    const std::string module1 = Code(bm.manufacturer_code, ProductType::kModule, m, idx,
                                     batteries.occurred, ModuleSerial(0, 1));
    out.push_back(Make("conflicting_custody", "10", p.bm, cell, std::nullopt,
                       {Ref(w_, p.bm, "bp-" + module1)}, "MIIT",
                       "cell assembled into a second module"));
  }
  if (has(kDuplicate)) {
    const std::string cell = Code(bm.manufacturer_code, ProductType::kCell, m, idx,
                                  batteries.occurred, CellSerial(0, 0, 1));
    out.push_back(Make("duplicate_code", "10", p.bm, cell, std::nullopt,
                       {Ref(w_, p.bm, "bp-" + cell + "-2")}, "MIIT", "code produced twice"));
  }
  if (has(kImpersonated)) {
    const int victim = w_.bms[(static_cast<size_t>(std::find(w_.bms.begin(), w_.bms.end(), p.bm) -
                                                   w_.bms.begin()) +
                               1) %
                              w_.bms.size()];
    const std::string cell = Code(w_.ents[static_cast<size_t>(victim)].manufacturer_code,
                                  ProductType::kCell, m, idx, impersonated.occurred, SlotBase(3));
    out.push_back(Make("impersonated_code", "10", p.bm, cell, std::nullopt,
                       {Ref(w_, p.bm, "bp-" + cell)}, "MIIT",
                       "manufacturer code of another enterprise"));
  }
  if (has(kLateSold)) {
    auto d = Due("24.2b", sold.occurred);
    sold.reported = d->due.AddDays(late_delay);
    out.push_back(Make("late_report", d->article, p.vm, ref(sold), d->due, {ref(sold)}, "MIIT",
                       "vehicle.sold filed after its deadline"));
  }
  if (has(kMissingProduced)) {
    produced.emit = false;
    truncate_vehicle = true;
    auto d = Due("24.2a", sold.occurred);
    out.push_back(Make("overdue_report", d->article, p.vm, p.vin, d->due, {ref(sold)}, "MIIT",
                       "vehicle sold but never reported produced"));
  }
  if (has(kScrapNoPack)) {
    episode.empty_packs = true;
    transfers.clear();
    out.push_back(Make("scrapped_without_battery", "21", episode.by, p.vin, std::nullopt,
                       {ref(episode)}, "MOFCOM", "vehicle scrapped without its pack"));
  }
  if (has(kUnregisteredOutlet)) {
    // The shop hands the pack to an outlet the maker never registered and files nothing.
    const std::string id = "OL-" + vme.tag + "-" + city.code + "-X" + std::to_string(idx);
    Event in = *in1;
    in.by = p.vm;
    in.other = p.shop;
    in.outlet = id;
    transfers = {in};
    transfers[0].kind = Ev::kInbound;
    auto d = Due("24.6a", in.occurred);
    out.push_back(Make("overdue_report", d->article, p.vm, id, d->due, {ref(in)}, "MIIT",
                       "batteries received at an outlet never registered"));
  }
  if (has(kNoEpisodeReport)) {
    episode.emit = false;
    truncate_vehicle = true;
    if (p.episode == Episode::kScrap) {
      auto d = Due("24.8", in1->occurred);
      out.push_back(Make("overdue_report", d->article, episode.by, p.vin, d->due, {ref(*in1)},
                         "MIIT", "pack of a vehicle never reported scrapped received"));
    } else {
      const int party = p.episode == Episode::kSwap ? episode.by : p.cooperating ? p.vm : p.shop;
      auto d = Due(missing_episode_duty, out1->occurred);
      out.push_back(Make("overdue_report", d->article, party, waste_pack, d->due, {ref(*out1)},
                         "MIIT", "pack handed on but its removal never reported"));
    }
  }
  if (has(kProhibited) || has(kUnlicensed)) {
    const bool prohibited = has(kProhibited);
    Event o1 = *out1;
    o1.outlet.clear();
    bool mofcom = false;
    if (prohibited) {
      o1.other = w_.ebikes[static_cast<size_t>(unlicensed_pick) % w_.ebikes.size()];
    } else if (w_.ents[static_cast<size_t>(holder)].kind == Kind::kDismantler) {
      o1.other = w_.shops[static_cast<size_t>(unlicensed_pick) % w_.shops.size()];
      mofcom = true;
    } else {
      o1.other =
          -2 - static_cast<int>(static_cast<size_t>(unlicensed_pick) % w_.unregistered.size());
    }
    transfers = {o1};
    out.push_back(Make(prohibited ? "prohibited_use" : "unlicensed_destination",
                       prohibited ? "22" : "20", holder, waste_pack, std::nullopt, {ref(o1)},
                       prohibited || !mofcom ? "MIIT" : "MOFCOM",
                       prohibited ? "waste battery delivered to an e-bike maker"
                                  : "waste battery delivered to an unlicensed party"));
  }
  if (has(kUnqualified)) {
    const bool eia = w_.bad_eia >= 0 && final_in->occurred > w_.eia_expiry;
    const int r = eia ? w_.bad_eia : w_.bad_filing;
    final_in->by = r;
    (final_in->step == 2 ? out2 : out1)->other = r;  // the outbound before it
    util->by = r;
    product->by = r;
    out.push_back(Make("unqualified_recycler", eia ? "35" : "34", r,
                       eia ? "eia" : "investment_filing", std::nullopt, {ref(*final_in)},
                       eia ? "MEE" : "NDRC",
                       "recycler received batteries without a valid qualification"));
  }
  if (has(kMissingOutbound)) {
    missing_out->emit = false;
    const char* duty = role_duty(missing_out->by);
    auto d = Due(duty, missing_out_in->occurred);
    out.push_back(Make("overdue_report", d->article, missing_out->by, waste_pack, d->due,
                       {ref(*missing_out_in)}, "MIIT",
                       "batteries received but never reported sent"));
  }
  if (has(kMissingInbound)) {
    const char* duty = inbound_duty(in1->by);
    auto d = Due(duty, out1->occurred);
    out.push_back(Make("overdue_report", d->article, in1->by, waste_pack, d->due, {ref(*out1)},
                       "MIIT", "batteries sent but never reported received"));
    transfers.resize(1);
  }
  if (has(kLateUtilized)) {
    auto d = Due("utilized", util->occurred);
    util->reported = d->due.AddDays(late_delay);
    out.push_back(Make("late_report", d->article, util->by, ref(*util), d->due, {ref(*util)},
                       "MIIT", "battery.utilized filed after its deadline"));
  }
  if (has(kLateProductOutbound)) {
    auto d = Due("24.7b", product->occurred);
    product->reported = d->due.AddDays(late_delay);
    out.push_back(Make("late_report", d->article, product->by, ref(*product), d->due,
                       {ref(*product)}, "MIIT", "product.outbound filed after its deadline"));
  }
  // ---- the event list, in a fixed order
  p.events.push_back(batteries);
  p.events.push_back(produced);
  sold.sale_lag = sale_lag;
  p.events.push_back(sold);
  if (has(kDuplicate)) p.events.push_back(duplicate);
  if (has(kImpersonated)) p.events.push_back(impersonated);
  if (!truncate_vehicle || has(kNoEpisodeReport)) {
    if (p.episode == Episode::kReplacement || p.episode == Episode::kSwap)
      p.events.push_back(stock);
    if (p.episode != Episode::kNone) p.events.push_back(episode);
    for (const Event& e : transfers)
      p.events.push_back(e);
  }
  return p;
}

// ---------------------------------------------------------------- the world builder

template <typename T>
void Shuffle(Rng& rng, std::vector<T>& v) {
  for (size_t i = v.size(); i > 1; --i)
    std::swap(v[i - 1], v[static_cast<size_t>(rng.Range(0, static_cast<int64_t>(i) - 1))]);
}

int64_t Clamp(int64_t v, int64_t lo, int64_t hi) {
  return std::min(std::max(v, lo), hi);
}

// One report of the world itself (outlets, disassembly info), held until its day.
struct Line {
  Instant at = 0;
  std::string reporter;
  std::string id;
  std::string text;
  // For the writer's bookkeeping: a sale (coverage evidence) or a vehicle production.
  int sale_vm = -1;
  int sale_bm = -1;  // -1 when the vehicle was never reported produced
  std::string city, province;
  int produced_model = -1;
  Date occurred;
};

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

struct WorldBuild {
  World world;
  std::vector<std::pair<Date, Line>> lines;  // world reports by reported day
};

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
  auto add = [&](Kind kind, const std::string& tag, const std::string& name) {
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
        add(Kind::kBatteryMaker, tag('B', i), "Battery Maker " + tag('B', i) + " Co., Ltd.");
    w.ents[static_cast<size_t>(e)].manufacturer_code = std::to_string(101 + 13 * i);
    w.bms.push_back(e);
  }
  static constexpr char kVinLetters[] = "ABCDEFGHJKLMNPRSTUVWXYZ";
  for (int64_t i = 0; i < n_vm; ++i) {
    const int e =
        add(Kind::kVehicleMaker, tag('V', i), "Vehicle Maker " + tag('V', i) + " Co., Ltd.");
    std::string wmi = "L";
    wmi += kVinLetters[(i / 23 + 7) % 23];
    wmi += kVinLetters[i % 23];
    w.ents[static_cast<size_t>(e)].wmi = wmi;
    w.vms.push_back(e);
  }
  for (int64_t i = 0; i < Clamp(2 + n / 50000, 2, 10); ++i)
    w.swaps.push_back(
        add(Kind::kSwapOperator, tag('S', i), "Swap Operator " + tag('S', i) + " Co., Ltd."));
  for (int64_t i = 0; i < Clamp(n / 400, 8, 400); ++i) {
    const int e = add(Kind::kRepairShop, tag('R', i), "Repair Shop " + tag('R', i) + " Co., Ltd.");
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
        add(Kind::kDismantler, tag('D', i), "Vehicle Dismantler " + tag('D', i) + " Co., Ltd."));
  const Date long_ago = *Date::FromYmd(2023, 1, 1);
  const Date far_ahead = *Date::FromYmd(2031, 12, 31);
  auto qualified = [&](int e) {
    for (const char* type : {"investment_filing", "eia", "discharge_permit"})
      w.ents[static_cast<size_t>(e)].qualifications.push_back({type, long_ago, far_ahead});
  };
  for (int64_t i = 0; i < Clamp(3 + n / 20000, 3, 30); ++i) {
    const int e = add(Kind::kRecycler, tag('C', i), "Recycler " + tag('C', i) + " Co., Ltd.");
    qualified(e);
    w.recyclers.push_back(e);
  }
  w.eia_expiry = o.from.AddDays((o.to.days_since_epoch() - o.from.days_since_epoch()) / 3);
  w.bad_eia = add(Kind::kRecycler, "CX1", "Recycler CX1 Co., Ltd.");
  qualified(w.bad_eia);
  w.ents[static_cast<size_t>(w.bad_eia)].qualifications[1].to = w.eia_expiry;
  w.bad_filing = add(Kind::kRecycler, "CX2", "Recycler CX2 Co., Ltd.");
  qualified(w.bad_filing);
  w.ents[static_cast<size_t>(w.bad_filing)].qualifications[0] = {
      "investment_filing", *Date::FromYmd(2020, 1, 1), o.from.AddDays(-200)};
  for (int64_t i = 0; i < 1 + (n >= 100000 ? 1 : 0); ++i)
    w.ebikes.push_back(
        add(Kind::kEbikeMaker, tag('E', i), "E-bike Maker " + tag('E', i) + " Co., Ltd."));
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
  double gap_acc = rng.Unit();
  double info_acc = rng.Unit();
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
    build.lines.push_back({day, ToLine(w, owner, r, day, second)});
  };
  const int32_t window = o.to.days_since_epoch() - o.from.days_since_epoch();
  for (const auto& pr : pairs) {
    gap_acc += o.violations;
    if (gap_acc >= 1) {
      gap_acc -= 1;
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
  // Disassembly information of every model at the start, unless left out.
  for (size_t mi = 0; mi < w.models.size(); ++mi) {
    info_acc += o.violations;
    const bool missing = info_acc >= 1;
    if (missing) info_acc -= 1;
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
    build.lines.push_back({day, ToLine(w, m.vm, r, day, second)});
  }
  return build;
}

// ---------------------------------------------------------------- rendering a plan's events

struct Figures {
  double ah, v, kwh, kg, li, co, ni, mn;
};

Figures CellFigures(const Model& m) {
  const double kg = m.cell_kg;
  if (m.chemistry == 'B')
    return {m.cell_ah, m.cell_v, m.cell_ah * m.cell_v / 1000, kg, kg * 0.012, 0, 0, 0};
  return {m.cell_ah, m.cell_v, m.cell_ah * m.cell_v / 1000, kg, kg * 0.015, kg * 0.03,
          kg * 0.12, kg * 0.03};
}

// `count` figures in series, plus `casing_kg`.
Figures Series(const Figures& f, int count, double casing_kg) {
  return {f.ah,         f.v * count,  f.kwh * count, f.kg * count + casing_kg,
          f.li * count, f.co * count, f.ni * count,  f.mn * count};
}

void PutFigures(json& r, const Figures& f, bool with_mass) {
  r["rated_capacity_ah"] = Round3(f.ah);
  r["nominal_voltage_v"] = Round3(f.v);
  r["rated_energy_kwh"] = Round3(f.kwh);
  if (!with_mass) return;
  r["mass_kg"] = Round3(f.kg);
  r["materials"] = {{"li_kg", Round3(f.li)},
                    {"co_kg", Round3(f.co)},
                    {"ni_kg", Round3(f.ni)},
                    {"mn_kg", Round3(f.mn)}};
}

Figures PackFigures(const Model& m) {
  return Series(Series(CellFigures(m), m.cells, 1.5), m.modules, 12.0);
}

class Renderer {
 public:
  explicit Renderer(const World& w) : w_(w) {}

  void Render(const Plan& p, const Event& e, std::vector<Line>& out) const {
    const Model& m = w_.models[static_cast<size_t>(p.model)];
    const std::string id = EventId(p, e);
    auto envelope = [&](const char* type) {
      return Envelope(w_, e.by, id, type, e.occurred, e.reported, e.second);
    };
    const std::string pack0 = PackCode(w_, p, 0, SlotDay(p, 0));
    auto party = [&](int other) {
      return other >= 0 ? w_.ents[static_cast<size_t>(other)].uscc
                        : w_.unregistered[static_cast<size_t>(-2 - other)];
    };
    json r;
    switch (e.kind) {
      case Ev::kBatteries:
        Batteries(p, e, out);
        return;
      case Ev::kDuplicate:
      case Ev::kImpersonated: {
        const Ent& bm = w_.ents[static_cast<size_t>(p.bm)];
        std::string code;
        std::string rid;
        if (e.kind == Ev::kDuplicate) {
          code = Code(bm.manufacturer_code, ProductType::kCell, m, p.idx, SlotDay(p, 0),
                      CellSerial(0, 0, 1));
          rid = "bp-" + code + "-2";
        } else {
          const size_t pos =
              static_cast<size_t>(std::find(w_.bms.begin(), w_.bms.end(), p.bm) - w_.bms.begin());
          const int victim = w_.bms[(pos + 1) % w_.bms.size()];
          code = Code(w_.ents[static_cast<size_t>(victim)].manufacturer_code, ProductType::kCell, m,
                      p.idx, e.occurred, SlotBase(3));
          rid = "bp-" + code;
        }
        r = Envelope(w_, e.by, rid, "battery.produced", e.occurred, e.reported, e.second);
        r["code"] = code;
        r["model"] = m.spec + "-cell";
        PutFigures(r, CellFigures(m), true);
        break;
      }
      case Ev::kVehicleProduced:
        r = envelope("vehicle.produced");
        r["vin"] = p.vin;
        r["vehicle_type"] = m.vehicle_type;
        r["brand"] = m.brand;
        r["model"] = m.name;
        r["name"] = m.brand + " " + m.name;
        r["packs"] = {pack0};
        r["imported"] = false;
        r["swappable"] = m.swappable;
        break;
      case Ev::kSold:
        r = envelope("vehicle.sold");
        r["vin"] = p.vin;
        r["sale_date"] = e.occurred.AddDays(-e.sale_lag).ToString();
        r["division"] = p.county;
        break;
      case Ev::kReplaced:
        r = envelope("battery.replaced");
        r["vin"] = p.vin;
        r["removed"] = {pack0};
        r["installed"] = {PackCode(w_, p, 1, SlotDay(p, 1))};
        if (e.other >= 0) r["repairer"] = party(e.other);
        break;
      case Ev::kSwapped:
        r = envelope("battery.swapped");
        r["vin"] = p.vin;
        r["removed"] = pack0;
        r["installed"] = PackCode(w_, p, 1, SlotDay(p, 1));
        r["station"] = "Station " + w_.ents[static_cast<size_t>(e.by)].tag + "-" +
                       std::to_string(p.city % 7 + 1);
        break;
      case Ev::kScrapped:
        r = envelope("vehicle.scrapped");
        r["vin"] = p.vin;
        r["certificate"] = "SC" + e.occurred.ToString() + "-" + std::to_string(p.idx);
        r["packs_present"] = e.empty_packs ? json::array() : json::array({pack0});
        break;
      case Ev::kOutbound:
        r = envelope("battery.outbound");
        r["codes"] = {pack0};
        r["to"] = party(e.other);
        if (!e.outlet.empty()) r["outlet"] = e.outlet;
        r["source"] = e.source;
        r["mass_kg"] = Round3(PackFigures(m).kg);
        break;
      case Ev::kInbound:
        r = envelope("battery.inbound");
        r["codes"] = {pack0};
        r["from"] = party(e.other);
        if (!e.outlet.empty()) r["outlet"] = e.outlet;
        r["mass_kg"] = Round3(PackFigures(m).kg);
        break;
      case Ev::kUtilized:
        r = envelope("battery.utilized");
        r["codes"] = {pack0};
        r["process"] = "dismantling";
        break;
      case Ev::kProductOutbound: {
        r = envelope("product.outbound");
        const Figures f = PackFigures(m);
        json products = json::array();
        products.push_back({{"material", "lithium carbonate"}, {"mass_kg", Round3(f.li * 5.3)}});
        if (m.chemistry == 'E') {
          products.push_back({{"material", "nickel sulfate"}, {"mass_kg", Round3(f.ni * 4.5)}});
          products.push_back({{"material", "cobalt sulfate"}, {"mass_kg", Round3(f.co * 4.8)}});
        } else {
          products.push_back({{"material", "iron phosphate"}, {"mass_kg", Round3(f.kg * 0.25)}});
        }
        r["products"] = products;
        r["to"] = party(e.other);
        break;
      }
    }
    Line line = ToLine(w_, e.by, r, e.reported, e.second);
    if (e.kind == Ev::kSold) {
      line.sale_vm = p.vm;
      const bool produced = std::any_of(p.events.begin(), p.events.end(), [](const Event& x) {
        return x.kind == Ev::kVehicleProduced && x.emit;
      });
      line.sale_bm = produced ? p.bm : -1;
      line.city = w_.cities[static_cast<size_t>(p.city)].code;
      line.province = w_.cities[static_cast<size_t>(p.city)].province;
    } else if (e.kind == Ev::kVehicleProduced) {
      line.produced_model = p.model;
      line.occurred = e.occurred;
    }
    out.push_back(std::move(line));
  }

 private:
  // The pack of a slot with its modules and cells: cells first, each module after its cells,
  // the pack last, one second apart.
  void Batteries(const Plan& p, const Event& e, std::vector<Line>& out) const {
    const Model& m = w_.models[static_cast<size_t>(p.model)];
    const std::string& mc = w_.ents[static_cast<size_t>(p.bm)].manufacturer_code;
    const Date day = e.occurred;
    int second = e.second;
    auto emit = [&](const std::string& code, const std::string& model, const Figures& f,
                    const json& parts, bool with_mass) {
      json r = Envelope(w_, e.by, "bp-" + code, "battery.produced", day, e.reported, second);
      r["code"] = code;
      if (!parts.empty()) r["parts"] = parts;
      r["model"] = model;
      PutFigures(r, f, with_mass);
      out.push_back(ToLine(w_, e.by, r, e.reported, second));
      ++second;
    };
    const Figures cell = CellFigures(m);
    const Figures module = Series(cell, m.cells, 1.5);
    json modules = json::array();
    for (int mod = 0; mod < m.modules; ++mod) {
      json cells = json::array();
      for (int c = 0; c < m.cells; ++c) {
        const std::string code =
            Code(mc, ProductType::kCell, m, p.idx, day, CellSerial(e.slot, mod, c));
        emit(code, m.spec + "-cell", cell, json::array(), true);
        cells.push_back(code);
      }
      if (e.conflict && mod == 1)
        cells.push_back(Code(mc, ProductType::kCell, m, p.idx, day, CellSerial(e.slot, 0, 0)));
      const std::string code =
          Code(mc, ProductType::kModule, m, p.idx, day, ModuleSerial(e.slot, mod));
      emit(code, m.spec + "-module" + std::to_string(m.cells), module, cells, true);
      modules.push_back(code);
    }
    emit(Code(mc, ProductType::kPack, m, p.idx, day, PackSerial(e.slot)),
         m.spec + "-pack" + std::to_string(m.modules), PackFigures(m), modules, !e.incomplete);
  }

  const World& w_;
};

json EnterpriseJson(const World& w, const Ent& e) {
  json r;
  r["kind"] = "enterprise";
  r["uscc"] = e.uscc;
  r["name"] = e.name;
  r["roles"] = {RoleWire(e.kind)};
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
    std::string id = department + "-" + division;
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
  const size_t days = static_cast<size_t>(options.to.days_since_epoch() - first + 1);
  std::vector<std::vector<std::pair<uint32_t, uint16_t>>> buckets(days);
  std::vector<uint32_t> masks(options.vehicles);
  std::array<double, kInjCount> acc{};
  Rng rng(Mix(options.seed, 0xACC));
  for (double& a : acc)
    a = rng.Unit();
  for (uint64_t idx = 0; idx < options.vehicles; ++idx) {
    const uint32_t feasible = planner.Build(idx, 0).feasible;
    uint32_t mask = 0;
    for (int k = 0; k < kInjCount; ++k) {
      if (!((feasible >> k) & 1u)) continue;
      const bool exclusive = k < kExclusiveEnd;
      if (exclusive && (mask & ((1u << kExclusiveEnd) - 1))) continue;
      if (k == kIncompleteId && (mask & (1u << kMissingProduced))) continue;
      acc[static_cast<size_t>(k)] += options.violations;
      if (acc[static_cast<size_t>(k)] >= 1) {
        acc[static_cast<size_t>(k)] -= 1;
        mask |= 1u << k;
      }
    }
    masks[idx] = mask;
    Plan plan = planner.Build(idx, mask);
    for (Finding& f : plan.findings)
      key.findings.push_back(std::move(f));
    for (size_t i = 0; i < plan.events.size(); ++i) {
      const Event& e = plan.events[i];
      if (!e.emit || e.reported > options.to) continue;
      buckets[static_cast<size_t>(e.reported.days_since_epoch() - first)].push_back(
          {static_cast<uint32_t>(idx), static_cast<uint16_t>(i)});
    }
  }
  std::sort(build.lines.begin(), build.lines.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });

  // Pass 2: day by day, rebuild the plans with reports that day, sort, write.
  const Renderer renderer(w);
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
      renderer.Render(plan, plan.events[i], lines);
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
    const bool vm = e.kind == Kind::kVehicleMaker;
    key.findings.push_back({"outlet_coverage_gap",
                            vm ? "15" : "14",
                            e.uscc,
                            gap.second,
                            std::nullopt,
                            {it->second},
                            "MIIT",
                            Authority(w, "MIIT", e.division),
                            std::string("no recycling outlet in a ") + (vm ? "city" : "province") +
                                " where its " + (vm ? "vehicles" : "packs") + " were sold"});
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
                            "MIIT",
                            Authority(w, "MIIT", e.division),
                            "vehicle model produced without disassembly information"});
  }
  std::sort(key.findings.begin(), key.findings.end(), FindingLess);
  return key;
}

json AnswerKeyToJson(const AnswerKey& key) {
  json out = json::array();
  for (const Finding& f : key.findings) {
    json j;
    j["kind"] = f.kind;
    j["article"] = f.article;
    j["party"] = f.party;
    j["subject"] = f.subject;
    if (f.due) j["due"] = f.due->ToString();
    j["evidence"] = f.evidence;
    j["authority"] = {{"department", f.department}, {"division", f.division}};
    j["detail"] = f.detail;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace battrace::sim
