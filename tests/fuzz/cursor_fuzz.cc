// Fuzz target: decoding a list cursor (store/cursor.h) never crashes on arbitrary bytes, and a
// key it accepts encodes to a cursor that decodes to the same key.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "store/cursor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (size_t key_size : {5, 6}) {
    auto key = battrace::store::DecodeCursor("findings\n2026-10-31", input, key_size);
    if (!key.ok()) continue;
    if (key->size() != key_size) std::abort();
    const std::string again = battrace::store::EncodeCursor("findings\n2026-10-31", *key);
    auto back = battrace::store::DecodeCursor("findings\n2026-10-31", again, key_size);
    if (!back.ok() || *back != *key) std::abort();
  }
  return 0;
}
