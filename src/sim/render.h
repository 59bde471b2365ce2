// The reports of a vehicle's events (internal to src/sim), as NDJSON lines with sorted keys.
#pragma once

#include <vector>

#include "sim/plan.h"
#include "sim/world.h"

namespace battrace::sim {

// Rated figures of a battery and its lithium, cobalt, nickel and manganese content in kg.
struct Figures {
  double ah, v, kwh, kg, li, co, ni, mn;
};
// The figures of a vehicle model's pack: its cells in series in modules, with casings.
Figures PackFigures(const Model& m);

// Appends the reports of `e` (one, or a pack with its modules and cells) to `out`.
void Render(const World& w, const Plan& p, const Event& e, std::vector<Line>& out);

}  // namespace battrace::sim
