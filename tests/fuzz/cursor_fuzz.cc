// Fuzz target: the cursor of a keyset-paged list on arbitrary bytes. A cursor is refused with
// rule query.cursor or decodes to printable parts that encode back to the same cursor.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "server/cursor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parts = battrace::server::DecodeCursor(input);
  if (!parts.ok()) {
    if (parts.status().rule() != "query.cursor" || parts.status().field() != "cursor") std::abort();
    return 0;
  }
  if (parts->empty() || parts->size() > battrace::server::kMaxCursorParts) std::abort();
  for (const std::string& p : *parts) {
    for (char c : p) {
      if (c < 0x20 || c > 0x7E || c == '|') std::abort();
    }
  }
  if (battrace::server::EncodeCursor(*parts) != input) std::abort();
  return 0;
}
