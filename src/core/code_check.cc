// CheckCode: the one entry point `battrace code check` and the report parsers use to check any
// identifier, dispatching to the checker of its kind or guessing the kind from its length.
#include "core/code_check.h"

#include <algorithm>

#include "core/battery_code.h"
#include "core/division.h"
#include "core/uscc.h"
#include "core/vin.h"

namespace battrace {
namespace {

// VINs have 17 characters and USCCs 18; six digits are a division; a battery code has 24 (or 19
// for a cascade re-code), and anything else is best explained by the battery code checker,
// which knows about label URLs and split plates. Lengths count characters.
CodeKind GuessKind(std::string_view raw) {
  const std::string n = NormalizeIdentifier(raw);
  const size_t length = CountCharacters(n);
  if (length == Vin::kLength) return CodeKind::kVin;
  if (length == Uscc::kLength) return CodeKind::kUscc;
  if (n.size() == 6 &&
      std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return CodeKind::kDivision;
  }
  return CodeKind::kBattery;
}

}  // namespace

CodeCheck CheckCode(CodeKind kind, std::string_view raw, Strictness strictness) {
  if (kind == CodeKind::kAuto) kind = GuessKind(raw);
  switch (kind) {
    case CodeKind::kVin:
      return Vin::Check(raw, strictness);
    case CodeKind::kUscc:
      return Uscc::Check(raw, strictness);
    case CodeKind::kDivision:
      return Division::Check(raw, strictness);
    case CodeKind::kAuto:
    case CodeKind::kBattery:
      break;
  }
  return BatteryCode::Check(raw, strictness);
}

}  // namespace battrace
