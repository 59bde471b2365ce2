#include "core/display_width.h"

#include <gtest/gtest.h>

namespace battrace {
namespace {

TEST(DisplayWidthTest, AsciiCountsOneColumnPerCharacter) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("MIIT 110000"), 11u);
}

TEST(DisplayWidthTest, ChineseCountsTwoColumns) {
  EXPECT_EQ(DisplayWidth("宁德时代"), 8u);
  EXPECT_EQ(DisplayWidth("比亚迪 BYD"), 10u);
  EXPECT_EQ(DisplayWidth("《办法》第二十四条"), 18u);  // fullwidth brackets too
  EXPECT_EQ(DisplayWidth("（）：，"), 8u);             // fullwidth punctuation
  EXPECT_EQ(DisplayWidth("\xe3\x80\x80"), 2u);         // U+3000 ideographic space
  EXPECT_EQ(DisplayWidth("한국"), 4u);                 // Hangul
  EXPECT_EQ(DisplayWidth("𠀀"), 2u);                   // U+20000, CJK Extension B
}

TEST(DisplayWidthTest, NarrowNonAsciiCountsOne) {
  EXPECT_EQ(DisplayWidth("é"), 1u);        // U+00E9
  EXPECT_EQ(DisplayWidth("…"), 1u);        // U+2026
  EXPECT_EQ(DisplayWidth("ｱ"), 1u);        // U+FF71 halfwidth katakana
  EXPECT_EQ(DisplayWidth("e\u0301"), 1u);  // combining acute: zero width
}

TEST(DisplayWidthTest, InvalidBytesCountOneEach) {
  EXPECT_EQ(DisplayWidth("\xff\xfe"), 2u);
  EXPECT_EQ(DisplayWidth("\xe5\xae"), 2u);      // truncated sequence
  EXPECT_EQ(DisplayWidth("\xc0\xaf"), 2u);      // overlong
  EXPECT_EQ(DisplayWidth("\xed\xa0\x80"), 3u);  // a surrogate
  EXPECT_EQ(DisplayWidth("a\xe5\xae\x81"
                         "b"),
            4u);  // 宁 between ASCII
}

TEST(DisplayWidthTest, CodePointWidths) {
  EXPECT_EQ(CodePointWidth('A'), 1);
  EXPECT_EQ(CodePointWidth(0x0A), 0);
  EXPECT_EQ(CodePointWidth(0x4E00), 2);
  EXPECT_EQ(CodePointWidth(0x9FFF), 2);
  EXPECT_EQ(CodePointWidth(0xA4D0), 1);   // Lisu: after the wide Yi block
  EXPECT_EQ(CodePointWidth(0xFF01), 2);   // fullwidth exclamation
  EXPECT_EQ(CodePointWidth(0xFF61), 1);   // halfwidth ideographic full stop
  EXPECT_EQ(CodePointWidth(0x1F600), 2);  // emoji
}

TEST(DisplayWidthTest, TruncatesOnCharacterBoundaries) {
  EXPECT_EQ(TruncateToWidth("short", 10), "short");
  EXPECT_EQ(TruncateToWidth("abcdefgh", 5), "abcd…");
  EXPECT_EQ(DisplayWidth(TruncateToWidth("abcdefgh", 5)), 5u);
  // A wide character that would straddle the limit is left out whole.
  EXPECT_EQ(TruncateToWidth("宁德时代新能源", 6), "宁德…");
  EXPECT_EQ(DisplayWidth(TruncateToWidth("宁德时代新能源", 6)), 5u);
  EXPECT_EQ(TruncateToWidth("宁德时代新能源", 7), "宁德时…");
  EXPECT_EQ(TruncateToWidth("宁德", 4), "宁德");
  EXPECT_EQ(TruncateToWidth("宁德时", 1), "…");
}

TEST(DisplayWidthTest, PadsToColumnsNotBytes) {
  EXPECT_EQ(PadToWidth("宁德", 6), "宁德  ");
  EXPECT_EQ(PadToWidth("ab", 4), "ab  ");
  EXPECT_EQ(PadToWidth("宁德时代", 6), "宁德时代");
  EXPECT_EQ(DisplayWidth(PadToWidth("比亚迪", 10)), 10u);
}

}  // namespace
}  // namespace battrace
