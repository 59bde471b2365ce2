// GB/T 34014-2017 battery codes: normalize a raw scan, parse it into its seven fields, validate.
//
// A code is 24 characters: manufacturer (3), product type (1: P pack, M module, C cell),
// battery type / chemistry (1), specification (2), traceability (7), production date (3: year,
// month, day letters), serial (7). A 19-character cascade re-code form (no traceability field,
// suffix 'R' + product type) is accepted with a warning. The tables (chemistry letters, date
// letters) are in battery_code.cc, in one place, easy to correct.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/code_check.h"
#include "core/date.h"
#include "core/status.h"

namespace battrace {

enum class ProductType : char { kPack = 'P', kModule = 'M', kCell = 'C' };

class BatteryCode {
 public:
  static constexpr size_t kLength = 24;
  static constexpr size_t kRecodeLength = 19;

  // Reads a raw scan as a code, never guessing (docs/report-format.md, "Reading battery
  // codes"). Both modes trim surrounding whitespace and upper-case ASCII letters; lenient mode
  // also drops separators (spaces, tabs, hyphens, underscores, dots) and joins lines (a
  // two-line plate in either order: the one that makes a valid code, else the one whose 4th
  // character is P/M/C). When the result is a label URL (FromLabelUrl) the code is its last
  // segment. Nothing else is ever taken out of a longer string: a string of the wrong length
  // stays that string, and fails on its length. Idempotent: Normalize(Normalize(x)) ==
  // Normalize(x) in each mode.
  static std::string Normalize(std::string_view raw, Strictness strictness = Strictness::kLenient);

  // The code segment of a battery's label URL, the URL of its public page that its QR code
  // carries: "http://" or "https://" (any case), a host, a path ending in "/b/" (or "/B/") and
  // a non-empty last segment; no query, fragment, whitespace or control character. Nullopt for
  // any other text. The segment is returned as it is (checked as a code by the caller).
  static std::optional<std::string_view> FromLabelUrl(std::string_view text);

  // Full diagnostics for `code check`: every failed rule with its 1-based position in the
  // normalized code, decoded fields, warnings (each with its rule), hints for 0/O and 1/I
  // confusion, and extracted_from "url" when the code was read out of a label URL.
  static CodeCheck Check(std::string_view raw, Strictness strictness);

  // Normalizes and parses; on failure the Status names the first failed rule
  // (rule "battery_code.<field>") and its position in the message.
  static Result<BatteryCode> Parse(std::string_view raw, Strictness strictness);
  // The same, appending to `warnings` what Check warns of (how the scan was read, lenient
  // deviations, a cascade re-code) when the code is accepted.
  static Result<BatteryCode> Parse(std::string_view raw, Strictness strictness,
                                   std::vector<CodeIssue>* warnings);

  // The hot path: is `normalized` (already normalized, 24 or 19 characters) a valid code?
  // No allocation.
  static bool IsValid(std::string_view normalized, Strictness strictness);

  // Builds a 24-character code from its fields (the encoder of tests and the data simulator).
  // Each text field must already have its exact length and alphabet (no normalization is
  // applied); `chemistry` is a battery-type letter (A-G, Z). Fails with the first broken rule,
  // like Parse, e.g. rule "battery_code.year" for a date outside 2011-2040.
  static Result<BatteryCode> Compose(std::string_view manufacturer, ProductType product_type,
                                     char chemistry, std::string_view specification,
                                     std::string_view traceability, Date production_date,
                                     std::string_view serial,
                                     Strictness strictness = Strictness::kStrict);

  // The three production-date letters (year, month, day) of `date`; rule "battery_code.year"
  // when the year is outside 2011-2040, the years the letter table covers.
  static Result<std::string> EncodeDate(Date date);
  // The day named by three production-date letters; rules "battery_code.length",
  // "battery_code.year", "battery_code.month", "battery_code.day", "battery_code.date_exists".
  static Result<Date> DecodeDate(std::string_view letters);

  const std::string& str() const { return code_; }
  std::string_view manufacturer() const { return std::string_view(code_).substr(0, 3); }
  ProductType product_type() const { return static_cast<ProductType>(code_[3]); }
  char chemistry() const { return code_[4]; }
  std::string_view specification() const { return std::string_view(code_).substr(5, 2); }
  // Empty for a cascade re-code, which has no traceability field.
  std::string_view traceability() const {
    return is_recode() ? std::string_view() : std::string_view(code_).substr(7, 7);
  }
  Date production_date() const { return date_; }
  std::string_view serial() const {
    return std::string_view(code_).substr(is_recode() ? 10 : 17, 7);
  }
  bool is_recode() const { return code_.size() == kRecodeLength; }
  // The product type after the re-code mark 'R' (last character); nullopt for a 24-char code.
  std::optional<ProductType> recode_product_type() const {
    if (!is_recode()) return std::nullopt;
    return static_cast<ProductType>(code_.back());
  }

  bool operator==(const BatteryCode& o) const { return code_ == o.code_; }

 private:
  // Parse without normalization: `code` must already be in normalized form.
  static Result<BatteryCode> ParseNormalized(std::string_view code, Strictness strictness);

  BatteryCode(std::string code, Date date) : code_(std::move(code)), date_(date) {}
  std::string code_;
  Date date_;
};

// "pack", "module", "cell".
const char* ProductTypeName(ProductType t);
// The battery type a chemistry letter stands for ("LFP" for 'B', ...); nullptr for a letter
// outside the table.
const char* ChemistryName(char letter);

}  // namespace battrace
