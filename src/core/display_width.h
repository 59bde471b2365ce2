// How wide text is on a terminal: the columns of a UTF-8 string, East Asian Wide and Fullwidth
// characters (Unicode Standard Annex #11) counting two, so that tables of Chinese names line up.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace battrace {

// Columns of one code point: 2 for East Asian Wide (W) or Fullwidth (F), 0 for combining marks,
// zero-width characters and C0/C1 controls, 1 otherwise.
int CodePointWidth(uint32_t code_point);

// Columns of `utf8`: the sum of its code points' widths. A byte that does not start a valid
// UTF-8 sequence counts as one column (it is shown as a replacement character).
size_t DisplayWidth(std::string_view utf8);

// `utf8` cut to at most `width` columns, never inside a character; when cut, the last column is
// "…" (U+2026, one column). REQUIRES: width >= 1.
std::string TruncateToWidth(std::string_view utf8, size_t width);

// `utf8` followed by spaces up to `width` columns (unchanged when already as wide).
std::string PadToWidth(std::string_view utf8, size_t width);

}  // namespace battrace
