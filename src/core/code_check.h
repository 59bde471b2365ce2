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

#include "core/status.h"

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

// Checks `raw` as the given kind; kAuto picks the kind from the length after
// NormalizeIdentifier (17: VIN, 18: USCC, 6 digits: division, otherwise battery code).
CodeCheck CheckCode(CodeKind kind, std::string_view raw, Strictness strictness);

// The Status a Parse returns for a failed check: Status::Invalid(check.kind, rule, message)
// for the first error, the message led by its position ("position 9: ...") when it has one.
// REQUIRES: !check.errors.empty().
inline Status FirstErrorStatus(const CodeCheck& check) {
  const CodeIssue& first = check.errors.front();
  std::string message = first.message;
  if (first.position > 0) message = "position " + std::to_string(first.position) + ": " + message;
  return Status::Invalid(check.kind, first.rule, std::move(message));
}

// The normalization shared by VINs, USCCs and division codes: drops ASCII whitespace (so also
// trims) and hyphens, upper-cases ASCII letters, leaves every other byte as it is. Idempotent.
inline std::string NormalizeIdentifier(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (const char c : raw) {
    if (c == ' ' || c == '-' || (c >= '\t' && c <= '\r')) continue;
    out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return out;
}

// A character for a message: "'O'" when printable ASCII, "byte 0xC3" otherwise (so that
// messages stay valid UTF-8 whatever was scanned).
inline std::string DescribeChar(char c) {
  const auto b = static_cast<unsigned char>(c);
  if (b >= 0x20 && b < 0x7F) return std::string{'\'', c, '\''};
  constexpr char kHex[] = "0123456789ABCDEF";
  return std::string("byte 0x") + kHex[b >> 4] + kHex[b & 0xF];
}

// The digit a scanned letter is most likely a misreading of ('1' for I, '0' for O and Q), or
// '\0' when there is none. Used for the "did you mean" hints of alphabet errors.
inline char LookalikeDigit(char c) {
  switch (c) {
    case 'I':
      return '1';
    case 'O':
    case 'Q':
      return '0';
    default:
      return '\0';
  }
}

}  // namespace battrace
