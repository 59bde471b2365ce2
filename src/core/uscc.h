// Unified social credit codes (GB 32100-2015): 18 characters from 0-9 A-H J-N P-R T U W-Y,
// registration authority, entity type, GB/T 2260 division of registration (positions 3-8),
// organisation code (9-17), check character (18).
#pragma once

#include <string>
#include <string_view>

#include "core/code_check.h"
#include "core/status.h"

namespace battrace {

class Uscc {
 public:
  static constexpr size_t kLength = 18;

  // Trims, upper-cases, drops spaces and hyphens. Idempotent.
  static std::string Normalize(std::string_view raw);

  // Full diagnostics (kind "uscc"): fields registration_authority, entity_type, division,
  // division_name (when the division is in the list), organization_code, check_character when
  // the length is right; errors "uscc.length", "uscc.alphabet", "uscc.check_character" with
  // 1-based positions. Warnings, never errors: a division not in the current list, and an
  // organisation code (positions 9-17) whose own GB 11714 check character does not verify.
  // Both strictness levels read the same: the check character is mandatory in both.
  static CodeCheck Check(std::string_view raw, Strictness strictness);

  // Rule names "uscc.<rule>" (length, alphabet, check_character, ...). A division code not in
  // the current list is a warning, not an error: enterprises keep the code of the division they
  // registered in, and divisions are renamed and merged over the years.
  static Result<Uscc> Parse(std::string_view raw, Strictness strictness = Strictness::kStrict);

  // The check character for the first 17 characters of a well-formed code. REQUIRES: at least
  // 17 characters, all from the USCC alphabet; other input gives a meaningless (but defined)
  // result.
  static char ComputeCheckCharacter(std::string_view first17);

  const std::string& str() const { return code_; }
  std::string_view division() const { return std::string_view(code_).substr(2, 6); }
  // The GB 11714 organisation code with its own check character (positions 9-17).
  std::string_view organization_code() const { return std::string_view(code_).substr(8, 9); }
  bool operator==(const Uscc& o) const { return code_ == o.code_; }

 private:
  explicit Uscc(std::string code) : code_(std::move(code)) {}
  std::string code_;
};

}  // namespace battrace
