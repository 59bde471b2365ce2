#include "sim/plan.h"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "core/vin.h"
#include "sim/eu.h"
#include "sim/random.h"

namespace battrace::sim {
namespace {

std::string Base36(uint64_t n, int width) {
  static constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string s(static_cast<size_t>(width), '0');
  for (int i = width - 1; i >= 0 && n > 0; --i, n /= 36)
    s[static_cast<size_t>(i)] = kDigits[n % 36];
  return s;
}

// A step of a vehicle's story, `min_gap` to `max_gap` days after the previous step was
// reported, itself reported one to three days later.
Event Step(Rng& rng, Ev kind, Date prev_reported, int min_gap, int max_gap) {
  Event e;
  e.kind = kind;
  e.occurred = prev_reported.AddDays(static_cast<int32_t>(rng.Range(min_gap, max_gap)));
  e.reported = e.occurred.AddDays(static_cast<int32_t>(rng.Range(1, 3)));
  e.second = static_cast<int>(rng.Range(8 * 3600, 20 * 3600));
  return e;
}

constexpr std::array<const char*, 3> kRecyclerQualifications = {"investment_filing", "eia",
                                                                "discharge_permit"};

// Whether `e` lacks, on `day`, one of the qualifications a recycler needs (docs/findings.md,
// unlicensed_destination).
bool Unqualified(const Ent& e, Date day) {
  return std::any_of(
      kRecyclerQualifications.begin(), kRecyclerQualifications.end(), [&](const char* type) {
        return std::none_of(e.qualifications.begin(), e.qualifications.end(), [&](const Qual& q) {
          return q.type == type && q.from <= day && day <= q.to;
        });
      });
}

}  // namespace

std::string Code(const std::string& manufacturer, ProductType type, const Model& m,
                 uint64_t vehicle, Date day, uint32_t serial) {
  auto code = BatteryCode::Compose(manufacturer, type, m.chemistry, m.spec, Base36(vehicle, 7), day,
                                   Pad(serial, 7));
  if (!code.ok()) throw std::logic_error("simulator: " + code.status().ToString());
  return code->str();
}

std::string PackCode(const World& w, const Plan& p, int slot, Date day) {
  const Model& m = w.models[static_cast<size_t>(p.model)];
  return Code(w.ents[static_cast<size_t>(p.bm)].manufacturer_code, ProductType::kPack, m, p.idx,
              day, PackSerial(slot));
}

std::string Gs1Serial(const Plan& p, int slot) {
  return Base36(p.idx, 7) + "-" + std::to_string(slot);
}

std::string UnknownPackCode(const World& w, const Plan& p, Date day) {
  return PackCode(w, p, 4, day);
}

std::string PrematureCellCode(const World& w, const Plan& p, Date code_day) {
  const Model& m = w.models[static_cast<size_t>(p.model)];
  return Code(w.ents[static_cast<size_t>(p.bm)].manufacturer_code, ProductType::kCell, m, p.idx,
              code_day, SlotBase(5));
}

std::string FakePackCode(const World& w, const Plan& p, Date day) {
  return PackCode(w, p, 6, day);
}

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
    case Ev::kUnknownInbound:
      return "ib-" + p.vin + "-u";
    case Ev::kSecondSale:
      return "vs2-" + p.vin;
    case Ev::kImpersonatedVin:
      return "vp-" + p.fake_vin;
    case Ev::kHealth:
      return "bh-" + p.vin + "-" + std::to_string(e.slot) + "-" + std::to_string(e.step);
    default:
      return "";
  }
}

Planner::Draft Planner::Draw(uint64_t idx) const {
  Draft draft;
  const SimOptions& o = w_.options;
  Rng rng(Mix(o.seed, idx));
  Plan& p = draft.p;
  p.idx = idx;
  const int vm_pos = static_cast<int>(rng.Range(0, static_cast<int64_t>(w_.vms.size()) - 1));
  p.vm = w_.vms[static_cast<size_t>(vm_pos)];
  p.model = rng.Pick(w_.vm_models[static_cast<size_t>(vm_pos)]);
  const Model& m = w_.models[static_cast<size_t>(p.model)];
  p.bm = m.bm;
  p.city = rng.Pick(w_.vm_cities[static_cast<size_t>(vm_pos)]);
  const City& city = w_.cities[static_cast<size_t>(p.city)];
  p.county = rng.Pick(city.counties);

  // Production: the vehicle on day q, its pack one to three days before.
  const int32_t span = o.to.days_since_epoch() - o.from.days_since_epoch() - 4;
  const Date q = o.from.AddDays(4 + static_cast<int32_t>(idx * static_cast<uint64_t>(span) /
                                                         std::max<uint64_t>(o.vehicles, 1)));
  {
    // WMI, the model letter and the vehicle number, the check digit, the model year (the
    // production year, in the 30-year letter cycle from 2010), plant A.
    static constexpr char kYears[] = "ABCDEFGHJKLMNPRSTVWXY123456789";
    std::string vin = w_.ents[static_cast<size_t>(p.vm)].wmi;
    vin += static_cast<char>('A' + p.model % 8);
    vin += Pad(idx / 1000000 % 10000, 4);
    vin += '0';
    vin += kYears[(q.year() - 2010) % 30];
    vin += 'A';
    vin += Pad(idx % 1000000, 6);
    vin[8] = Vin::ComputeCheckDigit(vin);
    p.vin = vin;
  }

  Event& batteries = draft.batteries;
  batteries.kind = Ev::kBatteries;
  batteries.occurred = Clamp(q.AddDays(-static_cast<int32_t>(rng.Range(1, 3))));
  batteries.reported = batteries.occurred.AddDays(1);
  batteries.second = static_cast<int>(rng.Range(8 * 3600, 19 * 3600));
  batteries.by = p.bm;
  Event& produced = draft.produced;
  produced = Step(rng, Ev::kVehicleProduced, q, 0, 0);
  produced.by = p.vm;
  Event& sold = draft.sold;
  sold = Step(rng, Ev::kSold, produced.reported, 5, 25);
  sold.by = p.vm;
  draft.sale_lag = static_cast<int>(rng.Range(0, 3));
  draft.late_delay = static_cast<int>(rng.Range(1, 6));
  Event& duplicate = draft.duplicate;
  duplicate.kind = Ev::kDuplicate;
  duplicate.occurred = batteries.occurred.AddDays(static_cast<int32_t>(rng.Range(2, 10)));
  duplicate.reported = duplicate.occurred.AddDays(1);
  duplicate.second = static_cast<int>(rng.Range(8 * 3600, 20 * 3600));
  duplicate.by = p.bm;
  Event& impersonated = draft.impersonated;
  impersonated = duplicate;
  impersonated.kind = Ev::kImpersonated;
  impersonated.second = static_cast<int>(rng.Range(8 * 3600, 20 * 3600));
  // The newer injections' events, from the draws above (none of their own, so that the rest of
  // the story stays as it was).
  {
    const int victim = w_.vms[static_cast<size_t>(vm_pos + 1) % w_.vms.size()];
    std::string vin = w_.ents[static_cast<size_t>(victim)].wmi + p.vin.substr(3);
    vin[10] = 'Z';
    vin[8] = Vin::ComputeCheckDigit(vin);
    p.fake_vin = vin;
  }
  Event& unknown_inbound = draft.unknown_inbound;
  unknown_inbound.kind = Ev::kUnknownInbound;
  unknown_inbound.occurred = produced.reported.AddDays(1);
  unknown_inbound.reported = unknown_inbound.occurred.AddDays(1);
  unknown_inbound.second = produced.second;
  unknown_inbound.by = w_.recyclers[idx % w_.recyclers.size()];
  unknown_inbound.other = p.vm;
  Event& premature = draft.premature;
  premature = duplicate;
  premature.kind = Ev::kPremature;
  premature.second = impersonated.second;
  Event& fake = draft.fake_produced;
  fake = unknown_inbound;
  fake.kind = Ev::kImpersonatedVin;
  fake.by = p.vm;
  fake.other = -1;
  Event& second_sale = draft.second_sale;
  second_sale.kind = Ev::kSecondSale;
  second_sale.occurred = sold.reported.AddDays(2);
  second_sale.reported = second_sale.occurred.AddDays(1);
  second_sale.second = sold.second;
  second_sale.by = p.vm;

  // The episode after the sale, if any, and the transfers of the waste pack it leaves.
  const int roll = static_cast<int>(rng.Range(0, 99));
  if (m.swappable) {
    p.episode = roll < 40 ? Episode::kSwap : roll < 52 ? Episode::kScrap : Episode::kNone;
  } else {
    p.episode = roll < 10 ? Episode::kReplacement : roll < 22 ? Episode::kScrap : Episode::kNone;
  }
  const Date x = sold.reported.AddDays(static_cast<int32_t>(rng.Range(5, 60)));
  Event& stock = draft.stock;
  stock.kind = Ev::kBatteries;
  stock.slot = 1;
  stock.occurred = x.AddDays(-3);
  stock.reported = x.AddDays(-2);
  stock.second = static_cast<int>(rng.Range(8 * 3600, 19 * 3600));
  stock.by = p.bm;
  Event& episode = draft.episode;
  int& holder = draft.holder;
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
  std::vector<Event>& transfers = draft.transfers;
  int& relay = draft.relay;
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
  draft.unlicensed_pick = static_cast<int>(rng.Range(0, 1 << 20));
  return draft;
}

uint32_t Planner::Inject(Draft& draft, uint32_t mask) const {
  auto has = [&](Inj i) { return (mask >> i) & 1u; };
  Plan& p = draft.p;
  const uint64_t idx = p.idx;
  const Model& m = w_.models[static_cast<size_t>(p.model)];
  const City& city = w_.cities[static_cast<size_t>(p.city)];
  Event& batteries = draft.batteries;
  Event& produced = draft.produced;
  Event& sold = draft.sold;
  Event& impersonated = draft.impersonated;
  Event& episode = draft.episode;
  std::vector<Event>& transfers = draft.transfers;
  const int holder = draft.holder;
  const int relay = draft.relay;
  const int late_delay = draft.late_delay;
  const int unlicensed_pick = draft.unlicensed_pick;

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
      case Role::kSwapOperator:
        return "24.4b";
      case Role::kDismantler:
        return "24.8";
      case Role::kVehicleMaker:
        return "24.2c";
      case Role::kBatteryMaker:
        return "24.3";
      default:
        return nullptr;
    }
  };
  auto inbound_duty = [&](int ent) {
    return w_.ents[static_cast<size_t>(ent)].kind == Role::kRecycler ? "24.7a" : "24.6b";
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
  set(kFutureUtilized, util && Visible(util->reported));
  set(kIncompleteId, Visible(produced.reported) && OverdueBy("24.2a", produced.occurred));
  set(kConflict, Visible(batteries.reported) && m.modules >= 2);
  set(kDuplicate, Visible(draft.duplicate.reported));
  set(kImpersonated, Visible(impersonated.reported) && w_.bms.size() >= 2);
  set(kUnknownInbound, Visible(draft.unknown_inbound.reported));
  set(kPrematureCode, Visible(draft.premature.reported) &&
                          PrematureCodeDay(draft.premature.occurred).year() <= 2040);
  set(kSecondSale, Visible(draft.second_sale.reported));
  set(kImpersonatedVin, Visible(draft.fake_produced.reported) && w_.vms.size() >= 2);
  p.feasible = f;
  // Variants with accumulators of their own, so that each shows up even in small runs.
  auto variant = [&](Inj i, int v) { p.variant[static_cast<size_t>(i)] = static_cast<uint8_t>(v); };
  variant(kNoEpisodeReport, p.episode == Episode::kScrap  ? 0
                            : p.episode == Episode::kSwap ? 1
                            : p.cooperating               ? 2
                                                          : 3);
  if (missing_out) {
    const Role sender = w_.ents[static_cast<size_t>(missing_out->by)].kind;
    variant(kMissingOutbound, sender == Role::kSwapOperator   ? 0
                              : sender == Role::kDismantler   ? 1
                              : sender == Role::kVehicleMaker ? 2
                                                              : 3);
  }
  if (in1)
    variant(kMissingInbound, w_.ents[static_cast<size_t>(in1->by)].kind == Role::kRecycler ? 0 : 1);
  if (final_in) variant(kUnqualified, final_in->occurred > w_.eia_expiry ? 0 : 1);
  if (holder >= 0)
    variant(kUnlicensed, w_.ents[static_cast<size_t>(holder)].kind == Role::kDismantler ? 0 : 1);
  mask &= f;

  // ---- apply the injections and record what they must yield. The lifecycle ones are exclusive
  // (kExclusiveEnd): some replace `transfers`, which the pointers above point into.
  const Ent& bm = w_.ents[static_cast<size_t>(p.bm)];
  const Ent& vme = w_.ents[static_cast<size_t>(p.vm)];
  const std::string pack0 = PackCode(w_, p, 0, batteries.occurred);
  const std::string waste_pack =
      p.episode == Episode::kNone ? "" : pack0;  // one episode: the original pack leaves
  auto ref = [&](const Event& e) { return Ref(w_, e.by, EventId(p, e)); };
  std::vector<Finding>& out = p.findings;
  bool& truncate_vehicle = draft.truncate;

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
    out.push_back(Make("unknown_vehicle", "24", p.vm, p.vin, std::nullopt, {ref(sold)}, "MIIT",
                       "sale of a vehicle never reported produced"));
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
    } else if (w_.ents[static_cast<size_t>(holder)].kind == Role::kDismantler) {
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
    Event* before = final_in->step == 2 ? out2 : out1;
    before->other = r;
    // The sender's transfer to a recycler lacking a qualification on its date.
    if (Unqualified(w_.ents[static_cast<size_t>(r)], before->occurred)) {
      const bool mofcom = w_.ents[static_cast<size_t>(before->by)].kind == Role::kDismantler &&
                          std::string_view(before->source) == "dismantling";
      out.push_back(Make("unlicensed_destination", "20", before->by, waste_pack, std::nullopt,
                         {ref(*before)}, mofcom ? "MOFCOM" : "MIIT",
                         "waste battery delivered to a recycler without a valid qualification"));
    }
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
  if (has(kFutureUtilized)) {
    util->occurred = util->reported.AddDays(late_delay);
    out.push_back(Make("implausible_fact", "24", util->by, ref(*util), std::nullopt, {ref(*util)},
                       "MIIT", "battery.utilized dated after the day it was received"));
  }
  if (has(kUnknownInbound)) {
    const Event& e = draft.unknown_inbound;
    out.push_back(Make("unknown_battery", "10", e.by, UnknownPackCode(w_, p, batteries.occurred),
                       std::nullopt, {ref(e)}, "MIIT", "receipt of a code never produced"));
  }
  if (has(kPrematureCode)) {
    const std::string cell = PrematureCellCode(w_, p, PrematureCodeDay(draft.premature.occurred));
    out.push_back(Make("implausible_fact", "10", p.bm, cell, std::nullopt,
                       {Ref(w_, p.bm, "bp-" + cell)}, "MIIT",
                       "battery produced before the date its code carries"));
  }
  if (has(kSecondSale)) {
    out.push_back(Make("implausible_fact", "24", p.vm, p.vin, std::nullopt,
                       {ref(draft.second_sale)}, "MIIT", "vehicle sold a second time"));
  }
  if (has(kImpersonatedVin)) {
    const Event& e = draft.fake_produced;
    out.push_back(Make("impersonated_vin", "24", p.vm, p.fake_vin, std::nullopt, {ref(e)}, "MIIT",
                       "vehicle produced under another maker's WMI"));
    // Its pack was never produced: no digital ID when the vehicle report falls due.
    if (auto d = Due("24.2a", e.occurred); d && d->due < w_.options.to) {
      out.push_back(Make("missing_digital_id", "12", p.bm, FakePackCode(w_, p, batteries.occurred),
                         d->due, {ref(e)}, "MIIT",
                         "pack installed in a vehicle under another maker's WMI"));
    }
  }
  if (has(kLateProductOutbound)) {
    auto d = Due("24.7b", product->occurred);
    product->reported = d->due.AddDays(late_delay);
    out.push_back(Make("late_report", d->article, product->by, ref(*product), d->due,
                       {ref(*product)}, "MIIT", "product.outbound filed after its deadline"));
  }
  return mask;
}

void Planner::Health(Draft& draft) const {
  const Plan& p = draft.p;
  // Not for a vehicle never reported produced: nothing else happens to it.
  if (!draft.produced.emit) return;
  Rng rng(HealthStream(w_.options.seed, p.idx));
  if (!rng.Chance(kHealthShare)) return;
  // About yearly while the pack is installed: the first 30-180 days after it went into service,
  // each reported 1-3 days after its measurement and before the pack leaves the vehicle.
  auto measure = [&](int slot, int by, Date from, std::optional<Date> removed) {
    Date day = from.AddDays(static_cast<int32_t>(rng.Range(30, 180)));
    for (int n = 1; day <= w_.options.to; ++n) {
      Event e;
      e.kind = Ev::kHealth;
      e.occurred = day;
      e.reported = day.AddDays(static_cast<int32_t>(rng.Range(1, 3)));
      e.second = static_cast<int>(rng.Range(8 * 3600, 20 * 3600));
      e.slot = slot;
      e.step = n;
      e.by = by;
      if (removed && !(e.reported < *removed)) break;
      draft.health.push_back(e);
      day = day.AddDays(static_cast<int32_t>(rng.Range(330, 400)));
    }
  };
  const bool replaced = p.episode == Episode::kReplacement || p.episode == Episode::kSwap;
  measure(0, p.vm, draft.sold.reported,
          p.episode == Episode::kNone ? std::nullopt : std::optional(draft.episode.occurred));
  // The replacement or swap pack, when its installation was reported: by the shop that
  // replaced it or the swap operator, else by the vehicle maker.
  if (replaced && draft.episode.emit) {
    measure(1,
            p.episode == Episode::kSwap ? draft.episode.by
            : p.shop >= 0               ? p.shop
                                        : p.vm,
            draft.episode.reported, std::nullopt);
  }
}

void Planner::Assemble(Draft& draft, uint32_t mask) {
  auto has = [&](Inj i) { return (mask >> i) & 1u; };
  Plan& p = draft.p;
  p.events.push_back(draft.batteries);
  p.events.push_back(draft.produced);
  draft.sold.sale_lag = draft.sale_lag;
  p.events.push_back(draft.sold);
  if (has(kDuplicate)) p.events.push_back(draft.duplicate);
  if (has(kImpersonated)) p.events.push_back(draft.impersonated);
  if (has(kUnknownInbound)) p.events.push_back(draft.unknown_inbound);
  if (has(kPrematureCode)) p.events.push_back(draft.premature);
  if (has(kSecondSale)) p.events.push_back(draft.second_sale);
  if (has(kImpersonatedVin)) p.events.push_back(draft.fake_produced);
  if (!draft.truncate || has(kNoEpisodeReport)) {
    if (p.episode == Episode::kReplacement || p.episode == Episode::kSwap)
      p.events.push_back(draft.stock);
    if (p.episode != Episode::kNone) p.events.push_back(draft.episode);
    for (const Event& e : draft.transfers)
      p.events.push_back(e);
  }
  for (const Event& e : draft.health)
    p.events.push_back(e);
}

Plan Planner::Build(uint64_t idx, uint32_t mask) const {
  Draft draft = Draw(idx);
  mask = Inject(draft, mask);
  Health(draft);
  Assemble(draft, mask);
  return std::move(draft.p);
}

}  // namespace battrace::sim
