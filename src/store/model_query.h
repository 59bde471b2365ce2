// Model information and declarations, and the battery a GS1 Digital Link names.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace battrace::store::common {

// Whether a stored model.disassembly_info report is about `vehicle_model`.
bool IsAboutModel(const StoredReport& report, const std::string& vehicle_model);

// Of the battery_model.declared reports `declared` (one maker's, in ledger order), those
// declaring `model` as they stand after their latest correction (corrected_by set; a correction
// may change the model a declaration is about), in ledger order.
Result<std::vector<StoredReport>> DeclarationsOf(Store& store, std::vector<StoredReport> declared,
                                                 const std::string& model);
// The battery GS1 Digital Link (gtin14, serial) names, of `candidates` (the batteries whose
// battery.produced gave that serial, by produced_leaf): the first whose producer's declaration
// in force for its model declares `gtin14`. A later battery with the same pair does not take it.
Result<std::optional<std::string>> DigitalLinkHolder(
    Store& store, const std::vector<domain::BatteryState>& candidates, const std::string& gtin14);

}  // namespace battrace::store::common
