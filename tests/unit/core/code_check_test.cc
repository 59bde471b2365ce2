// CheckCode: explicit kinds dispatch to their checker; kAuto guesses the kind from the length
// after normalization.
#include "core/code_check.h"

#include <gtest/gtest.h>

#include <string>

namespace battrace {
namespace {

TEST(CodeCheckTest, AutoPicksTheKindByNormalizedLength) {
  const std::pair<const char*, const char*> cases[] = {
      {"1M8GDM9AXKP042788", "vin"},
      {" lsgpc52u6-af102554 ", "vin"},
      {"1M8GDM9AXKP04278O", "vin"},  // still a VIN, with an alphabet error
      {"91350900587527783P", "uscc"},
      {"9135-0900-5875-2778-3p", "uscc"},
      {"440305", "division"},
      {" 44-03 05", "division"},
      {"44O305", "battery"},  // six characters but not six digits
      {"001CB240000003B3C0221953", "battery"},
      {"", "battery"},
  };
  for (const auto& [raw, kind] : cases) {
    EXPECT_EQ(CheckCode(CodeKind::kAuto, raw, Strictness::kStrict).kind, kind) << raw;
  }
  EXPECT_TRUE(CheckCode(CodeKind::kAuto, "1M8GDM9AXKP042788", Strictness::kStrict).valid);
  EXPECT_TRUE(CheckCode(CodeKind::kAuto, "91350900587527783P", Strictness::kStrict).valid);
  EXPECT_TRUE(CheckCode(CodeKind::kAuto, "440305", Strictness::kStrict).valid);
}

TEST(CodeCheckTest, ExplicitKindsAreNotGuessed) {
  EXPECT_EQ(CheckCode(CodeKind::kVin, "440305", Strictness::kStrict).kind, "vin");
  EXPECT_EQ(CheckCode(CodeKind::kUscc, "1M8GDM9AXKP042788", Strictness::kStrict).kind, "uscc");
  EXPECT_EQ(CheckCode(CodeKind::kDivision, "91350900587527783P", Strictness::kStrict).kind,
            "division");
  EXPECT_EQ(CheckCode(CodeKind::kBattery, "440305", Strictness::kStrict).kind, "battery");
  // Strictness is passed on: lenient VINs accept a wrong check digit with a warning.
  EXPECT_FALSE(CheckCode(CodeKind::kVin, "1M8GDM9A5KP042788", Strictness::kStrict).valid);
  EXPECT_TRUE(CheckCode(CodeKind::kVin, "1M8GDM9A5KP042788", Strictness::kLenient).valid);
}

TEST(CodeCheckTest, LengthsCountCharactersNotBytes) {
  // One character of two bytes in place of an ASCII one: the length is still right, the
  // character is an alphabet error at its position (in characters); one more and it is 1 over.
  const struct {
    CodeKind kind;
    std::string valid;
    std::string length_rule, alphabet_rule;
    size_t length;
  } kinds[] = {
      {CodeKind::kVin, "LSGPC52U6AF102554", "vin.length", "vin.alphabet", 17},
      {CodeKind::kUscc, "91350900587527783P", "uscc.length", "uscc.alphabet", 18},
      {CodeKind::kDivision, "440305", "division.format", "division.format", 6},
  };
  for (const auto& k : kinds) {
    std::string one_wide = k.valid;
    one_wide.replace(k.length - 2, 1, "\xC3\x89");  // U+00C9, at the next-to-last position
    const CodeCheck c = CheckCode(k.kind, one_wide, Strictness::kStrict);
    ASSERT_EQ(c.errors.size(), 1u) << k.valid;
    EXPECT_EQ(c.errors[0].rule, k.alphabet_rule);
    EXPECT_EQ(c.errors[0].position, static_cast<int>(k.length) - 1);
    EXPECT_NE(c.errors[0].message.find("(not ASCII)"), std::string::npos) << c.errors[0].message;
    EXPECT_TRUE(c.fields.empty() || k.kind == CodeKind::kDivision);

    const std::string longer = one_wide + "1";
    const CodeCheck d = CheckCode(k.kind, longer, Strictness::kStrict);
    ASSERT_FALSE(d.errors.empty());
    EXPECT_EQ(d.errors[0].rule, k.length_rule);
    EXPECT_EQ(d.errors[0].message, std::to_string(k.length) + " characters expected, got " +
                                       std::to_string(k.length + 1) + ": \"" + longer + "\"")
        << d.errors[0].message;
  }
  // Auto counts characters too: 17 characters with one of two bytes is read as a VIN.
  EXPECT_EQ(CheckCode(CodeKind::kAuto, "LSGPC52U6AF10255\xC3\x89", Strictness::kStrict).kind,
            "vin");
  EXPECT_EQ(CountCharacters("\xE2\x91\xA0"
                            "a\xC3\xA9"),
            3u);
  EXPECT_EQ(CountCharacters("\x80\x80"), 1u);
  EXPECT_EQ(SplitCharacters("a\xC3\xA9"
                            "b")
                .size(),
            3u);
}

TEST(CodeCheckTest, VinAndUsccAreNeverCutToLength) {
  // A character too many is a length error; no 17 or 18 characters are taken out of it.
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    const CodeCheck vin = CheckCode(CodeKind::kVin, "LSGPC52U6AF1025544", s);
    EXPECT_FALSE(vin.valid);
    EXPECT_EQ(vin.normalized, "LSGPC52U6AF1025544");
    EXPECT_EQ(vin.errors[0].message, "17 characters expected, got 18: \"LSGPC52U6AF1025544\"");
    const CodeCheck uscc = CheckCode(CodeKind::kUscc, "91350900587527783PX", s);
    EXPECT_FALSE(uscc.valid);
    EXPECT_EQ(uscc.errors[0].rule, "uscc.length");
  }
}

}  // namespace
}  // namespace battrace
