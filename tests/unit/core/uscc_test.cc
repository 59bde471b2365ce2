// USCC checking against published codes of well-known companies, codes built here with check
// characters computed by hand, and every single-character corruption of them.
#include "core/uscc.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace battrace {
namespace {

constexpr std::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

struct ValidUscc {
  const char* code;
  const char* division_name;  // nullptr: the division is not in the list (a warning)
  int warnings;
};

// Published codes (both the USCC and the embedded GB 11714 check characters verify), then codes
// built here: positions 1-16 chosen, 17 and 18 computed by hand from the weight tables.
constexpr ValidUscc kValid[] = {
    {"91350900587527783P", "宁德市", 0},  // 宁德时代新能源科技股份有限公司
    {"91110108551385082Q", "海淀区", 0},  // 北京小米科技有限责任公司
    {"914403001922038216", "深圳市", 0},  // 华为技术有限公司
    {"9144030071526726XG", "深圳市", 0},  // 深圳市腾讯计算机系统有限公司 (org check X)
    {"91440300192317458F", "深圳市", 0},  // 比亚迪股份有限公司
    {"91330100799655058B", "杭州市", 0},  // 阿里巴巴（中国）有限公司
    {"91110000802100433B", "北京市", 0},  // 北京百度网讯科技有限公司
    {"91100000100003962T", nullptr, 1},   // division 100000: a national registration
    {"91440300MA5F000181", "深圳市", 0},
    {"92350902MA2Y0JK19C", "蕉城区", 0},  // entity type 2: an individual business
    {"52110108MJ0000018M", "海淀区", 0},  // authority 5: civil affairs
    {"1210000040000000XN", nullptr, 1},
    {"91440300MA5F000108", "深圳市", 1},  // organisation check should be 8: a warning
};

TEST(UsccTest, AcceptsValidCodesAndDecodesTheirFields) {
  for (const ValidUscc& c : kValid) {
    SCOPED_TRACE(c.code);
    const std::string u = c.code;
    for (const Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
      const CodeCheck check = Uscc::Check(c.code, s);
      EXPECT_TRUE(check.valid);
      EXPECT_TRUE(check.errors.empty());
      EXPECT_EQ(check.kind, "uscc");
      EXPECT_EQ(static_cast<int>(check.warnings.size()), c.warnings);
      std::vector<std::pair<std::string, std::string>> fields = {
          {"registration_authority", u.substr(0, 1)},
          {"entity_type", u.substr(1, 1)},
          {"division", u.substr(2, 6)}};
      if (c.division_name != nullptr) fields.emplace_back("division_name", c.division_name);
      fields.emplace_back("organization_code", u.substr(8, 9));
      fields.emplace_back("check_character", u.substr(17, 1));
      EXPECT_EQ(check.fields, fields);
    }
    EXPECT_EQ(Uscc::ComputeCheckCharacter(c.code), c.code[17]);
    auto parsed = Uscc::Parse(c.code);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->str(), c.code);
    EXPECT_EQ(parsed->division(), u.substr(2, 6));
    EXPECT_EQ(parsed->organization_code(), u.substr(8, 9));
  }
}

TEST(UsccTest, WarnsAboutUnknownDivisionsAndOrganisationChecks) {
  const CodeCheck national = Uscc::Check("91100000100003962T", Strictness::kStrict);
  ASSERT_EQ(national.warnings.size(), 1u);
  EXPECT_NE(national.warnings[0].message.find("100000"), std::string::npos)
      << national.warnings[0].message;
  EXPECT_EQ(national.warnings[0].message.rfind("positions 3-8: ", 0), 0u);
  // A letter in the division is reported once, as an alphabet error, and the division warned.
  const CodeCheck letter = Uscc::Check("913O0900587527783P", Strictness::kStrict);
  ASSERT_EQ(letter.warnings.size(), 1u);
  EXPECT_NE(letter.warnings[0].message.find("division 3O0900"), std::string::npos)
      << letter.warnings[0].message;

  const CodeCheck org = Uscc::Check("91440300MA5F000108", Strictness::kStrict);
  ASSERT_EQ(org.warnings.size(), 1u);
  EXPECT_NE(org.warnings[0].message.find("expected '8', found '0'"), std::string::npos)
      << org.warnings[0].message;
}

TEST(UsccTest, NormalizesScansAndIsIdempotent) {
  const std::pair<const char*, const char*> cases[] = {
      {" 91350900587527783p\n", "91350900587527783P"},
      {"9135-0900-5875-2778-3P", "91350900587527783P"},
      {"9144 0300 7152 6726 xg", "9144030071526726XG"},
  };
  for (const auto& [raw, normalized] : cases) {
    EXPECT_EQ(Uscc::Normalize(raw), normalized);
    EXPECT_EQ(Uscc::Normalize(Uscc::Normalize(raw)), normalized);
    EXPECT_TRUE(Uscc::Parse(raw).ok()) << raw;
  }
}

// GB 32100's modulus 31 is prime and no weight is a multiple of it, so every substitution of
// one USCC character by another, at any of the 18 positions, changes the check.
TEST(UsccTest, EverySingleSubstitutionIsDetected) {
  int mutants = 0;
  for (const ValidUscc& c : kValid) {
    for (size_t i = 0; i < Uscc::kLength; ++i) {
      for (const char replacement : kUsccAlphabet) {
        if (replacement == c.code[i]) continue;
        std::string mutant = c.code;
        mutant[i] = replacement;
        ++mutants;
        for (const Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
          const CodeCheck check = Uscc::Check(mutant, s);
          ASSERT_FALSE(check.valid) << mutant;
          ASSERT_EQ(check.errors.size(), 1u) << mutant;
          EXPECT_EQ(check.errors[0].rule, "uscc.check_character");
          EXPECT_EQ(check.errors[0].position, 18);
          EXPECT_EQ(check.errors[0].field, "check_character");
        }
        EXPECT_EQ(Uscc::Parse(mutant).status().rule(), "uscc.check_character") << mutant;
      }
    }
  }
  EXPECT_EQ(mutants, 13 * 18 * 30);
}

TEST(UsccTest, CheckCharacterMismatchSaysExpectedAndFound) {
  const CodeCheck check = Uscc::Check("91350900587527783Q", Strictness::kStrict);
  ASSERT_EQ(check.errors.size(), 1u);
  EXPECT_NE(check.errors[0].message.find("expected 'P', found 'Q'"), std::string::npos);
  const Status st = Uscc::Parse("91350900587527783Q").status();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.field(), "uscc");
  EXPECT_EQ(st.rule(), "uscc.check_character");
  EXPECT_EQ(st.message().rfind("position 18: ", 0), 0u) << st.message();
}

TEST(UsccTest, ReportsLength) {
  for (const char* raw : {"", "9135090058752778", "91350900587527783", "91350900587527783PP"}) {
    const CodeCheck check = Uscc::Check(raw, Strictness::kStrict);
    ASSERT_FALSE(check.valid) << raw;
    EXPECT_EQ(check.errors[0].rule, "uscc.length");
    EXPECT_EQ(check.errors[0].position, 0);
    EXPECT_TRUE(check.fields.empty());
    EXPECT_EQ(Uscc::Parse(raw).status().rule(), "uscc.length");
  }
}

TEST(UsccTest, ReportsEachExcludedCharacterWithItsPosition) {
  // O at 4 and I at 12 (misread 0 and 1); S at 15, V at 16, Z at 17.
  const CodeCheck check = Uscc::Check("913O0900587I27SVZP", Strictness::kStrict);
  ASSERT_EQ(check.errors.size(), 5u);
  const std::tuple<int, const char*, const char*> expected[] = {
      {4, "division", "did you mean 0?"},
      {12, "organization_code", "did you mean 1?"},
      {15, "organization_code", "'S'"},
      {16, "organization_code", "'V'"},
      {17, "organization_code", "'Z'"}};
  for (size_t k = 0; k < 5; ++k) {
    const auto& [position, field, text] = expected[k];
    EXPECT_EQ(check.errors[k].rule, "uscc.alphabet");
    EXPECT_EQ(check.errors[k].position, position);
    EXPECT_EQ(check.errors[k].field, field);
    EXPECT_NE(check.errors[k].message.find(text), std::string::npos) << check.errors[k].message;
  }
  EXPECT_EQ(check.errors[2].message.find("did you mean"), std::string::npos);
  EXPECT_EQ(Uscc::Parse("913O0900587I27SVZP").status().message().rfind("position 4: ", 0), 0u);
}

TEST(UsccTest, QIsAUsccCharacter) {
  // Q has value 24 in GB 32100 (unlike in VINs); a code may end in Q.
  EXPECT_TRUE(Uscc::Parse("91110108551385082Q").ok());
  EXPECT_EQ(Uscc::ComputeCheckCharacter("91110108551385082"), 'Q');
}

}  // namespace
}  // namespace battrace
