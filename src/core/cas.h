// CAS Registry Numbers: up to ten digits in three parts, NNNNNNN-NN-N, the last a check digit
// (the sum of the other digits weighted 1, 2, 3, ... from the right, modulo 10).
#pragma once

#include <string_view>

#include "core/status.h"

namespace battrace {

// Checks a CAS RN as written with its hyphens ("7732-18-5"): 2-7 digits, 2 digits, 1 check
// digit. Errors, with field "cas": "cas.format", "cas.check_digit".
Status CheckCasNumber(std::string_view text);

}  // namespace battrace
