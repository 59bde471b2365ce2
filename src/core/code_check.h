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
  // The payload the code was read out of, when the input was one that carries a code and more:
  // "url" for the label URL of a battery's public page (.../b/{code}); empty for a bare code.
  std::string extracted_from;
  bool valid = false;
  std::vector<std::pair<std::string, std::string>> fields;  // decoded, in order
  std::vector<CodeIssue> errors;
  // What was accepted but deviates from the standard's form, or how the input was read.
  std::vector<CodeIssue> warnings;
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

// The number of characters (Unicode code points) of UTF-8 text: every byte that is not a
// continuation byte (10xxxxxx) starts one. Lengths in messages count these, never bytes.
// A continuation byte at the very start counts as a character of its own, as in SplitCharacters.
inline size_t CountCharacters(std::string_view text) {
  size_t n = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    n += i == 0 || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  }
  return n;
}

// The characters of `text`, each as its bytes: a byte that is not a continuation byte and the
// continuation bytes after it. Positions in messages index this list, from 1.
inline std::vector<std::string_view> SplitCharacters(std::string_view text) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < text.size();) {
    size_t j = i + 1;
    while (j < text.size() && (static_cast<unsigned char>(text[j]) & 0xC0) == 0x80) {
      ++j;
    }
    out.push_back(text.substr(i, j - i));
    i = j;
  }
  return out;
}

// The length of the well-formed UTF-8 sequence at byte `offset` of `text` (1-4), or 0 when the
// byte there does not start one (a stray continuation byte, an overlong form, a surrogate, a
// truncated sequence).
inline size_t Utf8SequenceLength(std::string_view text, size_t offset) {
  const auto at = [&](size_t i) {
    return offset + i < text.size() ? static_cast<unsigned char>(text[offset + i]) : 0;
  };
  const unsigned char b = at(0);
  if (b < 0x80) return 1;
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (at(1) < lo || at(1) > hi) return 0;
  for (size_t i = 2; i < n; ++i) {
    if ((at(i) & 0xC0) != 0x80) return 0;
  }
  return n;
}

// `text` in double quotes for a message, cut after 40 characters ("...") so that a message stays
// short whatever was sent, a byte that is not UTF-8 shown as U+FFFD so that it stays valid UTF-8.
inline std::string QuoteText(std::string_view text) {
  constexpr size_t kMaxShown = 40;
  std::string out = "\"";
  size_t shown = 0;
  size_t i = 0;
  for (; i < text.size() && shown < kMaxShown; ++shown) {
    const size_t n = Utf8SequenceLength(text, i);
    out.append(n == 0 ? std::string_view("\xEF\xBF\xBD") : text.substr(i, n));
    i += n == 0 ? 1 : n;
  }
  out += i < text.size() ? "...\"" : "\"";
  return out;
}

// A character of scanned text for a message: DescribeChar for one byte, the character itself in
// quotes for a well-formed multi-byte one ("'Ｏ' (not ASCII)"). `ch` is one character: the bytes
// from a lead byte up to the next one.
inline std::string DescribeCharacter(std::string_view ch);

// The rule every identifier's length breaks: "17 characters expected, got 18: \"...\"", the
// length counted in characters.
inline std::string LengthMessage(size_t expected, std::string_view text) {
  return std::to_string(expected) + " characters expected, got " +
         std::to_string(CountCharacters(text)) + ": " + QuoteText(text);
}

// A character for a message: "'O'" when printable ASCII, "byte 0xC3" otherwise (so that
// messages stay valid UTF-8 whatever was scanned).
inline std::string DescribeChar(char c) {
  const auto b = static_cast<unsigned char>(c);
  if (b >= 0x20 && b < 0x7F) return std::string{'\'', c, '\''};
  constexpr char kHex[] = "0123456789ABCDEF";
  return std::string("byte 0x") + kHex[b >> 4] + kHex[b & 0xF];
}

inline std::string DescribeCharacter(std::string_view ch) {
  if (ch.size() == 1 || Utf8SequenceLength(ch, 0) != ch.size()) return DescribeChar(ch[0]);
  return "'" + std::string(ch) + "' (not ASCII)";
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
