// Vehicle identification numbers (GB 16735 / ISO 3779): 17 characters from 0-9 A-H J-N P R-Z,
// check digit at position 9, WMI at positions 1-3, model year at position 10.
#pragma once

#include <string>
#include <string_view>

#include "core/code_check.h"
#include "core/status.h"

namespace battrace {

class Vin {
 public:
  // Trims, upper-cases, drops spaces and hyphens. Idempotent.
  static std::string Normalize(std::string_view raw);
  static CodeCheck Check(std::string_view raw, Strictness strictness);
  // Rule names "vin.<rule>" (length, alphabet, check_digit, ...).
  static Result<Vin> Parse(std::string_view raw, Strictness strictness = Strictness::kStrict);
  // The check character ('0'-'9' or 'X') for the first 17 characters of a well-formed VIN
  // (position 9 ignored).
  static char ComputeCheckDigit(std::string_view vin17);

  const std::string& str() const { return vin_; }
  std::string_view wmi() const { return std::string_view(vin_).substr(0, 3); }
  char model_year_code() const { return vin_[9]; }
  bool operator==(const Vin& o) const { return vin_ == o.vin_; }

 private:
  explicit Vin(std::string vin) : vin_(std::move(vin)) {}
  std::string vin_;
};

}  // namespace battrace
