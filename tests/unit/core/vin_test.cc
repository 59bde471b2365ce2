// VIN checking against published examples, VINs of Chinese makers whose check digits were
// computed by hand, and every single-character corruption of them.
#include "core/vin.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace battrace {
namespace {

constexpr std::string_view kVinAlphabet = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";

struct ValidVin {
  const char* vin;
  const char* wmi;
  int model_year;
};

// Published check digit examples (1M8GDM9AXKP042788 is the textbook one, remainder 10 → X),
// VINs of Chinese makers (WMI starting with L) whose check digits verify, and Chinese VINs
// built here with check digits computed by hand from the weights and transliteration table.
constexpr ValidVin kValidVins[] = {
    {"1M8GDM9AXKP042788", "1M8", 2019},
    {"1HGCM82633A004352", "1HG", 2033},  // a 2003 car: the letter cycle repeats every 30 years
    {"JHMCM56557C404453", "JHM", 2037},
    {"LSGPC52U6AF102554", "LSG", 2010},
    {"LVSHCAMB1CE054249", "LVS", 2012},
    {"LRW3E7FA1LC000001", "LRW", 2020},
    {"LC0C76C47K0000001", "LC0", 2019},
    {"LFV3A23C8D3123456", "LFV", 2013},
};

TEST(VinTest, AcceptsValidVinsAndDecodesTheirFields) {
  for (const ValidVin& c : kValidVins) {
    SCOPED_TRACE(c.vin);
    const CodeCheck check = Vin::Check(c.vin, Strictness::kStrict);
    EXPECT_TRUE(check.valid);
    EXPECT_TRUE(check.errors.empty());
    EXPECT_TRUE(check.warnings.empty());
    EXPECT_EQ(check.kind, "vin");
    const std::string v = c.vin;
    const std::vector<std::pair<std::string, std::string>> fields = {
        {"wmi", v.substr(0, 3)},         {"vds", v.substr(3, 5)},
        {"check_digit", v.substr(8, 1)}, {"model_year", std::to_string(c.model_year)},
        {"plant", v.substr(10, 1)},      {"serial", v.substr(11)}};
    EXPECT_EQ(check.fields, fields);
    EXPECT_EQ(Vin::ComputeCheckDigit(c.vin), c.vin[8]);

    auto parsed = Vin::Parse(c.vin);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->str(), c.vin);
    EXPECT_EQ(parsed->wmi(), c.wmi);
    EXPECT_EQ(parsed->model_year(), c.model_year);
    EXPECT_EQ(parsed->model_year_code(), c.vin[9]);
  }
}

TEST(VinTest, NormalizesScansAndIsIdempotent) {
  const std::pair<const char*, const char*> cases[] = {
      {"  1m8gdm9axkp042788\n", "1M8GDM9AXKP042788"},
      {"1M8-GDM9A-XKP 042788", "1M8GDM9AXKP042788"},
      {"\tlsgpc52u6af102554 \r\n", "LSGPC52U6AF102554"},
      {"", ""},
      {"é-x", "\xC3\xA9X"},
  };
  for (const auto& [raw, normalized] : cases) {
    EXPECT_EQ(Vin::Normalize(raw), normalized) << raw;
    EXPECT_EQ(Vin::Normalize(Vin::Normalize(raw)), Vin::Normalize(raw)) << raw;
  }
  auto parsed = Vin::Parse(" 1m8-gdm9a-xkp042788 ");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->str(), "1M8GDM9AXKP042788");
  const CodeCheck check = Vin::Check(" 1m8-gdm9a-xkp042788 ", Strictness::kStrict);
  EXPECT_EQ(check.input, " 1m8-gdm9a-xkp042788 ");
}

TEST(VinTest, RemainderTenIsWrittenX) {
  EXPECT_EQ(Vin::ComputeCheckDigit("1M8GDM9A0KP042788"), 'X');
  EXPECT_EQ(Vin::ComputeCheckDigit("11111111111111111"), '1');
}

// Characters that share a value in the check digit sum (A1 J1, B2 K2 S2, ...): swapping one for
// another of its class leaves the sum unchanged, a blind spot of the standard's check digit.
bool SameTransliteration(char a, char b) {
  constexpr std::string_view kClasses[] = {"0",    "1AJ", "2BKS", "3CLT", "4DMU",
                                           "5ENV", "6FW", "7GPX", "8HY",  "9RZ"};
  for (const std::string_view cls : kClasses) {
    if (cls.find(a) != cls.npos) return cls.find(b) != cls.npos;
  }
  return false;
}

// Every substitution of one VIN character by another, at every position: those that change the
// check digit sum (every weight but position 9's is prime to 11) must be reported; at position 9
// the check digit itself is compared; at position 10 the model year rule may fire first.
TEST(VinTest, EverySingleSubstitutionThatChangesTheSumIsDetected) {
  int detected = 0;
  int blind = 0;
  for (const ValidVin& c : kValidVins) {
    for (size_t i = 0; i < Vin::kLength; ++i) {
      for (const char replacement : kVinAlphabet) {
        if (replacement == c.vin[i]) continue;
        std::string mutant = c.vin;
        mutant[i] = replacement;
        const CodeCheck check = Vin::Check(mutant, Strictness::kStrict);
        if (i != 8 && SameTransliteration(c.vin[i], replacement)) {
          ++blind;
          EXPECT_EQ(Vin::ComputeCheckDigit(mutant), c.vin[8]) << mutant;
          continue;
        }
        ++detected;
        ASSERT_FALSE(check.valid) << mutant;
        EXPECT_FALSE(Vin::Parse(mutant).ok()) << mutant;
        const CodeIssue& e = check.errors.front();
        if (i == 9 && e.rule == "vin.model_year") continue;
        EXPECT_EQ(e.rule, "vin.check_digit") << mutant;
        EXPECT_EQ(e.position, 9) << mutant;
        EXPECT_EQ(e.field, "check_digit");
      }
    }
  }
  EXPECT_EQ(detected + blind, 8 * 17 * 32);
  EXPECT_GT(detected, 8 * 17 * 28);
}

TEST(VinTest, CheckDigitMismatchSaysExpectedAndFound) {
  const CodeCheck check = Vin::Check("1M8GDM9A5KP042788", Strictness::kStrict);
  ASSERT_EQ(check.errors.size(), 1u);
  EXPECT_EQ(check.errors[0].rule, "vin.check_digit");
  EXPECT_EQ(check.errors[0].position, 9);
  EXPECT_NE(check.errors[0].message.find("expected 'X'"), std::string::npos);
  EXPECT_NE(check.errors[0].message.find("found '5'"), std::string::npos);

  const Status st = Vin::Parse("1M8GDM9A5KP042788").status();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.field(), "vin");
  EXPECT_EQ(st.rule(), "vin.check_digit");
  EXPECT_EQ(st.message().rfind("position 9: ", 0), 0u) << st.message();
}

TEST(VinTest, LenientModeDowngradesOnlyTheCheckDigitToAWarning) {
  const CodeCheck foreign = Vin::Check("1M8GDM9A5KP042788", Strictness::kLenient);
  EXPECT_TRUE(foreign.valid);
  ASSERT_EQ(foreign.warnings.size(), 1u);
  EXPECT_NE(foreign.warnings[0].message.find("expected 'X'"), std::string::npos);
  EXPECT_EQ(foreign.warnings[0].message.find("Chinese"), std::string::npos);
  EXPECT_TRUE(Vin::Parse("1M8GDM9A5KP042788", Strictness::kLenient).ok());

  const CodeCheck chinese = Vin::Check("LSGPC52U7AF102554", Strictness::kLenient);
  EXPECT_TRUE(chinese.valid);
  ASSERT_EQ(chinese.warnings.size(), 1u);
  EXPECT_NE(chinese.warnings[0].message.find("Chinese"), std::string::npos);

  // Other rules stay errors.
  EXPECT_FALSE(Vin::Check("LSGPC52U6AF10255", Strictness::kLenient).valid);
  EXPECT_FALSE(Vin::Check("LSGPC52U6OF102554", Strictness::kLenient).valid);
  EXPECT_FALSE(Vin::Check("LSGPC52U6UF102554", Strictness::kLenient).valid);
}

TEST(VinTest, ReportsLength) {
  for (const char* raw : {"", "1M8GDM9AXKP04278", "1M8GDM9AXKP0427880", "LSG"}) {
    const CodeCheck check = Vin::Check(raw, Strictness::kStrict);
    ASSERT_FALSE(check.valid) << raw;
    EXPECT_EQ(check.errors[0].rule, "vin.length");
    EXPECT_EQ(check.errors[0].position, 0);
    EXPECT_TRUE(check.fields.empty());
    EXPECT_EQ(Vin::Parse(raw).status().rule(), "vin.length");
  }
}

TEST(VinTest, ReportsEachExcludedLetterWithItsPositionAndAHint) {
  // I at 2, O at 5, Q at 14: misread 1, 0, 0.
  const CodeCheck check = Vin::Check("LIGPO52U6AF1Q2554", Strictness::kStrict);
  ASSERT_EQ(check.errors.size(), 3u);
  const std::tuple<int, const char*, const char*> expected[] = {{2, "wmi", "did you mean 1?"},
                                                                {5, "vds", "did you mean 0?"},
                                                                {13, "serial", "did you mean 0?"}};
  for (size_t k = 0; k < 3; ++k) {
    const auto& [position, field, hint] = expected[k];
    EXPECT_EQ(check.errors[k].rule, "vin.alphabet");
    EXPECT_EQ(check.errors[k].position, position);
    EXPECT_EQ(check.errors[k].field, field);
    EXPECT_NE(check.errors[k].message.find(hint), std::string::npos) << check.errors[k].message;
  }
  EXPECT_EQ(Vin::Parse("LIGPO52U6AF1Q2554").status().message().rfind("position 2: ", 0), 0u);
}

TEST(VinTest, ReportsNonAsciiBytesWithoutCopyingThem) {
  const CodeCheck check = Vin::Check("LSGPC52U6AF10255\xC3", Strictness::kStrict);
  ASSERT_EQ(check.errors.size(), 1u);
  EXPECT_EQ(check.errors[0].rule, "vin.alphabet");
  EXPECT_EQ(check.errors[0].position, 17);
  EXPECT_NE(check.errors[0].message.find("byte 0xC3"), std::string::npos);
}

TEST(VinTest, PositionTenMustBeAModelYearCode) {
  for (const char code : {'0', 'U', 'Z'}) {
    std::string vin = "LSGPC52U6AF102554";
    vin[9] = code;
    vin[8] = Vin::ComputeCheckDigit(vin);  // only the year is wrong
    const CodeCheck check = Vin::Check(vin, Strictness::kStrict);
    ASSERT_EQ(check.errors.size(), 1u) << vin;
    EXPECT_EQ(check.errors[0].rule, "vin.model_year");
    EXPECT_EQ(check.errors[0].position, 10);
    EXPECT_EQ(Vin::Parse(vin).status().rule(), "vin.model_year");
  }
  // I, O and Q at position 10 are alphabet errors, reported once.
  const CodeCheck check = Vin::Check("LSGPC52U6OF102554", Strictness::kStrict);
  ASSERT_EQ(check.errors.size(), 1u);
  EXPECT_EQ(check.errors[0].rule, "vin.alphabet");
  EXPECT_EQ(check.errors[0].field, "model_year");
}

TEST(VinTest, ModelYearCycleRunsFrom2010To2039) {
  const std::pair<char, int> cases[] = {{'A', 2010}, {'H', 2017}, {'J', 2018}, {'N', 2022},
                                        {'P', 2023}, {'R', 2024}, {'T', 2026}, {'V', 2027},
                                        {'Y', 2030}, {'1', 2031}, {'9', 2039}};
  for (const auto& [code, year] : cases) {
    std::string vin = "LSGPC52U6AF102554";
    vin[9] = code;
    vin[8] = Vin::ComputeCheckDigit(vin);
    auto parsed = Vin::Parse(vin);
    ASSERT_TRUE(parsed.ok()) << vin;
    EXPECT_EQ(parsed->model_year(), year) << code;
  }
}

}  // namespace
}  // namespace battrace
