// Tests of the GB/T 34014 battery code (src/core/battery_code.h): every field and position with
// valid and invalid values, every production date of the letter table, normalization of field
// scans, the agreement of the hot-path validator with the diagnostic checker, and the messages a
// person reads when a scan is wrong.
#include "core/battery_code.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace battrace {
namespace {

constexpr char kExample[] = "001CB240000003B3C0221953";  // docs/identifiers.md
// A valid cascade re-code: 001, cell, LFP, spec 24, 2021-03-12, serial 0221953, re-made a pack.
constexpr char kRecode[] = "001CB24B3C0221953RP";

const std::string kAlnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

std::string With(std::string code, size_t pos1, char c) {
  code[pos1 - 1] = c;
  return code;
}

std::vector<std::string> Rules(const CodeCheck& c) {
  std::vector<std::string> rules;
  for (const CodeIssue& e : c.errors)
    rules.push_back(e.rule);
  return rules;
}

std::string FieldValue(const CodeCheck& c, const std::string& name) {
  for (const auto& [k, v] : c.fields) {
    if (k == name) return v;
  }
  return "<absent>";
}

// Checks `code` both ways (hot path and diagnostics) and returns the diagnostics.
CodeCheck CheckBoth(const std::string& code, Strictness s) {
  CodeCheck c = BatteryCode::Check(code, s);
  EXPECT_EQ(BatteryCode::IsValid(c.normalized, s), c.valid) << code;
  EXPECT_EQ(BatteryCode::Parse(code, s).ok(), c.valid) << code;
  return c;
}

TEST(BatteryCodeTest, DecodesTheWorkedExample) {
  const CodeCheck c = CheckBoth(kExample, Strictness::kStrict);
  EXPECT_TRUE(c.valid);
  EXPECT_EQ(c.kind, "battery");
  EXPECT_EQ(c.input, kExample);
  EXPECT_EQ(c.normalized, kExample);
  EXPECT_TRUE(c.errors.empty());
  EXPECT_TRUE(c.warnings.empty());
  const std::vector<std::pair<std::string, std::string>> want = {
      {"manufacturer", "001"}, {"product_type", "cell"},    {"chemistry", "LFP"},
      {"specification", "24"}, {"traceability", "0000003"}, {"production_date", "2021-03-12"},
      {"serial", "0221953"},
  };
  EXPECT_EQ(c.fields, want);

  auto code = BatteryCode::Parse(kExample, Strictness::kStrict);
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  EXPECT_EQ(code->str(), kExample);
  EXPECT_EQ(code->manufacturer(), "001");
  EXPECT_EQ(code->product_type(), ProductType::kCell);
  EXPECT_EQ(code->chemistry(), 'B');
  EXPECT_EQ(code->specification(), "24");
  EXPECT_EQ(code->traceability(), "0000003");
  EXPECT_EQ(code->production_date().ToString(), "2021-03-12");
  EXPECT_EQ(code->serial(), "0221953");
  EXPECT_FALSE(code->is_recode());
  EXPECT_EQ(code->recode_product_type(), std::nullopt);
}

// Each position of the 24-character form: which characters it accepts (in strict mode) and
// the rule and field it reports otherwise. The date positions are tested with the calendar.
struct PositionCase {
  size_t pos1;
  std::string accepted;
  std::string rule;
  std::string field;
};

TEST(BatteryCodeTest, EveryPositionAcceptsExactlyItsAlphabet) {
  const std::vector<PositionCase> cases = {
      {1, kAlnum, "battery_code.manufacturer", "manufacturer"},
      {2, kAlnum, "battery_code.manufacturer", "manufacturer"},
      {3, kAlnum, "battery_code.manufacturer", "manufacturer"},
      {4, "PMC", "battery_code.product_type", "product_type"},
      {5, "ABCDEFGZ", "battery_code.chemistry", "chemistry"},
      {6, kAlnum, "battery_code.specification", "specification"},
      {7, kAlnum, "battery_code.specification", "specification"},
      {8, kAlnum, "battery_code.traceability", "traceability"},
      {11, kAlnum, "battery_code.traceability", "traceability"},
      {14, kAlnum, "battery_code.traceability", "traceability"},
      {15, "123456789ABCDEFGHJKLMNPRSTVWXY", "battery_code.year", "production_date"},
      {16, "123456789ABC", "battery_code.month", "production_date"},
      // Day 1 of 2021-03 is kept in the code for the other positions, so every day letter fits.
      {17, "0123456789ABCDEFGHJKLMNPRSTVWXY", "battery_code.day", "production_date"},
      {18, "0123456789", "battery_code.serial", "serial"},
      {21, "0123456789", "battery_code.serial", "serial"},
      {24, "0123456789", "battery_code.serial", "serial"},
  };
  for (const PositionCase& pc : cases) {
    for (int b = 0; b < 256; ++b) {
      const char c = static_cast<char>(b);
      const std::string code = With(kExample, pc.pos1, c);
      const bool accepted = pc.accepted.find(c) != std::string::npos;
      // Check the normalized form directly: normalization would drop or fold some bytes.
      EXPECT_EQ(BatteryCode::IsValid(code, Strictness::kStrict), accepted)
          << "position " << pc.pos1 << " byte " << b;
      if (accepted || c == '\n' || c == '\r' || c == ' ' || c == '\t' || c == '\v' || c == '\f' ||
          c == '-' || c == '_' || c == '.' || (c >= 'a' && c <= 'z') ||
          (b >= 0x80 && b <= 0xBF)) {  // a UTF-8 continuation byte joins the character before
        continue;
      }
      const CodeCheck check = CheckBoth(code, Strictness::kStrict);
      ASSERT_EQ(check.errors.size(), 1u) << "position " << pc.pos1 << " byte " << b;
      EXPECT_EQ(check.errors[0].position, static_cast<int>(pc.pos1));
      EXPECT_EQ(check.errors[0].rule, pc.rule);
      EXPECT_EQ(check.errors[0].field, pc.field);
      EXPECT_EQ(FieldValue(check, pc.field), "<absent>");
    }
  }
}

TEST(BatteryCodeTest, DecodesProductTypesAndChemistries) {
  const std::vector<std::pair<char, std::string>> types = {
      {'P', "pack"}, {'M', "module"}, {'C', "cell"}};
  for (const auto& [letter, name] : types) {
    const CodeCheck c = CheckBoth(With(kExample, 4, letter), Strictness::kStrict);
    EXPECT_EQ(FieldValue(c, "product_type"), name);
    EXPECT_STREQ(ProductTypeName(static_cast<ProductType>(letter)), name.c_str());
  }
  const std::vector<std::pair<char, std::string>> chemistries = {
      {'A', "NiMH"},           {'B', "LFP"}, {'C', "LMO"},  {'D', "LCO"}, {'E', "NCM/NCA"},
      {'F', "supercapacitor"}, {'G', "LTO"}, {'Z', "other"}};
  for (const auto& [letter, name] : chemistries) {
    const CodeCheck c = CheckBoth(With(kExample, 5, letter), Strictness::kStrict);
    EXPECT_EQ(FieldValue(c, "chemistry"), name);
    EXPECT_STREQ(ChemistryName(letter), name.c_str());
  }
  EXPECT_EQ(ChemistryName('H'), nullptr);
}

TEST(BatteryCodeTest, EveryDateOfTheTableRoundTrips) {
  const Date first = *Date::FromYmd(2011, 1, 1);
  const Date last = *Date::FromYmd(2040, 12, 31);
  int days = 0;
  for (Date d = first; d <= last; d = d.AddDays(1), ++days) {
    auto letters = BatteryCode::EncodeDate(d);
    ASSERT_TRUE(letters.ok()) << d.ToString();
    auto back = BatteryCode::DecodeDate(*letters);
    ASSERT_TRUE(back.ok()) << d.ToString() << " " << *letters;
    ASSERT_EQ(*back, d) << *letters;
    auto code = BatteryCode::Compose("001", ProductType::kCell, 'B', "24", "0000003", d, "0221953");
    ASSERT_TRUE(code.ok()) << d.ToString();
    ASSERT_TRUE(BatteryCode::IsValid(code->str(), Strictness::kStrict)) << code->str();
    ASSERT_EQ(code->production_date(), d);
  }
  EXPECT_EQ(days, 10958);  // 30 years, 8 of them leap years
}

TEST(BatteryCodeTest, DateLettersFollowTheTable) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"111", "2011-01-01"}, {"9C0", "2019-12-31"}, {"AAA", "2020-10-10"}, {"HBH", "2027-11-17"},
      {"J1J", "2028-01-18"}, {"N2N", "2032-02-22"}, {"P3P", "2033-03-23"}, {"R4R", "2034-04-24"},
      {"T5T", "2036-05-26"}, {"V6V", "2037-06-27"}, {"Y7Y", "2040-07-30"}, {"B3C", "2021-03-12"},
  };
  for (const auto& [letters, iso] : cases) {
    auto d = BatteryCode::DecodeDate(letters);
    ASSERT_TRUE(d.ok()) << letters << ": " << d.status().ToString();
    EXPECT_EQ(d->ToString(), iso);
    EXPECT_EQ(*BatteryCode::EncodeDate(*d), letters);
  }
}

TEST(BatteryCodeTest, RejectsDatesNotInTheCalendarOrTable) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"B40", "battery_code.date_exists"},  // 31 April 2021
      {"D2X", "battery_code.date_exists"},  // 29 February 2023
      {"C2Y", "battery_code.date_exists"},  // 30 February 2022
      {"E2X", ""},                          // 29 February 2024, a leap year
      {"900", "battery_code.month"},        // month '0' does not exist
      {"B30", ""},                          // 31 March 2021
      {"B60", "battery_code.date_exists"},  // 31 June
      {"B90", "battery_code.date_exists"},  // 31 September
      {"BB0", "battery_code.date_exists"},  // 31 November
      {"0B1", "battery_code.year"},
      {"IB1", "battery_code.year"},
      {"OB1", "battery_code.year"},
      {"QB1", "battery_code.year"},
      {"UB1", "battery_code.year"},
      {"ZB1", "battery_code.year"},
      {"B01", "battery_code.month"},
      {"BD1", "battery_code.month"},
      {"BO1", "battery_code.month"},
      {"B3I", "battery_code.day"},
      {"B3O", "battery_code.day"},
      {"B3Q", "battery_code.day"},
      {"B3U", "battery_code.day"},
      {"B3Z", "battery_code.day"},
      {"B3", "battery_code.length"},
  };
  for (const auto& [letters, rule] : cases) {
    auto d = BatteryCode::DecodeDate(letters);
    EXPECT_EQ(d.ok(), rule.empty()) << letters;
    if (!rule.empty()) {
      EXPECT_EQ(d.status().rule(), rule) << letters;
    }
    if (letters.size() != 3) continue;
    // The same letters inside a code: same verdict from every reader.
    const std::string code = std::string("001CB240000003") + letters + "0221953";
    const CodeCheck c = CheckBoth(code, Strictness::kStrict);
    EXPECT_EQ(c.valid, rule.empty()) << code;
    if (!rule.empty()) {
      ASSERT_EQ(c.errors.size(), 1u) << code;
      EXPECT_EQ(c.errors[0].rule, rule);
      EXPECT_EQ(FieldValue(c, "production_date"), "<absent>");
    }
  }
  auto d = BatteryCode::EncodeDate(*Date::FromYmd(2010, 12, 31));
  EXPECT_EQ(d.status().rule(), "battery_code.year");
  EXPECT_EQ(BatteryCode::EncodeDate(*Date::FromYmd(2041, 1, 1)).status().rule(),
            "battery_code.year");
}

TEST(BatteryCodeTest, DateExistsErrorPointsAtTheDay) {
  const CodeCheck c = CheckBoth("001CB240000003B400221953", Strictness::kStrict);
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].position, 17);
  EXPECT_EQ(c.errors[0].field, "production_date");
  EXPECT_NE(c.errors[0].message.find("day 31 of month 4 of 2021"), std::string::npos)
      << c.errors[0].message;
}

TEST(BatteryCodeTest, ReportsEveryFailedRuleWithOneBasedPositions) {
  // Position 4 'X', position 5 'H', position 16 'D', position 20 'A'.
  const CodeCheck c = CheckBoth("001XH240000003BDC02A1953", Strictness::kStrict);
  EXPECT_FALSE(c.valid);
  const std::vector<std::string> want = {"battery_code.product_type", "battery_code.chemistry",
                                         "battery_code.month", "battery_code.serial"};
  EXPECT_EQ(Rules(c), want);
  std::vector<int> positions;
  for (const CodeIssue& e : c.errors)
    positions.push_back(e.position);
  EXPECT_EQ(positions, (std::vector<int>{4, 5, 16, 20}));
  // Fields that decode are still reported.
  EXPECT_EQ(FieldValue(c, "manufacturer"), "001");
  EXPECT_EQ(FieldValue(c, "traceability"), "0000003");
  EXPECT_EQ(FieldValue(c, "production_date"), "<absent>");

  auto parsed = BatteryCode::Parse("001XH240000003BDC02A1953", Strictness::kStrict);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(parsed.status().field(), "code");
  EXPECT_EQ(parsed.status().rule(), "battery_code.product_type");
  EXPECT_NE(parsed.status().message().find("position 4"), std::string::npos);
}

TEST(BatteryCodeTest, PositionsCountInTheNormalizedCode) {
  // Lenient mode drops spaces and hyphens first: the bad month is position 16 of the code.
  const CodeCheck c = CheckBoth("001-CB-24 0000003 BDC 0221953", Strictness::kLenient);
  EXPECT_EQ(c.normalized, "001CB240000003BDC0221953");
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].position, 16);
}

TEST(BatteryCodeTest, HintsAtZeroAndOhOneAndEyeConfusion) {
  struct Hint {
    size_t pos1;
    char scanned;
    std::string hint;
  };
  const std::vector<Hint> hints = {
      {20, 'O', "did you mean '0'?"},  // serial: digits
      {22, 'I', "did you mean '1'?"},
      {1, 'O', ""},                    // manufacturer: O is allowed, no error
      {15, 'I', "did you mean '1'?"},  // year: I is skipped, 1 is 2011
      {15, 'O', "letters not used for the production year: I O Q U Z"},
      {17, 'O', "did you mean '0'?"},  // day: O is skipped, 0 is the 31st
      {16, 'I', "did you mean '1'?"},  // month
      {16, '0', "months 10, 11 and 12 are written 'A' 'B' 'C'"},
      {16, 'O', "months 10, 11 and 12 are written 'A' 'B' 'C'"},
  };
  for (const Hint& h : hints) {
    const std::string code = With(kExample, h.pos1, h.scanned);
    const CodeCheck c = CheckBoth(code, Strictness::kStrict);
    if (h.hint.empty()) {
      EXPECT_TRUE(c.valid) << code;
      continue;
    }
    ASSERT_EQ(c.errors.size(), 1u) << code;
    EXPECT_EQ(c.errors[0].position, static_cast<int>(h.pos1));
    const std::string& m = c.errors[0].message;
    EXPECT_EQ(m.rfind("position " + std::to_string(h.pos1) + " must be ", 0), 0u) << m;
    EXPECT_NE(m.find(h.hint), std::string::npos) << m;
  }
  const CodeCheck month = CheckBoth(With(kExample, 16, '0'), Strictness::kStrict);
  EXPECT_EQ(month.errors[0].message,
            "position 16 must be 1-9 or A-C (production month); got '0'; months 10, 11 and 12 "
            "are written 'A' 'B' 'C'");
}

TEST(BatteryCodeTest, SerialLettersAreLenientOnly) {
  const std::string code = "001CB240000003B3C02A1953";
  const CodeCheck strict = CheckBoth(code, Strictness::kStrict);
  EXPECT_FALSE(strict.valid);
  EXPECT_EQ(Rules(strict), std::vector<std::string>{"battery_code.serial"});
  EXPECT_EQ(strict.errors[0].position, 20);

  const CodeCheck lenient = CheckBoth(code, Strictness::kLenient);
  EXPECT_TRUE(lenient.valid);
  ASSERT_EQ(lenient.warnings.size(), 1u);
  EXPECT_EQ(lenient.warnings[0].rule, "battery_code.serial");
  EXPECT_EQ(lenient.warnings[0].position, 18);
  EXPECT_NE(lenient.warnings[0].message.find("serial '02A1953'"), std::string::npos);
  EXPECT_NE(lenient.warnings[0].message.find("lenient"), std::string::npos);
  EXPECT_EQ(FieldValue(lenient, "serial"), "02A1953");
  // Lenient mode relaxes the serial only.
  EXPECT_FALSE(BatteryCode::IsValid(With(code, 4, 'X'), Strictness::kLenient));
  EXPECT_FALSE(BatteryCode::IsValid(With(code, 20, '#'), Strictness::kLenient));
}

TEST(BatteryCodeTest, AcceptsTheCascadeRecodeWithAWarning) {
  const CodeCheck c = CheckBoth(kRecode, Strictness::kStrict);
  EXPECT_TRUE(c.valid);
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_EQ(c.warnings[0].rule, "battery_code.recode");
  EXPECT_EQ(c.warnings[0].message,
            "cascade re-code; meaning of this form is not confirmed; the original code must be "
            "linked explicitly");
  const std::vector<std::pair<std::string, std::string>> want = {
      {"manufacturer", "001"},         {"product_type", "cell"},          {"chemistry", "LFP"},
      {"specification", "24"},         {"production_date", "2021-03-12"}, {"serial", "0221953"},
      {"recode_product_type", "pack"},
  };
  EXPECT_EQ(c.fields, want);
  auto code = BatteryCode::Parse(kRecode, Strictness::kStrict);
  ASSERT_TRUE(code.ok());
  EXPECT_TRUE(code->is_recode());
  EXPECT_EQ(code->traceability(), "");
  EXPECT_EQ(code->serial(), "0221953");
  EXPECT_EQ(code->recode_product_type(), ProductType::kPack);

  const std::vector<std::pair<std::string, std::string>> bad = {
      {With(kRecode, 18, 'S'), "battery_code.recode_mark"},
      {With(kRecode, 19, 'X'), "battery_code.recode_product_type"},
      {With(kRecode, 10, 'I'), "battery_code.day"},
      {With(kRecode, 9, 'D'), "battery_code.month"},
      {With(kRecode, 12, 'O'), "battery_code.serial"},
      {"001CB24B400221953RP", "battery_code.date_exists"},
  };
  for (const auto& [text, rule] : bad) {
    const CodeCheck b = CheckBoth(text, Strictness::kStrict);
    ASSERT_EQ(b.errors.size(), 1u) << text;
    EXPECT_EQ(b.errors[0].rule, rule) << text;
  }
}

TEST(BatteryCodeTest, RejectsOtherLengths) {
  const std::vector<std::string> texts = {"", "001CB24", "001CB240000003B3C022195",
                                          "001CB24B3C0221953R"};
  for (const std::string& text : texts) {
    const CodeCheck c = CheckBoth(text, Strictness::kLenient);
    EXPECT_FALSE(c.valid) << text;
    ASSERT_EQ(c.errors.size(), 1u);
    EXPECT_EQ(c.errors[0].rule, "battery_code.length");
    EXPECT_EQ(c.errors[0].position, 0);
  }
}

TEST(BatteryCodeTest, StrictModeTrimsAndUpperCasesOnly) {
  for (const std::string raw : {"001cb240000003b3c0221953", "  001CB240000003B3C0221953\t",
                                "\r\n001CB240000003b3c0221953 \n"}) {
    EXPECT_EQ(BatteryCode::Normalize(raw, Strictness::kStrict), kExample) << raw;
    const CodeCheck c = CheckBoth(raw, Strictness::kStrict);
    EXPECT_EQ(c.input, raw);
    EXPECT_EQ(c.normalized, kExample);
    EXPECT_TRUE(c.valid) << raw;
    EXPECT_TRUE(c.warnings.empty()) << raw;
    EXPECT_EQ(c.extracted_from, "");
  }
  // Separators inside make it another length: refused, with the lenient reading named.
  const CodeCheck hyphen = CheckBoth("001CB-240000003B3C0221953", Strictness::kStrict);
  EXPECT_FALSE(hyphen.valid);
  EXPECT_EQ(hyphen.normalized, "001CB-240000003B3C0221953");
  ASSERT_EQ(hyphen.errors.size(), 1u);
  EXPECT_EQ(hyphen.errors[0].rule, "battery_code.length");
  EXPECT_EQ(hyphen.errors[0].message,
            "24 characters expected, got 25: \"001CB-240000003B3C0221953\" (19 for a cascade "
            "re-code); without its separators it reads 001CB240000003B3C0221953, which lenient "
            "mode accepts");
  EXPECT_FALSE(BatteryCode::Parse("001CB24000\n0003B3C0221953", Strictness::kStrict).ok());
}

TEST(BatteryCodeTest, LenientModeDropsSeparatorsAndJoinsLinesWithAWarning) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"001-CB-24-0000003-B3C-0221953", kExample},
      {"001 CB 24 0000003 B3C 0221953", kExample},
      {"001_CB_24.0000003.B3C_0221953", kExample},
      // Two-line plates, both orders, with \n, \r\n and blank lines.
      {"001CB240000\n003B3C0221953", kExample},
      {"003B3C0221953\n001CB240000", kExample},
      {"003b3c0221953\r\n\r\n001cb24 0000", kExample},
      {"0221953\n001CB240000003B3C", kExample},
      {"001CB24B3C-0221953RP", kRecode},
  };
  for (const auto& [raw, want] : cases) {
    EXPECT_EQ(BatteryCode::Normalize(raw, Strictness::kLenient), want) << raw;
    const CodeCheck c = CheckBoth(raw, Strictness::kLenient);
    EXPECT_EQ(c.normalized, want);
    EXPECT_TRUE(c.valid) << raw;
    ASSERT_FALSE(c.warnings.empty()) << raw;
    EXPECT_EQ(c.warnings[0].rule, "battery_code.length") << raw;
    EXPECT_FALSE(CheckBoth(raw, Strictness::kStrict).valid) << raw;
  }
  const CodeCheck hyphen = CheckBoth("001CB-240000003B3C0221953", Strictness::kLenient);
  ASSERT_EQ(hyphen.warnings.size(), 1u);
  EXPECT_EQ(hyphen.warnings[0].message,
            "\"001CB-240000003B3C0221953\" has 25 characters; read without its 1 separators "
            "(spaces, hyphens, underscores, dots, line breaks), as lenient mode allows");
}

TEST(BatteryCodeTest, NeverTakesACodeOutOfALongerString) {
  // A typo one character too long: the 24-character code inside it is another battery's.
  const std::string typo = std::string(kExample) + "4";
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    const CodeCheck c = CheckBoth(typo, s);
    EXPECT_FALSE(c.valid);
    EXPECT_EQ(c.normalized, typo);
    ASSERT_EQ(c.errors.size(), 1u);
    EXPECT_EQ(c.errors[0].rule, "battery_code.length");
    EXPECT_EQ(c.errors[0].field, "code");
    EXPECT_EQ(c.errors[0].message,
              "24 characters expected, got 25: \"001CB240000003B3C02219534\" (19 for a cascade "
              "re-code)");
    const Result<BatteryCode> parsed = BatteryCode::Parse(typo, s);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().rule(), "battery_code.length");
    EXPECT_EQ(parsed.status().field(), "code");
  }
  // Payloads that wrap a code in other text are refused whole, whatever they wrap.
  for (const std::string raw :
       {"X1;001CB240000003B3C0221953;LOT9", "ZZ001CB240000003B3C0221953Q",
        "[)>06 001CB240000003B3C0221953 X", "ID:001CB24B3C0221953RP;",
        "https://oem.example/b?c=001CB240000003B3C0221953&v=2",
        "https://oem.example/b/001CB240000003B3C0221953?v=2",
        "https://oem.example/c/001CB240000003B3C0221953", "oem.example/b/001CB240000003B3C0221953",
        "https://oem.example/b/001CB240000003B3C02219534"}) {
    for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
      const CodeCheck c = CheckBoth(raw, s);
      EXPECT_FALSE(c.valid) << raw;
      EXPECT_NE(c.normalized, kExample) << raw;
      ASSERT_FALSE(c.errors.empty()) << raw;
      EXPECT_EQ(c.errors[0].rule, "battery_code.length") << raw;
    }
  }
}

TEST(BatteryCodeTest, ReadsTheCodeOfALabelUrl) {
  EXPECT_EQ(BatteryCode::FromLabelUrl("https://trace.example.cn/b/001CB240000003B3C0221953"),
            kExample);
  EXPECT_EQ(BatteryCode::FromLabelUrl("HTTP://TRACE.EXAMPLE.CN:8080/PASSPORT/B/X"), "X");
  for (const std::string_view not_url :
       {"", "https://", "https:///b/X", "https://h/b/", "https://h/b", "https://h/x/X",
        "https://h/b/X?", "https://h/b/X#top", "https://h/b/X/", "https://h b/b/X", "ftp://h/b/X",
        "https://h/bb/X", "//h/b/X", kExample}) {
    EXPECT_FALSE(BatteryCode::FromLabelUrl(not_url).has_value()) << not_url;
  }
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    for (const std::string raw : {"https://trace.example.cn/b/001CB240000003B3C0221953",
                                  " HTTPS://TRACE.EXAMPLE.CN/B/001cb240000003b3c0221953\n",
                                  "http://127.0.0.1:8080/b/001CB240000003B3C0221953"}) {
      const CodeCheck c = CheckBoth(raw, s);
      EXPECT_TRUE(c.valid) << raw;
      EXPECT_EQ(c.normalized, kExample);
      EXPECT_EQ(c.extracted_from, "url");
      ASSERT_EQ(c.warnings.size(), 1u) << raw;
      EXPECT_EQ(c.warnings[0].rule, "battery_code.url");
      EXPECT_EQ(BatteryCode::Normalize(raw, s), kExample);
    }
  }
  // The segment is checked like a bare code: its own length, never a part of it.
  const CodeCheck typo =
      CheckBoth("https://trace.example.cn/b/001CB240000003B3C02219534", Strictness::kStrict);
  EXPECT_FALSE(typo.valid);
  EXPECT_EQ(typo.extracted_from, "url");
  EXPECT_EQ(typo.normalized, "001CB240000003B3C02219534");
  EXPECT_EQ(typo.errors[0].rule, "battery_code.length");
  // Lenient mode drops separators in the segment too, with a warning.
  const CodeCheck lenient =
      CheckBoth("https://trace.example.cn/b/001CB-240000003B3C0221953", Strictness::kLenient);
  EXPECT_TRUE(lenient.valid);
  EXPECT_EQ(lenient.warnings.size(), 2u);
}

TEST(BatteryCodeTest, CountsLengthsInCharacters) {
  // 23 ASCII characters and one of three bytes: 24 characters, 26 bytes.
  const std::string wide = "001CB240000003B3C022195\xE2\x91\xA0";  // U+2460
  const CodeCheck c = CheckBoth(wide, Strictness::kStrict);
  EXPECT_FALSE(c.valid);
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].position, 24);
  EXPECT_EQ(c.errors[0].rule, "battery_code.serial");
  EXPECT_NE(c.errors[0].message.find("(not ASCII)"), std::string::npos) << c.errors[0].message;
  // 24 bytes but 23 characters (one of two bytes): a length error that says 23.
  const std::string short_wide = "001CB240000003B3C02219\xC3\xA9";
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    const CodeCheck d = CheckBoth(short_wide, s);
    ASSERT_EQ(d.errors.size(), 1u);
    EXPECT_EQ(d.errors[0].rule, "battery_code.length");
    EXPECT_EQ(d.errors[0].message.rfind("24 characters expected, got 23: ", 0), 0u)
        << d.errors[0].message;
  }
  // A full-width code (every character three bytes) has 24 characters, none of them ASCII.
  std::string full_width;
  for (const char ch : std::string(kExample)) {
    const int cp = 0xFF00 + (ch - 0x20);
    full_width += static_cast<char>(0xE0 | (cp >> 12));
    full_width += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    full_width += static_cast<char>(0x80 | (cp & 0x3F));
  }
  const CodeCheck f = CheckBoth(full_width, Strictness::kStrict);
  EXPECT_EQ(f.errors.size(), 24u);
  EXPECT_EQ(f.errors.front().position, 1);
  EXPECT_EQ(f.errors.back().position, 24);
  // Messages quote what was sent, as valid UTF-8 even when it is not.
  const CodeCheck bytes = CheckBoth("001\xFF", Strictness::kStrict);
  EXPECT_EQ(bytes.errors[0].message.find('\xFF'), std::string::npos);
  EXPECT_NE(bytes.errors[0].message.find("got 4: \"001\xEF\xBF\xBD\""), std::string::npos)
      << bytes.errors[0].message;
}

TEST(BatteryCodeTest, NormalizeIsIdempotent) {
  std::vector<std::string> inputs = {
      kExample,
      kRecode,
      "",
      "\n",
      "\n\n\n",
      "a\nb",
      "a\nb\nc",
      "X1;001CB240000003B3C0221953;L",
      "https://h/b/001CB240000003B3C0221953",
      "https://h.x/b/0-0",
      "https://h x/b/00",
      "001CB240000\n003B3C0221953",
      "001CB240000003B3C02219530",
      ";;001CB24B3C0221953RP0000",
  };
  // Random mixtures of code characters, separators, line breaks and noise.
  std::mt19937 rng(20240601);
  const std::string alphabet = std::string(kExample) + "RPMCOIoi01;:/ -_.\n\r\t\x80\xffhtpsb:/?#";
  for (int i = 0; i < 20000; ++i) {
    std::string s(std::uniform_int_distribution<int>(0, 60)(rng), ' ');
    for (char& c : s)
      c = alphabet[std::uniform_int_distribution<size_t>(0, alphabet.size() - 1)(rng)];
    if (i % 3 == 0) {  // plant a code
      s.insert(std::uniform_int_distribution<size_t>(0, s.size())(rng), kExample);
    }
    if (i % 5 == 0) s.insert(0, "https://h/b/");  // a label URL, or something close to one

    inputs.push_back(s);
  }
  for (const std::string& raw : inputs) {
    for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
      const std::string once = BatteryCode::Normalize(raw, s);
      ASSERT_EQ(BatteryCode::Normalize(once, s), once) << raw;
      const CodeCheck c = BatteryCode::Check(raw, s);
      ASSERT_EQ(c.normalized, once);
      ASSERT_EQ(BatteryCode::IsValid(once, s), c.valid) << raw;
      ASSERT_EQ(BatteryCode::Parse(raw, s).ok(), c.valid) << raw;
    }
  }
}

TEST(BatteryCodeTest, ComposeBuildsAndChecksTheFields) {
  const Date d = *Date::FromYmd(2021, 3, 12);
  auto code = BatteryCode::Compose("001", ProductType::kCell, 'B', "24", "0000003", d, "0221953");
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(code->str(), kExample);

  EXPECT_EQ(BatteryCode::Compose("01", ProductType::kCell, 'B', "24", "0000003", d, "0221953")
                .status()
                .rule(),
            "battery_code.manufacturer");
  EXPECT_EQ(BatteryCode::Compose("001", ProductType::kCell, 'H', "24", "0000003", d, "0221953")
                .status()
                .rule(),
            "battery_code.chemistry");
  EXPECT_EQ(BatteryCode::Compose("001", ProductType::kCell, 'B', "24", "000003", d, "0221953")
                .status()
                .rule(),
            "battery_code.traceability");
  EXPECT_EQ(BatteryCode::Compose("001", ProductType::kCell, 'B', "2a", "0000003", d, "0221953")
                .status()
                .rule(),
            "battery_code.specification");
  EXPECT_EQ(BatteryCode::Compose("001", ProductType::kCell, 'B', "24", "0000003",
                                 *Date::FromYmd(2041, 1, 1), "0221953")
                .status()
                .rule(),
            "battery_code.year");
  EXPECT_EQ(BatteryCode::Compose("001", ProductType::kCell, 'B', "24", "0000003", d, "02A1953")
                .status()
                .rule(),
            "battery_code.serial");
  EXPECT_TRUE(BatteryCode::Compose("001", ProductType::kCell, 'B', "24", "0000003", d, "02A1953",
                                   Strictness::kLenient)
                  .ok());
}

}  // namespace
}  // namespace battrace
