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
  // Trims, upper-cases, drops spaces and hyphens. Idempotent.
  static std::string Normalize(std::string_view raw);
  static CodeCheck Check(std::string_view raw, Strictness strictness);
  // Rule names "uscc.<rule>" (length, alphabet, check_character, ...). A division code not in
  // the current list is a warning, not an error: enterprises keep the code of the division they
  // registered in, and divisions are renamed and merged over the years.
  static Result<Uscc> Parse(std::string_view raw, Strictness strictness = Strictness::kStrict);
  // The check character for the first 17 characters of a well-formed code.
  static char ComputeCheckCharacter(std::string_view first17);

  const std::string& str() const { return code_; }
  std::string_view division() const { return std::string_view(code_).substr(2, 6); }
  bool operator==(const Uscc& o) const { return code_ == o.code_; }

 private:
  explicit Uscc(std::string code) : code_(std::move(code)) {}
  std::string code_;
};

}  // namespace battrace
