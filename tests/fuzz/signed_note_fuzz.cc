// Fuzz target: opening a signed checkpoint never crashes on arbitrary bytes, and any text that
// parses as a checkpoint body prints back to exactly the same bytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ledger/checkpoint.h"

namespace {

// A fixed verifier: the seed corpus carries notes signed by its key (a test-only key whose
// seed is LeafHash("battrace fuzz key")).
const battrace::ledger::Verifier& FixedVerifier() {
  static const battrace::ledger::Verifier kVerifier = *battrace::ledger::Verifier::Parse(
      "battrace.example.cn/ledger+f9ba1ed9+AVO+dc7aWS0YR202x7UsPgFAeXQQ+CBadMPpF3oBQKQE");
  return kVerifier;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto opened = battrace::ledger::OpenSignedCheckpoint(input, FixedVerifier());
  auto text = battrace::ledger::OpenNote(input, FixedVerifier());
  if (opened.ok() && !text.ok()) std::abort();
  auto body = battrace::ledger::Checkpoint::ParseBody(input);
  if (body.ok() && body->Body() != input) std::abort();
  return 0;
}
