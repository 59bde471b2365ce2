// Days from civil dates and back: the era-based algorithm for the proleptic Gregorian calendar,
// shared by the date type (core/date.h) and the EPCIS event hash's time normalisation.
#pragma once

#include <cstdint>

namespace battrace {

// Days since 1970-01-01 of the date y-m-d. REQUIRES: 1 <= m <= 12, 1 <= d <= 31.
int32_t DaysFromCivil(int y, int m, int d);
// The date of `z` days since 1970-01-01.
void CivilFromDays(int32_t z, int* y, int* m, int* d);

}  // namespace battrace
