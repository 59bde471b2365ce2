// The data of the EU battery passport (Regulation (EU) 2023/1542, Annex XIII) the simulator
// files (internal to src/sim; docs/simulator.md, "EU battery passport data"): the battery makers'
// `battery_model.declared` of a share of their pack models, GTINs for some of those (their packs'
// battery.produced carry a GS1 serial, plan.h Gs1Serial), and `battery.health` of a share of the
// installed packs.
//
// Everything here draws from random streams of its own, so that the world and the vehicles'
// stories are the same with or without it.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/date.h"
#include "sim/plan.h"
#include "sim/random.h"
#include "sim/world.h"

namespace battrace::sim {

// The shares: of battery models declared, of declared models with a GTIN, of declared models
// declared a second time; of vehicles whose packs report their health.
inline constexpr double kDeclaredShare = 0.7;
inline constexpr double kGtinShare = 0.6;
inline constexpr double kRedeclaredShare = 0.3;
inline constexpr double kHealthShare = 0.3;

// The random stream of a vehicle's health measurements.
inline uint64_t HealthStream(uint64_t seed, uint64_t vehicle) {
  return Mix(Mix(seed, vehicle), 0x4EA17B);
}

// Groups the world's vehicle models by their pack model (w.battery_models, Model::battery_model)
// and chooses which are declared, declared again and given a GTIN.
void DrawBatteryModels(World& w);

// The performance class of a carbon footprint in kg CO2e/kWh: the simulator's own bands (A
// below 60, B below 70, C below 80, D below 95, E from 95).
char CarbonFootprintClass(double per_kwh);

// The body (no envelope) of battery model `index`'s declaration: version 1 the first, 2 the
// later one with changed values.
nlohmann::json DeclarationBody(const World& w, size_t index, int version);

// Adds the battery_model.declared reports to `lines` (by reported day): the first a few days
// after `first_pack[i]`, the day battery model i's first pack was produced (none when no pack
// of it was), the second 30-150 days after the first.
void AddDeclarations(const World& w, const std::vector<std::optional<Date>>& first_pack,
                     std::vector<std::pair<Date, Line>>& lines);

// The battery.health report of a kHealth event of `p`.
Line HealthLine(const World& w, const Plan& p, const Event& e);

}  // namespace battrace::sim
