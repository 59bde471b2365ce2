// The receipt a reporter gets for an accepted report: which leaf of the ledger holds it.
//
// With the receipt, a signed checkpoint and an inclusion proof, anyone can check offline
// that the platform recorded exactly this report. JSON form:
//   {"reporter": "...", "id": "...", "leaf_index": 12, "leaf_hash": "<base64>"}
// See docs/ledger-format.md.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"
#include "ledger/hash.h"

namespace battrace::ledger {

struct Receipt {
  std::string reporter;  // who submitted the report (an enterprise's credit code)
  std::string id;        // the report id the reporter chose
  uint64_t leaf_index = 0;
  Hash leaf_hash{};

  nlohmann::json ToJson() const;

  // Parses the JSON form. All four members are required with their types; other members are
  // ignored, so receipts may grow. Errors name the member as a JSON pointer.
  static Result<Receipt> FromJson(const nlohmann::json& json);

  friend bool operator==(const Receipt&, const Receipt&) = default;
};

}  // namespace battrace::ledger
