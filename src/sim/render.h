// The reports of a vehicle's events (internal to src/sim), as NDJSON lines with sorted keys.
#pragma once

#include <vector>

#include "sim/plan.h"
#include "sim/world.h"

namespace battrace::sim {

// Appends the reports of `e` (one, or a pack with its modules and cells) to `out`.
void Render(const World& w, const Plan& p, const Event& e, std::vector<Line>& out);

}  // namespace battrace::sim
