// Fuzz target: reading the audit head of a checkpoint body (the extension line
// "audit <seq> <base64 hash>", store/audit.h) never crashes on arbitrary bytes, and a head that
// is read prints back to exactly the audit line it was read from.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ledger/checkpoint.h"
#include "store/audit.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto body = battrace::ledger::Checkpoint::ParseBody(input);
  if (!body.ok()) return 0;
  auto head = battrace::store::AuditHeadOf(*body);
  if (!head.ok() || !*head) return 0;
  if ((*head)->seq == 0) std::abort();
  const std::string line = battrace::store::AuditHeadLine(**head);
  if (std::count(body->extensions.begin(), body->extensions.end(), line) != 1) std::abort();
  return 0;
}
