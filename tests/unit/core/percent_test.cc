#include "core/percent.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace battrace {
namespace {

TEST(PercentTest, EncodesAllButUnreservedAndDecodesBack) {
  EXPECT_EQ(PercentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(PercentEncode("a b/c:%"), "a%20b%2Fc%3A%25");
  EXPECT_EQ(PercentEncode("网点"), "%E7%BD%91%E7%82%B9");
  const std::vector<std::string> texts = {"", "ni:///sha-256;ab?ver=CBV2.0", "网点 1",
                                          std::string(1, '\0')};
  for (const std::string& text : texts) {
    EXPECT_EQ(PercentDecode(PercentEncode(text)), text);
  }
}

TEST(PercentTest, StrictDecodingRefusesABrokenEscape) {
  EXPECT_EQ(PercentDecode("%41%62"), "Ab");
  EXPECT_EQ(PercentDecode("%e7%bd%91"), "网");
  EXPECT_EQ(PercentDecode("a+b"), "a+b");
  for (const char* broken : {"%", "%4", "a%4", "%4G", "%G4", "x%"}) {
    EXPECT_FALSE(PercentDecode(broken)) << broken;
  }
}

TEST(PercentTest, LenientDecodingKeepsWhatIsNoEscape) {
  EXPECT_EQ(PercentDecodeLenient("%41%4"), "A%4");
  EXPECT_EQ(PercentDecodeLenient("100%"), "100%");
  EXPECT_EQ(PercentDecodeLenient("a+b%2Bc"), "a+b+c");
  EXPECT_EQ(PercentDecodeLenient("a+b%2Bc", true), "a b+c");
  EXPECT_EQ(HexDigitValue('f'), 15);
  EXPECT_EQ(HexDigitValue('F'), 15);
  EXPECT_EQ(HexDigitValue('g'), -1);
}

}  // namespace
}  // namespace battrace
