// A finding's party as regulators see it beside its USCC: its registered name and division,
// from the current registry (docs/findings.md, "For regulators").
#pragma once

#include <optional>
#include <string>

#include "domain/finding_text.h"
#include "store/store.h"

namespace battrace::store {

// The registered name and division of enterprise `uscc`; nullopt when it is not registered (or
// its record cannot be read).
std::optional<domain::PartyInfo> PartyInfoOf(Store& store, const std::string& uscc);

}  // namespace battrace::store
