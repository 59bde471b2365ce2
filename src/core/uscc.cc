// USCC checking: the GB 32100 alphabet and check character, the embedded GB 11714
// organisation code check, and the division of registration looked up in the GB/T 2260 list.
#include "core/uscc.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "core/division.h"

namespace battrace {
namespace {

// The GB 32100 alphabet; a character's value is its index (0-30).
constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int kModulus = 31;

// 3^i mod 31 for positions 1-17.
constexpr std::array<int, Uscc::kLength - 1> kWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                                         29, 25, 13, 8,  24, 10, 30, 28};

// The value of a USCC character, or -1 when it is not one (I, O, S, V, Z and anything outside
// 0-9 A-Z).
int CharValue(char c) {
  const size_t i = kAlphabet.find(c);
  return i == std::string_view::npos ? -1 : static_cast<int>(i);
}

// GB 11714 organisation code: eight characters (digits, or letters valued A=10 ... Z=35)
// weighted 3 7 9 10 5 8 4 2; check = 11 - sum mod 11, written X for 10 and 0 for 11.
// REQUIRES: body has 8 characters from 0-9 A-Z.
char OrganizationCheckCharacter(std::string_view body) {
  constexpr std::array<int, 8> kOrgWeights = {3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (size_t i = 0; i < kOrgWeights.size(); ++i) {
    const char c = body[i];
    sum += (c <= '9' ? c - '0' : c - 'A' + 10) * kOrgWeights[i];
  }
  const int check = 11 - sum % 11;
  if (check == 10) return 'X';
  if (check == 11) return '0';
  return static_cast<char>('0' + check);
}

// The field a 1-based position belongs to.
const char* FieldAt(int position) {
  if (position == 1) return "registration_authority";
  if (position == 2) return "entity_type";
  if (position <= 8) return "division";
  if (position <= 17) return "organization_code";
  if (position == 18) return "check_character";
  return "uscc";
}

}  // namespace

std::string Uscc::Normalize(std::string_view raw) {
  return NormalizeIdentifier(raw);
}

char Uscc::ComputeCheckCharacter(std::string_view first17) {
  int sum = 0;
  for (size_t i = 0; i < kWeights.size() && i < first17.size(); ++i) {
    sum += std::max(CharValue(first17[i]), 0) * kWeights[i];
  }
  return kAlphabet[(kModulus - sum % kModulus) % kModulus];
}

CodeCheck Uscc::Check(std::string_view raw, Strictness /*strictness: same for both*/) {
  CodeCheck out;
  out.input = std::string(raw);
  out.normalized = Normalize(raw);
  out.kind = "uscc";
  const std::string& u = out.normalized;

  // Lengths and positions count characters: a non-ASCII character is one, whatever its bytes.
  const std::vector<std::string_view> chars = SplitCharacters(u);
  if (chars.size() != kLength) {
    out.errors.push_back({0, "uscc", "uscc.length", LengthMessage(kLength, u)});
  }
  bool alphabet_ok = true;
  for (size_t i = 0; i < chars.size(); ++i) {
    const std::string_view ch = chars[i];
    if (ch.size() == 1 && CharValue(ch[0]) >= 0) continue;
    alphabet_ok = false;
    std::string message =
        DescribeCharacter(ch) + " is not a USCC character (0-9, A-Z without I, O, S, V, Z)";
    if (const char d = ch.size() == 1 ? LookalikeDigit(ch[0]) : '\0') {
      message += std::string("; did you mean ") + d + "?";
    }
    const int position = static_cast<int>(i) + 1;
    out.errors.push_back({position, FieldAt(position), "uscc.alphabet", std::move(message)});
  }
  if (u.size() != kLength || chars.size() != kLength) return out;  // 18 ASCII characters

  out.fields = {{"registration_authority", u.substr(0, 1)},
                {"entity_type", u.substr(1, 1)},
                {"division", u.substr(2, 6)}};
  // A division missing from the list does not make the code invalid: the code is issued once,
  // with the division of registration at that time, and keeps it when that division is later
  // renamed, merged or retired; national registrations use codes outside the list (100000).
  const Result<Division> division = Division::Parse(u.substr(2, 6));
  if (division.ok()) {
    out.fields.emplace_back("division_name", division->name());
  } else {
    out.warnings.push_back({3, "division", "uscc.division",
                            "positions 3-8: division " + u.substr(2, 6) +
                                " is not in the GB/T 2260 list; kept as the division of "
                                "registration"});
  }
  out.fields.emplace_back("organization_code", u.substr(8, 9));
  out.fields.emplace_back("check_character", u.substr(17, 1));
  if (!alphabet_ok) return out;

  const char expected = ComputeCheckCharacter(u);
  if (expected != u[17]) {
    out.errors.push_back({18, "check_character", "uscc.check_character",
                          std::string("check character: expected '") + expected + "', found " +
                              DescribeChar(u[17])});
  }
  // Positions 9-17 are a GB 11714 organisation code with its own check character. GB 32100
  // validates the code by position 18 alone, so a mismatch here is only worth a look.
  const char org_expected = OrganizationCheckCharacter(std::string_view(u).substr(8, 8));
  if (org_expected != u[16]) {
    out.warnings.push_back({17, "organization_code", "uscc.organization_code",
                            std::string("position 17: organisation code check character ") +
                                "(GB 11714) expected '" + org_expected + "', found " +
                                DescribeChar(u[16])});
  }
  out.valid = out.errors.empty();
  return out;
}

Result<Uscc> Uscc::Parse(std::string_view raw, Strictness strictness) {
  // The common case, a valid code as issued, skips the diagnostics. Its characters are all
  // USCC characters, which normalization leaves as they are, and Check finds no error in it:
  // the division and the organisation code only ever give warnings.
  if (raw.size() == kLength &&
      std::all_of(raw.begin(), raw.end(), [](char c) { return CharValue(c) >= 0; }) &&
      ComputeCheckCharacter(raw) == raw[17]) {
    return Uscc(std::string(raw));
  }
  CodeCheck check = Check(raw, strictness);
  if (!check.valid) return FirstErrorStatus(check);
  return Uscc(std::move(check.normalized));
}

}  // namespace battrace
