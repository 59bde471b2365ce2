// GB/T 2260 administrative divisions: six digits, province (2) + city (2) + county (2).
// Validated against the current list compiled in from a maintained data package.
// "000000" is the nation (a national regulator's jurisdiction); it is valid here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/code_check.h"
#include "core/status.h"

namespace battrace {

enum class DivisionLevel { kNation = 0, kProvince = 1, kCity = 2, kCounty = 3 };

// "nation", "province", "city", "county".
const char* DivisionLevelName(DivisionLevel level);

class Division {
 public:
  static constexpr std::string_view kNationCode = "000000";

  // Trims and drops spaces and hyphens (as NormalizeIdentifier). Idempotent.
  static std::string Normalize(std::string_view raw);

  // Full diagnostics (kind "division"): fields level, name, province (the province's name,
  // except for the nation) and city (the city's name, for cities and counties, when the list has
  // the city: the municipalities' city-level rows are named "市辖区" there). Rules
  // "division.format" (six digits) and "division.unknown" (not in the list). Both strictness
  // levels read the same: a division is in the list or it is not.
  static CodeCheck Check(std::string_view raw, Strictness strictness);

  // Rule names "division.<rule>" (format, unknown); the field of the Status is "division".
  static Result<Division> Parse(std::string_view raw);

  // Every division of `level` in code order (for kNation, the nation alone).
  static std::vector<Division> All(DivisionLevel level);

  const std::string& code() const { return code_; }
  DivisionLevel level() const { return level_; }
  const std::string& name() const { return name_; }  // UTF-8, e.g. "深圳市"
  // "440000" for any division of Guangdong; "000000" for the nation.
  std::string province_code() const;
  // "440300" for a county of Shenzhen, "110100" for a district of Beijing; the division's own
  // code for the nation, a province or a city.
  std::string city_code() const;
  // The jurisdiction prefix: "" for the nation, "44" for a province, "4403" for a city,
  // "440305" for a county. A code is inside this division when it starts with the prefix.
  std::string prefix() const;
  // Whether `other_code` (six digits, not normalized) starts with prefix(). The code need not
  // be in the list: a retired county code is still inside its province.
  bool Contains(std::string_view other_code) const;

 private:
  Division(std::string code, DivisionLevel level, std::string name)
      : code_(std::move(code)), level_(level), name_(std::move(name)) {}
  // The division of a six-digit code, or nullopt when the code is not in the list.
  static std::optional<Division> Find(std::string_view code);

  std::string code_;
  DivisionLevel level_;
  std::string name_;
};

}  // namespace battrace
