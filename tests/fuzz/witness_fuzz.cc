// Fuzz target: the witness's parsers (add-checkpoint request bodies, text/x.tlog.size answers,
// cosignature lines, cosignature counting on notes) never crash on arbitrary bytes, and what
// parses prints back to exactly the same bytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "ledger/cosignature.h"
#include "witness/protocol.h"

namespace {

// A fixed cosigner: the RFC 8032 TEST 1 key named "witness.example/w1" (the known-answer key
// of tests/unit/ledger/cosignature_test.cc); the seed corpus carries its cosignature.
const std::vector<battrace::ledger::Verifier>& FixedCosigners() {
  static const std::vector<battrace::ledger::Verifier> kCosigners = {
      *battrace::ledger::Verifier::Parse(
          "witness.example/w1+eb762cc2+BNdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea",
          battrace::ledger::KeyType::kCosignatureV1)};
  return kCosigners;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace battrace;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto request = witness::ParseAddCheckpoint(input); request.ok()) {
    if (witness::FormatAddCheckpoint(request->old_size, request->proof, request->note) != input) {
      std::abort();
    }
    (void)ledger::CountCosignatures(request->note, FixedCosigners());
  }
  if (auto size = witness::ParseTlogSize(input); size.ok()) {
    if (witness::FormatTlogSize(*size) != input) std::abort();
  }
  if (auto line = ledger::ParseCosignatureLine(input); line.ok()) {
    if (line->timestamp > ledger::kMaxCosignatureTime) std::abort();
  }
  (void)ledger::CountCosignatures(input, FixedCosigners());
  return 0;
}
