// The GB/T 2260 division list compiled into the binary (generated at build time from the npm
// package china-division by scripts/gen_divisions.py). Private to core/division.cc.
#pragma once

#include <cstddef>
#include <cstdint>

namespace battrace {

struct DivisionEntry {
  uint32_t code;     // six digits, e.g. 440300
  uint8_t level;     // 1 province, 2 city (prefecture), 3 county
  const char* name;  // UTF-8, e.g. "深圳市"
};

extern const DivisionEntry kDivisionTable[];  // sorted by code
extern const size_t kDivisionTableSize;

}  // namespace battrace
