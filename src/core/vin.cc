// VIN checking: the transliteration and weight tables of the position-9 check digit, the
// model year letters, and the diagnostics that `code check` and the report parsers show.
#include "core/vin.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace battrace {
namespace {

constexpr std::array<int, Vin::kLength> kWeights = {8, 7, 6, 5, 4, 3, 2, 10, 0,
                                                    9, 8, 7, 6, 5, 4, 3, 2};

// Model year letters in cycle order; index 0 is 2010.
constexpr std::string_view kModelYearCodes = "ABCDEFGHJKLMNPRSTVWXY123456789";
constexpr int kModelYearCycleStart = 2010;

// The value of a VIN character in the check digit sum, or -1 when it is not a VIN character
// (I, O, Q and anything outside 0-9 A-Z).
int CharValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c < 'A' || c > 'Z') return -1;
  // A..Z; 0 marks I, O and Q.
  constexpr std::array<int, 26> kLetters = {1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2, 3, 4,
                                            5, 0, 7, 0, 9, 2, 3, 4, 5, 6, 7, 8, 9};
  const int v = kLetters[c - 'A'];
  return v == 0 ? -1 : v;
}

// The model year of a position-10 code in the cycle 2010-2039, or 0 when the code is not a year
// code (0, U, Z and the letters excluded from VINs).
int DecodeModelYear(char code) {
  const size_t i = kModelYearCodes.find(code);
  return i == std::string_view::npos ? 0 : kModelYearCycleStart + static_cast<int>(i);
}

// The field a 1-based position belongs to.
const char* FieldAt(int position) {
  if (position <= 3) return "wmi";
  if (position <= 8) return "vds";
  if (position == 9) return "check_digit";
  if (position == 10) return "model_year";
  if (position == 11) return "plant";
  if (position <= 17) return "serial";
  return "vin";
}

}  // namespace

std::string Vin::Normalize(std::string_view raw) {
  return NormalizeIdentifier(raw);
}

char Vin::ComputeCheckDigit(std::string_view vin17) {
  int sum = 0;
  for (size_t i = 0; i < kLength && i < vin17.size(); ++i) {
    sum += std::max(CharValue(vin17[i]), 0) * kWeights[i];
  }
  const int r = sum % 11;
  return r == 10 ? 'X' : static_cast<char>('0' + r);
}

CodeCheck Vin::Check(std::string_view raw, Strictness strictness) {
  CodeCheck out;
  out.input = std::string(raw);
  out.normalized = Normalize(raw);
  out.kind = "vin";
  const std::string& v = out.normalized;

  // Lengths and positions count characters: a non-ASCII character is one, whatever its bytes.
  const std::vector<std::string_view> chars = SplitCharacters(v);
  if (chars.size() != kLength) {
    out.errors.push_back({0, "vin", "vin.length", LengthMessage(kLength, v)});
  }
  bool alphabet_ok = true;
  for (size_t i = 0; i < chars.size(); ++i) {
    const std::string_view ch = chars[i];
    if (ch.size() == 1 && CharValue(ch[0]) >= 0) continue;
    alphabet_ok = false;
    std::string message =
        DescribeCharacter(ch) + " is not a VIN character (0-9, A-Z without I, O, Q)";
    if (const char d = ch.size() == 1 ? LookalikeDigit(ch[0]) : '\0') {
      message += std::string("; did you mean ") + d + "?";
    }
    const int position = static_cast<int>(i) + 1;
    out.errors.push_back({position, FieldAt(position), "vin.alphabet", std::move(message)});
  }

  if (v.size() == kLength && chars.size() == kLength) {  // 17 characters, all ASCII
    // An excluded letter at position 10 already has its alphabet error.
    const int year = DecodeModelYear(v[9]);
    if (year == 0 && CharValue(v[9]) >= 0) {
      out.errors.push_back({10, "model_year", "vin.model_year",
                            DescribeChar(v[9]) + " is not a model year code (0, U and Z are " +
                                "never used at position 10)"});
    }
    if (alphabet_ok) {
      const char expected = ComputeCheckDigit(v);
      if (expected != v[8]) {
        std::string message =
            std::string("check digit: expected '") + expected + "', found " + DescribeChar(v[8]);
        if (strictness == Strictness::kStrict) {
          out.errors.push_back({9, "check_digit", "vin.check_digit", std::move(message)});
        } else {
          message = "position 9: " + message + " (accepted in lenient mode";
          // Chinese makers' WMIs start with L, and their VINs always carry the check digit.
          if (v[0] == 'L') {
            message += "; a Chinese VIN always carries it, so this is likely a misread";
          }
          out.warnings.push_back({9, "check_digit", "vin.check_digit", message + ")"});
        }
      }
    }
    out.fields = {
        {"wmi", v.substr(0, 3)}, {"vds", v.substr(3, 5)}, {"check_digit", v.substr(8, 1)}};
    if (year != 0) out.fields.emplace_back("model_year", std::to_string(year));
    out.fields.emplace_back("plant", v.substr(10, 1));
    out.fields.emplace_back("serial", v.substr(11));
  }

  std::stable_sort(out.errors.begin(), out.errors.end(),
                   [](const CodeIssue& a, const CodeIssue& b) { return a.position < b.position; });
  out.valid = out.errors.empty();
  return out;
}

Result<Vin> Vin::Parse(std::string_view raw, Strictness strictness) {
  // The common case, a valid VIN as issued, skips the diagnostics. Its characters are all VIN
  // characters, which normalization leaves as they are, and Check finds no error in it: a
  // model year code at position 10 and, in strict mode, the right check digit.
  if (raw.size() == kLength &&
      std::all_of(raw.begin(), raw.end(), [](char c) { return CharValue(c) >= 0; }) &&
      DecodeModelYear(raw[9]) != 0 &&
      (strictness != Strictness::kStrict || ComputeCheckDigit(raw) == raw[8])) {
    return Vin(std::string(raw));
  }
  CodeCheck check = Check(raw, strictness);
  if (!check.valid) return FirstErrorStatus(check);
  return Vin(std::move(check.normalized));
}

int Vin::model_year() const {
  return DecodeModelYear(vin_[9]);
}

}  // namespace battrace
