// Strict UTF-8 decoding (RFC 3629).
#include "ledger/utf8.h"

namespace battrace::ledger {

bool NextCodePoint(std::string_view text, size_t* pos, uint32_t* code_point) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t lead = byte(*pos);
  if (lead < 0x80) {
    *code_point = lead;
    ++*pos;
    return true;
  }
  // Sequence length, payload bits of the lead byte, and the smallest code point that needs
  // this length (anything below is an overlong form).
  int extra = 3;
  uint32_t cp = lead & 0x07;
  uint32_t min = 0x10000;
  if ((lead & 0xE0) == 0xC0) {
    extra = 1;
    cp = lead & 0x1F;
    min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    extra = 2;
    cp = lead & 0x0F;
    min = 0x800;
  } else if ((lead & 0xF8) != 0xF0) {
    return false;
  }
  if (text.size() - *pos <= static_cast<size_t>(extra)) return false;
  for (int i = 1; i <= extra; ++i) {
    const uint8_t b = byte(*pos + i);
    if ((b & 0xC0) != 0x80) return false;
    cp = cp << 6 | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  *code_point = cp;
  *pos += 1 + extra;
  return true;
}

bool IsValidUtf8(std::string_view text) {
  size_t pos = 0;
  uint32_t cp;
  while (pos < text.size()) {
    if (static_cast<uint8_t>(text[pos]) < 0x80) {
      ++pos;
    } else if (!NextCodePoint(text, &pos, &cp)) {
      return false;
    }
  }
  return true;
}

}  // namespace battrace::ledger
