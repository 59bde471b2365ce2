// The paged lists of batteries and vehicles (Store::ListBatteries, ListVehicles).
#pragma once

#include <string>
#include <vector>

#include "store/store.h"

namespace battrace::store::common {

// The query of Store::ListBatteries (ListVehicles) for a scope: all, party or division
// (ListScope), in "$n" placeholders, which SQLite numbers in the order they first appear, as
// here: all ($1 the key after, $2 the limit); party ($1 the USCC, $2 the key after, $3 the
// limit); division ($1 and $2 the division range [low, high), $3 and $4 the key after, $5 the
// limit).
std::string ListBatteriesSql(const ListScope& scope);
std::string ListVehiclesSql(const ListScope& scope);

// The parameters of those queries for a scope and a key to resume after, in order, without the
// limit: the division's code range, or the party, then the key ("" parts for the first page).
Result<std::vector<std::string>> ListParams(const ListScope& scope,
                                            const std::vector<std::string>& after);

}  // namespace battrace::store::common
