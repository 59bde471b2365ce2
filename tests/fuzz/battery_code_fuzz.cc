// Fuzz target for the battery code readers (src/core/battery_code.h): any byte string goes
// through Normalize, Check and Parse in both strictness modes and through IsValid. Aborts when
// normalization is not idempotent in a mode, when Check does not report the normalized form
// Normalize gives, or when the hot-path validator, the diagnostic checker and the parser disagree.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/battery_code.h"

namespace {

void Require(bool ok, const char* what, std::string_view input) {
  if (ok) return;
  std::fprintf(stderr, "battery_code_fuzz: %s for input of %zu bytes\n", what, input.size());
  std::abort();
}

size_t AlnumCount(std::string_view s) {
  size_t n = 0;
  for (const char c : s) {
    n += (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using battrace::BatteryCode;
  using battrace::Strictness;
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  for (Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    const std::string normalized = BatteryCode::Normalize(raw, s);
    Require(BatteryCode::Normalize(normalized, s) == normalized, "Normalize is not idempotent",
            raw);
    const battrace::CodeCheck check = BatteryCode::Check(raw, s);
    Require(check.input == raw, "Check changed the raw input", raw);
    Require(check.normalized == normalized, "Check and Normalize disagree", raw);
    Require(check.valid == check.errors.empty(), "valid flag and errors disagree", raw);
    const bool fast = BatteryCode::IsValid(normalized, s);
    const bool sized = normalized.size() == BatteryCode::kLength ||
                       normalized.size() == BatteryCode::kRecodeLength;
    Require(fast == check.valid, "IsValid and Check disagree", raw);
    Require(!fast || sized, "IsValid accepted a code of another length", raw);
    const auto parsed = BatteryCode::Parse(raw, s);
    Require(parsed.ok() == check.valid, "Parse and Check disagree", raw);
    // Never a code out of a longer string: a valid code not read from a label URL holds every
    // letter and digit of the input.
    Require(!check.valid || check.extracted_from == "url" || AlnumCount(raw) == normalized.size(),
            "Check took a code out of a longer string", raw);
    if (parsed.ok()) {
      Require(parsed->str() == normalized, "Parse kept another code", raw);
    } else {
      Require(parsed.status().rule() == check.errors.front().rule,
              "Parse does not name the first failed rule", raw);
    }
  }
  return 0;
}
