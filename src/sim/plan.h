// One vehicle's story (internal to src/sim): its events with their dates and parties, the
// violations injected into it, and the findings they must yield.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/battery_code.h"
#include "core/date.h"
#include "sim/simulator.h"
#include "sim/world.h"

namespace battrace::sim {

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
  kFutureUtilized,
  kExclusiveEnd,
  // independent, at production
  kIncompleteId = kExclusiveEnd,
  kConflict,
  kDuplicate,
  kImpersonated,
  kUnknownInbound,   // a recycler receives a code never produced, "from" the vehicle maker
  kPrematureCode,    // a loose cell reported produced before the date its code carries
  kSecondSale,       // the vehicle reported sold a second time
  kImpersonatedVin,  // the vehicle maker reports a vehicle under another maker's WMI
  kInjCount,
};
inline constexpr int kVariants = 4;

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
  kUnknownInbound,
  kPremature,
  kSecondSale,
  kImpersonatedVin,
  kHealth,  // battery.health of an installed pack (src/sim/eu.h)
};

struct Event {
  Ev kind = Ev::kBatteries;
  Date occurred;
  Date reported;   // the Beijing day
  int second = 0;  // of that day
  int slot = 0;    // the pack: 0 original, 1 replacement or swap stock
  int by = -1;     // the reporter
  int other = -1;  // to / from / repairer; -2 an unregistered USCC
  int step = 1;    // 1 or 2 for transfers; the measurement's number for battery.health
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
  std::string fake_vin;  // the VIN of an impersonated-VIN injection: the next maker's WMI
  Episode episode = Episode::kNone;
  bool cooperating = false;  // replacement by a shop cooperating with the maker
  int shop = -1;
  std::vector<Event> events;
  uint32_t feasible = 0;  // injections that would be visible as of the last day
  // Per injection, which of its variants this vehicle offers (below kVariants): the duty or
  // the department a finding would name.
  std::array<uint8_t, kInjCount> variant{};
  std::vector<Finding> findings;
};

// A battery code of vehicle `vehicle`'s batteries: the traceability field holds the vehicle
// number, the serial the battery's place (below).
std::string Code(const std::string& manufacturer, ProductType type, const Model& m,
                 uint64_t vehicle, Date day, uint32_t serial);
// Serials: slot 0 the original pack, 1 the replacement or swap stock, 3 a loose cell; within a
// slot, cells by module and place, then modules, then the pack.
inline uint32_t SlotBase(int slot) {
  return static_cast<uint32_t>(slot) * 1000000u;
}
inline uint32_t CellSerial(int slot, int module, int cell) {
  return SlotBase(slot) + static_cast<uint32_t>(module * 100 + cell);
}
inline uint32_t ModuleSerial(int slot, int module) {
  return SlotBase(slot) + 90000u + static_cast<uint32_t>(module);
}
inline uint32_t PackSerial(int slot) {
  return SlotBase(slot) + 99999u;
}
std::string PackCode(const World& w, const Plan& p, int slot, Date day);
// The GS1 serial (AI 21) of a slot's pack: the vehicle number in base 36 and the slot, unique
// among the packs of a battery model.
std::string Gs1Serial(const Plan& p, int slot);
// Codes of the injections: a pack never produced (kUnknownInbound), a cell whose code carries
// `code_day` (kPrematureCode), the pack of the impersonated-VIN vehicle, never produced.
std::string UnknownPackCode(const World& w, const Plan& p, Date day);
std::string PrematureCellCode(const World& w, const Plan& p, Date code_day);
std::string FakePackCode(const World& w, const Plan& p, Date day);
// The day a premature cell's code carries: three days after its report's `occurred`.
inline Date PrematureCodeDay(Date occurred) {
  return occurred.AddDays(3);
}
// The production day of a slot's pack (the kBatteries event of that slot).
Date SlotDay(const Plan& p, int slot);
// "reporter/id".
std::string Ref(const World& w, int ent, const std::string& id);
// The report id of a vehicle event (not of battery production).
std::string EventId(const Plan& p, const Event& e);

class Planner {
 public:
  explicit Planner(const World& w) : w_(w) {}

  // The vehicle's plan with the injections of `mask` that are feasible; plan.feasible says
  // which are.
  Plan Build(uint64_t idx, uint32_t mask) const;

 private:
  // A vehicle's story before injections: every event it may have, by name.
  struct Draft {
    Plan p;
    Event batteries, produced, sold, duplicate, impersonated;
    Event unknown_inbound, premature, second_sale, fake_produced;
    Event stock;                // the replacement or swap pack
    std::vector<Event> health;  // battery.health of the packs while installed
    Event episode;              // the replacement, swap or scrapping
    // The waste pack's transfers: outbound and inbound (twice through an outlet), then the
    // recycler's battery.utilized and product.outbound.
    std::vector<Event> transfers;
    int holder = -1;  // who holds the waste pack after the episode
    int relay = -1;   // the outlet owner it passes through, if any
    int sale_lag = 0;
    int late_delay = 0;  // days after the due date an injected late report is filed
    int unlicensed_pick = 0;
    bool truncate = false;  // nothing happens to the vehicle after the injection
  };

  // The story from the vehicle's own random stream.
  Draft Draw(uint64_t idx) const;
  // Records in draft.p which injections would be visible (feasible, variant), applies those of
  // `mask` that are, records their findings, and returns them.
  uint32_t Inject(Draft& draft, uint32_t mask) const;
  // The health measurements of the vehicle's packs (draft.health), for a share of vehicles, from
  // a random stream of their own: the rest of the story is the same with or without them.
  void Health(Draft& draft) const;
  // The event list, in a fixed order.
  static void Assemble(Draft& draft, uint32_t mask);

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
                   {department, Authority(w_, department, e.division)},
                   std::move(detail),
                   {},
                   {}};
  }

  const World& w_;
};

}  // namespace battrace::sim
