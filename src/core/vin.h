// Vehicle identification numbers (GB 16735 / ISO 3779): 17 characters from 0-9 A-H J-N P R-Z,
// check digit at position 9, WMI at positions 1-3, model year at position 10.
//
// The model year letter repeats every 30 years (A is 1980, 2010 and 2040); battrace reads it in
// the cycle 2010-2039, the era of traceable traction batteries, so "A" decodes as 2010 and "9" as
// 2039. The raw letter stays available through model_year_code().
#pragma once

#include <string>
#include <string_view>

#include "core/code_check.h"
#include "core/status.h"

namespace battrace {

class Vin {
 public:
  static constexpr size_t kLength = 17;

  // Trims, upper-cases, drops spaces and hyphens. Idempotent.
  static std::string Normalize(std::string_view raw);

  // Full diagnostics (kind "vin"): fields wmi, vds, check_digit, model_year, plant, serial when
  // the length is right; every failed rule with its 1-based position. A wrong check digit is an
  // error in strict mode. Chinese VINs always carry the check digit, so strict is the default;
  // lenient mode reports a mismatch as a warning only, for VINs of regions where position 9 need
  // not be a check digit and for legacy records.
  static CodeCheck Check(std::string_view raw, Strictness strictness);

  // Normalizes and parses; on failure Status::Invalid("vin", "vin.<rule>", message) for the
  // first failed rule (length, alphabet, model_year, check_digit), its position in the message.
  static Result<Vin> Parse(std::string_view raw, Strictness strictness = Strictness::kStrict);

  // The check character ('0'-'9' or 'X') for the first 17 characters of a well-formed VIN
  // (position 9 ignored). REQUIRES: at least 17 characters, all from the VIN alphabet; other
  // input gives a meaningless (but defined) result.
  static char ComputeCheckDigit(std::string_view vin17);

  const std::string& str() const { return vin_; }
  std::string_view wmi() const { return std::string_view(vin_).substr(0, 3); }
  char model_year_code() const { return vin_[9]; }
  // The model year in the cycle 2010-2039 (see the file comment).
  int model_year() const;
  bool operator==(const Vin& o) const { return vin_ == o.vin_; }

 private:
  explicit Vin(std::string vin) : vin_(std::move(vin)) {}
  std::string vin_;
};

}  // namespace battrace
