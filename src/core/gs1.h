// GS1 identifiers of a battery for EU labels: the GTIN of its model (GS1 General
// Specifications 3.3.2, check digit 7.9.1) and the serial of GS1 Application Identifier (21)
// (file character set 82), which together form the GS1 Digital Link /01/{gtin}/21/{serial}.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace battrace {

// A GTIN-8, -12, -13 or -14 (digits only) whose check digit verifies, as the 14 digits of its
// GTIN-14 form (left-padded with zeros). Errors, with field "gtin": "gtin.length",
// "gtin.characters", "gtin.check_digit".
Result<std::string> ParseGtin(std::string_view text);

// The GS1 check digit of `digits` (all 0-9): weights 3 and 1 alternating from the right.
char Gs1CheckDigit(std::string_view digits);

// Whether `c` is in GS1 AI encodable character set 82 (GS1 General Specifications, figure
// 7.11-1): letters, digits and !"%&'()*+,-./:;<=>?_.
bool InSet82(char c);

// A serial for AI (21): 1-20 characters of GS1 AI encodable character set 82 (letters, digits
// and !"%&'()*+,-./:;<=>?_). Errors, with field "serial": "gs1_serial.length",
// "gs1_serial.characters".
Status CheckGs1Serial(std::string_view text);

}  // namespace battrace
