#include "core/display_width.h"

#include <algorithm>
#include <array>
#include <iterator>

namespace battrace {
namespace {

struct Range {
  uint32_t first, last;
};

// East Asian Wide (W) and Fullwidth (F) code points of Unicode 15 EastAsianWidth.txt, merged
// into ranges (unassigned code points inside the CJK blocks count as wide, as terminals do).
constexpr std::array<Range, 47> kWide = {{
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A}, {0x23E9, 0x23EC}, {0x23F0, 0x23F0},
    {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615}, {0x2648, 0x2653}, {0x267F, 0x267F},
    {0x2693, 0x2693},   {0x26A1, 0x26A1},   {0x26AA, 0x26AB}, {0x26BD, 0x26BE}, {0x26C4, 0x26C5},
    {0x26CE, 0x26CE},   {0x26D4, 0x26D4},   {0x26EA, 0x26EA}, {0x26F2, 0x26F3}, {0x26F5, 0x26F5},
    {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705}, {0x270A, 0x270B}, {0x2728, 0x2728},
    {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755}, {0x2757, 0x2757}, {0x2795, 0x2797},
    {0x27B0, 0x27B0},   {0x27BF, 0x27BF},   {0x2B1B, 0x2B1C}, {0x2B50, 0x2B50}, {0x2B55, 0x2B55},
    {0x2E80, 0x303E},   {0x3041, 0xA4CF},   {0xA960, 0xA97F}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF},
    {0xFE10, 0xFE19},   {0xFE30, 0xFE6F},   {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x16FE0, 0x1B2FF},
    {0x1F300, 0x1F64F}, {0x20000, 0x3FFFD},
}};

// Combining marks and zero-width characters.
constexpr std::array<Range, 9> kZero = {{
    {0x0300, 0x036F},
    {0x1AB0, 0x1AFF},
    {0x1DC0, 0x1DFF},
    {0x200B, 0x200F},
    {0x20D0, 0x20FF},
    {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2F},
    {0xFEFF, 0xFEFF},
    {0xE0100, 0xE01EF},
}};

template <size_t N>
bool In(const std::array<Range, N>& ranges, uint32_t cp) {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), cp,
                             [](uint32_t c, const Range& r) { return c < r.first; });
  return it != ranges.begin() && cp <= std::prev(it)->last;
}

// The length of the valid UTF-8 sequence at text[pos] and its code point; 0 when invalid.
size_t Decode(std::string_view text, size_t pos, uint32_t* cp) {
  const auto b0 = static_cast<unsigned char>(text[pos]);
  size_t n = 0;
  uint32_t min = 0;
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, min = 0x80, *cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, min = 0x800, *cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, min = 0x10000, *cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (pos + n > text.size()) return 0;
  for (size_t i = 1; i < n; ++i) {
    const auto b = static_cast<unsigned char>(text[pos + i]);
    if ((b & 0xC0) != 0x80) return 0;
    *cp = (*cp << 6) | (b & 0x3F);
  }
  if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

int CodePointWidth(uint32_t cp) {
  if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return 0;
  if (In(kZero, cp)) return 0;
  return In(kWide, cp) ? 2 : 1;
}

size_t DisplayWidth(std::string_view utf8) {
  size_t width = 0;
  for (size_t pos = 0; pos < utf8.size();) {
    uint32_t cp = 0;
    const size_t n = Decode(utf8, pos, &cp);
    width += n == 0 ? 1 : static_cast<size_t>(CodePointWidth(cp));
    pos += n == 0 ? 1 : n;
  }
  return width;
}

std::string TruncateToWidth(std::string_view utf8, size_t width) {
  if (DisplayWidth(utf8) <= width) return std::string(utf8);
  std::string out;
  size_t used = 0;
  for (size_t pos = 0; pos < utf8.size();) {
    uint32_t cp = 0;
    const size_t n = Decode(utf8, pos, &cp);
    const size_t w = n == 0 ? 1 : static_cast<size_t>(CodePointWidth(cp));
    if (used + w > width - 1) break;
    out.append(utf8.substr(pos, n == 0 ? 1 : n));
    used += w;
    pos += n == 0 ? 1 : n;
  }
  return out + "\u2026";
}

std::string PadToWidth(std::string_view utf8, size_t width) {
  std::string out(utf8);
  const size_t w = DisplayWidth(utf8);
  if (w < width) out.append(width - w, ' ');
  return out;
}

}  // namespace battrace
