// GB/T 2260 administrative divisions: six digits, province (2) + city (2) + county (2).
// Validated against the current list compiled in from a maintained data package.
// "000000" is the nation (a national regulator's jurisdiction); it is valid here.
#pragma once

#include <string>
#include <string_view>

#include "core/code_check.h"
#include "core/status.h"

namespace battrace {

enum class DivisionLevel { kNation = 0, kProvince = 1, kCity = 2, kCounty = 3 };

class Division {
 public:
  static std::string Normalize(std::string_view raw);
  static CodeCheck Check(std::string_view raw, Strictness strictness);
  // Rule names "division.<rule>" (format, unknown).
  static Result<Division> Parse(std::string_view raw);

  const std::string& code() const { return code_; }
  DivisionLevel level() const { return level_; }
  const std::string& name() const { return name_; }  // UTF-8, e.g. "深圳市"
  // "440000" for any division of Guangdong; "000000" for the nation.
  std::string province_code() const;
  // "440300" for a county of Shenzhen; the province's own code for a province.
  std::string city_code() const;
  // The jurisdiction prefix: "" for the nation, "44" for a province, "4403" for a city,
  // "440305" for a county. A code is inside this division when it starts with the prefix.
  std::string prefix() const;
  bool Contains(std::string_view other_code) const;

 private:
  Division(std::string code, DivisionLevel level, std::string name)
      : code_(std::move(code)), level_(level), name_(std::move(name)) {}
  std::string code_;
  DivisionLevel level_;
  std::string name_;
};

}  // namespace battrace
