// UTF-8 validation and decoding shared by the ledger's text formats (canonical JSON strings,
// signed-note key names) and the API's checks of a request's head (src/server).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace battrace::ledger {

// Decodes the code point starting at text[*pos] and advances *pos past it. Returns false,
// leaving *pos unspecified, on an invalid sequence: truncated, overlong, a surrogate
// (U+D800..U+DFFF) or beyond U+10FFFF.
// REQUIRES: *pos < text.size().
bool NextCodePoint(std::string_view text, size_t* pos, uint32_t* code_point);

// True iff `text` is well-formed UTF-8 (as NextCodePoint accepts it).
bool IsValidUtf8(std::string_view text);

}  // namespace battrace::ledger
