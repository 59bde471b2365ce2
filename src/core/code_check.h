// The diagnostic form shared by every identifier checker (battery code, VIN, USCC, division).
//
// A CodeCheck says what was scanned, what it normalizes to, whether it is valid, the decoded
// fields in order, and every rule that failed with its 1-based position in the normalized text,
// so that `battrace code check --json` and the report parsers speak the same language.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace battrace {

// How strictly a checker reads its input.
enum class Strictness {
  kStrict,   // only the standard's form is valid
  kLenient,  // field-observed deviations (e.g. letters in a battery serial) pass with a warning
};

struct CodeIssue {
  int position = 0;     // 1-based in the normalized text; 0 when it concerns the whole input
  std::string field;    // e.g. "production_date", "check_digit"
  std::string rule;     // stable rule name, e.g. "battery_code.day"
  std::string message;  // for a person, with a hint where one helps
};

struct CodeCheck {
  std::string input;       // the raw scan, unchanged
  std::string normalized;  // after normalization (may be empty if nothing usable was found)
  std::string kind;        // "battery", "vin", "uscc", "division"
  bool valid = false;
  std::vector<std::pair<std::string, std::string>> fields;  // decoded, in order
  std::vector<CodeIssue> errors;
  std::vector<std::string> warnings;
};

enum class CodeKind { kAuto, kBattery, kVin, kUscc, kDivision };

// Checks `raw` as the given kind; kAuto picks the kind from the normalized length
// (17: VIN, 18: USCC, 6 digits: division, otherwise battery code).
CodeCheck CheckCode(CodeKind kind, std::string_view raw, Strictness strictness);

}  // namespace battrace
