// GB/T 34014-2017 battery codes: normalize a raw scan, parse it into its seven fields, validate.
//
// A code is 24 characters: manufacturer (3), product type (1: P pack, M module, C cell),
// battery type / chemistry (1), specification (2), traceability (7), production date (3: year,
// month, day letters), serial (7). A 19-character cascade re-code form (no traceability field,
// suffix 'R' + product type) is accepted with a warning. The tables (chemistry letters, date
// letters) are in battery_code.cc, in one place, easy to correct.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/code_check.h"
#include "core/date.h"
#include "core/status.h"

namespace battrace {

enum class ProductType : char { kPack = 'P', kModule = 'M', kCell = 'C' };

class BatteryCode {
 public:
  static constexpr size_t kLength = 24;
  static constexpr size_t kRecodeLength = 19;

  // Normalizes a raw scan: trims, upper-cases, drops spaces/hyphens/underscores/dots, joins
  // two-line plates (halves separated by a line break, in either order: the right order is the
  // one whose 4th character is P/M/C), and extracts a 24-character code wrapped in a longer
  // payload. Idempotent: Normalize(Normalize(x)) == Normalize(x).
  static std::string Normalize(std::string_view raw);

  // Full diagnostics for `code check`: every failed rule with its 1-based position in the
  // normalized code, decoded fields, warnings, hints for 0/O and 1/I confusion.
  static CodeCheck Check(std::string_view raw, Strictness strictness);

  // Normalizes and parses; on failure the Status names the first failed rule
  // (rule "battery_code.<field>") and its position in the message.
  static Result<BatteryCode> Parse(std::string_view raw, Strictness strictness);

  // The hot path: is `normalized` (already normalized, 24 or 19 characters) a valid code?
  // No allocation.
  static bool IsValid(std::string_view normalized, Strictness strictness);

  const std::string& str() const { return code_; }
  std::string_view manufacturer() const { return std::string_view(code_).substr(0, 3); }
  ProductType product_type() const { return static_cast<ProductType>(code_[3]); }
  char chemistry() const { return code_[4]; }
  Date production_date() const { return date_; }
  bool is_recode() const { return code_.size() == kRecodeLength; }

  bool operator==(const BatteryCode& o) const { return code_ == o.code_; }

 private:
  BatteryCode(std::string code, Date date) : code_(std::move(code)), date_(date) {}
  std::string code_;
  Date date_;
};

// "pack", "module", "cell".
const char* ProductTypeName(ProductType t);

}  // namespace battrace
