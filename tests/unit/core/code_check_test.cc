// CheckCode: explicit kinds dispatch to their checker; kAuto guesses the kind from the length
// after normalization.
#include "core/code_check.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace battrace
